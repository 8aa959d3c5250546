# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible.module_utils import basic

from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import module_argument_spec
from ansible_collections.bluexp.cloud_backup.plugins.modules import storagegrid
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    assert_no_secret,
    cbs_path,
    reply,
    run_ok,
)

MODULE = "storagegrid"
ACCESS_KEY = "SGKEY0123"
SECRET_KEY = "sg-s3-SECRET-90ab"
UNREACHABLE = "10.20.0.10"


@pytest.fixture
def known(emulator):
    """The grid the seeded account has discovered already."""
    return next(g for g in emulator.account["storagegrids"] if g["discovered"])


@pytest.fixture
def new(emulator):
    """A grid on the network that BlueXP has not discovered."""
    return next(g for g in emulator.account["storagegrids"] if not g["discovered"])


@pytest.fixture
def onprem(emulator):
    return emulator.working_environment(provider="ONPREM", backup_enabled=False)


@pytest.fixture
def paths(emulator, onprem):
    return {
        "sg": emulator.cbs_path("v1", "sg"),
        "store": emulator.cbs_path("v2", "sg"),
        "store_create": emulator.cbs_path("v2", "sg", "credentials"),
        "we_credentials": emulator.cbs_path("v1", "sg", "credentials", "working-environment", onprem["id"]),
        "backup": emulator.cbs_path("v1", "backup", "working-environment", onprem["id"]),
    }


