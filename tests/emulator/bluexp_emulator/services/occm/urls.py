# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the OCCM connector-discovery service."""
from __future__ import annotations

from bluexp_emulator.core.router import Route
from bluexp_emulator.services.auth.access import require_bearer
from bluexp_emulator.services.occm import responses

ROUTES = [
    Route("GET", "/occm/list-occms/{accountId}", responses.list_connectors, guard=require_bearer),
]
