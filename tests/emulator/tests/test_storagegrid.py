# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""StorageGRID category: seeded grids, versions, discovery, saved and stored credentials, secrets."""
from __future__ import annotations

import json
import re
from typing import Any

import pytest

from bluexp_emulator import Emulator, EmulatorConfig, ManualClock
from bluexp_emulator.core.spec import FALLBACK, Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape, error_body

UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"
ADMIN = {"admin-username": "root", "admin-password": "emulator-sg-admin"}
WE_CREDENTIALS = "/api/v1/sg/credentials/working-environment/{we}"
SECRET = "tenant-secret-value"
pytestmark = pytest.mark.bluexp_emulator(clock=ManualClock())


def _grids(client: Client) -> list[dict[str, Any]]:
    return client.handle.state()["accounts"][0]["storagegrids"]  # type: ignore[no-any-return]


def _grid(client: Client, discovered: bool) -> dict[str, Any]:
    return next(grid for grid in _grids(client) if grid["discovered"] is discovered)


def _post(client: Client, path: str, body: Any) -> Any:
    return client.cbs(path, method="POST", body=body)


def _we(client: Client, provider: str) -> str:
    return next(we["id"] for we in client.state["accounts"][0]["working_environments"] if we["provider"] == provider)


def test_seeded_grids(client: Client) -> None:
    grids = _grids(client)
    assert len(grids) == 3 and [grid["discovered"] for grid in grids].count(True) == 1
    for grid in grids:
        assert re.fullmatch(r"sg-[a-z0-9]+\.storage\.example\.internal", grid["name"])
        assert grid["admin_host"] == grid["name"].replace(".", "-admin.", 1)
        assert re.fullmatch(r"10\.\d+\.\d+\.\d+", grid["admin_ip"]) and re.fullmatch(UUID, grid["id"])
        assert grid["s3_port"] == 10443 and re.fullmatch(r"11\.\d+\.0\.\d+", grid["version"])
        assert (grid["we_credentials"], grid["stored_credentials"]) == ({}, None)
    assert len({grid["version"] for grid in grids}) == 3
    assert {grid["certificate"] for grid in grids} == {"ca-signed", "self-signed"}


def test_version_of_any_grid_in_every_address_form(client: Client, spec: Spec) -> None:
    for grid in _grids(client):  # discovered or not
        for form in ("{name}", "{name}:10443", "https://{name}:10443", "https://{name}/", "{upper}"):
            server = form.format(name=grid["name"], upper=grid["name"].upper())
            result = _post(client, "/api/v1/sg/version", {"storage-server": server})
            assert (result.status, result.body) == (200, {"version": grid["version"]}), server
            assert_shape(spec, "POST", PREFIX + "/api/v1/sg/version", result.body)


def test_version_of_an_unreachable_server_is_400(client: Client) -> None:
    grid = _grid(client, True)
    for form in ("sg-nope.storage.example.internal", "{name}:443", "http://{name}:10443", "{name}/bucket",
                 "{admin_ip}"):
        server = form.format(**grid)
        result = _post(client, "/api/v1/sg/version", {"storage-server": server})
        assert result.body == error_body(400, f"StorageGRID server {server} cannot be reached")
    assert _post(client, "/api/v1/sg/version", {}).status == 400


def test_list_shows_the_discovered_grids(client: Client, spec: Spec) -> None:
    result = client.cbs("/api/v1/sg")
    assert_shape(spec, "GET", PREFIX + "/api/v1/sg", result.body)
    grid = _grid(client, True)
    assert result.body == {"sgws": [{"name": grid["name"], "id": grid["id"]}]}


def test_discover_then_list(client: Client, spec: Spec) -> None:
    first, second, third = _grids(client)
    found = _post(client, "/api/v1/sg", {"admin-host": second["admin_ip"], **ADMIN})
    assert (found.status, found.body) == (200, {"name": second["name"], "id": second["id"]})
    assert_shape(spec, "POST", PREFIX + "/api/v1/sg", found.body)
    by_fqdn = _post(client, "/api/v1/sg", {"admin-host": f"https://{third['admin_host'].upper()}", **ADMIN})
    assert by_fqdn.body == {"name": third["name"], "id": third["id"]}
    listed = client.cbs("/api/v1/sg").body["sgws"]
    assert listed == [{"name": grid["name"], "id": grid["id"]} for grid in (first, second, third)]
    again = _post(client, "/api/v1/sg", {"admin-host": second["admin_host"], **ADMIN})
    assert again.body == error_body(400, f"StorageGRID {second['name']} is already discovered (id {second['id']})")


