# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_policy
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    cbs_path,
    reply,
    run_fail,
    run_ok,
)

MODULE = "backup_policy"
GOLD_RULES = [{"label": "weekly", "retention": 12}, {"label": "daily", "retention": 30}]
# Seed 42 with 12 working environments: aws-eng-08 is activated with DataLock GOVERNANCE.
DATALOCK = pytest.mark.emulator(fleet_size=12)
DATALOCK_WE = "aws-eng-08"


@pytest.fixture
def we(emulator):
    """aws-dr-01: backup active without DataLock, four policies."""
    return emulator.working_environment(provider="AWS", backup_enabled=True)


@pytest.fixture
def paths(emulator, we):
    return {
        "policies": emulator.cbs_path("v1", "working-environment", we["id"], "backup-policy"),
        "update": emulator.cbs_path("v2", "working-environment", we["id"], "backup-policy"),
        "we": emulator.cbs_path("v1", "working-environment", we["id"]),
        "we_list": emulator.cbs_path("v1", "working-environment"),
    }


def policies(emulator, we):
    return {p["name"]: p for p in emulator.api("GET", "v1", "working-environment", we["id"],
                                               "backup-policy")["backup-policy"]}


def add_policy(emulator, we, name, rules, archive=None):
    body = {"name": name, "rule": [{"label": label, "retention": str(retention)} for label, retention in rules.items()]}
    if archive is not None:
        body["archive-after-days"] = str(archive)
    emulator.api("POST", "v1", "working-environment", we["id"], "backup-policy", json=body)


def ok(emulator, we, **extra):
    return emulator.run_ok(MODULE, **dict(dict(working_environment_name=we["name"], name="gold"), **extra))


def fail(emulator, we, **extra):
    return emulator.run_fail(MODULE, **dict(dict(working_environment_name=we["name"], name="gold"), **extra))


def gets_only(emulator):
    return bool(emulator.requests()) and all(entry["method"] == "GET" for entry in emulator.requests())


# --- create ---------------------------------------------------------------------------------------

def test_create_in_check_mode_sends_no_write_and_predicts_the_policy(emulator, we):
    result = ok(emulator, we, rules=GOLD_RULES, archive_after_days="90", _ansible_check_mode=True)
    assert result["changed"] is True
    assert result["policy"] == {
        "name": "gold", "id": None,
        "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}],
        "archive_after_days": 90, "object_lock": "NONE", "attached_volumes_count": 0}
    assert result["working_environment_id"] == we["id"]
    assert gets_only(emulator)
    assert "gold" not in policies(emulator, we)


def test_create_sends_one_post_with_string_retentions_then_rerun_is_unchanged(emulator, we, paths):
    result = ok(emulator, we, rules=GOLD_RULES, archive_after_days="90")
    assert result["changed"] is True
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", paths["policies"])
    assert write["body"] == {"name": "gold", "rule": [{"label": "daily", "retention": "30"},
                                                      {"label": "weekly", "retention": "12"}],
                             "archive-after-days": "90"}
    assert result["policy"]["id"] == policies(emulator, we)["gold"]["id"], "the policy as the API reports it"
    assert result["policy"]["rules"] == [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}]

    emulator.clear_requests()
    again = ok(emulator, we, rules=list(reversed(GOLD_RULES)), archive_after_days="90")
    assert again["changed"] is False
    assert emulator.writes() == []
    assert again["policy"] == result["policy"]


@DATALOCK
def test_create_with_datalock_sends_object_lock(emulator):
    we = emulator.working_environment(name=DATALOCK_WE)
    result = ok(emulator, we, rules=[{"label": "daily", "retention": 7}], object_lock="GOVERNANCE")
    [write] = emulator.writes()
    assert write["body"] == {"name": "gold", "rule": [{"label": "daily", "retention": "7"}],
                             "object-lock": "GOVERNANCE"}
    assert result["policy"]["object_lock"] == "GOVERNANCE"
    assert result["policy"]["archive_after_days"] is None


