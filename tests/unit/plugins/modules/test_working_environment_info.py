# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
import responses

from bluexp_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN

from ansible_collections.bluexp.cloud_backup.plugins.modules import working_environment_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import API_URL as EMULATED_API
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import AUTH_URL as EMULATED_AUTH
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    API_URL,
    AUTH_URL,
    CONNECTOR,
    CREDENTIALS,
    ISSUED_TOKEN,
    STATIC_TOKEN,
    TOKEN_URL,
    assert_no_secret,
    cbs_path,
    reply,
    run_fail,
    run_ok,
)

MODULE = "working_environment_info"
main = working_environment_info.main

EMULATED_CREDENTIALS = {
    "token": {},
    "service account": {"token": None, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
    "refresh token": {"token": None, "refresh_token": DEFAULT_REFRESH_TOKEN},
}


@pytest.fixture
def fleet(emulator):
    """The seeded fleet by provider: aws and gcp have backup active, azure (Cloud Volumes ONTAP) and onprem not."""
    return {we["provider"].lower(): we for we in emulator.working_environments()}


@pytest.fixture
def paths(emulator):
    return {"we_list": emulator.cbs_path("v1", "working-environment"),
            "backup_list": emulator.cbs_path("v1", "backup", "working-environment")}


def called(emulator):
    return [path for _method, path in emulator.calls()]


def we_path(emulator, *segments):
    return emulator.cbs_path("v1", "working-environment", *segments)


def backup_path(emulator, *segments):
    return emulator.cbs_path("v1", "backup", "working-environment", *segments)


def ids(result):
    return [e["id"] for e in result["working_environments"]]


def assert_no_emulator_secret(emulator, value):
    dumped = json.dumps(value, default=repr)
    for secret in (DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, *emulator.emulator.auth.issued_tokens()):
        assert secret not in dumped, "a credential or token leaked"
    assert_no_secret(value)


def test_lists_every_environment_with_backup_status_in_two_calls(emulator, fleet, paths):
    result = emulator.run_ok(MODULE)
    assert result["changed"] is False
    assert ids(result) == [we["id"] for we in emulator.working_environments()]
    assert called(emulator) == [paths["we_list"], paths["backup_list"]]
    aws = result["working_environments"][0]
    record = emulator.api("GET", "v1", "working-environment", fleet["aws"]["id"])
    assert aws["ontap_version"] == record["ontap-version"] and aws["cluster_uuid"] == record["cluster-uuid"]
    assert aws["total_volumes_count"] == fleet["aws"]["volumes"]
    assert aws["backup"]["enabled"] is True
    assert aws["backup"]["backed_up_volume_count"] == fleet["aws"]["protected_volumes"]
    assert "provider_access_key" not in aws["backup"]
    by_id = {e["id"]: e for e in result["working_environments"]}
    assert by_id[fleet["azure"]["id"]]["backup"]["enabled"] is False
    assert by_id[fleet["onprem"]["id"]]["backup"]["enabled"] is False
    for entry in emulator.requests():
        assert entry["headers"]["x-agent-id"] == emulator.connector_id + "clients"
        assert entry["headers"]["authorization"] == "Bearer <redacted>"


@pytest.mark.parametrize("filters, expected", [
    ({"names": ["*-0[12]"]}, ["aws", "azure"]),
    ({"name": "gcp-fin-04"}, ["gcp"]),
    ({"names": ["aws-dr-01", "onprem-dev-03"]}, ["aws", "onprem"]),
    ({"providers": ["azure"]}, ["azure"]),
    ({"provider": "onprem"}, ["onprem"]),
    ({"names": ["*-0[12]"], "providers": ["AWS", "ONPREM"]}, ["aws"]),
], ids=["pattern", "alias name", "several names", "provider", "alias provider", "name and provider"])
def test_filters(emulator, fleet, filters, expected):
    assert ids(emulator.run_ok(MODULE, **filters)) == [fleet[p]["id"] for p in expected]


def test_one_match_reads_its_backup_status_alone(emulator, fleet, paths):
    emulator.run_ok(MODULE, names=["onprem-*"])
    assert called(emulator) == [paths["we_list"], backup_path(emulator, fleet["onprem"]["id"])]


def test_no_match_returns_an_empty_list_without_backup_calls(emulator, paths):
    result = emulator.run_ok(MODULE, names=["nothing-*"])
    assert result["working_environments"] == []
    assert called(emulator) == [paths["we_list"]]


def test_several_ids_cost_one_listing_and_one_backup_list(emulator, fleet, paths):
    given = [fleet["onprem"]["id"], fleet["aws"]["id"], fleet["onprem"]["id"]]
    result = emulator.run_ok(MODULE, working_environment_ids=given)
    assert ids(result) == given[:2], "in the order given, duplicates once"
    assert called(emulator) == [paths["we_list"], paths["backup_list"]]
    assert result["working_environments"][1]["backup"]["enabled"] is True
    assert "missing_working_environment_ids" not in result


def test_ignore_missing_returns_the_others_and_names_the_missing(emulator, fleet, paths):
    given = [fleet["aws"]["id"], "we-gone", fleet["onprem"]["id"]]
    result = emulator.run_ok(MODULE, working_environment_ids=given, ignore_missing=True, details=["volumes"])
    assert ids(result) == [given[0], given[2]]
    assert result["missing_working_environment_ids"] == ["we-gone"]
    assert all("volumes" in we for we in result["working_environments"])


def test_one_id_costs_one_call_per_category(emulator, fleet):
    result = emulator.run_ok(MODULE, working_environment_id=fleet["aws"]["id"])
    assert called(emulator) == [we_path(emulator, fleet["aws"]["id"]), backup_path(emulator, fleet["aws"]["id"])]
    assert result["working_environments"][0]["backup"]["enabled"] is True


def test_missing_id_fails_naming_it(emulator, fleet, paths):
    result = emulator.run_fail(MODULE, working_environment_ids=[fleet["aws"]["id"], "we-404"])
    assert "we-404" in result["msg"] and emulator.account_id in result["msg"]
    assert "working_environment_ids" in result["msg"]
    assert result["missing"] == ["we-404"]
    assert paths["backup_list"] not in called(emulator)


def test_backup_status_false_makes_no_backup_call(emulator, paths):
    result = emulator.run_ok(MODULE, backup_status=False)
    assert called(emulator) == [paths["we_list"]]
    assert all("backup" not in e for e in result["working_environments"])


@pytest.mark.parametrize("details, per_environment", [
    ([], []),
    (["svms"], ["v2/svm"]),
    (["ip_spaces"], ["ip-space"]),
    (["backup_policies"], ["backup-policy"]),
    (["svms", "ip_spaces", "backup_policies"], ["v2/svm", "ip-space", "backup-policy"]),
])
def test_details_are_only_fetched_when_asked(emulator, fleet, paths, details, per_environment):
    result = emulator.run_ok(MODULE, names=["*-0[12]"], details=details)
    calls = called(emulator)
    assert calls[:2] == [paths["we_list"], paths["backup_list"]]
    assert len(calls) == 2 + 2 * len(per_environment)
    for env in result["working_environments"]:
        for detail in ("volumes", "svms", "ip_spaces", "backup_policies"):
            assert (detail in env) is (detail in details)
    if "backup_policies" in details:
        listed = emulator.api("GET", "v1", "working-environment", fleet["aws"]["id"], "backup-policy")["backup-policy"]
        assert result["working_environments"][0]["backup_policies"][0]["attached_volumes_count"] == int(
            listed[0]["attached-volumes-count"])


def test_volumes_are_merged_with_backup_volume_info(emulator, fleet):
    result = emulator.run_ok(MODULE, names=["*-0[12]"], details=["volumes"])
    aws, azure = fleet["aws"]["id"], fleet["azure"]["id"]
    # aws-dr-01 has backup active: volumes and backup volumes. azure-dev-02 has it off: volumes only.
    assert sorted(called(emulator)[2:]) == sorted([
        we_path(emulator, aws, "volume"), backup_path(emulator, aws, "volume"), we_path(emulator, azure, "volume")])
    volumes = {v["name"]: v for v in result["working_environments"][0]["volumes"]}
    for seeded in fleet["aws"]["volume_list"]:
        backup = volumes[seeded["name"]]["backup"]
        assert backup["protected"] is (seeded["backup_status"] is not None)
        assert backup["backup_status"] == seeded["backup_status"]
    assert all(v["backup"] == {"protected": False, "backup_status": None}
               for v in result["working_environments"][1]["volumes"])


def test_unknown_detail_is_refused_by_the_argument_spec(emulator):
    result = emulator.run_fail(MODULE, details=["snapshots"])
    assert "details" in result["msg"]
    assert emulator.requests() == []


@pytest.mark.parametrize("status, message", [(403, "User is not allowed to do operation"),
                                             (500, "Connector unreachable")])
def test_api_error_fails_with_status_message_method_and_path(emulator, paths, status, message):
    emulator.add_fault(method="GET", path="/working-environment$", status=status, message=message)
    result = emulator.run_fail(MODULE)
    assert result["status"] == status
    assert result["method"] == "GET"
    assert result["path"] == paths["we_list"]
    assert message in result["msg"]
    assert "GET {0} failed with HTTP {1}".format(paths["we_list"], status) in result["msg"]
    assert "exception" not in result and "Traceback" not in result["msg"]


def test_an_account_the_token_does_not_see_fails_with_the_api_message(emulator):
    result = emulator.run_fail(MODULE, account_id="account-nothere")
    assert result["status"] == 403 and "User is not allowed to do operation" in result["msg"]


@pytest.mark.parametrize("overrides, option", [
    ({"api_url": "api.bluexp.netapp.com"}, "api_url"),
    ({"auth_url": "ftp://auth"}, "auth_url"),
    ({"timeout": 0}, "timeout"),
])
def test_bad_connection_option_fails_before_any_request(emulator, overrides, option):
    result = emulator.run_fail(MODULE, **overrides)
    assert result["msg"].startswith(option)
    assert result["option"] == option
    assert emulator.requests() == []


def test_no_credential_fails_naming_the_options(emulator):
    result = emulator.run_fail(MODULE, token=None)
    assert "refresh_token" in result["msg"] and "BLUEXP_REFRESH_TOKEN" in result["msg"]
    assert emulator.requests() == []


def token_exchanges(emulator):
    return [entry for entry in emulator.requests() if "oauth/token" in entry["route"]]


@pytest.mark.parametrize("kind", sorted(EMULATED_CREDENTIALS))
def test_result_never_contains_credentials_or_token(emulator, kind):
    result = emulator.run_ok(MODULE, details=["volumes", "backup_policies"], **EMULATED_CREDENTIALS[kind])
    assert len(result["working_environments"]) == 4
    assert_no_emulator_secret(emulator, result)
    assert len(token_exchanges(emulator)) == (0 if kind == "token" else 1), "one exchange for the whole run"


@pytest.mark.parametrize("kind", sorted(EMULATED_CREDENTIALS))
def test_failure_never_contains_credentials_or_token(emulator, kind):
    emulator.add_fault(method="GET", path="/working-environment$", status=401, message="token rejected")
    result = emulator.run_fail(MODULE, **EMULATED_CREDENTIALS[kind])
    assert result["status"] == 401
    assert_no_emulator_secret(emulator, result)


def test_token_endpoint_refusal_fails_without_the_secret(emulator):
    result = emulator.run_fail(MODULE, token=None, refresh_token="rt-unknown-SECRET")
    assert "HTTP 403" in result["msg"] and "Unknown or invalid refresh token." in result["msg"]
    assert [entry["route"] for entry in emulator.requests()] == ["POST /oauth/token"]
    assert "rt-unknown-SECRET" not in json.dumps(result)


def test_credentials_from_the_environment(emulator, monkeypatch):
    monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", DEFAULT_REFRESH_TOKEN)
    monkeypatch.setenv("BLUEXP_ACCOUNT_ID", emulator.account_id)
    monkeypatch.setenv("BLUEXP_CONNECTOR_ID", emulator.connector_id)
    monkeypatch.setenv("BLUEXP_API_URL", EMULATED_API)
    monkeypatch.setenv("BLUEXP_AUTH_URL", EMULATED_AUTH)
    result = run_ok(main, {})
    assert len(result["working_environments"]) == 4
    [exchange] = token_exchanges(emulator)
    assert exchange["body"]["grant_type"] == "refresh_token"
    assert all(entry["status"] == 200 for entry in emulator.requests())


def test_discovers_account_and_connector_when_not_given(emulator):
    result = emulator.run_ok(MODULE, account_id=None, connector_id=None)
    assert len(result["working_environments"]) == 4
    calls = called(emulator)
    assert calls[:2] == ["/tenancy/account", "/occm/list-occms/" + emulator.account_id]
    cbs = [entry for entry in emulator.requests() if "/cloudmanager_cbs/" in entry["path"]]
    assert cbs and all(entry["headers"]["x-agent-id"] == emulator.connector_id + "clients" for entry in cbs)


@pytest.mark.emulator(accounts=2)
def test_discovery_ambiguity_fails_listing_the_candidates(emulator):
    accounts = [a["id"] for a in emulator.state()["accounts"]]
    result = emulator.run_fail(MODULE, account_id=None, connector_id=None)
    assert all(a in result["msg"] for a in accounts) and "account_id" in result["msg"]
    assert result["accounts"] == accounts


def test_tls_options_reach_the_transport(emulator):
    emulator.run_ok(MODULE, validate_certs=False, ca_path="/etc/pki/ca.pem", names=["nothing"])
    assert emulator.transports_built[0]["validate_certs"] is False
    assert emulator.transports_built[0]["ca_path"] == "/etc/pki/ca.pem"
    assert emulator.transports_built[0]["user_agent"].startswith("bluexp.cloud_backup/")


# With backup_status=false the environment's backup state is unknown, so volumes must not be
# reported as unprotected: the backup volume list is read anyway.
def test_volumes_without_backup_status_do_not_claim_unprotected(emulator, fleet):
    result = emulator.run_ok(MODULE, names=["aws-dr-01"], backup_status=False, details=["volumes"])
    protected = {v["name"] for v in fleet["aws"]["volume_list"] if v["backup_status"]}
    for volume in result["working_environments"][0]["volumes"]:
        if volume["name"] in protected:
            assert volume.get("backup", {}).get("protected") is not False, volume["name"]


# --- conversations the emulator does not have ---------------------------------------------------------

def test_an_error_without_a_body_still_names_the_status(fake, module_transport):
    fake.add("GET", cbs_path("v1", "working-environment"), reply(400, None))
    result = run_fail(main, {"token": STATIC_TOKEN, "account_id": ACCOUNT, "connector_id": CONNECTOR})
    assert result["status"] == 400 and "HTTP 400" in result["msg"]


def test_end_to_end_over_the_real_http_stack(monkeypatch, retry_policy):
    # Only time is faked here: requests, the session and the adapters are the real ones.
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api

    we_list = cbs_path("v1", "working-environment")
    backup = {"id": "we-1", "name": "prod-east", "backup-enablement-status": "ON", "provider": "AWS"}
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN, "expires_in": 86400})
        mocked.add(responses.GET, API_URL + we_list, status=503, json={"message": "busy"})
        mocked.add(responses.GET, API_URL + we_list,
                   json={"working-environment": [{"id": "we-1", "name": "prod-east", "provider": "AWS"}]})
        mocked.add(responses.GET, API_URL + cbs_path("v1", "backup", "working-environment", "we-1"), json=backup)
        result = run_ok(main, dict(CREDENTIALS["service account"], account_id=ACCOUNT, connector_id=CONNECTOR,
                                   api_url=API_URL, auth_url=AUTH_URL, bypass_cache=True))
        calls = [(c.request.method, c.request.url.replace(API_URL, "")) for c in mocked.calls]
        api_request = mocked.calls[-1].request
    assert calls == [("POST", TOKEN_URL), ("GET", we_list), ("GET", we_list),
                     ("GET", cbs_path("v1", "backup", "working-environment", "we-1"))]
    assert api_request.headers["x-netapp-cache-control"] == "no-cache"
    assert api_request.headers["User-Agent"].startswith("bluexp.cloud_backup/")
    assert result["working_environments"][0]["backup"]["enabled"] is True
    assert_no_secret(result)


