# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Access rules shared by every /account/{accountId}/providers/cloudmanager_cbs route.

Order: bearer token (401) -> account visible to the token (403) -> x-agent-id present (400)
-> x-agent-id is a connector of that account (403). The call is then served by that Connector,
which knows only its own working environments (the others are 404, and absent from lists).
"""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import BadRequest, Forbidden
from bluexp_emulator.core.http import Request

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def require_cbs_access(emulator: Emulator, request: Request) -> None:
    principal = emulator.auth.authenticate(request.header("authorization"))
    request.principal = principal
    account = emulator.tenancy.require_visible(principal, request.params["accountId"])
    x_agent_id = request.header("x-agent-id")
    if not x_agent_id or not x_agent_id.strip():
        raise BadRequest("Missing required header: x-agent-id")
    connector = emulator.tenancy.find_connector(account, x_agent_id)
    if connector is None:
        raise Forbidden(f"x-agent-id {x_agent_id.strip()} is not a connector of account {account.id}")
    # The call is served by that Connector: it sees only the working environments it manages.
    request.connector = connector.client_id
