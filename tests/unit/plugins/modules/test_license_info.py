# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import time
from datetime import datetime, timezone

import pytest

from bluexp_emulator.services.cbs.storagegrid.state import ADMIN_PASSWORD

from ansible_collections.bluexp.cloud_backup.plugins.modules import license_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    assert_no_secret,
    cbs_path,
    reply,
    run_ok,
)

MODULE = "license_info"
LICENSE_PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS")  # the enum of the operation's `provider`
DAY = 86400


@pytest.fixture
def fleet(emulator):
    """The seeded fleet by role: "aws" (backup active to AWS), "azure" (Cloud Volumes ONTAP, no backup),
    "onprem" (no backup), "gcp" (backup active to GCP)."""
    return {we["provider"].lower(): we for we in emulator.working_environments()}


def iso(epoch_ms):
    return datetime.fromtimestamp(epoch_ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def back_up_onprem_to(emulator, we, provider):
    if provider == "SGWS":
        grid = next(g for g in emulator.account["storagegrids"] if g["discovered"])
        block = {"sgws": {"storage-server": grid["name"] + ":10443", "access-key": "K", "secret-password": "S"}}
    else:
        block = {"ontap-s3": {"storage-server": "s3.example.com", "access-key": "K", "secret-password": "S"}}
    emulator.api("POST", "v3", "backup", "working-environment", we["id"],
                 json=dict(block, provider=provider, **{"ip-space": "Default"}))
    emulator.advance(60)  # the activation job completes


def set_license(emulator, we, state, **extra):
    return emulator.control("POST", "licenses", dict(extra, working_environment_id=we["id"], state=state))


def by_id(result):
    return {e["working_environment_id"]: e for e in result["licenses"]}


def license_calls(emulator):
    return [entry for entry in emulator.requests()
            if "/license/working-environment/" in entry["path"] and not entry["path"].endswith("/validity")]


def validity_calls(emulator):
    return [entry["path"] for entry in emulator.requests() if entry["path"].endswith("/validity")]


def queries(emulator):
    return {entry["path"].rsplit("/", 1)[1]: {key: values[-1] for key, values in entry["query"].items()}
            for entry in license_calls(emulator)}


def backup_account(emulator, we):
    return emulator.api("GET", "v1", "backup", "working-environment", we["id"])["provider-account-id"]


# --- which provider and account are asked about -------------------------------------------------------

@pytest.mark.parametrize("case", ["activated backup", "cvo own cloud", "storagegrid without account",
                                  "provider option", "provider and account options", "account option wins"])
def test_provider_and_account_derivation(emulator, fleet, case):
    extra = {}
    if case == "activated backup":
        we = fleet["aws"]
        query = {"provider": "AWS", "cloudProviderAccountId": backup_account(emulator, we)}
    elif case == "cvo own cloud":
        we = fleet["azure"]
        query = {"provider": "AZURE", "cloudProviderAccountId": we["provider_account_id"]}
    elif case == "storagegrid without account":
        we = fleet["onprem"]
        back_up_onprem_to(emulator, we, "SGWS")
        query = {"provider": "SGWS"}
    elif case == "provider option":
        we, extra = fleet["onprem"], {"provider": "SGWS"}
        query = {"provider": "SGWS"}
    elif case == "provider and account options":
        we, extra = fleet["azure"], {"provider": "GCP", "cloud_provider_account_id": "proj-1"}
        query = {"provider": "GCP", "cloudProviderAccountId": "proj-1"}
    else:
        we, extra = fleet["aws"], {"provider": "AWS", "cloud_provider_account_id": "999988887777"}
        query = {"provider": "AWS", "cloudProviderAccountId": "999988887777"}
    result = emulator.run_ok(MODULE, working_environment_ids=[we["id"]], **extra)
    assert queries(emulator) == {we["id"]: query}
    [entry] = result["licenses"]
    assert entry["provider"] == query["provider"]
    assert entry["cloud_provider_account_id"] == query.get("cloudProviderAccountId")
    assert (entry["working_environment_id"], entry["working_environment_name"]) == (we["id"], we["name"])
    assert "reason" not in entry


def test_on_premises_without_backup_is_unknown_and_costs_no_license_call(emulator, fleet):
    result = emulator.run_ok(MODULE, working_environment_ids=[fleet["onprem"]["id"]])
    assert license_calls(emulator) == [] and validity_calls(emulator) == []
    [entry] = result["licenses"]
    assert entry["type"] == "unknown" and entry["provider"] is None
    assert entry["valid"] is None and entry["eligible"] is None
    assert "provider" in entry["reason"]
    assert result["invalid"] == []


def test_the_query_has_exactly_provider_and_account(emulator, fleet):
    emulator.run_ok(MODULE)
    for call in license_calls(emulator):
        assert set(call["query"]) in ({"provider", "cloudProviderAccountId"}, {"provider"})
        assert call["query"]["provider"][-1] in LICENSE_PROVIDERS
    assert sorted(queries(emulator)) == sorted([fleet["aws"]["id"], fleet["azure"]["id"], fleet["gcp"]["id"]])


def test_the_whole_fleet_reads_backups_in_one_list_call(emulator, fleet):
    result = emulator.run_ok(MODULE)
    assert emulator.calls().count(("GET", emulator.cbs_path("v1", "backup", "working-environment"))) == 1
    assert [e["working_environment_id"] for e in result["licenses"]] == [
        we["id"] for we in emulator.working_environments()]
    assert emulator.writes() == []


def test_a_provider_option_is_not_paired_with_the_account_of_another_provider(emulator, fleet):
    emulator.run_ok(MODULE, working_environment_ids=[fleet["aws"]["id"]], provider="AZURE")
    for call in license_calls(emulator):
        assert call["query"].get("cloudProviderAccountId", [None])[-1] not in (
            backup_account(emulator, fleet["aws"]), fleet["aws"]["provider_account_id"]), call["query"]


def test_an_ontap_s3_backup_asks_no_provider_outside_the_spec(emulator, fleet):
    back_up_onprem_to(emulator, fleet["onprem"], "ONTAP_S3")
    result = emulator.run_ok(MODULE)
    assert all(call["query"]["provider"][-1] in LICENSE_PROVIDERS for call in license_calls(emulator))
    assert by_id(result)[fleet["onprem"]["id"]]["type"] == "unknown"
    assert fleet["onprem"]["id"] not in queries(emulator)


# --- license types ---------------------------------------------------------------------------------

@pytest.mark.parametrize("state, validity_answered, kind, valid", [
    ("byol", True, "byol", True),
    ("paygo", True, "paygo", True),
    ("byol", False, "licensed", True),
    ("none", True, "none", False),
    ("none", False, "none", False),
], ids=["byol", "paygo", "licensed (validity 404)", "none", "none without validity"])
def test_license_type(emulator, fleet, state, validity_answered, kind, valid):
    we = fleet["azure"]
    set_license(emulator, we, state, snapmirror_license=False)
    if not validity_answered:
        emulator.add_fault(method="GET", path="/validity$", status=404, message="Not Found")
    result = emulator.run_ok(MODULE, working_environment_ids=[we["id"]])
    [entry] = result["licenses"]
    assert (entry["type"], entry["eligible"], entry["valid"]) == (kind, state != "none", valid)
    assert entry["free_trial_end"] is None and entry["days_left"] is None
    if validity_answered:
        validity = emulator.api("GET", "v1", "license", "working-environment", we["id"], "validity")
        assert entry["validity"] == {"marketplace_subscription": validity["marketplace-subscription"],
                                     "cloud_backup_license": validity["cloud-backup-license"],
                                     "snapmirror_license": False}
    else:
        assert entry["validity"] is None
    assert len(validity_calls(emulator)) == 1
    assert result["invalid"] == ([] if valid else [we["name"]])


@pytest.mark.parametrize("days_left, days", [(10.5, 10), (23 / 24, 0), (30, 30)])
def test_a_running_free_trial(emulator, fleet, days_left, days):
    we = fleet["azure"]
    planted = set_license(emulator, we, "trial", trial_days_left=days_left)
    [entry] = emulator.run_ok(MODULE, working_environment_ids=[we["id"]])["licenses"]
    assert entry["type"] == "free_trial" and entry["valid"] is True
    assert entry["free_trial_end"] == iso(planted["free_trial_end"])
    assert entry["days_left"] == days


def test_an_expired_free_trial_is_not_valid(emulator, fleet):
    we = fleet["azure"]
    planted = set_license(emulator, we, "trial_expired", trial_days_left=-5)
    result = emulator.run_ok(MODULE, working_environment_ids=[we["id"]])
    [entry] = result["licenses"]
    assert entry["type"] == "free_trial" and entry["valid"] is False
    assert entry["days_left"] == 0 and entry["free_trial_end"] == iso(planted["free_trial_end"])
    assert result["invalid"] == [we["name"]]


def test_a_trial_that_ends_while_time_passes_becomes_invalid(emulator, fleet):
    we = fleet["azure"]
    set_license(emulator, we, "trial", trial_days_left=2)
    assert emulator.run_ok(MODULE, working_environment_ids=[we["id"]])["licenses"][0]["days_left"] == 2
    emulator.advance(3 * DAY)
    result = emulator.run_ok(MODULE, working_environment_ids=[we["id"]])
    assert result["licenses"][0]["valid"] is False and result["invalid"] == [we["name"]]


def test_validity_false_makes_no_validity_call(emulator, fleet):
    result = emulator.run_ok(MODULE, validity=False)
    assert validity_calls(emulator) == []
    for entry in result["licenses"]:
        assert entry["validity"] is None
    assert {e["working_environment_id"]: e["type"] for e in result["licenses"]} == {
        fleet["aws"]["id"]: "licensed", fleet["azure"]["id"]: "licensed", fleet["onprem"]["id"]: "unknown",
        fleet["gcp"]["id"]: "licensed"}


def test_validity_is_asked_once_per_checked_environment(emulator, fleet):
    emulator.run_ok(MODULE)
    assert sorted(validity_calls(emulator)) == sorted(
        emulator.cbs_path("v1", "license", "working-environment", fleet[p]["id"], "validity")
        for p in ("aws", "azure", "gcp"))


def test_a_failing_validity_call_is_not_taken_for_a_missing_one(emulator, fleet):
    emulator.add_fault(method="GET", path="/validity$", status=500, message="license service down")
    result = emulator.run_fail(MODULE, working_environment_ids=[fleet["azure"]["id"]])
    assert result["status"] == 500 and "license service down" in result["msg"]


# --- failing ----------------------------------------------------------------------------------------

def test_fail_if_invalid_lists_the_invalid_and_still_returns_licenses(emulator, fleet):
    set_license(emulator, fleet["azure"], "none")
    set_license(emulator, fleet["gcp"], "trial_expired")
    result = emulator.run_fail(MODULE, fail_if_invalid=True)
    names = [fleet["azure"]["name"], fleet["gcp"]["name"]]
    assert sorted(result["invalid"]) == sorted(names)
    assert all(name in result["msg"] for name in names) and "2 working environment" in result["msg"]
    assert fleet["aws"]["name"] not in result["msg"] and fleet["onprem"]["name"] not in result["msg"], \
        "unknown does not fail the task"
    assert len(result["licenses"]) == 4
    assert by_id(result)[fleet["azure"]["id"]]["valid"] is False


def test_fail_if_invalid_passes_when_everything_is_valid_or_unknown(emulator, fleet):
    result = emulator.run_ok(MODULE, fail_if_invalid=True)
    assert result["invalid"] == [] and result["changed"] is False
    assert by_id(result)[fleet["onprem"]["id"]]["type"] == "unknown"


def test_without_fail_if_invalid_the_invalid_are_only_listed(emulator, fleet):
    set_license(emulator, fleet["aws"], "none")
    result = emulator.run_ok(MODULE)
    assert result["invalid"] == [fleet["aws"]["name"]]


# --- selection ---------------------------------------------------------------------------------------

def test_unknown_ids_fail_naming_the_option_before_any_license_call(emulator, fleet):
    result = emulator.run_fail(MODULE, working_environment_ids=[fleet["aws"]["id"], "we-404", "we-405"])
    assert result["option"] == "working_environment_ids"
    assert result["msg"].startswith("working_environment_ids:")
    assert "we-404" in result["msg"] and "we-405" in result["msg"] and emulator.account_id in result["msg"]
    assert license_calls(emulator) == []


def test_ids_in_the_order_given_and_duplicates_once(emulator, fleet):
    ids = [fleet["gcp"]["id"], fleet["aws"]["id"], fleet["gcp"]["id"]]
    result = emulator.run_ok(MODULE, working_environment_id=ids)
    assert [e["working_environment_id"] for e in result["licenses"]] == ids[:2]
    assert len(license_calls(emulator)) == 2


@pytest.mark.parametrize("names, expected", [(["*-0[12]"], ["aws", "azure"]), (["gcp-fin-04"], ["gcp"]),
                                             (["nothing"], [])])
def test_names_filter(emulator, fleet, names, expected):
    result = emulator.run_ok(MODULE, names=names)
    assert [e["working_environment_id"] for e in result["licenses"]] == [fleet[p]["id"] for p in expected]


def test_an_account_without_provider_fails_before_any_call(emulator):
    result = emulator.run_fail(MODULE, cloud_provider_account_id="123456789012")
    assert result["option"] == "provider" and "cloud_provider_account_id" in result["msg"]
    assert emulator.requests() == []


def test_an_unknown_provider_is_refused_by_the_argument_spec(emulator):
    result = emulator.run_fail(MODULE, provider="ONTAP_S3")
    assert "provider" in result["msg"] and emulator.requests() == []


def test_result_holds_no_credential(emulator, fleet):
    back_up_onprem_to(emulator, fleet["onprem"], "SGWS")
    result = emulator.run_ok(MODULE)
    assert_no_secret(result)
    assert emulator.token not in json.dumps(result) and ADMIN_PASSWORD not in json.dumps(result)


def test_every_request_is_an_operation_of_the_published_specs(emulator, fleet):
    back_up_onprem_to(emulator, fleet["onprem"], "SGWS")
    emulator.run_ok(MODULE)
    entries = emulator.requests()
    assert entries and all(entry["status"] == 200 and "(unmatched)" not in entry["route"] for entry in entries)


# --- answers the emulator does not give ---------------------------------------------------------
# The emulator shows a working environment whose backup is off with its own cloud, reports a
# cloud account for every Cloud Volumes ONTAP and never says "eligible" for an ended trial; the
# API may. These conversations are scripted.

NOW = "2027-01-15T12:00:00Z"
WE_ID, WE_NAME = "we-cvo", "cvo-aws"
CVO_ACCOUNT = "111122223333"


def ms(text):
    return int(datetime.fromisoformat(text.replace("Z", "+00:00")).timestamp() * 1000)


@pytest.fixture
def scripted(fake, module_transport, monkeypatch):
    monkeypatch.setattr(time, "time", lambda: ms(NOW) / 1000.0)
    fake.environment = {"id": WE_ID, "name": WE_NAME, "type": "VSA", "provider": "AWS", "status": "ON",
                        "provider-account-id": CVO_ACCOUNT}
    fake.backup = {"id": WE_ID, "name": WE_NAME, "backup-enablement-status": "OFF"}
    fake.answer = {"eligible": True}
    fake.add("GET", cbs_path("v1", "working-environment"),
             lambda _call: reply(200, {"working-environment": [fake.environment]}))
    fake.add("GET", cbs_path("v1", "working-environment", WE_ID), lambda _call: reply(200, fake.environment))
    fake.add("GET", cbs_path("v1", "backup", "working-environment"),
             lambda _call: reply(200, {"working-environment": [fake.backup]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", WE_ID), lambda _call: reply(200, fake.backup))
    fake.add("GET", cbs_path("v1", "license", "working-environment", WE_ID), lambda _call: reply(200, fake.answer))
    fake.add("GET", cbs_path("v1", "license", "working-environment", WE_ID, "validity"), reply(404, {}))
    return fake


def scripted_run(**extra):
    return run_ok(license_info.main, dict(dict(token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR,
                                               working_environment_ids=[WE_ID]), **extra))


def scripted_queries(fake):
    return [c.query for c in fake.api_calls if "/license/" in c.path and not c.path.endswith("/validity")]


def test_a_backup_that_is_off_falls_back_to_the_cvo_cloud(scripted):
    scripted.backup.update({"provider": "AZURE", "provider-account-id": "sub-1"})
    scripted_run()
    assert scripted_queries(scripted) == [{"provider": "AWS", "cloudProviderAccountId": CVO_ACCOUNT}]


def test_a_cloud_without_a_known_account_is_unknown(scripted):
    scripted.environment["provider-account-id"] = None
    result = scripted_run()
    [entry] = result["licenses"]
    assert entry["type"] == "unknown" and entry["provider"] == "AWS"
    assert "cloud_provider_account_id" in entry["reason"]
    assert scripted_queries(scripted) == []


@pytest.mark.parametrize("eligible", [False, True])
def test_an_ended_free_trial_is_not_valid_whatever_eligible_says(scripted, eligible):
    end = "2027-01-10T00:00:00Z"
    scripted.answer = {"eligible": eligible, "free-trial-end": ms(end)}
    result = scripted_run()
    [entry] = result["licenses"]
    assert entry["type"] == "free_trial" and entry["valid"] is False
    assert entry["days_left"] == 0 and entry["free_trial_end"] == end
    assert result["invalid"] == [WE_NAME]