@DATALOCK
def test_a_lock_other_than_the_working_environments_is_refused_by_the_api(emulator):
    we = emulator.working_environment(name=DATALOCK_WE)
    result = fail(emulator, we, rules=[{"label": "daily", "retention": 7}], object_lock="COMPLIANCE")
    assert result["status"] == 400 and "COMPLIANCE" in result["msg"] and "GOVERNANCE" in result["msg"]
    assert result["method"] == "POST"
    assert "gold" not in policies(emulator, we)


def test_create_with_never_sends_no_archive(emulator, we):
    result = ok(emulator, we, rules=[{"label": "daily", "retention": 7}], archive_after_days="never")
    assert "archive-after-days" not in emulator.writes()[0]["body"]
    assert result["policy"]["archive_after_days"] is None


def test_create_without_rules_fails_naming_rules_and_sends_nothing(emulator, we):
    result = fail(emulator, we)
    assert result["msg"].startswith("rules:") and "gold" in result["msg"]
    assert result["option"] == "rules"
    assert emulator.writes() == []


def test_diff_of_a_creation(emulator, we):
    result = ok(emulator, we, rules=GOLD_RULES, _ansible_diff=True, _ansible_check_mode=True)
    assert result["diff"]["before"] == {}
    assert result["diff"]["after"] == result["policy"]
    assert result["diff"]["after"]["rules"][0] == {"label": "daily", "retention": 30}


# --- modify ---------------------------------------------------------------------------------------

EXISTING = dict(rules={"weekly": 12, "daily": 30}, archive=90)


