# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Account visibility and x-agent-id rules of the cbs routes."""
from __future__ import annotations

import pytest

from emulator_client import Client, error_body


def test_account_not_visible_to_token_is_403(client: Client) -> None:
    result = client.cbs("/api/v1/working-environment", account="account-unknown1")
    assert result.status == 403
    assert result.body == error_body(403, "User is not allowed to do operation")


@pytest.mark.bluexp_emulator(accounts=2, fleet_size=3)
def test_service_account_sees_only_its_own_account(client: Client) -> None:
    second = client.state["accounts"][1]
    service_token = client.client_credentials_grant().body["access_token"]
    accounts = client.request("GET", "/tenancy/account", token=service_token).body
    assert [a["accountPublicId"] for a in accounts] == [client.account]
    denied = client.cbs("/api/v1/job", account=second["id"], x_agent_id=second["connectors"][0]["x-agent-id"],
                        token=service_token)
    assert denied.status == 403
    allowed = client.cbs("/api/v1/job", account=second["id"], x_agent_id=second["connectors"][0]["x-agent-id"])
    assert allowed.status == 200  # the user token sees every account


def test_missing_x_agent_id_is_400(client: Client) -> None:
    result = client.cbs("/api/v1/working-environment", x_agent_id=None)
    assert result.status == 400
    assert result.body == error_body(400, "Missing required header: x-agent-id")


@pytest.mark.bluexp_emulator(accounts=2, fleet_size=2)
def test_unknown_x_agent_id_is_403(client: Client) -> None:
    assert client.cbs("/api/v1/job", x_agent_id="ZZZZclients").status == 403
    foreign = client.state["accounts"][1]["connectors"][0]["x-agent-id"]
    result = client.cbs("/api/v1/job", x_agent_id=foreign)
    assert result.status == 403
    assert result.body["message"].startswith("x-agent-id ")


@pytest.mark.parametrize("with_suffix", [True, False])
def test_x_agent_id_with_or_without_clients_suffix(client: Client, with_suffix: bool) -> None:
    value = client.x_agent_id if with_suffix else client.x_agent_id.removesuffix("clients")
    assert client.cbs("/api/v1/working-environment", x_agent_id=value).status == 200


def test_auth_is_checked_before_x_agent_id(client: Client) -> None:
    assert client.cbs("/api/v1/job", token=None, x_agent_id=None).status == 401
    assert client.cbs("/api/v1/job", account="account-nope0000", x_agent_id=None).status == 403


def test_cache_control_header_is_accepted_and_counted(client: Client) -> None:
    result = client.cbs("/api/v1/working-environment", headers={"x-netapp-cache-control": "no-cache"})
    assert result.status == 200
    assert client.handle.counters()["cache_control"] == 1
    logged = client.handle.requests()[-1]
    assert logged["headers"]["x-netapp-cache-control"] == "no-cache"
