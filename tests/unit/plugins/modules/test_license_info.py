# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import types
from datetime import datetime, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import license_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import (
    LICENSE_PROVIDERS,
    install,
    load_spec,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    assert_no_secret,
    cbs_path,
    reply,
    run_fail,
    run_ok,
)

main = license_info.main

NOW = "2027-01-15T12:00:00Z"
DAY_MS = 86400 * 1000

CVO = ("we-cvo", "cvo-aws")          # Cloud Volumes ONTAP on AWS, backup not activated
ACTIVE = ("we-act", "prod-east")     # backup activated to AWS in another account
ONPREM = ("we-op", "onprem-paris")   # on-premises, no backup
SGWS = ("we-sg", "onprem-lyon")      # on-premises, backup to StorageGRID
CVO_ACCOUNT = "111122223333"
BACKUP_ACCOUNT = "555566667777"


def ms(iso):
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


def license_path(we_id):
    return cbs_path("v1", "license", "working-environment", we_id)


def validity_path(we_id):
    return cbs_path("v1", "license", "working-environment", we_id, "validity")


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    monkeypatch.setattr(license_info, "time", types.SimpleNamespace(time=lambda: ms(NOW) / 1000.0))
    api.add_environment(*CVO, provider="AWS")["provider-account-id"] = CVO_ACCOUNT
    api.add_environment(*ACTIVE, provider="AWS")["provider-account-id"] = CVO_ACCOUNT
    api.add_environment(*ONPREM, provider="ONPREM")["provider-account-id"] = None
    api.add_environment(*SGWS, provider="ONPREM")["provider-account-id"] = None
    api.activate_environment(ACTIVE[0], provider="AWS", **{"provider-account-id": BACKUP_ACCOUNT})
    api.activate_environment(SGWS[0], provider="SGWS", **{"storage-grid-id": "sg-1"})
    for we_id in (CVO[0], ACTIVE[0], SGWS[0]):
        api.licenses[we_id] = {"eligible": True}
        api.validity[we_id] = {"marketplace-subscription": False, "cloud-backup-license": True,
                               "snapmirror-license": True}
    return api


def by_id(result):
    return {e["working_environment_id"]: e for e in result["licenses"]}


def license_calls(api):
    return [c for c in api.api_calls if c.path.startswith(license_path("")) and not c.path.endswith("/validity")]


def queries(api):
    return {c.path.rsplit("/", 1)[1]: c.query for c in license_calls(api)}


# --- which provider and account are asked about -------------------------------------------------------

@pytest.mark.parametrize("we, extra, query", [
    (ACTIVE, {}, {"provider": "AWS", "cloudProviderAccountId": BACKUP_ACCOUNT}),
    (CVO, {}, {"provider": "AWS", "cloudProviderAccountId": CVO_ACCOUNT}),
    (SGWS, {}, {"provider": "SGWS"}),
    (ONPREM, {"provider": "SGWS"}, {"provider": "SGWS"}),
    (CVO, {"provider": "GCP", "cloud_provider_account_id": "proj-1"},
     {"provider": "GCP", "cloudProviderAccountId": "proj-1"}),
    (ACTIVE, {"provider": "AWS", "cloud_provider_account_id": "999988887777"},
     {"provider": "AWS", "cloudProviderAccountId": "999988887777"}),
], ids=["activated backup", "cvo own cloud", "storagegrid without account", "provider option",
        "provider and account options", "account option wins"])
def test_provider_and_account_derivation(api, we, extra, query):
    result = run_ok(main, module_args(working_environment_ids=[we[0]], **extra))
    assert queries(api) == {we[0]: query}
    [entry] = result["licenses"]
    assert entry["provider"] == query["provider"]
    assert entry["cloud_provider_account_id"] == query.get("cloudProviderAccountId")
    assert (entry["working_environment_id"], entry["working_environment_name"]) == we
    assert "reason" not in entry


def test_a_backup_that_is_off_falls_back_to_the_cvo_cloud(api):
    api.activations[CVO[0]] = {"id": CVO[0], "backup-enablement-status": "OFF", "provider": "AZURE",
                               "provider-account-id": "sub-1"}
    run_ok(main, module_args(working_environment_ids=[CVO[0]]))
    assert queries(api) == {CVO[0]: {"provider": "AWS", "cloudProviderAccountId": CVO_ACCOUNT}}


def test_on_premises_without_backup_is_unknown_and_costs_no_license_call(api):
    result = run_ok(main, module_args(working_environment_ids=[ONPREM[0]]))
    assert license_calls(api) == [] and api.sent("GET", validity_path(ONPREM[0])) == []
    [entry] = result["licenses"]
    assert entry["type"] == "unknown" and entry["provider"] is None
    assert entry["valid"] is None and entry["eligible"] is None
    assert "provider" in entry["reason"]
    assert result["invalid"] == []