@pytest.mark.parametrize("options, body, expected", [
    ({"rules": [{"label": "daily", "retention": 14}, {"label": "weekly", "retention": 12}]},
     {"policyName": "gold", "rule": [{"label": "daily", "retention": "14"}, {"label": "weekly", "retention": "12"}],
      "archive-after-days": "90"},
     {"rules": [{"label": "daily", "retention": 14}, {"label": "weekly", "retention": 12}], "archive_after_days": 90}),
    ({"rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12},
                {"label": "monthly", "retention": 6}]},
     {"policyName": "gold", "rule": [{"label": "daily", "retention": "30"}, {"label": "monthly", "retention": "6"},
                                     {"label": "weekly", "retention": "12"}], "archive-after-days": "90"},
     {"rules": [{"label": "daily", "retention": 30}, {"label": "monthly", "retention": 6},
                {"label": "weekly", "retention": 12}], "archive_after_days": 90}),
    ({"rules": [{"label": "daily", "retention": 30}]},
     {"policyName": "gold", "rule": [{"label": "daily", "retention": "30"}], "archive-after-days": "90"},
     {"rules": [{"label": "daily", "retention": 30}], "archive_after_days": 90}),
    ({"archive_after_days": "180"},
     {"policyName": "gold", "rule": [{"label": "daily", "retention": "30"}, {"label": "weekly", "retention": "12"}],
      "archive-after-days": "180"},
     {"rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}], "archive_after_days": 180}),
    ({"archive_after_days": "never"},
     {"policyName": "gold", "rule": [{"label": "daily", "retention": "30"}, {"label": "weekly", "retention": "12"}],
      "archive-after-days": "never"},
     {"rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}],
      "archive_after_days": None}),
], ids=["retention changed", "rule added", "rule removed", "archive changed", "archive stopped"])
def test_modification_sends_one_put_v2_with_policy_name(emulator, we, paths, options, body, expected):
    add_policy(emulator, we, "gold", **EXISTING)
    check = ok(emulator, we, _ansible_check_mode=True, **options)
    assert check["changed"] is True and gets_only(emulator)
    for key, value in expected.items():
        assert check["policy"][key] == value

    emulator.clear_requests()
    result = ok(emulator, we, _ansible_diff=True, **options)
    assert result["changed"] is True
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("PUT", paths["update"])
    assert write["body"] == body
    for key, value in expected.items():
        assert result["policy"][key] == value
    assert result["diff"]["before"]["archive_after_days"] == 90
    assert result["diff"]["after"] == result["policy"]

    emulator.clear_requests()
    again = ok(emulator, we, **options)
    assert again["changed"] is False and emulator.writes() == []


@pytest.mark.parametrize("options", [
    {},
    {"rules": [{"label": "weekly", "retention": 12}, {"label": "daily", "retention": 30}]},
    {"archive_after_days": "90"},
    {"archive_after_days": " 90"},
    {"object_lock": "NONE"},
], ids=["nothing asked", "same rules other order", "same archive", "archive spaced", "same lock"])
def test_same_policy_is_unchanged_whatever_form_the_options_use(emulator, we, options):
    add_policy(emulator, we, "gold", **EXISTING)
    result = ok(emulator, we, _ansible_diff=True, **options)
    assert result["changed"] is False
    assert emulator.writes() == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["policy"]["attached_volumes_count"] == 0


def test_never_on_a_policy_without_archiving_is_unchanged(emulator, we):
    add_policy(emulator, we, "gold", rules={"daily": 30})
    assert ok(emulator, we, archive_after_days="never")["changed"] is False
    assert emulator.writes() == []


@DATALOCK
def test_object_lock_of_an_existing_policy_cannot_change(emulator):
    we = emulator.working_environment(name=DATALOCK_WE)
    locked = next(name for name, p in policies(emulator, we).items() if p["object-lock"] == "GOVERNANCE")
    result = fail(emulator, we, name=locked, object_lock="COMPLIANCE")
    assert result["msg"].startswith("object_lock:")
    assert "GOVERNANCE" in result["msg"] and "COMPLIANCE" in result["msg"]
    assert result["option"] == "object_lock"
    assert emulator.writes() == []


@DATALOCK
def test_archive_on_an_existing_datalock_policy_fails_before_any_write(emulator):
    we = emulator.working_environment(name=DATALOCK_WE)
    locked = next(name for name, p in policies(emulator, we).items() if p["object-lock"] == "GOVERNANCE")
    result = fail(emulator, we, name=locked, archive_after_days="30")
    assert emulator.writes() == []
    assert "archive_after_days" in result["msg"] or "object_lock" in result["msg"]


# --- delete ---------------------------------------------------------------------------------------

def test_delete_in_check_mode_sends_nothing(emulator, we):
    add_policy(emulator, we, "bronze", rules={"daily": 7})
    result = ok(emulator, we, name="bronze", state="absent", _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True
    assert result["policy"] is None
    assert result["diff"]["before"]["name"] == "bronze" and result["diff"]["after"] == {}
    assert gets_only(emulator)
    assert "bronze" in policies(emulator, we)


def test_delete_sends_delete_by_policy_id_then_rerun_is_unchanged(emulator, we, paths):
    add_policy(emulator, we, "bronze", rules={"daily": 7})
    policy_id = policies(emulator, we)["bronze"]["id"]
    result = ok(emulator, we, name="bronze", state="absent")
    assert result["changed"] is True and result["policy"] is None
    assert [(e["method"], e["path"], e["body"]) for e in emulator.writes()] == [
        ("DELETE", paths["policies"] + "/" + policy_id, None)]
    assert "bronze" not in policies(emulator, we)

    emulator.clear_requests()
    assert ok(emulator, we, name="bronze", state="absent")["changed"] is False
    assert emulator.writes() == []


def test_delete_of_a_policy_in_use_fails_with_the_volume_count(emulator, we):
    name, used = next((name, p) for name, p in policies(emulator, we).items()
                      if int(p["attached-volumes-count"]) > 0)
    result = fail(emulator, we, name=name, state="absent")
    assert "{0} volume".format(used["attached-volumes-count"]) in result["msg"] and name in result["msg"]
    assert emulator.writes() == []


def test_absent_policy_that_does_not_exist_is_unchanged(emulator, we):
    result = ok(emulator, we, name="absent-one", state="absent", rules=[{"label": "daily", "retention": 1}])
    assert result["changed"] is False and result["policy"] is None
    assert emulator.writes() == []


# --- bad input --------------------------------------------------------------------------------

@pytest.mark.parametrize("options, option, text", [
    ({"rules": [{"label": "daily", "retention": 0}]}, "rules", "between 1 and 1018"),
    ({"rules": [{"label": "daily", "retention": 1019}]}, "rules", "between 1 and 1018"),
    ({"rules": [{"label": "daily", "retention": -3}]}, "rules", "between 1 and 1018"),
    ({"rules": [{"label": "daily", "retention": 1000}, {"label": "weekly", "retention": 19}]}, "rules", "1019"),
    ({"rules": [{"label": "daily", "retention": 7}, {"label": "daily", "retention": 8}]}, "rules", "daily"),
    ({"rules": []}, "rules", "at least one rule"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "30", "object_lock": "GOVERNANCE"},
     "object_lock", "DataLock"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "soon"}, "archive_after_days", "soon"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "0"}, "archive_after_days", "at least 1"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "inf"}, "archive_after_days", "'inf'"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "1e3"}, "archive_after_days", "'1e3'"),
    ({"rules": [{"label": "daily", "retention": 7}], "archive_after_days": "1.5"}, "archive_after_days", "'1.5'"),
], ids=["retention 0", "retention 1019", "negative", "total 1019", "duplicate label", "no rule", "datalock archive",
        "archive word", "archive 0", "archive inf", "archive exponent", "archive fraction"])
