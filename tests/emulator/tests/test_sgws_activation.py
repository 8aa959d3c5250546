# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup activation to StorageGRID: on-premises only, to a grid BlueXP has discovered."""
from __future__ import annotations

from typing import Any

import pytest

from backup_flow import WE_V1, Flow, manual
from emulator_client import error_body

V2 = "/api/v2/backup/working-environment/{we}"
V3 = "/api/v3/backup/working-environment/{we}"
CREDENTIALS = {"access-key": "AKIAGRID", "secret-password": "grid-secret"}
ADMIN = {"admin-username": "root", "admin-password": "emulator-sg-admin"}
pytestmark = manual()


def _v3(server: str, **sgws: Any) -> dict[str, Any]:
    return {"provider": "SGWS", "ip-space": "Default", "sgws": {"storage-server": server, **CREDENTIALS, **sgws}}


def _flat(server: str) -> dict[str, Any]:
    return {"provider": "SGWS", "ip-space": "Default", "bucket": "grid-bucket", "storage-server": server,
            **CREDENTIALS}


def _undiscovered(flow: Flow) -> Any:
    return next(g for g in flow.emulator.storage_grids.grids(flow.client.account) if not g.discovered)


@pytest.mark.parametrize("provider,block", [("SGWS", "sgws"), ("ONTAP_S3", "ontap-s3")])
def test_cloud_volumes_ontap_cannot_back_up_to_an_on_premises_store(flow: Flow, provider: str, block: str) -> None:
    we = flow.we("AWS")
    grid = flow.discovered_grid()
    result = flow.call("POST", V3, {"provider": provider, block: {"storage-server": grid.name, **CREDENTIALS}},
                       we=we.id)
    assert result.body == error_body(400, f"provider: {provider} is a backup target for on-premises ONTAP only; "
                                          f"working environment {we.id} is Cloud Volumes ONTAP on AWS")


def test_v1_refuses_storagegrid_for_cloud_volumes_ontap(flow: Flow) -> None:
    we = flow.we("AZURE")
    result = flow.call("POST", WE_V1, _flat(flow.discovered_grid().name), we=we.id)
    assert result.status == 400 and "on-premises ONTAP only" in result.body["message"]


@pytest.mark.parametrize("path,body,field", [
    (V3, _v3, "sgws.storage-server"), (V2, _flat, "storage-server"), (WE_V1, _flat, "storage-server"),
])
def test_storage_server_must_be_a_discovered_grid(flow: Flow, path: str, body: Any, field: str) -> None:
    we = flow.we("ONPREM")
    grid = _undiscovered(flow)
    result = flow.call("POST", path, body(grid.name), we=we.id)
    assert result.body == error_body(400, f"{field}: StorageGRID {grid.name} is not discovered in BlueXP; "
                                          "discover it first")
    unknown = flow.call("POST", path, body("sg.example.com"), we=we.id)
    assert unknown.body == error_body(400, f"{field}: StorageGRID server sg.example.com cannot be reached")
    assert flow.backup_view(we)["backup-enablement-status"] == "OFF"


def test_storage_grid_id_must_be_the_grid_s(flow: Flow) -> None:
    we = flow.we("ONPREM")
    grid = flow.discovered_grid()
    result = flow.call("POST", V3, _v3(grid.name, **{"storage-grid-id": "grid-1"}), we=we.id)
    assert result.body == error_body(400, f"sgws.storage-grid-id: 'grid-1' is not the id of StorageGRID "
                                          f"{grid.name} ({grid.id})")


def test_activation_without_grid_id_takes_the_grid_s(flow: Flow) -> None:
    we = flow.we("ONPREM")
    grid = flow.discovered_grid()
    assert flow.finish(flow.call("POST", V3, _v3(f"https://{grid.name}:{grid.s3_port}"), we=we.id))["status"] == (
        "COMPLETED")
    view = flow.backup_view(we)
    assert (view["provider"], view["storage-grid-id"], view["provider-account-id"]) == ("SGWS", grid.id, grid.id)
    assert view["storage-server"] == f"https://{grid.name}:{grid.s3_port}"  # as sent


def test_v1_activation_to_a_grid_discovered_meanwhile(flow: Flow) -> None:
    we = flow.we("ONPREM")
    grid = _undiscovered(flow)
    assert flow.call("POST", WE_V1, _flat(grid.name), we=we.id).status == 400
    assert flow.ok("POST", "/api/v1/sg", {"admin-host": grid.admin_ip, **ADMIN}) == {"name": grid.name, "id": grid.id}
    assert flow.ok("POST", WE_V1, _flat(grid.name), we=we.id) == {"state": "ON"}
    assert flow.backup_view(we)["storage-grid-id"] == grid.id


def test_credentials_in_the_body_are_still_required(flow: Flow) -> None:
    we = flow.we("ONPREM")
    body = _v3(flow.discovered_grid().name)
    del body["sgws"]["secret-password"]
    result = flow.call("POST", V3, body, we=we.id)
    assert result.body == error_body(400, "sgws.secret-password is required when the provider is SGWS")
