# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Backup category (every operation of the 2.0.6 spec)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.backup import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

_WE = "/api/v1/backup/working-environment/{workingEnvironmentId}"
_WE_V2 = "/api/v2/backup/working-environment/{workingEnvironmentId}"
_WE_V3 = "/api/v3/backup/working-environment/{workingEnvironmentId}"
_VOLUME = _WE + "/volume/{volumeId}"

ROUTES = [
    cbs_route("GET", "/api/v1/backup/working-environment", r.list_working_environments),
    cbs_route("GET", _WE, r.get_working_environment),
    cbs_route("POST", _WE, r.activate_v1),
    cbs_route("PUT", _WE, r.modify_v1),
    cbs_route("DELETE", _WE, r.unregister),
    cbs_route("GET", _WE + "/status", r.get_working_environment_status),
    cbs_route("POST", _WE_V2, r.activate_v2),
    cbs_route("PUT", _WE_V2, r.modify_v2),
    cbs_route("POST", _WE_V3, r.activate_v3),
    cbs_route("DELETE", _WE_V2 + "/snapshot", r.delete_working_environment_snapshots),
    cbs_route("GET", _WE + "/volume", r.list_volumes),
    cbs_route("POST", _WE + "/volume", r.enable_volumes_v1),
    cbs_route("PUT", _WE + "/volume", r.modify_volumes),
    cbs_route("POST", _WE_V2 + "/volume", r.enable_volumes_v2),
    cbs_route("GET", _VOLUME, r.get_volume),
    cbs_route("POST", _VOLUME, r.enable_volume_v1),
    cbs_route("PUT", _VOLUME, r.modify_volume),
    cbs_route("DELETE", _VOLUME, r.remove_volume_backup),
    cbs_route("POST", _WE_V2 + "/volume/{volumeId}", r.enable_volume_v2),
    cbs_route("POST", _WE_V3 + "/volume/{volumeId}", r.enable_volume_v3),
    cbs_route("GET", _VOLUME + "/snapshot", r.list_snapshots),
    cbs_route("DELETE", _VOLUME + "/snapshot", r.delete_volume_snapshots),
    cbs_route("GET", _VOLUME + "/snapshot/{snapshotId}", r.get_snapshot),
    cbs_route("DELETE", _VOLUME + "/snapshot/{snapshotId}", r.delete_snapshot),
]
