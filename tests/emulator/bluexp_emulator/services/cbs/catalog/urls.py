# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Catalog category (every operation of the 2.0.6 spec)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.catalog import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

_WE = "/working-environments/{workingEnvironmentId}"

ROUTES = [
    cbs_route("PUT", "/api/v1/catalog" + _WE, r.set_state),
    cbs_route("POST", "/api/v1/catalog" + _WE + "/setup", r.setup),
    cbs_route("POST", "/api/v2/catalog" + _WE + "/setup", r.setup),
    cbs_route("POST", "/api/v1/catalog/search", r.search),
    cbs_route("POST", "/api/v1/catalog/snapshots", r.snapshots),
]
