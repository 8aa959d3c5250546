# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the License category (the 2.0.6 operation, plus the 4.x validity)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.licenses import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

_WE = "/api/v1/license/working-environment/{workingEnvironmentId}"

ROUTES = [
    cbs_route("GET", _WE, r.get_license),
    cbs_route("GET", _WE + "/validity", r.get_validity),
]
