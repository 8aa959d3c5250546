# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the SFR category (every operation of the 2.0.6 spec)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.routing import cbs_route
from bluexp_emulator.services.cbs.sfr import responses as r

_V1 = "/api/v1/sfr/volume/{volumeId}"
_V2 = "/api/v2/sfr/volume/{volumeId}"
_WE = "/api/v1/sfr/working-environment/{workingEnvironmentId}/volume/{volumeId}"

ROUTES = [
    cbs_route("POST", _V1 + "/file-explore/start", r.start_v1),
    cbs_route("POST", _V2 + "/file-explore/start", r.start_v2),
    cbs_route("POST", _WE + "/file-explore/start", r.start_we),
    cbs_route("GET", _V1 + "/file-explore/status", r.status),
    cbs_route("GET", _V2 + "/file-explore/status", r.status),
    cbs_route("GET", _V1 + "/snapshot/{snapshotId}/file-explore/list", r.list_v1),
    cbs_route("GET", _V2 + "/snapshot/{snapshotId}/file-explore/list", r.list_v2),
    cbs_route("GET", _WE + "/snapshot/{snapshotId}/file-explore/list", r.list_we),
]