@pytest.fixture
def warnings(monkeypatch):
    """Every module.warn() message of the run."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, *a, **kw: seen.append(warning))
    return seen


def admin(grid, **extra):
    return dict(dict(name=grid["name"], admin_host=grid["admin_host"], admin_username="root",
                     admin_password=ADMIN_PASSWORD), **extra)


def keys(**extra):
    return dict(dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY), **extra)


def view(grid, name=None, grid_id=True, discovered=True, port=10443, credentials=None):
    name = name or grid["name"]
    return {"name": name, "id": grid["id"] if grid_id else None, "discovered": discovered,
            "storage_server": "{0}:{1}".format(name, port), "credentials": credentials or {}}


def grid_state(emulator, grid):
    return next(g for g in emulator.account["storagegrids"] if g["id"] == grid["id"])


def writes(emulator):
    return [(entry["method"], entry["path"], entry["body"]) for entry in emulator.writes()]


def discover(emulator, grid):
    emulator.api("POST", "v1", "sg", json={"admin-host": grid["admin_host"], "admin-username": "root",
                                           "admin-password": ADMIN_PASSWORD})


def store(emulator, name, access_key="OLD"):
    emulator.api("POST", "v2", "sg", "credentials", json={"storage-server-name": name, "port": "10443",
                                                          "access-key": access_key, "secret-password": "old-secret"})


def back_up_to(emulator, we, grid, storage_server=None):
    emulator.api("POST", "v3", "backup", "working-environment", we["id"], json={
        "provider": "SGWS", "ip-space": "Default",
        "sgws": {"storage-server": storage_server or grid["name"] + ":10443", "access-key": "TENANT",
                 "secret-password": "tenant-secret"}})
    emulator.advance(60)  # the activation job completes


def assert_clean(emulator, result, warned=()):
    dumped = json.dumps([result, list(warned)], default=repr)
    for secret in (ADMIN_PASSWORD, SECRET_KEY, emulator.token):
        assert secret not in dumped, "a secret leaked into the result or a warning"
    assert_no_secret(result)


# --- discovery ------------------------------------------------------------------------------------

def test_discovers_a_grid_that_is_not_listed(emulator, new, paths, warnings):
    result = emulator.run_ok(MODULE, **admin(new, _ansible_diff=True))
    assert writes(emulator) == [("POST", paths["sg"], {"admin-host": new["admin_host"], "admin-username": "root",
                                                       "admin-password": "<redacted>"})]
    assert emulator.calls() == [("GET", paths["sg"]), ("POST", paths["sg"]), ("GET", paths["sg"])], \
        "listed once more after the discovery"
    assert result["changed"] is True
    assert result["storagegrid"] == view(new)
    assert result["diff"] == {"before": view(new, grid_id=False, discovered=False), "after": view(new)}
    assert grid_state(emulator, new)["discovered"] is True
    assert emulator.sleeps == [] and warnings == []
    assert_clean(emulator, result, warnings)

    emulator.clear_requests()
    again = emulator.run_ok(MODULE, **admin(new))
    assert again["changed"] is False and writes(emulator) == []
    assert again["storagegrid"] == view(new)


@pytest.mark.parametrize("spelling", [str.lower, str.upper, str.title])
def test_a_listed_grid_is_not_discovered_again(emulator, known, paths, spelling):
    result = emulator.run_ok(MODULE, **admin(known, name=spelling(known["name"]), _ansible_diff=True))
    assert result["changed"] is False
    assert writes(emulator) == [] and emulator.calls() == [("GET", paths["sg"])]
    assert result["storagegrid"] == view(known)
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_listed_grid_needs_no_admin_options(emulator, known):
    result = emulator.run_ok(MODULE, name=known["name"])
    assert result["changed"] is False and result["storagegrid"]["id"] == known["id"]


def test_unlisted_grid_without_admin_host_fails_before_any_write(emulator, new):
    result = emulator.run_fail(MODULE, name=new["name"], **keys())
    assert result["option"] == "admin_host"
    assert result["msg"].startswith("admin_host:") and new["name"] in result["msg"]
    assert writes(emulator) == []
    assert grid_state(emulator, new)["stored_credentials"] is None


def test_discovery_in_check_mode_sends_no_write_and_predicts(emulator, new):
    result = emulator.run_ok(MODULE, **admin(new, _ansible_check_mode=True, _ansible_diff=True, **keys()))
    assert writes(emulator) == []
    assert all(method == "GET" for method, _path in emulator.calls())
    assert result["changed"] is True
    assert result["storagegrid"] == view(new, grid_id=False, credentials={"account_store": "written"})
    assert result["diff"]["before"] == view(new, grid_id=False, discovered=False,
                                            credentials={"account_store": "absent"})
    state = grid_state(emulator, new)
    assert state["discovered"] is False and state["stored_credentials"] is None
    assert_clean(emulator, result)


def test_no_wait_returns_the_discovery_answer_without_listing(emulator, new, paths):
    result = emulator.run_ok(MODULE, **admin(new, wait=False))
    assert emulator.calls() == [("GET", paths["sg"]), ("POST", paths["sg"])]
    assert result["storagegrid"] == view(new) and emulator.sleeps == []


def test_discovered_under_another_name_warns(emulator, new, warnings):
    asked = "sg-s3-alias.example.com"
    result = emulator.run_ok(MODULE, **admin(new, name=asked))
    assert result["changed"] is True
    assert len(warnings) == 1
    assert new["name"] in warnings[0] and asked in warnings[0] and new["admin_host"] in warnings[0]
    assert "name={0!r}".format(new["name"]) in warnings[0]
    assert result["storagegrid"]["name"] == new["name"] and result["storagegrid"]["id"] == new["id"]
    assert result["storagegrid"]["storage_server"] == new["name"] + ":10443"
    assert emulator.sleeps == []
    assert_clean(emulator, result, warnings)


def test_a_failed_discovery_fails_with_the_api_message_and_no_secret(emulator, new):
    result = emulator.run_fail(MODULE, **admin(new, admin_host=UNREACHABLE, **keys()))
    assert result["status"] == 400 and UNREACHABLE in result["msg"]
    # The credential store and the grid list are read before the discovery is sent.
    assert [method for method, _path in emulator.calls()] == ["GET", "GET", "POST"]
    assert grid_state(emulator, new)["stored_credentials"] is None
    assert_clean(emulator, result)


def test_a_wrong_admin_password_fails_without_leaking_it(emulator, new):
    result = emulator.run_fail(MODULE, **admin(new, admin_password="wrong-SECRET-pw"))
    assert result["status"] == 400 and "invalid username or password" in result["msg"]
    assert "wrong-SECRET-pw" not in json.dumps(result)
    assert grid_state(emulator, new)["discovered"] is False


# --- the account's credential store -----------------------------------------------------------------

def test_credentials_go_into_the_store_when_it_does_not_list_the_grid(emulator, known, new, paths):
    discover(emulator, new)
    store(emulator, new["name"])
    result = emulator.run_ok(MODULE, name=known["name"], _ansible_diff=True, **keys())
    assert writes(emulator) == [("POST", paths["store_create"], {
        "storage-server-name": known["name"], "port": "10443", "access-key": ACCESS_KEY,
        "secret-password": "<redacted>"})]
    assert ("GET", paths["store"]) in emulator.calls()
    assert result["changed"] is True
    assert result["storagegrid"] == view(known, credentials={"account_store": "written"})
    assert result["diff"] == {"before": view(known, credentials={"account_store": "absent"}),
                              "after": view(known, credentials={"account_store": "written"})}
    assert grid_state(emulator, known)["stored_credentials"]["access_key"] == ACCESS_KEY
    assert_clean(emulator, result)

    emulator.clear_requests()
    again = emulator.run_ok(MODULE, name=known["name"], **keys())
    assert again["changed"] is False and writes(emulator) == []
    assert again["storagegrid"]["credentials"] == {"account_store": "present"}


def test_store_credentials_carry_the_port_as_a_string(emulator, known):
    result = emulator.run_ok(MODULE, name=known["name"], port=8082, **keys())
    [(_method, _path, body)] = writes(emulator)
    assert body["port"] == "8082"
    assert result["storagegrid"]["storage_server"] == known["name"] + ":8082"
    assert grid_state(emulator, known)["stored_credentials"]["port"] == "8082"


@pytest.mark.parametrize("spelling", [str.lower, str.upper])
def test_stored_credentials_are_kept_with_update_secret_on_create(emulator, known, spelling):
    store(emulator, spelling(known["name"]))
    result = emulator.run_ok(MODULE, name=known["name"], _ansible_diff=True, **keys())
    assert result["changed"] is False and writes(emulator) == []
    assert result["storagegrid"]["credentials"] == {"account_store": "present"}
    assert result["diff"]["before"] == result["diff"]["after"]
    assert grid_state(emulator, known)["stored_credentials"]["access_key"] == "OLD"


def test_update_secret_always_puts_the_stored_credentials(emulator, known):
    store(emulator, known["name"])
    result = emulator.run_ok(MODULE, name=known["name"], update_secret="always", **keys())
    assert writes(emulator) == [("PUT", emulator.cbs_path("v2", "sg", "credentials", known["name"]),
                                 {"port": "10443", "access-key": ACCESS_KEY, "secret-password": "<redacted>"})]
    assert result["changed"] is True
    assert result["storagegrid"]["credentials"] == {"account_store": "written"}
    assert grid_state(emulator, known)["stored_credentials"]["access_key"] == ACCESS_KEY
    assert_clean(emulator, result)


def test_update_secret_always_in_check_mode_sends_no_write(emulator, known):
    store(emulator, known["name"])
    result = emulator.run_ok(MODULE, name=known["name"], update_secret="always", _ansible_check_mode=True, **keys())
    assert result["changed"] is True and writes(emulator) == []
    assert grid_state(emulator, known)["stored_credentials"]["access_key"] == "OLD"


def test_discovery_and_store_credentials_in_one_run(emulator, new, paths):
    result = emulator.run_ok(MODULE, **admin(new, **keys()))
    assert [(method, path) for method, path, _body in writes(emulator)] == [
        ("POST", paths["sg"]), ("POST", paths["store_create"])]
    assert writes(emulator)[1][2]["storage-server-name"] == new["name"]
    assert result["storagegrid"] == view(new, credentials={"account_store": "written"})


def test_a_connector_without_the_credential_store_fails_naming_access_key(emulator, known):
    emulator.add_fault(method="GET", path="/api/v2/sg$", status=404, message="Not Found")
    result = emulator.run_fail(MODULE, name=known["name"], **keys())
    assert result["option"] == "access_key" and result["msg"].startswith("access_key:")
    assert "working environment" in result["msg"]
    assert writes(emulator) == []
    assert_clean(emulator, result)


def test_a_connector_without_the_credential_store_fails_before_discovering(emulator, new):
    emulator.add_fault(method="GET", path="/api/v2/sg$", status=404, message="Not Found")
    result = emulator.run_fail(MODULE, **admin(new, **keys()))
    assert result["option"] == "access_key"
    assert writes(emulator) == [], "the task fails, so it must not have discovered the grid"


# --- credentials of a working environment -------------------------------------------------------------

def test_on_create_keeps_the_credentials_of_an_environment_backing_up_to_the_grid(emulator, known, onprem, paths):
    back_up_to(emulator, onprem, known)
    result = emulator.run_ok(MODULE, name=known["name"], working_environment_name=onprem["name"], _ansible_diff=True,
                             **keys())
    assert result["changed"] is False and writes(emulator) == []
    assert ("GET", paths["backup"]) in emulator.calls()
    assert result["working_environment_id"] == onprem["id"]
    assert result["storagegrid"]["credentials"] == {"working_environment": "present"}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_an_environment_backing_up_to_the_grid_by_another_spelling_counts(emulator, known, onprem):
    back_up_to(emulator, onprem, known, storage_server=known["name"].upper() + ":10443")
    result = emulator.run_ok(MODULE, name=known["name"], working_environment_id=onprem["id"], **keys())
    assert result["changed"] is False and writes(emulator) == []


@pytest.mark.parametrize("case", ["not activated", "other provider", "other grid"])
def test_on_create_for_an_environment_not_on_the_grid_fails_without_a_write(emulator, known, new, onprem, case):
    we = onprem
    if case == "other provider":
        we = emulator.working_environment(provider="AWS", backup_enabled=True)
    elif case == "other grid":
        discover(emulator, new)
        back_up_to(emulator, onprem, new)
    result = emulator.run_fail(MODULE, name=known["name"], working_environment_name=we["name"], **keys())
    assert result["option"] == "update_secret" and result["msg"].startswith("update_secret:")
    assert we["name"] in result["msg"] and known["name"] in result["msg"]
    assert writes(emulator) == [] and grid_state(emulator, known)["we_credentials"] == {}
    assert_clean(emulator, result)


def test_update_secret_always_saves_the_environment_credentials(emulator, known, onprem, paths):
    back_up_to(emulator, onprem, known)
    result = emulator.run_ok(MODULE, name=known["name"], working_environment_id=onprem["id"], update_secret="always",
                             _ansible_diff=True, **keys())
    assert writes(emulator) == [("POST", paths["we_credentials"], {
        "storage-server": known["name"] + ":10443", "access-key": ACCESS_KEY, "secret-password": "<redacted>"})]
    assert result["changed"] is True and result["working_environment_id"] == onprem["id"]
    assert result["storagegrid"]["credentials"] == {"working_environment": "written"}
    assert result["diff"]["before"]["credentials"] == {"working_environment": "present"}
    assert grid_state(emulator, known)["we_credentials"][onprem["id"]]["access_key"] == ACCESS_KEY
    assert_clean(emulator, result)


def test_the_environment_credentials_carry_the_port_option(emulator, known, onprem):
    back_up_to(emulator, onprem, known)
    result = emulator.run_fail(MODULE, name=known["name"], working_environment_id=onprem["id"], update_secret="always",
                               port=8082, **keys())
    # The emulator's grids answer S3 on 10443 only: the address sent is the one the option gave.
    [(_method, _path, body)] = writes(emulator)
    assert body["storage-server"] == known["name"] + ":8082"
    assert result["status"] == 400 and known["name"] + ":8082" in result["msg"]


def test_update_secret_always_for_an_environment_in_check_mode_sends_no_write(emulator, known, onprem):
    result = emulator.run_ok(MODULE, name=known["name"], working_environment_name=onprem["name"],
                             update_secret="always", _ansible_check_mode=True, **keys())
    assert result["changed"] is True and writes(emulator) == []
    assert grid_state(emulator, known)["we_credentials"] == {}


def test_unknown_environment_fails_naming_it_without_a_write(emulator, known, onprem):
    result = emulator.run_fail(MODULE, name=known["name"], working_environment_name=onprem["name"] + "s",
                               update_secret="always", **keys())
    assert result["option"] == "working_environment_name" and onprem["name"] in result["msg"]
    assert writes(emulator) == []


# --- state=absent ----------------------------------------------------------------------------------

def test_absent_deletes_the_stored_credentials(emulator, known):
    store(emulator, known["name"])
    result = emulator.run_ok(MODULE, name=known["name"], state="absent", _ansible_diff=True)
    assert writes(emulator) == [("DELETE", emulator.cbs_path("v2", "sg", "credentials", known["name"]), None)]
    assert result["changed"] is True
    assert result["storagegrid"]["credentials"] == {"account_store": "absent"}
    assert result["diff"]["before"]["credentials"] == {"account_store": "present"}
    assert grid_state(emulator, known)["stored_credentials"] is None

    emulator.clear_requests()
    again = emulator.run_ok(MODULE, name=known["name"], state="absent")
    assert again["changed"] is False and writes(emulator) == []


@pytest.mark.parametrize("store_state", ["empty", "other grid", "no store"])
def test_absent_without_stored_credentials_changes_nothing(emulator, known, new, store_state):
    if store_state == "other grid":
        discover(emulator, new)
        store(emulator, new["name"])
    elif store_state == "no store":
        emulator.add_fault(method="GET", path="/api/v2/sg$", status=404, message="Not Found")
    result = emulator.run_ok(MODULE, name=known["name"], state="absent")
    assert result["changed"] is False and writes(emulator) == []


def test_absent_in_check_mode_sends_no_write(emulator, known):
    store(emulator, known["name"])
    result = emulator.run_ok(MODULE, name=known["name"], state="absent", _ansible_check_mode=True)
    assert result["changed"] is True and writes(emulator) == []
    assert grid_state(emulator, known)["stored_credentials"] is not None


# --- bad input ---------------------------------------------------------------------------------------

NAME = "sg-dc1.storage.example.com"


@pytest.mark.parametrize("extra, option", [
    ({"name": "https://sg-dc1.storage.example.com"}, "name"),
    ({"name": "sg-dc1.storage.example.com:10443"}, "name"),
    ({"name": "sg-dc1.storage.example.com/s3"}, "name"),
    ({"name": "sg_dc1 storage"}, "name"),
    ({"port": 0}, "port"),
    ({"port": 65536}, "port"),
    ({"admin_host": "https://10.20.0.10", "admin_username": "root", "admin_password": ADMIN_PASSWORD},
     "admin_host"),
    ({"working_environment_name": "onprem-paris"}, "access_key"),
    ({"state": "absent", "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}, "state"),
    ({"state": "absent", "admin_host": UNREACHABLE, "admin_username": "root", "admin_password": ADMIN_PASSWORD},
     "state"),
], ids=["scheme", "port in name", "path", "not a host", "port 0", "port too big", "admin scheme",
        "environment without keys", "absent with keys", "absent with admin"])
def test_bad_input_fails_naming_the_option_before_any_request(emulator, extra, option):
    result = emulator.run_fail(MODULE, **dict(dict(name=NAME), **extra))
    assert result["option"] == option and result["msg"].startswith(option + ":")
    assert emulator.requests() == []
    assert_clean(emulator, result)


def test_a_port_in_the_name_hints_at_the_port_option(emulator):
    result = emulator.run_fail(MODULE, name="sg-dc1.storage.example.com:10443")
    assert "port option" in result["msg"]


@pytest.mark.parametrize("extra, named", [
    ({"admin_host": UNREACHABLE}, ("admin_host", "admin_username", "admin_password")),
    ({"admin_host": UNREACHABLE, "admin_username": "root"}, ("admin_host", "admin_username", "admin_password")),
    ({"access_key": ACCESS_KEY}, ("access_key", "secret_key")),
    ({"secret_key": SECRET_KEY}, ("access_key", "secret_key")),
    ({"working_environment_id": "we-op", "working_environment_name": "onprem-paris"},
     ("working_environment_id", "working_environment_name")),
], ids=["admin host alone", "admin without password", "access key alone", "secret alone", "both environments"])
def test_options_that_go_together_are_checked_before_any_request(emulator, extra, named):
    result = emulator.run_fail(MODULE, **dict(dict(name=NAME), **extra))
    for option in named:
        assert option in result["msg"]
    assert emulator.requests() == []
    assert_clean(emulator, result)


# --- secrets -------------------------------------------------------------------------------------------

def test_secret_options_are_no_log():
    spec = module_argument_spec(storagegrid.ARGUMENT_SPEC)
    assert spec["admin_password"]["no_log"] is True
    assert spec["secret_key"]["no_log"] is True
    assert not spec["access_key"].get("no_log")


@pytest.mark.parametrize("scenario", ["discover and store", "store always", "environment always", "check mode",
                                      "renamed grid", "absent"])
def test_secrets_never_reach_the_result_diff_or_warnings(emulator, known, new, onprem, warnings, scenario):
    if scenario == "discover and store":
        given = admin(new, **keys())
    elif scenario == "store always":
        store(emulator, known["name"])
        given = dict(name=known["name"], update_secret="always", **keys())
    elif scenario == "environment always":
        discover(emulator, new)
        back_up_to(emulator, onprem, new)
        given = dict(name=new["name"], working_environment_id=onprem["id"], update_secret="always", **keys())
    elif scenario == "check mode":
        given = admin(new, _ansible_check_mode=True, **keys())
    elif scenario == "renamed grid":
        given = admin(new, name="sg-renamed.example.com", **keys())
    else:
        store(emulator, known["name"])
        given = dict(name=known["name"], state="absent")
    result = emulator.run_ok(MODULE, _ansible_diff=True, **given)
    assert result["changed"] is True and "diff" in result
    assert_clean(emulator, result, warnings)
    if scenario not in ("absent", "check mode"):
        assert any("secret-password" in (entry["body"] or {}) for entry in emulator.writes()), \
            "the secret did reach the API"


def test_every_request_is_an_operation_of_the_published_specs(emulator, known, new, onprem):
    back_up_to(emulator, onprem, known)
    emulator.run_ok(MODULE, **admin(new, **keys()))
    emulator.run_ok(MODULE, name=new["name"], update_secret="always", **keys())
    emulator.run_ok(MODULE, name=known["name"], working_environment_id=onprem["id"], update_secret="always", **keys())
    emulator.run_ok(MODULE, name=new["name"], state="absent")
    entries = emulator.requests()
    assert all(entry["status"] < 400 and "(unmatched)" not in entry["route"] for entry in entries)
    seen = {entry["route"] for entry in entries}
    assert seen >= {"POST /api/v1/sg", "GET /api/v1/sg", "GET /api/v2/sg", "POST /api/v2/sg/credentials",
                    "PUT /api/v2/sg/credentials/{storageServerName}",
                    "DELETE /api/v2/sg/credentials/{storageServerName}",
                    "POST /api/v1/sg/credentials/working-environment/{workingEnvironmentId}"}


# --- the grid list lags behind the discovery ------------------------------------------------------

@pytest.mark.emulator(listing_delay_s=2)
def test_wait_polls_the_listing_until_the_grid_shows_up(emulator, new, paths):
    result = emulator.run_ok(MODULE, **admin(new))
    assert emulator.calls() == [("GET", paths["sg"]), ("POST", paths["sg"]), ("GET", paths["sg"]),
                                ("GET", paths["sg"]), ("GET", paths["sg"])]
    assert emulator.sleeps == [1.0, 1.5], "the listing is polled with a growing interval"
    assert result["storagegrid"] == view(new)


@pytest.mark.emulator(listing_delay_s=1000)
def test_wait_timeout_fails_saying_what_was_awaited(emulator, new):
    result = emulator.run_fail(MODULE, **admin(new, wait_timeout=5))
    assert "Timed out after 5 s" in result["msg"] and new["name"] in result["msg"]
    assert sum(emulator.sleeps) == pytest.approx(5)
    assert [method for method, _path in emulator.calls()].count("POST") == 1, "the discovery is not sent again"
    assert_clean(emulator, result)


# --- answers the emulator does not give ---------------------------------------------------------
# The emulator always reports the grid id of a working environment's backup target, and keeps
# credentials of discovered grids only; BlueXP may not. These conversations are scripted.

GRID_ID = "sg-7f3a"
SG = cbs_path("v1", "sg")
STORE = cbs_path("v2", "sg")


def scripted_args(**extra):
    return dict(dict(token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR, name=NAME), **extra)


def test_an_environment_backing_up_to_the_grid_by_server_address_counts(fake, module_transport):
    we_id = "we-op"
    fake.add("GET", SG, reply(200, {"sgws": [{"name": NAME, "id": GRID_ID}]}))
    fake.add("GET", STORE, reply(200, {"ids": []}))
    fake.add("GET", cbs_path("v1", "working-environment", we_id),
             reply(200, {"id": we_id, "name": "onprem-paris", "type": "ON_PREM", "provider": "ONPREM"}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", we_id), reply(200, {
        "id": we_id, "name": "onprem-paris", "backup-enablement-status": "ON", "provider": "SGWS",
        "storage-server": NAME.upper() + ":10443"}))
    result = run_ok(storagegrid.main, scripted_args(working_environment_id=we_id, **keys()))
    assert result["changed"] is False
    assert all(c.method == "GET" for c in fake.api_calls)


def test_absent_for_an_undiscovered_grid_with_stored_credentials(fake, module_transport):
    fake.add("GET", SG, reply(200, {"sgws": []}))
    fake.add("GET", STORE, reply(200, {"ids": [NAME]}))
    fake.add("DELETE", cbs_path("v2", "sg", "credentials", NAME), reply(204))
    result = run_ok(storagegrid.main, scripted_args(state="absent"))
    assert [(c.method, c.path) for c in fake.api_calls if c.method != "GET"] == [
        ("DELETE", cbs_path("v2", "sg", "credentials", NAME))]
    assert result["storagegrid"]["discovered"] is False and result["storagegrid"]["id"] is None
