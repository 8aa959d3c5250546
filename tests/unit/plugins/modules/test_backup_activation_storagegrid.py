# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""backup_activation with an on-premises object store: StorageGRID (SGWS) and ONTAP S3."""

from __future__ import annotations

import copy

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_activation, storagegrid
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, requests, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import (
    ADMIN_PASSWORD,
    SECRET_KEY,
    grid,
    install,
    leaked,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    assert_no_secret,
    cbs_path,
    reply,
    run_fail,
    run_ok,
)

main = backup_activation.main

WE_ID = "we-op"
WE_NAME = "onprem-paris"
NAME = "sg-dc1.storage.example.com"
GRID_ID = "sg-7f3a"
OTHER = "sg-dc2.storage.example.com"
OTHER_ID = "sg-2"
SERVER = NAME + ":10443"
SG = cbs_path("v1", "sg")
ACTIVATION = cbs_path("v3", "backup", "working-environment", WE_ID)
POLICY = {"name": "1-year", "rules": [{"label": "daily", "retention": 30}]}


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(WE_ID, WE_NAME, provider="ONPREM")
    api.add_grid(NAME, GRID_ID)
    api.add_grid(OTHER, OTHER_ID)
    return api


def sgws(**extra):
    base = dict(storage_server=SERVER, access_key="SGKEY", secret_password=SECRET_KEY)
    base.update(extra)
    return base


def args(provider="SGWS", **extra):
    base = dict(working_environment_name=WE_NAME, provider=provider, ip_space="Default", policy=POLICY)
    if provider == "SGWS":
        base["sgws"] = sgws()
    base.update(extra)
    return module_args(**base)


def assert_clean(result):
    assert leaked(result) == []
    assert_no_secret(result)


# --- StorageGRID --------------------------------------------------------------------------------------

def test_the_grid_is_found_from_the_storage_server_and_its_id_sent(api):
    result = run_ok(main, args())
    [write] = writes(api)
    assert (write.method, write.path) == ("POST", ACTIVATION)
    assert write.body["provider"] == "SGWS"
    assert write.body["sgws"] == {"storage-grid-id": GRID_ID, "storage-server": SERVER, "access-key": "SGKEY",
                                  "secret-password": SECRET_KEY}
    sent = requests(api)
    assert sent.index(("GET", SG)) < sent.index(("POST", ACTIVATION)), "checked before activating"
    assert result["changed"] is True and result["activation"]["provider"] == "SGWS"
    assert_clean(result)


@pytest.mark.parametrize("server", [NAME.upper() + ":10443", "https://{0}:10443/".format(NAME), NAME])
def test_the_grid_name_is_matched_by_host_case_insensitively(api, server):
    run_ok(main, args(sgws=sgws(storage_server=server)))
    [write] = writes(api)
    assert write.body["sgws"]["storage-grid-id"] == GRID_ID
    assert write.body["sgws"]["storage-server"] == server, "the address is sent as given"


def test_a_matching_storage_grid_id_is_kept(api):
    run_ok(main, args(sgws=sgws(storage_grid_id=GRID_ID)))
    assert writes(api)[0].body["sgws"]["storage-grid-id"] == GRID_ID


def test_check_mode_checks_the_grid_and_sends_no_write(api):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True and writes(api) == []
    assert ("GET", SG) in requests(api)
    assert result["activation"]["provider"] == "SGWS"
    assert_clean(result)


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_an_undiscovered_grid_fails_naming_sgws_before_any_write(api, check_mode):
    server = "sg-new.storage.example.com:10443"
    result = run_fail(main, args(sgws=sgws(storage_server=server), _ansible_check_mode=check_mode))
    assert result["option"] == "sgws" and result["msg"].startswith("sgws.storage_server:")
    assert server in result["msg"] and NAME in result["msg"] and OTHER in result["msg"]
    assert "bluexp.cloud_backup.storagegrid" in result["msg"]
    assert writes(api) == []
    assert_clean(result)


def test_no_discovered_grid_at_all(api):
    api.grids.clear()
    result = run_fail(main, args())
    assert result["option"] == "sgws" and "none" in result["msg"]
    assert writes(api) == []


def test_a_storage_grid_id_of_another_grid_fails(api):
    result = run_fail(main, args(sgws=sgws(storage_server=OTHER + ":10443", storage_grid_id=GRID_ID)))
    assert result["option"] == "sgws" and result["msg"].startswith("sgws.storage_grid_id:")
    assert GRID_ID in result["msg"] and OTHER in result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize("grid_id", [OTHER_ID, "sg-404"], ids=["id of a grid listed later", "unknown id"])
def test_a_storage_grid_id_that_is_not_the_named_grid_always_fails(api, grid_id):
    result = run_fail(main, args(sgws=sgws(storage_server=SERVER, storage_grid_id=grid_id)))
    assert result["option"] == "sgws"
    assert writes(api) == []


def test_an_environment_already_backing_up_is_not_checked_against_the_grids_again(api):
    api.back_up_to_grid(WE_ID, grid(NAME, GRID_ID))
    given = module_args(working_environment_name=WE_NAME, provider="SGWS",
                        sgws=sgws(storage_server="sg-gone.example.com:10443"))
    result = run_ok(main, given)
    assert result["changed"] is False and writes(api) == []
    assert ("GET", SG) not in requests(api)