def test_a_cloud_without_a_known_account_is_unknown(api):
    api.environments[0]["provider-account-id"] = None
    result = run_ok(main, module_args(working_environment_ids=[CVO[0]]))
    [entry] = result["licenses"]
    assert entry["type"] == "unknown" and entry["provider"] == "AWS"
    assert "cloud_provider_account_id" in entry["reason"]
    assert license_calls(api) == []


def test_the_query_has_exactly_provider_and_account(api):
    run_ok(main, module_args())
    for call in license_calls(api):
        assert set(call.query) in ({"provider", "cloudProviderAccountId"}, {"provider"})
        assert call.query["provider"] in LICENSE_PROVIDERS
    assert sorted(queries(api)) == sorted([CVO[0], ACTIVE[0], SGWS[0]])


def test_the_whole_fleet_reads_backups_in_one_list_call(api):
    result = run_ok(main, module_args())
    assert len(api.sent("GET", cbs_path("v1", "backup", "working-environment"))) == 1
    assert [e["working_environment_id"] for e in result["licenses"]] == [CVO[0], ACTIVE[0], ONPREM[0], SGWS[0]]
    assert writes(api) == []


def test_a_provider_option_is_not_paired_with_the_account_of_another_provider(api):
    run_ok(main, module_args(working_environment_ids=[ACTIVE[0]], provider="AZURE"))
    for call in license_calls(api):
        assert call.query.get("cloudProviderAccountId") not in (BACKUP_ACCOUNT, CVO_ACCOUNT), call.query


def test_an_ontap_s3_backup_asks_no_provider_outside_the_spec(api):
    api.activate_environment(ONPREM[0], provider="ONTAP_S3")
    result = run_ok(main, module_args())
    assert all(c.query.get("provider") in LICENSE_PROVIDERS for c in license_calls(api))
    assert by_id(result)[ONPREM[0]]["type"] == "unknown"
    assert ONPREM[0] not in queries(api)


# --- license types ---------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, validity, kind, valid", [
    ({"eligible": True}, {"marketplace-subscription": False, "cloud-backup-license": True,
                          "snapmirror-license": True}, "byol", True),
    ({"eligible": True}, {"marketplace-subscription": True, "cloud-backup-license": False,
                          "snapmirror-license": False}, "paygo", True),
    ({"eligible": True}, None, "licensed", True),
    ({"eligible": False}, {"marketplace-subscription": False, "cloud-backup-license": False,
                           "snapmirror-license": False}, "none", False),
    ({"eligible": False}, None, "none", False),
], ids=["byol", "paygo", "licensed (validity 404)", "none", "none without validity"])
def test_license_type(api, answer, validity, kind, valid):
    api.licenses[CVO[0]] = answer
    if validity is None:
        del api.validity[CVO[0]]
    else:
        api.validity[CVO[0]] = validity
    result = run_ok(main, module_args(working_environment_ids=[CVO[0]]))
    [entry] = result["licenses"]
    assert (entry["type"], entry["eligible"], entry["valid"]) == (kind, answer["eligible"], valid)
    assert entry["free_trial_end"] is None and entry["days_left"] is None
    if validity is None:
        assert entry["validity"] is None
    else:
        assert entry["validity"] == {"marketplace_subscription": validity["marketplace-subscription"],
                                     "cloud_backup_license": validity["cloud-backup-license"],
                                     "snapmirror_license": validity["snapmirror-license"]}
    assert len(api.sent("GET", validity_path(CVO[0]))) == 1
    assert result["invalid"] == ([] if valid else [CVO[1]])


@pytest.mark.parametrize("end, days", [
    ("2027-01-25T23:59:59Z", 10),
    ("2027-01-16T11:00:00Z", 0),
    ("2027-02-14T12:00:00Z", 30),
])
def test_a_running_free_trial(api, end, days):
    api.licenses[CVO[0]] = {"eligible": True, "free-trial-end": ms(end)}
    del api.validity[CVO[0]]
    [entry] = run_ok(main, module_args(working_environment_ids=[CVO[0]]))["licenses"]
    assert entry["type"] == "free_trial" and entry["valid"] is True
    assert entry["free_trial_end"] == end
    assert entry["days_left"] == days


@pytest.mark.parametrize("eligible", [False, True])
def test_an_expired_free_trial_is_not_valid(api, eligible):
    end = "2027-01-10T00:00:00Z"
    api.licenses[CVO[0]] = {"eligible": eligible, "free-trial-end": ms(end)}
    result = run_ok(main, module_args(working_environment_ids=[CVO[0]]))
    [entry] = result["licenses"]
    assert entry["type"] == "free_trial" and entry["valid"] is False
    assert entry["days_left"] == 0 and entry["free_trial_end"] == end
    assert result["invalid"] == [CVO[1]]


