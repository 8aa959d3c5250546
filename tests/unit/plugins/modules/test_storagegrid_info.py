# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import storagegrid_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, requests, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import install, load_spec
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply, run_fail, run_ok

main = storagegrid_info.main

SG = cbs_path("v1", "sg")
STORE = cbs_path("v2", "sg")
VERSION = cbs_path("v1", "sg", "version")
DC1 = "sg-dc1.storage.example.com"
DC2 = "sg-dc2.storage.example.com"
LAB = "sg-lab.example.com"


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_grid(DC1, "sg-1")
    api.add_grid(DC2, "sg-2")
    api.add_grid(LAB, "sg-3")
    api.credential_store[DC2] = {}
    api.versions.update({DC1 + ":10443": "11.8.0", DC2 + ":10443": "11.7.1", LAB + ":10443": "11.6.0",
                         DC1 + ":8082": "11.8.0-8082"})
    return api


def version_bodies(api):
    return sorted(c.body["storage-server"] for c in api.sent("POST", VERSION))


def test_lists_every_grid_with_its_stored_credentials(api):
    result = run_ok(main, module_args())
    assert result["changed"] is False
    assert result["storagegrids"] == [
        {"name": DC1, "id": "sg-1", "stored_credentials": False},
        {"name": DC2, "id": "sg-2", "stored_credentials": True},
        {"name": LAB, "id": "sg-3", "stored_credentials": False},
    ]
    assert requests(api) == [("GET", SG), ("GET", STORE)]
    assert "version" not in result
    assert writes(api) == []


@pytest.mark.parametrize("names, expected", [
    ([DC2], [DC2]),
    ([DC1.upper(), LAB], [DC1, LAB]),
    (["sg-nothing.example.com"], []),
], ids=["one", "case-insensitive", "none"])
def test_names_filter(api, names, expected):
    result = run_ok(main, module_args(names=names))
    assert [g["name"] for g in result["storagegrids"]] == expected


def test_name_alias(api):
    result = run_ok(main, module_args(name=[LAB]))
    assert [g["id"] for g in result["storagegrids"]] == ["sg-3"]


def test_no_grid_makes_no_credential_store_call(api):
    result = run_ok(main, module_args(names=["sg-nothing.example.com"]))
    assert result["storagegrids"] == [] and requests(api) == [("GET", SG)]


def test_versions_ask_each_grid_once_by_fqdn_and_port(api):
    result = run_ok(main, module_args(versions=True))
    assert version_bodies(api) == sorted([DC1 + ":10443", DC2 + ":10443", LAB + ":10443"])
    assert len(api.sent("POST", VERSION)) == 3
    versions = {g["name"]: g["version"] for g in result["storagegrids"]}
    assert versions == {DC1: "11.8.0", DC2: "11.7.1", LAB: "11.6.0"}
    assert result["changed"] is False


def test_versions_use_the_port_option(api):
    result = run_ok(main, module_args(versions=True, names=[DC1], port=8082))
    assert version_bodies(api) == [DC1 + ":8082"]
    assert result["storagegrids"][0]["version"] == "11.8.0-8082"


def test_versions_only_of_the_selected_grids(api):
    run_ok(main, module_args(versions=True, names=[DC2]))
    assert version_bodies(api) == [DC2 + ":10443"]


def test_no_version_call_without_versions(api):
    run_ok(main, module_args(names=[DC1]))
    assert api.sent("POST", VERSION) == []


@pytest.mark.parametrize("server", ["sg-new.example.com:10443", "sg-new.example.com", "10.0.0.5:10443"])
def test_version_of_an_undiscovered_server(api, server):
    api.versions[server] = "11.9.0"
    result = run_ok(main, module_args(version_of=server))
    assert result["version"] == "11.9.0"
    assert [c.body for c in api.sent("POST", VERSION)] == [{"storage-server": server}]
    assert result["storagegrids"][0]["name"] == DC1, "the listing is returned as well"


@pytest.mark.parametrize("server", ["sg new.example.com", "sg_new.example.com:10443", "a:b:c", "-bad.example.com",
                                    "https://"])
def test_bad_version_of_fails_before_any_call(api, server):
    result = run_fail(main, module_args(version_of=server))
    assert result["option"] == "version_of" and result["msg"].startswith("version_of:")
    assert api.calls == []


def test_stored_credentials_are_null_without_the_credential_store(api):
    api.credential_store = None
    result = run_ok(main, module_args())
    assert [g["stored_credentials"] for g in result["storagegrids"]] == [None, None, None]
    assert ("GET", STORE) in requests(api)


def test_a_failing_credential_store_is_not_taken_for_a_missing_one(api):
    api.add("GET", STORE, reply(500, {"message": "store unavailable"}))
    result = run_fail(main, module_args())
    assert result["status"] == 500 and "store unavailable" in result["msg"]


def test_a_failing_version_call_fails_the_task(api):
    api.versions.pop(LAB + ":10443")
    result = run_fail(main, module_args(versions=True))
    assert result["status"] == 400 and LAB in result["msg"]


def test_every_request_is_an_operation_of_the_published_specs(api):
    spec = load_spec()
    api.versions["sg-new.example.com:10443"] = "11.9.0"
    run_ok(main, module_args(versions=True, version_of="sg-new.example.com:10443"))
    for call in api.api_calls:
        assert spec.find(call.method, call.path) is not None, call.path
