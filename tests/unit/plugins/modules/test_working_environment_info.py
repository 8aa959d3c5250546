# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import responses

from ansible_collections.bluexp.cloud_backup.plugins.modules import working_environment_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    AGENT_HEADER,
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
    token_reply,
)

main = working_environment_info.main

WE_LIST = cbs_path("v1", "working-environment")
BACKUP_LIST = cbs_path("v1", "backup", "working-environment")


def we(we_id, name, provider="AWS"):
    return {"id": we_id, "cluster-uuid": "uuid-" + we_id, "name": name, "region": "us-east-1", "status": "ON",
            "ontap-version": "9.13.1", "type": "VSA", "provider": provider, "provider-account-id": "1234",
            "total-volumes-count": "12"}


def backup(we_id, status="ON"):
    return {"id": we_id, "name": "x", "backup-enablement-status": status, "provider": "AWS",
            "bucket": "netapp-backup-" + we_id, "backed-up-volume-count": "4", "total-volumes-count": "12",
            "failed-backup-volume-count": "0", "backup-policy-count": "1", "provider-access-key": "AKIAEXAMPLE"}


FLEET = [we("we-1", "prod-east"), we("we-2", "prod-west", "AZURE"), we("we-3", "lab", "ONPREM")]
BACKUPS = [backup("we-1"), backup("we-2", "OFF")]


def args(**extra):
    base = {"token": STATIC_TOKEN, "account_id": ACCOUNT, "connector_id": CONNECTOR, "api_url": API_URL,
            "auth_url": AUTH_URL}
    base.update(extra)
    return base


def args_with(kind, **extra):
    """args() with the credential of the given kind instead of the static token."""
    base = args(**extra)
    del base["token"]
    base.update(CREDENTIALS[kind])
    return base


@pytest.fixture
def fleet(fake, module_transport):
    """The scripted API of an account with three working environments, two with backup known."""
    fake.add("GET", WE_LIST, reply(200, {"working-environment": FLEET}))
    fake.add("GET", BACKUP_LIST, reply(200, {"working-environment": BACKUPS}))
    for record in FLEET:
        we_id = record["id"]
        fake.add("GET", cbs_path("v1", "working-environment", we_id), reply(200, record))
        fake.add("GET", cbs_path("v1", "backup", "working-environment", we_id),
                 *[reply(200, b) for b in BACKUPS if b["id"] == we_id] or [reply(404, {"message": "not registered"})])
        fake.add("GET", cbs_path("v1", "working-environment", we_id, "volume"),
                 reply(200, {"volume": [{"name": "vol1", "file-system-id": "fs-" + we_id, "svm": "svm1"}]}))
        fake.add("GET", cbs_path("v1", "backup", "working-environment", we_id, "volume"),
                 reply(200, {"volume": [{"file-system-id": "fs-" + we_id, "backup-status": "ON",
                                         "snapshot-count": "7"}]}))
        fake.add("GET", cbs_path("v2", "working-environment", we_id, "svm"), reply(200, {"svm": [{"name": "svm1"}]}))
        fake.add("GET", cbs_path("v1", "working-environment", we_id, "ip-space"), reply(200, {"ip-space": []}))
        fake.add("GET", cbs_path("v1", "working-environment", we_id, "backup-policy"),
                 reply(200, {"backup-policy": [{"name": "1 day", "attached-volumes-count": "2"}]}))
    return fake


def paths(fake):
    return [c.path for c in fake.api_calls]


def test_lists_every_environment_with_backup_status_in_two_calls(fleet):
    result = run_ok(main, args())
    assert result["changed"] is False
    envs = result["working_environments"]
    assert [e["id"] for e in envs] == ["we-1", "we-2", "we-3"]
    assert paths(fleet) == [WE_LIST, BACKUP_LIST]
    first = envs[0]
    assert first["ontap_version"] == "9.13.1" and first["cluster_uuid"] == "uuid-we-1"
    assert first["total_volumes_count"] == 12
    assert first["backup"]["enabled"] is True
    assert first["backup"]["backed_up_volume_count"] == 4
    assert "provider_access_key" not in first["backup"]
    assert envs[1]["backup"]["enabled"] is False
    assert envs[2]["backup"] == {"enabled": False, "backup_enablement_status": None}
    for call in fleet.api_calls:
        assert call.headers["x-agent-id"] == AGENT_HEADER
        assert call.headers["Authorization"] == "Bearer " + STATIC_TOKEN


