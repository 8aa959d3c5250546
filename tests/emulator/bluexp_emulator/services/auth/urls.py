# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token endpoints: Auth0's /oauth/token and the BlueXP proxy's /auth/oauth/token."""
from __future__ import annotations

from bluexp_emulator.core.router import Route
from bluexp_emulator.services.auth import responses

ROUTES = [
    Route("POST", "/oauth/token", responses.token, kind="token"),
    Route("POST", "/auth/oauth/token", responses.token, kind="token"),
]
