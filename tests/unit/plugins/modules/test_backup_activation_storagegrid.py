# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""backup_activation with an on-premises object store, StorageGRID (SGWS) and ONTAP S3, against the emulator."""

from __future__ import annotations

import json
import types

import pytest

from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_activation
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    cbs_path,
    reply,
    run_fail,
)

SECRET_KEY = "sg-s3-SECRET-90ab"
POLICY = {"name": "1-year", "rules": [{"label": "daily", "retention": 30}]}


@pytest.fixture
def fleet(emulator):
    """The on-premises working environment without backup; the grid the account has discovered, a second
    one discovered through the API, and a third one on the network that BlueXP has not discovered."""
    grids = sorted(emulator.account["storagegrids"], key=lambda g: g["discovered"], reverse=True)
    known, other, new = grids
    emulator.api("POST", "v1", "sg", json={"admin-host": other["admin_host"], "admin-username": "root",
                                           "admin-password": ADMIN_PASSWORD})
    we = emulator.working_environment(provider="ONPREM", backup_enabled=False)
    return types.SimpleNamespace(we=we, name=known["name"], grid_id=known["id"], server=known["name"] + ":10443",
                                 other=other["name"], other_id=other["id"], new=new)


def sgws(fleet, **extra):
    return dict(dict(storage_server=fleet.server, access_key="SGKEY", secret_password=SECRET_KEY), **extra)


def args(fleet, provider="SGWS", **extra):
    base = dict(working_environment_name=fleet.we["name"], provider=provider, ip_space="Default", policy=POLICY)
    if provider == "SGWS":
        base["sgws"] = sgws(fleet)
    base.update(extra)
    return base


def activation_path(emulator, fleet):
    return emulator.cbs_path("v3", "backup", "working-environment", fleet.we["id"])


def sg_read(emulator):
    return ("GET", emulator.cbs_path("v1", "sg"))


def assert_clean(emulator, result):
    dumped = json.dumps(result, default=repr)
    for secret in (SECRET_KEY, ADMIN_PASSWORD, emulator.token):
        assert secret not in dumped, "a secret leaked"


# --- StorageGRID --------------------------------------------------------------------------------------

def test_the_grid_is_found_from_the_storage_server_and_its_id_sent(emulator, fleet):
    result = emulator.run_ok("backup_activation", **args(fleet))
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", activation_path(emulator, fleet))
    assert write["body"]["provider"] == "SGWS"
    assert write["body"]["sgws"] == {"storage-grid-id": fleet.grid_id, "storage-server": fleet.server,
                                     "access-key": "SGKEY", "secret-password": "<redacted>"}
    sent = emulator.calls()
    assert sent.index(sg_read(emulator)) < sent.index(("POST", activation_path(emulator, fleet))), \
        "checked before activating"
    assert result["changed"] is True and result["activation"]["provider"] == "SGWS"
    assert_clean(emulator, result)


@pytest.mark.parametrize("form", ["upper case", "url", "bare name"])
def test_the_grid_name_is_matched_by_host_case_insensitively(emulator, fleet, form):
    server = {"upper case": fleet.name.upper() + ":10443", "url": "https://{0}:10443/".format(fleet.name),
              "bare name": fleet.name}[form]
    emulator.run_ok("backup_activation", **args(fleet, sgws=sgws(fleet, storage_server=server)))
    [write] = emulator.writes()
    assert write["body"]["sgws"]["storage-grid-id"] == fleet.grid_id
    assert write["body"]["sgws"]["storage-server"] == server, "the address is sent as given"


def test_a_matching_storage_grid_id_is_kept(emulator, fleet):
    emulator.run_ok("backup_activation", **args(fleet, sgws=sgws(fleet, storage_grid_id=fleet.grid_id)))
    assert emulator.writes()[0]["body"]["sgws"]["storage-grid-id"] == fleet.grid_id


