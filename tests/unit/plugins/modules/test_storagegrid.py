# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.module_utils import basic

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import module_argument_spec
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome
from ansible_collections.bluexp.cloud_backup.plugins.modules import storagegrid
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, requests, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import (
    ADMIN_PASSWORD,
    SECRET_KEY,
    grid,
    install,
    leaked,
    load_spec,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    assert_no_secret,
    cbs_path,
    run_fail,
    run_ok,
)

main = storagegrid.main

NAME = "sg-dc1.storage.example.com"
GRID_ID = "sg-7f3a"
ADMIN = "10.20.0.10"
ACCESS_KEY = "SGKEY0123"
ONPREM_ID = "we-op"
ONPREM_NAME = "onprem-paris"

SG = cbs_path("v1", "sg")
STORE = cbs_path("v2", "sg")
STORE_CREATE = cbs_path("v2", "sg", "credentials")
WE_CREDENTIALS = cbs_path("v1", "sg", "credentials", "working-environment", ONPREM_ID)


def store_entry(name=NAME):
    return cbs_path("v2", "sg", "credentials", name)


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(ONPREM_ID, ONPREM_NAME, provider="ONPREM")
    api.discoverable[ADMIN] = grid(NAME, GRID_ID)
    return api


@pytest.fixture
def warnings(monkeypatch):
    """Every module.warn() message of the run."""
    seen = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, *a, **kw: seen.append(warning))
    return seen


def args(**extra):
    base = dict(name=NAME)
    base.update(extra)
    return module_args(**base)


def discovery(**extra):
    base = dict(admin_host=ADMIN, admin_username="root", admin_password=ADMIN_PASSWORD)
    base.update(extra)
    return args(**base)


def keys(**extra):
    base = dict(access_key=ACCESS_KEY, secret_key=SECRET_KEY)
    base.update(extra)
    return base


def sent_writes(api):
    return [(c.method, c.path, c.body) for c in writes(api)]


def view(name=NAME, grid_id=GRID_ID, discovered=True, port=10443, credentials=None):
    return {"name": name, "id": grid_id, "discovered": discovered, "storage_server": "{0}:{1}".format(name, port),
            "credentials": credentials or {}}


def assert_clean(result, warned=()):
    assert leaked(result) == [], "a StorageGRID secret leaked into the result"
    assert leaked(list(warned)) == [], "a StorageGRID secret leaked into a warning"
    assert_no_secret(result)


# --- discovery ------------------------------------------------------------------------------------

def test_discovers_a_grid_that_is_not_listed(api, clock, warnings):
    result = run_ok(main, discovery(_ansible_diff=True))
    assert sent_writes(api) == [("POST", SG, {"admin-host": ADMIN, "admin-username": "root",
                                              "admin-password": ADMIN_PASSWORD})]
    assert requests(api) == [("GET", SG), ("POST", SG), ("GET", SG)], "listed once more after the discovery"
    assert result["changed"] is True
    assert result["storagegrid"] == view()
    assert result["diff"] == {"before": view(grid_id=None, discovered=False), "after": view()}
    assert api.grids == [grid(NAME, GRID_ID)]
    assert clock.sleeps == [] and warnings == []
    assert_clean(result, warnings)

    api.calls.clear()
    again = run_ok(main, discovery())
    assert again["changed"] is False and writes(api) == []
    assert again["storagegrid"] == view()


@pytest.mark.parametrize("listed", [NAME, NAME.upper(), "Sg-Dc1.Storage.Example.Com"])
def test_a_listed_grid_is_not_discovered_again(api, listed):
    api.add_grid(listed, GRID_ID)
    result = run_ok(main, discovery(name=NAME, _ansible_diff=True))
    assert result["changed"] is False
    assert writes(api) == [] and requests(api) == [("GET", SG)]
    assert result["storagegrid"] == view(name=listed)
    assert result["diff"]["before"] == result["diff"]["after"]


def test_a_listed_grid_needs_no_admin_options(api):
    api.add_grid(NAME, GRID_ID)
    result = run_ok(main, args())
    assert result["changed"] is False and result["storagegrid"]["id"] == GRID_ID


def test_unlisted_grid_without_admin_host_fails_before_any_write(api):
    api.add_grid("sg-other.example.com", "sg-1")
    result = run_fail(main, args(**keys()))
    assert result["option"] == "admin_host"
    assert result["msg"].startswith("admin_host:") and NAME in result["msg"]
    assert writes(api) == []
    assert api.credential_store == {}


