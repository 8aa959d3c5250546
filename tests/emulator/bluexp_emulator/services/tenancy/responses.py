# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /tenancy/account: parse, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def list_accounts(emulator: Emulator, request: Request) -> Response:
    assert request.principal is not None  # set by the bearer guard
    role = request.principal.role
    return json_response([account.to_dict(role) for account in emulator.tenancy.visible_accounts(request.principal)])