@pytest.mark.parametrize("filters, expected", [
    ({"names": ["prod-*"]}, ["we-1", "we-2"]),
    ({"name": "lab"}, ["we-3"]),
    ({"names": ["prod-east", "lab"]}, ["we-1", "we-3"]),
    ({"providers": ["azure"]}, ["we-2"]),
    ({"provider": "onprem"}, ["we-3"]),
    ({"names": ["prod-*"], "providers": ["AWS", "ONPREM"]}, ["we-1"]),
], ids=["pattern", "alias name", "several names", "provider", "alias provider", "name and provider"])
def test_filters(fleet, filters, expected):
    envs = run_ok(main, args(**filters))["working_environments"]
    assert [e["id"] for e in envs] == expected


def test_one_match_reads_its_backup_status_alone(fleet):
    run_ok(main, args(names=["lab"]))
    assert paths(fleet) == [WE_LIST, cbs_path("v1", "backup", "working-environment", "we-3")]


def test_no_match_returns_an_empty_list_without_backup_calls(fleet):
    result = run_ok(main, args(names=["nothing-*"]))
    assert result["working_environments"] == []
    assert paths(fleet) == [WE_LIST]


def test_ids_read_each_environment_and_one_backup_list(fleet):
    envs = run_ok(main, args(working_environment_ids=["we-3", "we-1", "we-3"]))["working_environments"]
    assert [e["id"] for e in envs] == ["we-3", "we-1"], "in the order given, duplicates once"
    assert paths(fleet) == [cbs_path("v1", "working-environment", "we-3"),
                            cbs_path("v1", "working-environment", "we-1"), BACKUP_LIST]
    assert envs[1]["backup"]["enabled"] is True


def test_one_id_costs_one_call_per_category(fleet):
    envs = run_ok(main, args(working_environment_id="we-1"))["working_environments"]
    assert paths(fleet) == [cbs_path("v1", "working-environment", "we-1"),
                            cbs_path("v1", "backup", "working-environment", "we-1")]
    assert envs[0]["backup"]["enabled"] is True


def test_missing_id_fails_naming_it(fleet):
    fleet.add("GET", cbs_path("v1", "working-environment", "we-404"), reply(404, {"message": "not found"}))
    result = run_fail(main, args(working_environment_ids=["we-1", "we-404"]))
    assert "we-404" in result["msg"] and ACCOUNT in result["msg"]
    assert "working_environment_ids" in result["msg"]
    assert result["missing"] == ["we-404"]
    assert BACKUP_LIST not in paths(fleet)


def test_backup_status_false_makes_no_backup_call(fleet):
    envs = run_ok(main, args(backup_status=False))["working_environments"]
    assert paths(fleet) == [WE_LIST]
    assert all("backup" not in e for e in envs)


@pytest.mark.parametrize("details, per_environment", [
    ([], []),
    (["svms"], ["v2/svm"]),
    (["ip_spaces"], ["ip-space"]),
    (["backup_policies"], ["backup-policy"]),
    (["svms", "ip_spaces", "backup_policies"], ["v2/svm", "ip-space", "backup-policy"]),
])
def test_details_are_only_fetched_when_asked(fleet, details, per_environment):
    envs = run_ok(main, args(names=["prod-*"], details=details))["working_environments"]
    calls = paths(fleet)
    assert calls[:2] == [WE_LIST, BACKUP_LIST]
    assert len(calls) == 2 + 2 * len(per_environment)
    for env in envs:
        for detail in ("volumes", "svms", "ip_spaces", "backup_policies"):
            assert (detail in env) is (detail in details)
    if "backup_policies" in details:
        assert envs[0]["backup_policies"][0]["attached_volumes_count"] == 2