def test_discovery_in_check_mode_sends_no_write_and_predicts(api):
    result = run_ok(main, discovery(_ansible_check_mode=True, _ansible_diff=True, **keys()))
    assert writes(api) == []
    assert all(m == "GET" for m, _p in requests(api))
    assert result["changed"] is True
    assert result["storagegrid"] == view(grid_id=None, credentials={"account_store": "written"})
    assert result["diff"]["before"] == view(grid_id=None, discovered=False, credentials={"account_store": "absent"})
    assert api.grids == [] and api.credential_store == {}
    assert_clean(result)


def test_wait_polls_the_listing_until_the_grid_shows_up(api, clock):
    api.listing_delay = 2
    result = run_ok(main, discovery())
    assert requests(api) == [("GET", SG), ("POST", SG), ("GET", SG), ("GET", SG), ("GET", SG)]
    assert clock.sleeps == [1.0, 1.5], "the listing is polled with a growing interval"
    assert result["storagegrid"] == view()


def test_no_wait_returns_the_discovery_answer_without_listing(api, clock):
    api.listing_delay = 5
    result = run_ok(main, discovery(wait=False))
    assert requests(api) == [("GET", SG), ("POST", SG)]
    assert result["storagegrid"] == view() and clock.sleeps == []


def test_wait_timeout_fails_saying_what_was_awaited(api, clock):
    api.listing_delay = 1000
    result = run_fail(main, discovery(wait_timeout=5))
    assert "Timed out after 5 s" in result["msg"] and NAME in result["msg"]
    assert sum(clock.sleeps) == pytest.approx(5)
    assert [m for m, _p in requests(api)].count("POST") == 1, "the discovery is not sent again"
    assert_clean(result)


def test_discovered_under_another_name_warns(api, clock, warnings):
    listed_as = "sg-dc1-s3.internal.example.com"
    api.discoverable[ADMIN] = grid(listed_as, GRID_ID)
    result = run_ok(main, discovery())
    assert result["changed"] is True
    assert len(warnings) == 1
    assert listed_as in warnings[0] and NAME in warnings[0] and ADMIN in warnings[0]
    assert "name={0!r}".format(listed_as) in warnings[0]
    assert result["storagegrid"]["name"] == listed_as and result["storagegrid"]["id"] == GRID_ID
    assert result["storagegrid"]["storage_server"] == listed_as + ":10443"
    assert clock.sleeps == []
    assert_clean(result, warnings)


def test_a_failed_discovery_fails_with_the_api_message_and_no_secret(api):
    api.discoverable.clear()
    result = run_fail(main, discovery(**keys()))
    assert result["status"] == 400 and ADMIN in result["msg"]
    # The credential store and the grid list are read before the discovery is sent.
    assert [m for m, _p in requests(api)] == ["GET", "GET", "POST"]
    assert_clean(result)


def test_outcome_warn_goes_to_the_module():
    class Module:
        check_mode = False
        _diff = False

        def __init__(self):
            self.warned = []

        def warn(self, message):
            self.warned.append(message)

    module = Module()
    Outcome(module, "storagegrid").warn("listed as x")
    assert module.warned == ["listed as x"]


# --- the account's credential store -----------------------------------------------------------------

def test_credentials_go_into_the_store_when_it_does_not_list_the_grid(api):
    api.add_grid(NAME, GRID_ID)
    api.credential_store["sg-other.example.com"] = {}
    result = run_ok(main, args(_ansible_diff=True, **keys()))
    assert sent_writes(api) == [("POST", STORE_CREATE, {"storage-server-name": NAME, "port": "10443",
                                                        "access-key": ACCESS_KEY, "secret-password": SECRET_KEY})]
    assert ("GET", STORE) in requests(api)
    assert result["changed"] is True
    assert result["storagegrid"] == view(credentials={"account_store": "written"})
    assert result["diff"] == {"before": view(credentials={"account_store": "absent"}),
                              "after": view(credentials={"account_store": "written"})}
    assert_clean(result)

    api.calls.clear()
    again = run_ok(main, args(**keys()))
    assert again["changed"] is False and writes(api) == []
    assert again["storagegrid"]["credentials"] == {"account_store": "present"}


