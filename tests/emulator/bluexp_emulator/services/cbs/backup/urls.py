# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Backup category (read side)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.backup import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

_WE = "/api/v1/backup/working-environment/{workingEnvironmentId}"
_VOLUME = _WE + "/volume/{volumeId}"

ROUTES = [
    cbs_route("GET", "/api/v1/backup/working-environment", r.list_working_environments),
    cbs_route("GET", _WE, r.get_working_environment),
    cbs_route("GET", _WE + "/status", r.get_working_environment_status),
    cbs_route("GET", _WE + "/volume", r.list_volumes),
    cbs_route("GET", _VOLUME, r.get_volume),
    cbs_route("GET", _VOLUME + "/snapshot", r.list_snapshots),
    cbs_route("GET", _VOLUME + "/snapshot/{snapshotId}", r.get_snapshot),
]