def test_volumes_are_merged_with_backup_volume_info(fleet):
    envs = run_ok(main, args(names=["prod-*"], details=["volumes"]))["working_environments"]
    calls = paths(fleet)
    # we-1 has backup active: volumes and backup volumes. we-2 has it OFF: volumes only.
    assert calls[2:] == [cbs_path("v1", "working-environment", "we-1", "volume"),
                         cbs_path("v1", "backup", "working-environment", "we-1", "volume"),
                         cbs_path("v1", "working-environment", "we-2", "volume")]
    assert envs[0]["volumes"] == [{"name": "vol1", "file_system_id": "fs-we-1", "svm": "svm1",
                                   "backup": {"protected": True, "backup_status": "ON", "snapshot_count": 7}}]
    assert envs[1]["volumes"][0]["backup"] == {"protected": False, "backup_status": None}


def test_unknown_detail_is_refused_by_the_argument_spec(fleet):
    result = run_fail(main, args(details=["snapshots"]))
    assert "details" in result["msg"]
    assert fleet.calls == []


@pytest.mark.parametrize("status, body, text", [
    (403, {"error": "Forbidden", "message": "User is not allowed to do operation"}, "User is not allowed to do operation"),
    (500, {"statusCode": 500, "error": "Internal Server Error", "message": "Connector unreachable"},
     "Connector unreachable"),
    (400, None, "HTTP 400"),
])
def test_api_error_fails_with_status_message_method_and_path(fake, module_transport, status, body, text):
    fake.add("GET", WE_LIST, reply(status, body))
    result = run_fail(main, args())
    assert result["status"] == status
    assert result["method"] == "GET"
    assert result["path"] == WE_LIST
    assert text in result["msg"]
    assert "GET {0} failed with HTTP {1}".format(WE_LIST, status) in result["msg"]
    assert "exception" not in result and "Traceback" not in result["msg"]


@pytest.mark.parametrize("overrides, option", [
    ({"api_url": "api.bluexp.netapp.com"}, "api_url"),
    ({"auth_url": "ftp://auth"}, "auth_url"),
    ({"timeout": 0}, "timeout"),
])
def test_bad_connection_option_fails_before_any_request(fake, module_transport, overrides, option):
    result = run_fail(main, args(**overrides))
    assert result["msg"].startswith(option)
    assert result["option"] == option
    assert fake.calls == []


def test_no_credential_fails_naming_the_options(fake, module_transport):
    result = run_fail(main, {"account_id": ACCOUNT, "connector_id": CONNECTOR})
    assert "refresh_token" in result["msg"] and "BLUEXP_REFRESH_TOKEN" in result["msg"]
    assert fake.calls == []


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_result_never_contains_credentials_or_token(fleet, kind):
    fleet.token(token_reply(ISSUED_TOKEN))
    result = run_ok(main, args_with(kind, details=["volumes", "backup_policies"]))
    assert len(result["working_environments"]) == 3
    assert_no_secret(result)
    assert len(fleet.token_calls) == (0 if kind == "token" else 1), "one exchange for the whole run"


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_failure_never_contains_credentials_or_token(fake, module_transport, kind):
    fake.token(token_reply(ISSUED_TOKEN))
    fake.add("GET", WE_LIST, reply(401, {"message": "token rejected"}))
    result = run_fail(main, args_with(kind))
    assert result["status"] == 401
    assert_no_secret(result)


def test_token_endpoint_refusal_fails_without_the_secret(fake, module_transport):
    fake.token(reply(403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}))
    result = run_fail(main, args_with("refresh token"))
    assert "HTTP 403" in result["msg"] and "Unknown or invalid refresh token." in result["msg"]
    assert fake.api_calls == []
    assert_no_secret(result)