def test_store_credentials_carry_the_port_as_a_string(api):
    api.add_grid(NAME, GRID_ID)
    result = run_ok(main, args(port=8082, **keys()))
    [write] = writes(api)
    assert write.body["port"] == "8082"
    assert result["storagegrid"]["storage_server"] == NAME + ":8082"


@pytest.mark.parametrize("stored", [NAME, NAME.upper()])
def test_stored_credentials_are_kept_with_update_secret_on_create(api, stored):
    api.add_grid(NAME, GRID_ID)
    api.credential_store[stored] = {}
    result = run_ok(main, args(_ansible_diff=True, **keys()))
    assert result["changed"] is False and writes(api) == []
    assert result["storagegrid"]["credentials"] == {"account_store": "present"}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_update_secret_always_puts_the_stored_credentials(api):
    api.add_grid(NAME, GRID_ID)
    api.credential_store[NAME] = {"access-key": "OLD"}
    result = run_ok(main, args(update_secret="always", **keys()))
    body = {"port": "10443", "access-key": ACCESS_KEY, "secret-password": SECRET_KEY}
    assert sent_writes(api) == [("PUT", store_entry(), body)]
    assert result["changed"] is True
    assert result["storagegrid"]["credentials"] == {"account_store": "written"}
    assert api.credential_store[NAME]["access-key"] == ACCESS_KEY
    assert_clean(result)


def test_update_secret_always_in_check_mode_sends_no_write(api):
    api.add_grid(NAME, GRID_ID)
    api.credential_store[NAME] = {}
    result = run_ok(main, args(update_secret="always", _ansible_check_mode=True, **keys()))
    assert result["changed"] is True and writes(api) == []


def test_discovery_and_store_credentials_in_one_run(api):
    result = run_ok(main, discovery(**keys()))
    assert [(m, p) for m, p, _b in sent_writes(api)] == [("POST", SG), ("POST", STORE_CREATE)]
    assert writes(api)[1].body["storage-server-name"] == NAME
    assert result["storagegrid"] == view(credentials={"account_store": "written"})


def test_a_connector_without_the_credential_store_fails_naming_access_key(api):
    api.add_grid(NAME, GRID_ID)
    api.credential_store = None
    result = run_fail(main, args(**keys()))
    assert result["option"] == "access_key" and result["msg"].startswith("access_key:")
    assert "working environment" in result["msg"]
    assert writes(api) == []
    assert_clean(result)


def test_a_connector_without_the_credential_store_fails_before_discovering(api):
    api.credential_store = None
    result = run_fail(main, discovery(**keys()))
    assert result["option"] == "access_key"
    assert writes(api) == [], "the task fails, so it must not have discovered the grid"


# --- credentials of a working environment -------------------------------------------------------------

def test_on_create_keeps_the_credentials_of_an_environment_backing_up_to_the_grid(api):
    record = api.add_grid(NAME, GRID_ID)
    api.back_up_to_grid(ONPREM_ID, record)
    result = run_ok(main, args(working_environment_name=ONPREM_NAME, _ansible_diff=True, **keys()))
    assert result["changed"] is False and writes(api) == []
    assert ("GET", cbs_path("v1", "backup", "working-environment", ONPREM_ID)) in requests(api)
    assert result["working_environment_id"] == ONPREM_ID
    assert result["storagegrid"]["credentials"] == {"working_environment": "present"}
    assert result["diff"]["before"] == result["diff"]["after"]


def test_an_environment_backing_up_to_the_grid_by_server_address_counts(api):
    record = api.add_grid(NAME, GRID_ID)
    api.back_up_to_grid(ONPREM_ID, record, **{"storage-grid-id": None, "storage-server": NAME.upper() + ":10443"})
    result = run_ok(main, args(working_environment_id=ONPREM_ID, **keys()))
    assert result["changed"] is False and writes(api) == []


@pytest.mark.parametrize("activation", [
    None,
    {"provider": "AWS"},
    {"provider": "SGWS", "storage-grid-id": "sg-other", "storage-server": "sg-other.example.com:10443"},
    {"provider": "SGWS", "storage-grid-id": GRID_ID, "backup-enablement-status": "OFF"},
], ids=["not activated", "other provider", "other grid", "backup off"])
def test_on_create_for_an_environment_not_on_the_grid_fails_without_a_write(api, activation):
    api.add_grid(NAME, GRID_ID)
    if activation is not None:
        api.activate_environment(ONPREM_ID, **activation)
    result = run_fail(main, args(working_environment_name=ONPREM_NAME, **keys()))
    assert result["option"] == "update_secret" and result["msg"].startswith("update_secret:")
    assert ONPREM_NAME in result["msg"] and NAME in result["msg"]
    assert writes(api) == [] and api.we_credentials == {}
    assert_clean(result)


