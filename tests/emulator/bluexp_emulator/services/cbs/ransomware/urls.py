# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Ransomware Scan category."""
from __future__ import annotations

from bluexp_emulator.services.cbs.ransomware import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

ROUTES = [
    cbs_route("POST", "/api/v1/ransomware/working-environment/{workingEnvironmentId}/volume/{volumeId}"
                      "/snapshot/{snapshotId}", r.scan),
]
