# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Restore category (every operation of the 2.0.6 spec)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.restore import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

ROUTES = [
    cbs_route("POST", "/api/v1/restore", r.restore_v1),
    cbs_route("POST", "/api/v2/restore", r.restore_v2),
    cbs_route("POST", "/api/v3/restore", r.restore_v3),
    cbs_route("GET", "/api/v1/restore/status", r.restore_status),
]