@pytest.mark.parametrize("port", [10443, 8082])
def test_update_secret_always_saves_the_environment_credentials(api, port):
    record = api.add_grid(NAME, GRID_ID)
    api.back_up_to_grid(ONPREM_ID, record)
    result = run_ok(main, args(working_environment_id=ONPREM_ID, update_secret="always", port=port,
                               _ansible_diff=True, **keys()))
    assert sent_writes(api) == [("POST", WE_CREDENTIALS, {"storage-server": "{0}:{1}".format(NAME, port),
                                                          "access-key": ACCESS_KEY, "secret-password": SECRET_KEY})]
    assert result["changed"] is True and result["working_environment_id"] == ONPREM_ID
    assert result["storagegrid"]["credentials"] == {"working_environment": "written"}
    assert result["diff"]["before"]["credentials"] == {"working_environment": "present"}
    assert_clean(result)


def test_update_secret_always_for_an_environment_in_check_mode_sends_no_write(api):
    api.add_grid(NAME, GRID_ID)
    result = run_ok(main, args(working_environment_name=ONPREM_NAME, update_secret="always",
                               _ansible_check_mode=True, **keys()))
    assert result["changed"] is True and writes(api) == [] and api.we_credentials == {}


def test_unknown_environment_fails_naming_it_without_a_write(api):
    api.add_grid(NAME, GRID_ID)
    result = run_fail(main, args(working_environment_name="onprem-pariss", update_secret="always", **keys()))
    assert result["option"] == "working_environment_name" and ONPREM_NAME in result["msg"]
    assert writes(api) == []


# --- state=absent ----------------------------------------------------------------------------------

def test_absent_deletes_the_stored_credentials(api):
    api.add_grid(NAME, GRID_ID)
    api.credential_store[NAME] = {}
    result = run_ok(main, args(state="absent", _ansible_diff=True))
    assert sent_writes(api) == [("DELETE", store_entry(), None)]
    assert result["changed"] is True
    assert result["storagegrid"]["credentials"] == {"account_store": "absent"}
    assert result["diff"]["before"]["credentials"] == {"account_store": "present"}
    assert api.credential_store == {}

    api.calls.clear()
    again = run_ok(main, args(state="absent"))
    assert again["changed"] is False and writes(api) == []


@pytest.mark.parametrize("store", [{}, {"sg-other.example.com": {}}, None], ids=["empty", "other grid", "no store"])
def test_absent_without_stored_credentials_changes_nothing(api, store):
    api.add_grid(NAME, GRID_ID)
    api.credential_store = store
    result = run_ok(main, args(state="absent"))
    assert result["changed"] is False and writes(api) == []


def test_absent_for_an_undiscovered_grid_with_stored_credentials(api):
    api.credential_store[NAME] = {}
    result = run_ok(main, args(state="absent"))
    assert sent_writes(api) == [("DELETE", store_entry(), None)]
    assert result["storagegrid"]["discovered"] is False and result["storagegrid"]["id"] is None


def test_absent_in_check_mode_sends_no_write(api):
    api.credential_store[NAME] = {}
    result = run_ok(main, args(state="absent", _ansible_check_mode=True))
    assert result["changed"] is True and writes(api) == [] and NAME in api.credential_store


# --- bad input ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("extra, option", [
    ({"name": "https://sg-dc1.storage.example.com"}, "name"),
    ({"name": "sg-dc1.storage.example.com:10443"}, "name"),
    ({"name": "sg-dc1.storage.example.com/s3"}, "name"),
    ({"name": "sg_dc1 storage"}, "name"),
    ({"port": 0}, "port"),
    ({"port": 65536}, "port"),
    ({"admin_host": "https://10.20.0.10", "admin_username": "root", "admin_password": ADMIN_PASSWORD},
     "admin_host"),
    ({"working_environment_name": ONPREM_NAME}, "access_key"),
    ({"state": "absent", "access_key": ACCESS_KEY, "secret_key": SECRET_KEY}, "state"),
    ({"state": "absent", "admin_host": ADMIN, "admin_username": "root", "admin_password": ADMIN_PASSWORD}, "state"),
], ids=["scheme", "port in name", "path", "not a host", "port 0", "port too big", "admin scheme",
        "environment without keys", "absent with keys", "absent with admin"])
