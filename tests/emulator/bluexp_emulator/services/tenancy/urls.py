# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the tenancy service."""
from __future__ import annotations

from bluexp_emulator.core.router import Route
from bluexp_emulator.services.auth.access import require_bearer
from bluexp_emulator.services.tenancy import responses

ROUTES = [
    Route("GET", "/tenancy/account", responses.list_accounts, guard=require_bearer, validate=True),
]