def test_bad_input_fails_before_any_request_naming_the_option(emulator, we, options, option, text):
    result = fail(emulator, we, **options)
    assert result["option"] == option
    assert result["msg"].startswith(option)
    assert text in result["msg"]
    assert emulator.requests() == []


@pytest.mark.parametrize("rules", [
    [{"label": "daily", "retention": 1018}],
    [{"label": "daily", "retention": 1000}, {"label": "weekly", "retention": 18}],
    [{"label": "daily", "retention": 1}],
], ids=["one rule at the limit", "total at the limit", "one"])
def test_retentions_at_the_limits_are_accepted(emulator, we, rules):
    assert ok(emulator, we, rules=rules)["changed"] is True
    assert "gold" in policies(emulator, we)


@pytest.mark.parametrize("options, text", [
    ({"rules": [{"label": "daily"}]}, "retention"),
    ({"rules": [{"label": "daily", "retention": "many"}]}, "retention"),
    ({"object_lock": "WORM"}, "object_lock"),
    ({"working_environment_id": "VsaWorkingEnvironment-x"}, "working_environment_id"),
], ids=["missing retention", "retention not a number", "unknown lock", "id and name"])
def test_argument_spec_refusals_send_nothing(emulator, we, options, text):
    result = fail(emulator, we, **options)
    assert text in result["msg"]
    assert emulator.requests() == []


def test_missing_working_environment_fails_without_a_request(emulator):
    result = emulator.run_fail(MODULE, name="gold")
    assert "working_environment_id" in result["msg"] and "working_environment_name" in result["msg"]
    assert emulator.requests() == []


# --- working environment --------------------------------------------------------------------

def test_working_environment_by_id_costs_no_lookup(emulator, we, paths):
    """Given by ID, the policy list under it is the first and only read: a fleet of per-host runs
    does not pay one more call each for what the play already knows."""
    emulator.run_ok(MODULE, working_environment_id=we["id"], name="gold", rules=GOLD_RULES, _ansible_check_mode=True)
    assert emulator.calls() == [("GET", paths["policies"])]