def test_check_mode_checks_the_grid_and_sends_no_write(emulator, fleet):
    result = emulator.run_ok("backup_activation", **args(fleet, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True and emulator.writes() == []
    assert sg_read(emulator) in emulator.calls()
    assert result["activation"]["provider"] == "SGWS"
    assert_clean(emulator, result)


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_an_undiscovered_grid_fails_naming_sgws_before_any_write(emulator, fleet, check_mode):
    server = fleet.new["name"] + ":10443"
    result = emulator.run_fail("backup_activation", **args(fleet, sgws=sgws(fleet, storage_server=server),
                                                           _ansible_check_mode=check_mode))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "sgws" and result["msg"].startswith("sgws.storage_server:")
    assert server in result["msg"] and fleet.name in result["msg"] and fleet.other in result["msg"]
    assert "bluexp.cloud_backup.storagegrid" in result["msg"]
    assert emulator.writes() == []
    assert_clean(emulator, result)


def test_a_storage_grid_id_of_another_grid_fails(emulator, fleet):
    result = emulator.run_fail("backup_activation", **args(fleet, sgws=sgws(
        fleet, storage_server=fleet.other + ":10443", storage_grid_id=fleet.grid_id)))
    assert result["option"] == "sgws" and result["msg"].startswith("sgws.storage_grid_id:")
    assert fleet.grid_id in result["msg"] and fleet.other in result["msg"]
    assert emulator.writes() == []


@pytest.mark.parametrize("which", ["other", "unknown"], ids=["id of a grid listed later", "unknown id"])
def test_a_storage_grid_id_that_is_not_the_named_grid_always_fails(emulator, fleet, which):
    grid_id = fleet.other_id if which == "other" else "sg-404"
    result = emulator.run_fail("backup_activation", **args(fleet, sgws=sgws(fleet, storage_grid_id=grid_id)))
    assert result["option"] == "sgws"
    assert emulator.writes() == []


def test_an_environment_already_backing_up_is_not_checked_against_the_grids_again(emulator, fleet):
    emulator.api("POST", "v3", "backup", "working-environment", fleet.we["id"], json={
        "provider": "SGWS", "ip-space": "Default",
        "sgws": {"storage-server": fleet.server, "access-key": "SGKEY", "secret-password": SECRET_KEY}})
    emulator.advance(60)
    emulator.clear_requests()
    result = emulator.run_ok("backup_activation", working_environment_name=fleet.we["name"], provider="SGWS",
                             sgws=sgws(fleet, storage_server="sg-gone.example.com:10443"))
    assert result["changed"] is False and emulator.writes() == []
    assert sg_read(emulator) not in emulator.calls()


def test_the_grid_listing_failing_fails_before_any_write(emulator, fleet):
    emulator.add_fault(method="GET", path="/api/v1/sg$", status=500, message="StorageGRID service unavailable")
    result = emulator.run_fail("backup_activation", **args(fleet))
    assert result["status"] == 500 and "StorageGRID service unavailable" in result["msg"]
    assert emulator.writes() == []


def test_a_grid_discovered_by_the_storagegrid_module_activates(emulator, fleet):
    registered = emulator.run_ok("storagegrid", name=fleet.new["name"], admin_host=fleet.new["admin_host"],
                                 admin_username="root", admin_password=ADMIN_PASSWORD)
    emulator.clear_requests()
    server = registered["storagegrid"]["storage_server"]
    emulator.run_ok("backup_activation", **args(fleet, sgws=sgws(fleet, storage_server=server)))
    [write] = emulator.writes()
    assert write["body"]["sgws"]["storage-grid-id"] == registered["storagegrid"]["id"] == fleet.new["id"]
    assert write["body"]["sgws"]["storage-server"] == server
    assert emulator.working_environments(id=fleet.we["id"])[0]["backup_enabled"] is True


# --- what an on-premises object store needs ---------------------------------------------------------------

@pytest.mark.parametrize("provider, option", [("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3")])
@pytest.mark.parametrize("missing", ["storage_server", "access_key", "secret_password", "block"])
def test_a_missing_address_or_key_fails_naming_the_block_before_a_write(emulator, fleet, provider, option, missing):
    block = dict(storage_server="s3.example.test:443", access_key="KEY", secret_password=SECRET_KEY)
    if missing == "block":
        given = {}
    else:
        del block[missing]
        given = {option: block}
    result = emulator.run_fail("backup_activation", **args(fleet, provider=provider, **dict({"sgws": None}, **given)))
    assert result["error_code"] == "invalid_option" and result["option"] == option
    if missing != "block":
        assert result["msg"].startswith("{0}.{1}:".format(option, missing))
    assert provider in result["msg"]
    assert emulator.writes() == [] and sg_read(emulator) not in emulator.calls()
    assert_clean(emulator, result)


@pytest.mark.parametrize("provider, option", [("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3")])
def test_a_missing_field_fails_in_check_mode_too(emulator, fleet, provider, option):
    given = {"sgws": None, option: {"storage_server": "s3.example.test"}}
    result = emulator.run_fail("backup_activation", **args(fleet, provider=provider, _ansible_check_mode=True, **given))
    assert result["option"] == option and emulator.writes() == []


def test_ontap_s3_activation_carries_an_ontap_s3_block(emulator, fleet):
    result = emulator.run_ok("backup_activation", **args(
        fleet, provider="ONTAP_S3", sgws=None,
        ontap_s3=dict(storage_server="s3.example.test:443", access_key="S3KEY", secret_password=SECRET_KEY)))
    [write] = emulator.writes()
    assert write["body"]["provider"] == "ONTAP_S3"
    assert write["body"]["ontap-s3"] == {"storage-server": "s3.example.test:443", "access-key": "S3KEY",
                                         "secret-password": "<redacted>"}
    assert "sgws" not in write["body"] and "ontap_s3" not in write["body"]
    assert sg_read(emulator) not in emulator.calls(), "ONTAP S3 needs no StorageGRID"
    assert result["activation"]["provider"] == "ONTAP_S3"
    assert_clean(emulator, result)


@pytest.mark.parametrize("provider, block", [
    ("AWS", {"aws": {"account_id": "123456789012", "access_key": "AKIA1", "secret_password": SECRET_KEY}}),
    ("AZURE", {"azure": {"subscription": "3beb4dd0-25d4-464f-9bb0-303d7cf5c0c2"}}),
    ("GCP", {"gcp": {"project_id": "proj-1", "access_key": "GOOG1", "secret_password": SECRET_KEY}}),
], ids=["AWS", "AZURE", "GCP"])
def test_cloud_providers_do_not_need_an_on_premises_block(emulator, fleet, provider, block):
    result = emulator.run_ok("backup_activation", **args(fleet, provider=provider, sgws=None, region="r-1",
                                                         _ansible_check_mode=True, **block))
    assert result["changed"] is True and sg_read(emulator) not in emulator.calls()


# --- an account with no grid discovered -------------------------------------------------------------------
# The emulator's account always has one grid discovered (BlueXP offers no way to forget one), so an
# empty grid list is scripted.

def test_no_discovered_grid_at_all(fake, module_transport):
    we_id = "OnPremWorkingEnvironment-op1"
    fake.add("GET", cbs_path("v1", "working-environment"), reply(200, {"working-environment": [
        {"id": we_id, "name": "onprem-paris", "type": "ON_PREM", "provider": "ONPREM"}]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", we_id),
             reply(200, {"id": we_id, "name": "onprem-paris", "backup-enablement-status": "OFF"}))
    fake.add("GET", cbs_path("v1", "sg"), reply(200, {"sgws": []}))
    result = run_fail(backup_activation.main, dict(
        token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR, working_environment_name="onprem-paris",
        provider="SGWS", ip_space="Default", policy=POLICY,
        sgws=dict(storage_server="sg-dc1.storage.example.com:10443", access_key="SGKEY", secret_password=SECRET_KEY)))
    assert result["option"] == "sgws" and "none" in result["msg"]
    assert [c.method for c in fake.api_calls] == ["GET", "GET", "GET"]
