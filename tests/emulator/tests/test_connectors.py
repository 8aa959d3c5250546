# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Several accounts with several Connectors: each working environment is served only through its own."""
from __future__ import annotations

from typing import Any

import pytest

from emulator_client import Client


def _connectors(account: dict[str, Any]) -> dict[str, str]:
    """client id -> x-agent-id of the account's Connectors."""
    return {c["client_id"]: c["x-agent-id"] for c in account["connectors"]}


@pytest.mark.bluexp_emulator(accounts=2, connectors=3, fleet_size=9)
def test_connectors_hold_disjoint_sets_of_working_environments(client: Client) -> None:
    seen: set[str] = set()
    for account in client.state["accounts"]:
        by_connector: dict[str, set[str]] = {}
        for we in account["working_environments"]:
            by_connector.setdefault(we["connector_id"], set()).add(we["id"])
        assert set(by_connector) <= set(_connectors(account))
        for client_id, x_agent_id in _connectors(account).items():
            listed = client.cbs("/api/v1/working-environment", account=account["id"], x_agent_id=x_agent_id)
            backup = client.cbs("/api/v1/backup/working-environment", account=account["id"], x_agent_id=x_agent_id)
            assert listed.status == backup.status == 200
            ids = {we["id"] for we in listed.body["working-environment"]}
            assert ids == by_connector.get(client_id, set())
            assert {we["id"] for we in backup.body["working-environment"]} == ids
            assert not ids & seen
            seen |= ids
    assert len(seen) == 2 * 9


@pytest.mark.bluexp_emulator(accounts=1, connectors=3, fleet_size=6)
def test_cloud_working_environments_go_to_a_connector_of_their_cloud(client: Client) -> None:
    account = client.state["accounts"][0]
    provider_of = {c["client_id"]: c["name"].split("-")[1] for c in account["connectors"]}
    for we in account["working_environments"]:
        if we["provider"] != "ONPREM":
            assert provider_of[we["connector_id"]] == we["provider"].lower()


@pytest.mark.bluexp_emulator(accounts=1, connectors=2, fleet_size=4)
def test_another_connectors_working_environment_is_404(client: Client) -> None:
    account = client.state["accounts"][0]
    agents = _connectors(account)
    we = account["working_environments"][0]
    own = agents[we["connector_id"]]
    other = next(x for c, x in agents.items() if c != we["connector_id"])
    path = f"/api/v1/backup/working-environment/{we['id']}"
    assert client.cbs(path, x_agent_id=own).status == 200
    foreign = client.cbs(path, x_agent_id=other)
    assert foreign.status == 404
    assert foreign.body["message"] == f"Working environment {we['id']} not found"
    assert client.cbs(f"/api/v1/working-environment/{we['id']}/volume", x_agent_id=other).status == 404


@pytest.mark.bluexp_emulator(accounts=1, connectors=2, fleet_size=4)
def test_jobs_are_served_by_the_connector_of_their_working_environment(client: Client) -> None:
    account = client.state["accounts"][0]
    agents = _connectors(account)
    jobs = client.handle.control("GET", "/_emulator/jobs")["jobs"]
    job = next(j for j in jobs if j["account-id"] == account["id"])
    we_id = job["working-environment-id"]
    owner = next(we["connector_id"] for we in account["working_environments"] if we["id"] == we_id)
    other = next(x for c, x in agents.items() if c != owner)
    assert client.cbs(f"/api/v1/job/{job['id']}", x_agent_id=agents[owner]).status == 200
    assert client.cbs(f"/api/v1/job/{job['id']}", x_agent_id=other).status == 404
    own_list = client.cbs("/api/v1/job", x_agent_id=agents[owner]).body["job"]
    other_list = client.cbs("/api/v1/job", x_agent_id=other).body["job"]
    assert job["id"] in {j["id"] for j in own_list}
    assert job["id"] not in {j["id"] for j in other_list}


@pytest.mark.bluexp_emulator(accounts=2, connectors=2, fleet_size=3)
def test_connector_discovery_lists_each_accounts_own_connectors(client: Client) -> None:
    for account in client.state["accounts"]:
        occms = client.request("GET", f"/occm/list-occms/{account['id']}", token=client.token).body["occms"]
        assert [o["agent"]["agentId"] for o in occms] == [c["x-agent-id"] for c in account["connectors"]]
        assert {o["account"] for o in occms} == {account["id"]}