@pytest.mark.emulator(fleet_size=6, connectors=2)
def test_fleet_reads_each_connector_through_its_own_agent_with_one_token(emulator):
    """Each entry is read through its own Connector; records say which; one token serves all."""
    # Given as the Connector's client ID; read back as the x-agent-id the requests carried.
    agents = {c["client_id"]: c["x-agent-id"] for c in emulator.account["connectors"]}
    of_agent = {agent: client for client, agent in agents.items()}
    by_connector = {}
    for record in emulator.working_environments():
        client_id = record["connector_id"] if record["connector_id"] in agents else of_agent[record["connector_id"]]
        by_connector.setdefault(client_id, []).append(record["id"])
    assert len(by_connector) == 2
    entries = [{"account_id": emulator.account_id, "connector_id": connector, "working_environment_ids": ids}
               for connector, ids in by_connector.items()]
    emulator.clear_requests()
    result = emulator.run_ok(MODULE, fleet=entries + [{"working_environment_ids": []}], details=["volumes"])
    got = {(r["id"], r["connector_id"]) for r in result["working_environments"]}
    assert got == {(we_id, agents[connector]) for connector, ids in by_connector.items() for we_id in ids}
    assert {r["account_id"] for r in result["working_environments"]} == {emulator.account_id}
    assert len(result["working_environments"]) == len(emulator.working_environments())
    assert not any("token" in path for _method, path in emulator.calls())