def test_unknown_working_environment_name_fails_with_close_names(emulator, we, paths):
    result = fail(emulator, we, working_environment_name=we["name"][:-1] + "9", rules=GOLD_RULES)
    assert result["option"] == "working_environment_name"
    assert we["name"] in result["msg"]
    assert emulator.calls() == [("GET", paths["we_list"])]


def test_unknown_working_environment_id_fails_naming_it(emulator):
    result = emulator.run_fail(MODULE, working_environment_id="VsaWorkingEnvironment-nothere", name="gold",
                               rules=GOLD_RULES)
    assert result["option"] == "working_environment_id" and "VsaWorkingEnvironment-nothere" in result["msg"]
    assert result["error_code"] == "working_environment_not_found"
    assert result["missing"] == ["VsaWorkingEnvironment-nothere"]
    assert emulator.writes() == []


def test_api_refusal_of_the_write_fails_with_its_message(emulator, we, paths):
    emulator.add_fault(method="POST", path="/backup-policy$", status=400,
                       message="label hourly is not in the snapshot policy")
    result = fail(emulator, we, rules=[{"label": "hourly", "retention": 24}])
    assert result["status"] == 400 and "label hourly is not in the snapshot policy" in result["msg"]
    assert result["method"] == "POST" and result["path"] == paths["policies"]
    assert "gold" not in policies(emulator, we)


# --- answers the emulator does not give ---------------------------------------------------------
# The emulator always reports numbers as strings, a policy id, and unique names; the API may not
# (2.0.6 declares no policy id, and names are not unique), so these conversations are scripted.

WE_ID = "we-1"
WE_NAME = "prod-east"
POLICIES = cbs_path("v1", "working-environment", WE_ID, "backup-policy")


def environment(we_id=WE_ID, name=WE_NAME):
    return {"id": we_id, "name": name, "type": "VSA", "provider": "AWS", "status": "ON"}


@pytest.fixture
def scripted(fake, module_transport):
    fake.add("GET", cbs_path("v1", "working-environment"), reply(200, {"working-environment": [environment()]}))
    return fake


def scripted_args(**extra):
    return dict(dict(token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR, working_environment_name=WE_NAME,
                     name="gold"), **extra)


def test_numbers_sent_as_numbers_by_the_api_compare_equal(scripted):
    scripted.add("GET", POLICIES, reply(200, {"backup-policy": [{
        "name": "gold", "id": "pol-gold", "rule": [{"label": "daily", "retention": 30},
                                                   {"label": "weekly", "retention": 12.0}],
        "archive-after-days": 90, "attached-volumes-count": 0, "object-lock": "NONE"}]}))
    result = run_ok(backup_policy.main, scripted_args(rules=GOLD_RULES, archive_after_days="90"))
    assert result["changed"] is False
    assert [c.method for c in scripted.api_calls] == ["GET", "GET"]


def test_delete_without_a_reported_id_fails_without_a_write(scripted):
    scripted.add("GET", POLICIES, reply(200, {"backup-policy": [{
        "name": "bronze", "rule": [{"label": "daily", "retention": "7"}], "attached-volumes-count": "0"}]}))
    result = run_fail(backup_policy.main, scripted_args(name="bronze", state="absent"))
    assert "bronze" in result["msg"] and "ID" in result["msg"]
    assert all(c.method == "GET" for c in scripted.api_calls)


def test_working_environment_name_shared_by_two_fails_listing_ids(fake, module_transport):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [environment(), environment("we-9")]}))
    result = run_fail(backup_policy.main, scripted_args(rules=GOLD_RULES))
    assert WE_ID in result["msg"] and "we-9" in result["msg"]
    assert all(c.method == "GET" for c in fake.api_calls)


@pytest.mark.parametrize("archive", ["90.0", " 90 ", "+90"])
def test_a_whole_number_of_days_is_sent_as_the_api_writes_it(emulator, we, archive):
    ok(emulator, we, rules=GOLD_RULES, archive_after_days=archive)
    [write] = emulator.writes()
    assert write["body"]["archive-after-days"] == "90"