def test_the_grid_listing_failing_fails_before_any_write(api):
    api.add("GET", SG, reply(500, {"message": "StorageGRID service unavailable"}))
    result = run_fail(main, args())
    assert result["status"] == 500 and writes(api) == []


def test_a_grid_discovered_by_the_storagegrid_module_activates(api):
    api.grids.clear()
    api.discoverable["10.20.0.10"] = grid(NAME, GRID_ID)
    registered = run_ok(storagegrid.main, module_args(name=NAME, admin_host="10.20.0.10", admin_username="root",
                                                      admin_password=ADMIN_PASSWORD))
    api.calls.clear()
    run_ok(main, args(sgws=sgws(storage_server=registered["storagegrid"]["storage_server"])))
    [write] = writes(api)
    assert write.body["sgws"]["storage-grid-id"] == registered["storagegrid"]["id"] == GRID_ID
    assert write.body["sgws"]["storage-server"] == SERVER


# --- what an on-premises object store needs ---------------------------------------------------------------

@pytest.mark.parametrize("provider, option", [("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3")])
@pytest.mark.parametrize("missing", ["storage_server", "access_key", "secret_password", "block"])
def test_a_missing_address_or_key_fails_naming_the_block_before_a_write(api, provider, option, missing):
    block = dict(storage_server="s3.example.test:443", access_key="KEY", secret_password=SECRET_KEY)
    if missing == "block":
        given = {}
    else:
        del block[missing]
        given = {option: block}
    result = run_fail(main, args(provider=provider, **dict({"sgws": None}, **given)))
    assert result["option"] == option
    if missing != "block":
        assert result["msg"].startswith("{0}.{1}:".format(option, missing))
    assert provider in result["msg"]
    assert writes(api) == [] and ("GET", SG) not in requests(api)
    assert_clean(result)


@pytest.mark.parametrize("provider, option", [("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3")])
def test_a_missing_field_fails_in_check_mode_too(api, provider, option):
    result = run_fail(main, args(provider=provider, _ansible_check_mode=True,
                                 **{"sgws": None, option: {"storage_server": "s3.example.test"}}))
    assert result["option"] == option and writes(api) == []


def test_ontap_s3_activation_carries_an_ontap_s3_block(api):
    result = run_ok(main, args(provider="ONTAP_S3", sgws=None,
                               ontap_s3=dict(storage_server="s3.example.test:443", access_key="S3KEY",
                                             secret_password=SECRET_KEY)))
    [write] = writes(api)
    assert write.body["provider"] == "ONTAP_S3"
    assert write.body["ontap-s3"] == {"storage-server": "s3.example.test:443", "access-key": "S3KEY",
                                      "secret-password": SECRET_KEY}
    assert "sgws" not in write.body and "ontap_s3" not in write.body
    assert ("GET", SG) not in requests(api), "ONTAP S3 needs no StorageGRID"
    assert_clean(result)


@pytest.mark.parametrize("provider, block", [("AWS", "aws"), ("AZURE", "azure"), ("GCP", "gcp")])
def test_cloud_providers_do_not_need_an_on_premises_block(api, provider, block):
    result = run_ok(main, args(provider=provider, sgws=None, region="r-1", _ansible_check_mode=True))
    assert result["changed"] is True and ("GET", SG) not in requests(api)


# --- the activation functions -----------------------------------------------------------------------------

def params(**given):
    base = {name: None for name in ("provider", "aws", "azure", "gcp", "sgws", "ontap_s3")}
    base.update(given)
    return base


@pytest.mark.parametrize("given", [
    params(provider="AWS"), params(provider="AZURE"), params(provider="GCP"), params(),
    params(provider="SGWS", sgws=sgws()),
    params(provider="ONTAP_S3", ontap_s3=sgws()),
])
def test_check_on_premises_target_accepts(given):
    act.check_on_premises_target(given)


@pytest.mark.parametrize("provider, option", [("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3")])
@pytest.mark.parametrize("field", ["storage_server", "access_key", "secret_password"])
def test_check_on_premises_target_names_the_first_missing_field(provider, option, field):
    block = dict(sgws(), **{field: ""})
    with pytest.raises(ConfigurationError) as info:
        act.check_on_premises_target(params(provider=provider, **{option: block}))
    assert info.value.details["option"] == option
    assert info.value.msg.startswith("{0}.{1}:".format(option, field))


def test_with_storagegrid_fills_the_id_without_changing_the_given_params(make_client, fake):
    fake.add("GET", SG, reply(200, {"sgws": [grid(OTHER, OTHER_ID), grid(NAME, GRID_ID)]}))
    given = params(provider="SGWS", sgws=sgws())
    before = copy.deepcopy(given)
    result = act.with_storagegrid(make_client(), given)
    assert result["sgws"] == dict(sgws(), storage_grid_id=GRID_ID)
    assert given == before
    assert [c.path for c in fake.api_calls] == [SG]


def test_with_storagegrid_refuses_an_undiscovered_grid(make_client, fake):
    fake.add("GET", SG, reply(200, {"sgws": [grid(OTHER, OTHER_ID)]}))
    with pytest.raises(ConfigurationError) as info:
        act.with_storagegrid(make_client(), params(provider="SGWS", sgws=sgws()))
    assert info.value.details["option"] == "sgws" and OTHER in info.value.msg and SERVER in info.value.msg