def test_an_empty_fleet_reads_nothing(emulator):
    assert emulator.run_ok(MODULE, fleet=[])["working_environments"] == []
    assert emulator.calls() == []


# --- working_environment_name, as the other modules of the action group take it ---------------------------------

def test_working_environment_name_returns_that_one_environment(emulator, fleet):
    result = emulator.run_ok(MODULE, working_environment_name=fleet["gcp"]["name"])
    assert ids(result) == [fleet["gcp"]["id"]]
    assert result["working_environments"][0]["backup"]["enabled"] is True


def test_working_environment_name_is_exact_and_names_close_ones(emulator, fleet):
    result = emulator.run_fail(MODULE, working_environment_name=fleet["gcp"]["name"][:-1])
    assert result["option"] == "working_environment_name" and result["error_code"] == "working_environment_not_found"
    assert fleet["gcp"]["name"] in result["msg"]


def test_working_environment_name_with_another_provider_returns_nothing(emulator, fleet):
    result = emulator.run_ok(MODULE, working_environment_name=fleet["gcp"]["name"], providers=["AWS"])
    assert result["working_environments"] == []


@pytest.mark.parametrize("other", [
    {"working_environment_ids": ["we-1"]}, {"working_environment_id": "we-1"}, {"names": ["prod-*"]},
    {"fleet": [{"working_environment_ids": ["we-1"]}]}])
def test_working_environment_name_excludes_the_other_selections(emulator, fleet, other):
    result = emulator.run_fail(MODULE, working_environment_name=fleet["gcp"]["name"], **other)
    assert "mutually exclusive" in result["msg"] and "working_environment_name" in result["msg"]
    assert emulator.requests() == []


def test_module_defaults_of_the_group_can_name_the_working_environment(emulator, fleet):
    """The same argument set a group's module_defaults gives every module: the catalog module takes it too."""
    shared = {"working_environment_name": fleet["aws"]["name"]}
    assert ids(emulator.run_ok(MODULE, **shared)) == [fleet["aws"]["id"]]
    assert emulator.run_ok("catalog", _ansible_check_mode=True, **shared)["working_environment_id"] == fleet["aws"]["id"]
