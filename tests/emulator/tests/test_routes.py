# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Route table versus the published spec, unknown routes, and request validation."""
from __future__ import annotations

import re
from pathlib import Path

import pytest

from bluexp_emulator import Emulator, EmulatorConfig, ManualClock
from bluexp_emulator.core.http import Request
from bluexp_emulator.core import spec as spec_module
from bluexp_emulator.core.spec import PRIMARY, SPEC_DIR_ENV, Spec
from bluexp_emulator.services.cbs.urls import PREFIX, ROUTES, route_table
from emulator_client import Client, error_body


def _operations(spec: Spec, tags: set[str]) -> set[tuple[str, str]]:
    doc = spec._doc(PRIMARY)
    assert doc is not None
    return {(method.upper(), path) for path, item in doc["paths"].items() for method, op in item.items()
            if isinstance(op, dict) and tags & set(op.get("tags", []))}


def test_every_served_cbs_route_exists_in_the_spec(spec: Spec) -> None:
    table = route_table()
    # The 79 operations of 2.0.6, plus 4.x: DELETE backup-policy, license validity, GET v2 sg and the
    # StorageGRID credential store (POST, PUT, DELETE).
    assert len(table) == len(set(table)) == 79 + 6
    missing = [f"{method} {template}" for method, template in table if not spec.has_operation(method, template)]
    assert missing == []
    assert all(template.startswith(PREFIX) for _method, template in table)


def test_every_backup_and_working_environment_operation_is_routed(spec: Spec) -> None:
    """All 38 operations of the two categories in the 2.0.6 spec, read from the spec itself."""
    operations = _operations(spec, {"Backup", "Working Environment"})
    assert len(operations) == 38
    assert sorted(operations - set(route_table())) == []


def test_every_restore_sfr_catalog_and_ransomware_operation_is_routed(spec: Spec) -> None:
    operations = _operations(spec, {"Restore", "SFR", "Catalog", "Ransomware Scan"})
    assert len(operations) == 18
    assert sorted(operations - set(route_table())) == []


def test_every_cloud_license_and_storagegrid_operation_is_routed(spec: Spec) -> None:
    operations = _operations(spec, {"Cloud", "License", "StorageGRID"})
    assert len(operations) == 16 + 1 + 4
    assert sorted(operations - set(route_table())) == []


def test_all_79_operations_of_the_spec_are_served(spec: Spec) -> None:
    everything = _operations(spec, {"Backup", "Working Environment", "Job", "Restore", "SFR", "Catalog",
                                    "Ransomware Scan", "Cloud", "License", "StorageGRID"})
    doc = spec._doc(PRIMARY)
    assert doc is not None
    every_operation = {(method.upper(), path) for path, item in doc["paths"].items() for method in item
                       if method in ("get", "post", "put", "delete", "patch")}
    assert everything == every_operation and len(everything) == 79
    served = everything & set(route_table())
    assert len(served) == 79  # 79 of 79
    assert sorted(everything - served) == []


def test_every_route_answers_something_else_than_route_not_found(client: Client) -> None:
    """Each template is reachable: with made-up ids the answer is a model 404/400, never the router's."""
    for method, template in route_table():
        path = re.sub(r"\{(\w+)\}", lambda m: client.account if m.group(1) == "accountId" else "x", template)
        result = client.request(method, path, token=client.token, x_agent_id=client.x_agent_id,
                                body={} if method in ("POST", "PUT") else None)
        assert result.status in (200, 400, 404), (method, template, result.body)
        assert result.body != error_body(404, "Not Found"), (method, template)


def test_route_counter_keys_drop_the_prefix() -> None:
    assert {route.key for route in ROUTES} >= {"GET /api/v1/job/{jobId}", "GET /api/v1/working-environment"}


@pytest.mark.parametrize("method,path", [
    ("GET", "/account/{account}/providers/cloudmanager_cbs/api/v9/job"),
    ("DELETE", "/account/{account}/providers/cloudmanager_cbs/api/v1/job"),
    ("GET", "/unknown"),
    ("GET", "/_emulator/unknown"),
])
def test_unknown_route_is_404_with_error_body(client: Client, method: str, path: str) -> None:
    result = client.request(method, path.format(account=client.account), token=client.token,
                            x_agent_id=client.x_agent_id)
    assert result.status == 404
    assert result.body == error_body(404, "Not Found")


def test_spec_validation_rejects_a_bad_query_value(client: Client, spec: Spec) -> None:
    result = client.cbs("/api/v1/backup/working-environment?partial=maybe")
    assert result.status == 400
    assert result.body["message"] == "query parameter 'partial': 'maybe' is not of type 'boolean'"


def test_invalid_json_body_is_400(client: Client) -> None:
    json_header = {"Content-Type": "application/json"}
    token = client.request("POST", "/oauth/token", raw=b"{nope", headers=json_header)
    assert token.status == 400 and token.body["error"] == "invalid_request"
    control = client.request("POST", "/_emulator/faults", raw=b"{nope", headers=json_header)
    assert control.body == error_body(400, "Invalid request payload JSON format")


def test_missing_spec_disables_validation(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv(SPEC_DIR_ENV, str(tmp_path))
    monkeypatch.setattr(spec_module, "_warned", False)
    assert Spec.load() is None
    assert "warning" in capsys.readouterr().err
    emulator = Emulator(EmulatorConfig(fleet_size=1), clock=ManualClock(), spec=None)
    account = emulator.tenancy.accounts[0]
    token = emulator.auth.exchange({"grant_type": "client_credentials", "client_id": "emulator-client-id",
                                    "client_secret": "emulator-client-secret",
                                    "audience": "https://api.cloud.netapp.com"})["access_token"]
    request = Request("GET", PREFIX.replace("{accountId}", account.id) + "/api/v1/job",
                      query={"status": ["COMPLETED"]},
                      headers={"authorization": f"Bearer {token}", "x-agent-id": account.connectors[0].x_agent_id})
    response = emulator.dispatch(request)
    assert response.status == 200 and response.body["job"]
