# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""POST /oauth/token and /auth/oauth/token: parse the form, exchange, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import OAuthError
from bluexp_emulator.core.http import Request, Response
from bluexp_emulator.services.auth.assertion import token_service_urls

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def token(emulator: Emulator, request: Request) -> Response:
    if request.body_error or not isinstance(request.body, dict):
        raise OAuthError(400, "invalid_request", "The request body must be a JSON object or a form")
    result = emulator.auth.exchange(request.body, token_service_urls(request.origin, request.path))
    return Response(200, result, {"Cache-Control": "no-store", "Pragma": "no-cache"})
