# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD

MODULE = "storagegrid_info"


@pytest.fixture
def grids(emulator):
    """Two discovered grids (the seeded one and one discovered here, with stored credentials) and one
    on the network that BlueXP does not know: {"dr": ..., "east": ..., "north": ...} by name."""
    by_name = {g["name"].split(".")[0][3:]: g for g in emulator.account["storagegrids"]}
    east = by_name["east"]
    emulator.api("POST", "v1", "sg", json={"admin-host": east["admin_host"], "admin-username": "root",
                                           "admin-password": ADMIN_PASSWORD})
    emulator.api("POST", "v2", "sg", "credentials", json={"storage-server-name": east["name"], "port": "10443",
                                                          "access-key": "K", "secret-password": "S"})
    return by_name


@pytest.fixture
def paths(emulator):
    return {"sg": emulator.cbs_path("v1", "sg"), "store": emulator.cbs_path("v2", "sg"),
            "version": emulator.cbs_path("v1", "sg", "version")}


def version_bodies(emulator):
    return sorted(entry["body"]["storage-server"] for entry in emulator.requests()
                  if entry["path"].endswith("/version"))


def test_lists_every_grid_with_its_stored_credentials(emulator, grids, paths):
    result = emulator.run_ok(MODULE)
    assert result["changed"] is False
    assert sorted(result["storagegrids"], key=lambda g: g["name"]) == [
        {"name": grids["dr"]["name"], "id": grids["dr"]["id"], "stored_credentials": False},
        {"name": grids["east"]["name"], "id": grids["east"]["id"], "stored_credentials": True},
    ]
    assert emulator.calls() == [("GET", paths["sg"]), ("GET", paths["store"])]
    assert "version" not in result
    assert emulator.writes() == []


@pytest.mark.parametrize("names, expected", [
    (["east"], ["east"]),
    (["DR", "east"], ["dr", "east"]),
    (["nothing"], []),
], ids=["one", "case-insensitive", "none"])
def test_names_filter(emulator, grids, names, expected):
    def fqdn(short):
        if short not in grids and short.lower() not in grids:
            return "sg-nothing.example.com"
        name = grids[short.lower()]["name"]
        return name.upper() if short.isupper() else name

    result = emulator.run_ok(MODULE, names=[fqdn(n) for n in names])
    assert sorted(g["name"] for g in result["storagegrids"]) == [grids[n]["name"] for n in expected]


def test_name_alias(emulator, grids):
    result = emulator.run_ok(MODULE, name=[grids["east"]["name"]])
    assert [g["id"] for g in result["storagegrids"]] == [grids["east"]["id"]]


def test_no_grid_makes_no_credential_store_call(emulator, grids, paths):
    result = emulator.run_ok(MODULE, names=["sg-nothing.example.com"])
    assert result["storagegrids"] == [] and emulator.calls() == [("GET", paths["sg"])]


def test_versions_ask_each_grid_once_by_fqdn_and_port(emulator, grids):
    result = emulator.run_ok(MODULE, versions=True)
    assert version_bodies(emulator) == sorted([grids["dr"]["name"] + ":10443", grids["east"]["name"] + ":10443"])
    versions = {g["name"]: g["version"] for g in result["storagegrids"]}
    assert versions == {grids["dr"]["name"]: grids["dr"]["version"], grids["east"]["name"]: grids["east"]["version"]}
    assert result["changed"] is False
    assert emulator.writes() == [], "asking a version is a POST that only reads"


def test_versions_use_the_port_option(emulator, grids):
    result = emulator.run_fail(MODULE, versions=True, names=[grids["dr"]["name"]], port=8082)
    assert version_bodies(emulator) == [grids["dr"]["name"] + ":8082"]
    # The emulator's grids answer S3 on 10443 only.
    assert result["status"] == 400 and grids["dr"]["name"] + ":8082" in result["msg"]


def test_versions_only_of_the_selected_grids(emulator, grids):
    emulator.run_ok(MODULE, versions=True, names=[grids["east"]["name"]])
    assert version_bodies(emulator) == [grids["east"]["name"] + ":10443"]


def test_no_version_call_without_versions(emulator, grids):
    emulator.run_ok(MODULE, names=[grids["dr"]["name"]])
    assert version_bodies(emulator) == []


@pytest.mark.parametrize("address", ["{0}:10443", "{0}", "https://{0}:10443"])
def test_version_of_an_undiscovered_server(emulator, grids, address):
    server = address.format(grids["north"]["name"])
    result = emulator.run_ok(MODULE, version_of=server)
    assert result["version"] == grids["north"]["version"]
    assert version_bodies(emulator) == [server]
    assert {g["name"] for g in result["storagegrids"]} == {grids["dr"]["name"], grids["east"]["name"]}, \
        "the listing is returned as well"


@pytest.mark.parametrize("server", ["sg new.example.com", "sg_new.example.com:10443", "a:b:c", "-bad.example.com",
                                    "https://"])
def test_bad_version_of_fails_before_any_call(emulator, server):
    result = emulator.run_fail(MODULE, version_of=server)
    assert result["option"] == "version_of" and result["msg"].startswith("version_of:")
    assert emulator.requests() == []


def test_stored_credentials_are_null_without_the_credential_store(emulator, grids, paths):
    emulator.add_fault(method="GET", path="/api/v2/sg$", status=404, message="Not Found")
    result = emulator.run_ok(MODULE)
    assert [g["stored_credentials"] for g in result["storagegrids"]] == [None, None]
    assert ("GET", paths["store"]) in emulator.calls()


def test_a_failing_credential_store_is_not_taken_for_a_missing_one(emulator, grids):
    emulator.add_fault(method="GET", path="/api/v2/sg$", status=500, message="store unavailable")
    result = emulator.run_fail(MODULE)
    assert result["status"] == 500 and "store unavailable" in result["msg"]


def test_a_failing_version_call_fails_the_task(emulator, grids):
    emulator.add_fault(method="POST", path="/sg/version$", status=400,
                       message="StorageGRID {0}:10443 cannot be reached".format(grids["east"]["name"]))
    result = emulator.run_fail(MODULE, versions=True)
    assert result["status"] == 400 and grids["east"]["name"] in result["msg"]


def test_every_request_is_an_operation_of_the_published_specs(emulator, grids):
    emulator.run_ok(MODULE, versions=True, version_of=grids["north"]["name"] + ":10443")
    entries = emulator.requests()
    assert entries and all(entry["status"] == 200 and "(unmatched)" not in entry["route"] for entry in entries)
