# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request log content, redaction and counters."""
from __future__ import annotations

import json

from emulator_client import Client


def test_request_log_never_contains_a_token_or_secret(client: Client) -> None:
    user = client.refresh_grant().body
    service = client.client_credentials_grant(path="/auth/oauth/token").body
    client.client_credentials_grant(client_secret="wrong-secret-value")
    client.cbs("/api/v1/working-environment", headers={"X-User-Token": f"Bearer {user['access_token']}"})
    client.cbs(f"/api/v1/job?note={service['access_token']}", token=service["access_token"])
    log = client.handle.requests()
    text = json.dumps(log)
    secrets = [client.credentials["refresh_token"], client.credentials["client_secret"], "wrong-secret-value",
               user["access_token"], user["id_token"], service["access_token"]]
    assert not [secret for secret in secrets if secret in text]
    authorizations = {entry["headers"].get("authorization") for entry in log} - {None}
    assert authorizations == {"Bearer <redacted>"}
    assert log[0]["body"]["refresh_token"] == "<redacted>"
    assert log[0]["body"]["client_id"]  # non-secret fields stay readable
    issued = client.handle.issued_tokens()
    assert {user["access_token"], user["id_token"], service["access_token"]} <= set(issued)


def test_request_log_entry_fields(client: Client) -> None:
    client.cbs("/api/v1/working-environment?partial=true&partial=false")
    entry = client.handle.requests()[-1]
    assert entry["method"] == "GET"
    assert entry["path"].endswith("/api/v1/working-environment")
    assert entry["query"] == {"partial": ["true", "false"]}
    assert entry["headers"]["x-agent-id"] == client.x_agent_id
    assert all(name == name.lower() for name in entry["headers"])
    assert entry["body"] is None and entry["status"] == 200 and isinstance(entry["time"], int)
    assert entry["route"] == "GET /api/v1/working-environment"


def test_counters_by_route_and_grant(client: Client) -> None:
    client.refresh_grant(path="/auth/oauth/token")
    client.client_credentials_grant()
    for _attempt in range(3):
        client.cbs("/api/v1/job/unknown")
    client.request("GET", "/nowhere")
    counters = client.handle.counters()
    assert counters["token_exchanges"] == 3  # the third refresh grant is the client's own, for cbs()
    assert counters["token_exchanges_by_grant"] == {"refresh_token": 2, "client_credentials": 1}
    assert counters["by_route"]["GET /api/v1/job/{jobId}"] == 3
    assert counters["by_route"]["GET (unmatched)"] == 1
    assert counters["requests"] == 7 and counters["by_status"]["404"] == 4


def test_log_and_counters_can_be_cleared(client: Client) -> None:
    client.cbs("/api/v1/job")
    assert client.handle.control("DELETE", "requests")["deleted"] == 2
    assert client.handle.requests() == []
    assert client.handle.counters()["requests"] == 2
    assert client.handle.control("DELETE", "counters")["requests"] == 0