def test_validity_false_makes_no_validity_call(api):
    result = run_ok(main, module_args(validity=False))
    assert [c for c in api.api_calls if c.path.endswith("/validity")] == []
    for entry in result["licenses"]:
        assert entry["validity"] is None
    assert {e["working_environment_id"]: e["type"] for e in result["licenses"]} == {
        CVO[0]: "licensed", ACTIVE[0]: "licensed", ONPREM[0]: "unknown", SGWS[0]: "licensed"}


def test_validity_is_asked_once_per_checked_environment(api):
    run_ok(main, module_args())
    asked = sorted(c.path for c in api.api_calls if c.path.endswith("/validity"))
    assert asked == sorted(validity_path(w) for w in (CVO[0], ACTIVE[0], SGWS[0]))


def test_a_failing_validity_call_is_not_taken_for_a_missing_one(api):
    api.add("GET", validity_path(CVO[0]), reply(500, {"message": "license service down"}))
    result = run_fail(main, module_args(working_environment_ids=[CVO[0]]))
    assert result["status"] == 500 and "license service down" in result["msg"]


# --- failing ----------------------------------------------------------------------------------------

def test_fail_if_invalid_lists_the_invalid_and_still_returns_licenses(api):
    api.licenses[CVO[0]] = {"eligible": False}
    api.licenses[SGWS[0]] = {"eligible": False, "free-trial-end": ms("2027-01-01T00:00:00Z")}
    result = run_fail(main, module_args(fail_if_invalid=True))
    assert sorted(result["invalid"]) == sorted([CVO[1], SGWS[1]])
    assert CVO[1] in result["msg"] and SGWS[1] in result["msg"] and "2 working environment" in result["msg"]
    assert ACTIVE[1] not in result["msg"] and ONPREM[1] not in result["msg"], "unknown does not fail the task"
    assert len(result["licenses"]) == 4
    assert by_id(result)[CVO[0]]["valid"] is False


def test_fail_if_invalid_passes_when_everything_is_valid_or_unknown(api):
    result = run_ok(main, module_args(fail_if_invalid=True))
    assert result["invalid"] == [] and result["changed"] is False
    assert by_id(result)[ONPREM[0]]["type"] == "unknown"


def test_without_fail_if_invalid_the_invalid_are_only_listed(api):
    api.licenses[ACTIVE[0]] = {"eligible": False}
    result = run_ok(main, module_args())
    assert result["invalid"] == [ACTIVE[1]]


# --- selection ---------------------------------------------------------------------------------------

def test_unknown_ids_fail_naming_the_option_before_any_license_call(api):
    result = run_fail(main, module_args(working_environment_ids=[CVO[0], "we-404", "we-405"]))
    assert result["option"] == "working_environment_ids"
    assert result["msg"].startswith("working_environment_ids:")
    assert "we-404" in result["msg"] and "we-405" in result["msg"] and ACCOUNT in result["msg"]
    assert license_calls(api) == []


def test_ids_in_the_order_given_and_duplicates_once(api):
    result = run_ok(main, module_args(working_environment_id=[SGWS[0], CVO[0], SGWS[0]]))
    assert [e["working_environment_id"] for e in result["licenses"]] == [SGWS[0], CVO[0]]
    assert len(license_calls(api)) == 2


@pytest.mark.parametrize("names, expected", [(["onprem-*"], [ONPREM[0], SGWS[0]]), (["cvo-aws"], [CVO[0]]),
                                             (["nothing"], [])])
def test_names_filter(api, names, expected):
    result = run_ok(main, module_args(names=names))
    assert [e["working_environment_id"] for e in result["licenses"]] == expected


def test_an_account_without_provider_fails_before_any_call(api):
    result = run_fail(main, module_args(cloud_provider_account_id="123456789012"))
    assert result["option"] == "provider" and "cloud_provider_account_id" in result["msg"]
    assert api.calls == []


def test_an_unknown_provider_is_refused_by_the_argument_spec(api):
    result = run_fail(main, module_args(provider="ONTAP_S3"))
    assert "provider" in result["msg"] and api.calls == []


def test_result_holds_no_credential(api):
    result = run_ok(main, module_args())
    assert_no_secret(result)


def test_every_request_is_an_operation_of_the_published_specs(api):
    spec = load_spec()
    run_ok(main, module_args())
    for call in api.api_calls:
        found = spec.find(call.method, call.path)
        assert found is not None, call.path
        assert set(call.query) <= spec.query_parameters(found[2]), call.path