def test_a_discovered_grid_is_listed_after_the_listing_delay(client: Client) -> None:
    client.handle.configure(listing_delay_s=30)
    grid = _grid(client, discovered=False)
    assert _post(client, "/api/v1/sg", {"admin-host": grid["admin_ip"], **ADMIN}).status == 200

    def listed() -> list[str]:
        return [found["name"] for found in client.cbs("/api/v1/sg").body["sgws"]]

    assert grid["name"] not in listed()
    stored = _post(client, "/api/v2/sg/credentials", {"storage-server-name": grid["name"], "port": "10443",
                                                      "access-key": "K", "secret-password": SECRET})
    assert stored.status == 200, "every other rule knows the grid at once"
    client.handle.emulator.clock.advance(30)
    assert grid["name"] in listed()


def test_discovery_errors(client: Client) -> None:
    grid = _grid(client, False)
    host = grid["admin_ip"]
    for change, message in (
        ({"admin-password": "wrong"}, f"Authentication with the StorageGRID admin node {host} failed"),
        ({"admin-username": "admin"}, f"Authentication with the StorageGRID admin node {host} failed"),
        ({"admin-host": "10.255.255.1"}, "StorageGRID admin node 10.255.255.1 cannot be reached"),
        ({"admin-host": f"{host}:8443"}, f"StorageGRID admin node {host}:8443 cannot be reached"),
    ):
        result = _post(client, "/api/v1/sg", {"admin-host": host, **ADMIN, **change})
        assert result.status == 400 and result.body["message"].startswith(message), result.body
    assert _grid(client, False)["id"] == grid["id"]  # still not discovered
    missing = _post(client, "/api/v1/sg", {"admin-host": grid["admin_ip"], "admin-username": "root"})
    assert missing.status == 400 and "admin-password" in missing.body["message"]  # the spec's words, or the model's
    assert "required" in missing.body["message"]


def test_saving_credentials_for_a_working_environment(client: Client, spec: Spec) -> None:
    grid, we = _grid(client, True), _we(client, "ONPREM")
    body = {"storage-server": f"{grid['name']}:10443", "access-key": "AK1", "secret-password": SECRET}
    result = _post(client, WE_CREDENTIALS.format(we=we), body)
    assert (result.status, result.body) == (200, {})
    assert_shape(spec, "POST", PREFIX + WE_CREDENTIALS.replace("{we}", "{workingEnvironmentId}"), result.body)
    assert _grid(client, True)["we_credentials"] == {we: {"access_key": "AK1", "updates": 1}}
    again = _post(client, WE_CREDENTIALS.format(we=we), {**body, "storage-server": grid["name"], "access-key": "AK2"})
    assert again.status == 200
    assert _grid(client, True)["we_credentials"] == {we: {"access_key": "AK2", "updates": 2}}


def test_saving_credentials_rules(client: Client) -> None:
    discovered, other = _grid(client, True), _grid(client, False)
    we = _we(client, "ONPREM")
    good = {"storage-server": discovered["name"], "access-key": "AK", "secret-password": SECRET}
    cases = [
        ("OnPremWorkingEnvironment-nope", good, 404, "Working environment OnPremWorkingEnvironment-nope not found"),
        (_we(client, "AWS"), good, 400, f"Working environment {_we(client, 'AWS')} is Cloud Volumes ONTAP on AWS; "
                                        "StorageGRID backs up on-premises ONTAP clusters only"),
        (we, {**good, "storage-server": other["name"]}, 400,
         f"storage-server: StorageGRID {other['name']} is not discovered in BlueXP; discover it first"),
        (we, {**good, "storage-server": "sg-nope.example.com"}, 400,
         "storage-server: StorageGRID server sg-nope.example.com cannot be reached"),
        (we, {**good, "storage-server": f"{discovered['name']}:443"}, 400,
         f"storage-server: StorageGRID server {discovered['name']}:443 cannot be reached"),
        (we, {**good, "access-key": ""}, 400, "access-key is required"),
        (we, {**good, "secret-password": ""}, 400, "secret-password is required"),
    ]
    for we_id, body, status, message in cases:
        assert _post(client, WE_CREDENTIALS.format(we=we_id), body).body == error_body(status, message)
    missing = _post(client, WE_CREDENTIALS.format(we=we), {"storage-server": discovered["name"], "access-key": "AK"})
    assert missing.status == 400 and "secret-password" in missing.body["message"]
    assert "required" in missing.body["message"]
    assert all(grid["we_credentials"] == {} for grid in _grids(client))  # nothing was written