def test_credentials_from_the_environment(fleet, monkeypatch):
    monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", CREDENTIALS["refresh token"]["refresh_token"])
    monkeypatch.setenv("BLUEXP_ACCOUNT_ID", ACCOUNT)
    monkeypatch.setenv("BLUEXP_CONNECTOR_ID", CONNECTOR)
    monkeypatch.setenv("BLUEXP_API_URL", API_URL)
    monkeypatch.setenv("BLUEXP_AUTH_URL", AUTH_URL)
    fleet.token(token_reply(ISSUED_TOKEN))
    result = run_ok(main, {})
    assert len(result["working_environments"]) == 3
    assert fleet.token_calls[0].body["grant_type"] == "refresh_token"
    assert fleet.api_calls[0].headers["Authorization"] == "Bearer " + ISSUED_TOKEN


def test_discovers_account_and_connector_when_not_given(fake, module_transport):
    fake.add("GET", API_URL + "/tenancy/account", reply(200, [{"accountPublicId": "account-found"}]))
    fake.add("GET", API_URL + "/occm/list-occms/account-found",
             reply(200, {"occms": [{"agent": {"agentId": "agentZclients"}, "occmName": "c1"}]}))
    fake.add("GET", cbs_path("v1", "working-environment", account="account-found"),
             reply(200, {"working-environment": [we("we-1", "a")]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1", account="account-found"),
             reply(200, backup("we-1")))
    result = run_ok(main, {"token": STATIC_TOKEN, "api_url": API_URL})
    assert result["working_environments"][0]["backup"]["enabled"] is True
    assert len(fake.calls) == 4
    assert fake.calls[2].headers["x-agent-id"] == "agentZclients"


def test_discovery_ambiguity_fails_listing_the_candidates(fake, module_transport):
    fake.add("GET", API_URL + "/tenancy/account",
             reply(200, [{"accountPublicId": "account-a", "accountName": "A"},
                         {"accountPublicId": "account-b", "accountName": "B"}]))
    result = run_fail(main, {"token": STATIC_TOKEN, "api_url": API_URL})
    assert "account-a" in result["msg"] and "account-b" in result["msg"] and "account_id" in result["msg"]
    assert result["accounts"] == ["account-a", "account-b"]


def test_tls_options_reach_the_transport(fleet, module_transport):
    run_ok(main, args(validate_certs=False, ca_path="/etc/pki/ca.pem", names=["nothing"]))
    assert module_transport[0]["validate_certs"] is False
    assert module_transport[0]["ca_path"] == "/etc/pki/ca.pem"
    assert module_transport[0]["user_agent"].startswith("bluexp.cloud_backup/")


def test_end_to_end_over_the_real_http_stack(monkeypatch, retry_policy):
    # Only time is faked here: requests, the session and the adapters are the real ones.
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api

    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN, "expires_in": 86400})
        mocked.add(responses.GET, API_URL + WE_LIST, status=503, json={"message": "busy"})
        mocked.add(responses.GET, API_URL + WE_LIST, json={"working-environment": [we("we-1", "prod-east")]})
        mocked.add(responses.GET, API_URL + cbs_path("v1", "backup", "working-environment", "we-1"),
                   json=backup("we-1"))
        result = run_ok(main, args_with("service account", bypass_cache=True))
        calls = [(c.request.method, c.request.url.replace(API_URL, "")) for c in mocked.calls]
        api_request = mocked.calls[-1].request
    assert calls == [("POST", TOKEN_URL), ("GET", WE_LIST), ("GET", WE_LIST),
                     ("GET", cbs_path("v1", "backup", "working-environment", "we-1"))]
    assert api_request.headers["x-netapp-cache-control"] == "no-cache"
    assert api_request.headers["User-Agent"].startswith("bluexp.cloud_backup/")
    assert result["working_environments"][0]["backup"]["enabled"] is True
    assert_no_secret(result)


# With backup_status=false the environment's backup state is unknown, so volumes must not be
# reported as unprotected: the backup volume list is read anyway.
def test_volumes_without_backup_status_do_not_claim_unprotected(fleet):
    envs = run_ok(main, args(names=["prod-east"], backup_status=False, details=["volumes"]))["working_environments"]
    volume = envs[0]["volumes"][0]
    assert volume.get("backup", {}).get("protected") is not False
