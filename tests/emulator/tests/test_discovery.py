# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Account and connector discovery outside the cbs service."""
from __future__ import annotations

import pytest

from bluexp_emulator.core.spec import Spec
from emulator_client import Client, assert_shape


def test_tenancy_account_matches_spec(client: Client, spec: Spec) -> None:
    result = client.request("GET", "/tenancy/account", token=client.token)
    assert result.status == 200
    assert_shape(spec, "GET", "/tenancy/account", result.body)
    assert result.body[0]["accountPublicId"] == client.account


def test_list_occms_reports_connector_ids(client: Client) -> None:
    result = client.request("GET", f"/occm/list-occms/{client.account}?excludeStandalone=true&source=saas",
                            token=client.token)
    assert result.status == 200
    occm = result.body["occms"][0]
    assert occm["account"] == client.account and occm["status"] == "ready"
    assert occm["agent"]["agentId"] == client.x_agent_id
    assert occm["agentId"] + "clients" == client.x_agent_id and len(occm["agentId"]) == 32
    assert occm["createDate"].isdigit()
    assert {"occmName", "primaryCallbackUri", "manualOverrideUris", "automaticCallbackUris"} <= set(occm)
    assert {"useDockerInfra", "network", "name", "provider", "systemId"} <= set(occm["agent"])


@pytest.mark.bluexp_emulator(accounts=2, connectors=3, fleet_size=2)
def test_several_accounts_and_connectors_for_ambiguous_discovery(client: Client) -> None:
    accounts = client.request("GET", "/tenancy/account", token=client.token).body
    assert len(accounts) == 2
    for account in accounts:
        occms = client.request("GET", f"/occm/list-occms/{account['accountPublicId']}", token=client.token).body
        assert len(occms["occms"]) == 3
        assert len({o["agentId"] for o in occms["occms"]}) == 3


def test_list_occms_of_foreign_account_is_403(client: Client) -> None:
    assert client.request("GET", "/occm/list-occms/account-nope0000", token=client.token).status == 403