def test_credential_store_lifecycle(client: Client, spec: Spec) -> None:
    grid = _grid(client, True)
    name = grid["name"]
    assert client.cbs("/api/v2/sg").body == {"ids": []}
    body = {"storage-server-name": name, "port": "10443", "access-key": "AK1", "secret-password": SECRET}
    created = _post(client, "/api/v2/sg/credentials", body)
    assert (created.status, created.body) == (200, {})
    assert_shape(spec, "POST", PREFIX + "/api/v2/sg/credentials", created.body, source=FALLBACK)
    listed = client.cbs("/api/v2/sg").body
    assert listed == {"ids": [name]}
    assert_shape(spec, "GET", PREFIX + "/api/v2/sg", listed, source=FALLBACK)
    assert _grid(client, True)["stored_credentials"] == {"port": "10443", "access_key": "AK1", "updates": 1}
    duplicate = _post(client, "/api/v2/sg/credentials", body)
    assert duplicate.body == error_body(409, f"Credentials for StorageGRID {name} already exist; update them with PUT")
    path = f"/api/v2/sg/credentials/{name.upper()}"
    updated = client.cbs(path, method="PUT", body={"access-key": "AK2", "port": "8082"})
    assert (updated.status, updated.body) == (200, {})
    assert _grid(client, True)["stored_credentials"] == {"port": "8082", "access_key": "AK2", "updates": 1}
    assert client.cbs(path, method="PUT", body={"secret-password": "rotated"}).status == 200
    assert _grid(client, True)["stored_credentials"] == {"port": "8082", "access_key": "AK2", "updates": 2}
    deleted = client.cbs(f"/api/v2/sg/credentials/{name}", method="DELETE")
    assert (deleted.status, deleted.body) == (204, None)
    assert client.cbs("/api/v2/sg").body == {"ids": []} and _grid(client, True)["stored_credentials"] is None
    for method, payload in (("PUT", {"access-key": "AK3"}), ("DELETE", None)):
        gone = client.cbs(f"/api/v2/sg/credentials/{name}", method=method, body=payload)
        assert gone.body == error_body(404, f"No credentials stored for StorageGRID {name}")


def test_credential_store_rules(client: Client) -> None:
    discovered, other = _grid(client, True), _grid(client, False)
    good = {"storage-server-name": discovered["name"], "port": "10443", "access-key": "AK", "secret-password": SECRET}
    for change, message in (
        ({"storage-server-name": other["name"]}, f"storage-server-name: {other['name']} is not a StorageGRID "
                                                 "discovered in BlueXP"),
        ({"storage-server-name": "sg-nope"}, "storage-server-name: sg-nope is not a StorageGRID discovered in BlueXP"),
        ({"port": "http"}, "port: 'http' is not a port number (1-65535)"),
        ({"port": "70000"}, "port: '70000' is not a port number (1-65535)"),
        ({"access-key": ""}, "access-key is required"),
    ):
        assert _post(client, "/api/v2/sg/credentials", {**good, **change}).body == error_body(400, message)
    as_number = _post(client, "/api/v2/sg/credentials", {**good, "port": 10443})
    assert as_number.status == 400 and "is not of type 'string'" in as_number.body["message"]  # a string per spec
    missing = _post(client, "/api/v2/sg/credentials", {k: v for k, v in good.items() if k != "port"})
    assert missing.status == 400 and "port" in missing.body["message"] and "required" in missing.body["message"]
    assert client.cbs("/api/v2/sg").body == {"ids": []}
    assert _post(client, "/api/v2/sg/credentials", good).status == 200
    empty = client.cbs(f"/api/v2/sg/credentials/{discovered['name']}", method="PUT", body={"secret-password": ""})
    assert empty.body == error_body(400, "secret-password must not be empty")
    assert _grid(client, True)["stored_credentials"]["updates"] == 1


def test_secrets_are_never_returned_nor_kept(client: Client) -> None:
    grid = _grid(client, False)
    seen = [_post(client, "/api/v1/sg", {"admin-host": grid["admin_ip"], **ADMIN}).body,
            _post(client, "/api/v1/sg", {"admin-host": grid["admin_ip"], "admin-username": "root",
                                         "admin-password": "typo-of-the-password"}).body,
            _post(client, WE_CREDENTIALS.format(we=_we(client, "ONPREM")),
                  {"storage-server": grid["name"], "access-key": "AK", "secret-password": SECRET}).body,
            _post(client, "/api/v2/sg/credentials", {"storage-server-name": grid["name"], "port": "10443",
                                                     "access-key": "AK", "secret-password": SECRET}).body,
            client.cbs(f"/api/v2/sg/credentials/{grid['name']}", method="PUT",
                       body={"secret-password": SECRET + "-2"}).body,
            client.cbs("/api/v1/sg").body, client.cbs("/api/v2/sg").body,
            client.handle.state(), client.handle.requests()]
    text = json.dumps(seen) + repr(client.handle.emulator.storage_grids.grids(client.account))
    for secret in ("emulator-sg-admin", "typo-of-the-password", SECRET):
        assert secret not in text
    logged = [entry["body"] for entry in client.handle.requests() if entry["body"]]
    assert all(body.get("admin-password", "<redacted>") == "<redacted>" for body in logged)
    assert all(body.get("secret-password", "<redacted>") == "<redacted>" for body in logged)


def test_grids_derive_from_the_seed() -> None:
    def grids(seed: int) -> list[str]:
        emulator = Emulator(EmulatorConfig(seed=seed, accounts=2), clock=ManualClock(), spec=None)
        return [repr(emulator.storage_grids.grids(account.id)) for account in emulator.tenancy.accounts]

    first = grids(5)
    assert first == grids(5) and first[0] != first[1] and first != grids(6)
