# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the StorageGRID category (every 2.0.6 operation, plus the 4.x credential store)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.routing import cbs_route
from bluexp_emulator.services.cbs.storagegrid import responses as r

ROUTES = [
    cbs_route("POST", "/api/v1/sg/version", r.get_version),
    cbs_route("GET", "/api/v1/sg", r.list_grids),
    cbs_route("POST", "/api/v1/sg", r.discover),
    cbs_route("POST", "/api/v1/sg/credentials/working-environment/{workingEnvironmentId}", r.save_we_credentials),
    cbs_route("GET", "/api/v2/sg", r.list_stored),
    cbs_route("POST", "/api/v2/sg/credentials", r.store_credentials),
    cbs_route("PUT", "/api/v2/sg/credentials/{storageServerName}", r.update_credentials),
    cbs_route("DELETE", "/api/v2/sg/credentials/{storageServerName}", r.delete_credentials),
]