def test_bad_input_fails_naming_the_option_before_any_request(api, extra, option):
    result = run_fail(main, args(**extra))
    assert result["option"] == option and result["msg"].startswith(option + ":")
    assert api.calls == []
    assert_clean(result)


def test_a_port_in_the_name_hints_at_the_port_option(api):
    result = run_fail(main, args(name="sg-dc1.storage.example.com:10443"))
    assert "port option" in result["msg"]


@pytest.mark.parametrize("extra, named", [
    ({"admin_host": ADMIN}, ("admin_host", "admin_username", "admin_password")),
    ({"admin_host": ADMIN, "admin_username": "root"}, ("admin_host", "admin_username", "admin_password")),
    ({"access_key": ACCESS_KEY}, ("access_key", "secret_key")),
    ({"secret_key": SECRET_KEY}, ("access_key", "secret_key")),
    ({"working_environment_id": ONPREM_ID, "working_environment_name": ONPREM_NAME},
     ("working_environment_id", "working_environment_name")),
], ids=["admin host alone", "admin without password", "access key alone", "secret alone", "both environments"])
def test_options_that_go_together_are_checked_before_any_request(api, extra, named):
    result = run_fail(main, args(**extra))
    for option in named:
        assert option in result["msg"]
    assert api.calls == []
    assert_clean(result)


# --- secrets -------------------------------------------------------------------------------------------

def test_secret_options_are_no_log():
    spec = module_argument_spec(storagegrid.ARGUMENT_SPEC)
    assert spec["admin_password"]["no_log"] is True
    assert spec["secret_key"]["no_log"] is True
    assert not spec["access_key"].get("no_log")


@pytest.mark.parametrize("scenario", ["discover and store", "store always", "environment always", "check mode",
                                      "renamed grid", "absent"])
def test_secrets_never_reach_the_result_diff_or_warnings(api, warnings, scenario):
    if scenario == "discover and store":
        given = discovery(**keys())
    elif scenario == "store always":
        api.add_grid(NAME, GRID_ID)
        api.credential_store[NAME] = {}
        given = args(update_secret="always", **keys())
    elif scenario == "environment always":
        given = discovery(working_environment_id=ONPREM_ID, update_secret="always", **keys())
    elif scenario == "check mode":
        given = discovery(_ansible_check_mode=True, **keys())
    elif scenario == "renamed grid":
        api.discoverable[ADMIN] = grid("sg-renamed.example.com", GRID_ID)
        given = discovery(**keys())
    else:
        api.credential_store[NAME] = {}
        given = args(state="absent")
    result = run_ok(main, dict(given, _ansible_diff=True))
    assert result["changed"] is True and "diff" in result
    assert_clean(result, warnings)
    if scenario != "absent" and scenario != "check mode":
        sent = [c.body for c in writes(api)]
        assert any(SECRET_KEY in str(b) for b in sent), "the secret did reach the API"


def test_every_request_is_an_operation_of_the_published_specs(api):
    spec = load_spec()
    record = api.add_grid("sg-other.example.com", "sg-1")
    api.back_up_to_grid(ONPREM_ID, record)
    run_ok(main, discovery(**keys()))
    run_ok(main, args(update_secret="always", **keys()))
    run_ok(main, args(working_environment_id=ONPREM_ID, update_secret="always", **keys()))
    run_ok(main, args(state="absent"))
    seen = set()
    for call in api.api_calls:
        found = spec.find(call.method, call.path)
        assert found is not None, "{0} {1} is no operation of the specs".format(call.method, call.path)
        seen.add((call.method, found[1].split("/api/", 1)[1]))
    assert seen >= {("POST", "v1/sg"), ("GET", "v1/sg"), ("GET", "v2/sg"), ("POST", "v2/sg/credentials"),
                    ("PUT", "v2/sg/credentials/{storageServerName}"),
                    ("DELETE", "v2/sg/credentials/{storageServerName}"),
                    ("POST", "v1/sg/credentials/working-environment/{workingEnvironmentId}")}
