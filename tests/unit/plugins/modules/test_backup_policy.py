# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_policy
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    install,
    module_args,
    policy,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    cbs_path,
    reply,
    run_fail,
    run_module,
    run_ok,
)

main = backup_policy.main

POLICIES = cbs_path("v1", "working-environment", WE_ID, "backup-policy")
POLICY_UPDATE = cbs_path("v2", "working-environment", WE_ID, "backup-policy")
WE_LIST = cbs_path("v1", "working-environment")
GOLD_RULES = [{"label": "weekly", "retention": 12}, {"label": "daily", "retention": 30}]


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment()
    api.add_environment("we-2", "prod-west")
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME, name="gold")
    base.update(extra)
    return module_args(**base)


def gets_only(api):
    return all(c.method == "GET" for c in api.api_calls)


# --- create ---------------------------------------------------------------------------------------

def test_create_in_check_mode_sends_no_write_and_predicts_the_policy(cbs):
    result = run_ok(main, args(rules=GOLD_RULES, archive_after_days="90", _ansible_check_mode=True))
    assert result["changed"] is True
    assert result["policy"] == {
        "name": "gold", "id": None,
        "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}],
        "archive_after_days": 90, "object_lock": "NONE", "attached_volumes_count": 0}
    assert result["working_environment_id"] == WE_ID
    assert gets_only(cbs) and cbs.api_calls
    assert cbs.policies[WE_ID] == []


def test_create_sends_one_post_with_string_retentions_then_rerun_is_unchanged(cbs):
    result = run_ok(main, args(rules=GOLD_RULES, archive_after_days="90"))
    assert result["changed"] is True
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", POLICIES)
    assert write.body == {"name": "gold", "rule": [{"label": "daily", "retention": "30"},
                                                   {"label": "weekly", "retention": "12"}],
                          "archive-after-days": "90"}
    assert result["policy"]["id"] == "pol-gold", "the policy as the API reports it after the write"
    assert result["policy"]["rules"] == [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}]

    cbs.calls.clear()
    again = run_ok(main, args(rules=list(reversed(GOLD_RULES)), archive_after_days="90"))
    assert again["changed"] is False
    assert writes(cbs) == []
    assert again["policy"] == result["policy"]


@pytest.mark.parametrize("object_lock", ["GOVERNANCE", "COMPLIANCE"])
def test_create_with_datalock_sends_object_lock(cbs, object_lock):
    result = run_ok(main, args(rules=[{"label": "daily", "retention": 7}], object_lock=object_lock))
    [write] = writes(cbs)
    assert write.body == {"name": "gold", "rule": [{"label": "daily", "retention": "7"}], "object-lock": object_lock}
    assert result["policy"]["object_lock"] == object_lock
    assert result["policy"]["archive_after_days"] is None


def test_create_with_never_sends_no_archive(cbs):
    run_ok(main, args(rules=[{"label": "daily", "retention": 7}], archive_after_days="never"))
    assert "archive-after-days" not in writes(cbs)[0].body


def test_create_without_rules_fails_naming_rules_and_sends_nothing(cbs):
    result = run_fail(main, args())
    assert result["msg"].startswith("rules:") and "gold" in result["msg"]
    assert result["option"] == "rules"
    assert writes(cbs) == []


def test_diff_of_a_creation(cbs):
    result = run_ok(main, args(rules=GOLD_RULES, _ansible_diff=True, _ansible_check_mode=True))
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
def test_modification_sends_one_put_v2_with_policy_name(cbs, options, body, expected):
    cbs.policies[WE_ID].append(policy("gold", **EXISTING))
    check = run_ok(main, args(_ansible_check_mode=True, **options))
    assert check["changed"] is True and gets_only(cbs)
    for key, value in expected.items():
        assert check["policy"][key] == value

    cbs.calls.clear()
    result = run_ok(main, args(_ansible_diff=True, **options))
    assert result["changed"] is True
    [write] = writes(cbs)
    assert (write.method, write.path) == ("PUT", POLICY_UPDATE)
    assert write.body == body
    for key, value in expected.items():
        assert result["policy"][key] == value
    assert result["diff"]["before"]["archive_after_days"] == 90
    assert result["diff"]["after"] == result["policy"]

    cbs.calls.clear()
    again = run_ok(main, args(**options))
    assert again["changed"] is False and writes(cbs) == []


@pytest.mark.parametrize("options", [
    {},
    {"rules": [{"label": "weekly", "retention": 12}, {"label": "daily", "retention": 30}]},
    {"archive_after_days": "90"},
    {"archive_after_days": " 90"},
    {"object_lock": "NONE"},
], ids=["nothing asked", "same rules other order", "same archive", "archive spaced", "same lock"])
def test_same_policy_is_unchanged_whatever_form_the_api_uses(cbs, options):
    cbs.policies[WE_ID].append(policy("gold", **EXISTING))
    result = run_ok(main, args(_ansible_diff=True, **options))
    assert result["changed"] is False
    assert writes(cbs) == []
    assert result["diff"]["before"] == result["diff"]["after"]
    assert result["policy"]["attached_volumes_count"] == 0


def test_numbers_sent_as_numbers_by_the_api_compare_equal(cbs):
    record = policy("gold", **EXISTING)
    record["rule"] = [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12.0}]
    record["archive-after-days"] = 90
    cbs.policies[WE_ID].append(record)
    assert run_ok(main, args(rules=GOLD_RULES, archive_after_days="90"))["changed"] is False


def test_never_on_a_policy_without_archiving_is_unchanged(cbs):
    cbs.policies[WE_ID].append(policy("gold", rules={"daily": 30}))
    assert run_ok(main, args(archive_after_days="never"))["changed"] is False
    assert writes(cbs) == []


def test_object_lock_of_an_existing_policy_cannot_change(cbs):
    cbs.policies[WE_ID].append(policy("gold", rules={"daily": 30}, object_lock="GOVERNANCE"))
    result = run_fail(main, args(object_lock="COMPLIANCE"))
    assert result["msg"].startswith("object_lock:")
    assert "GOVERNANCE" in result["msg"] and "COMPLIANCE" in result["msg"]
    assert result["option"] == "object_lock"
    assert writes(cbs) == []


def test_archive_on_an_existing_datalock_policy_fails_before_any_write(cbs):
    cbs.policies[WE_ID].append(policy("gold", rules={"daily": 30}, object_lock="GOVERNANCE"))
    result = run_module(main, args(archive_after_days="30")).result
    assert writes(cbs) == []
    assert result.get("failed") is True
    assert "archive_after_days" in result["msg"] or "object_lock" in result["msg"]


# --- delete ---------------------------------------------------------------------------------------

def test_delete_in_check_mode_sends_nothing(cbs):
    cbs.policies[WE_ID].append(policy("bronze", rules={"daily": 7}))
    result = run_ok(main, args(name="bronze", state="absent", _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["policy"] is None
    assert result["diff"]["before"]["name"] == "bronze" and result["diff"]["after"] == {}
    assert gets_only(cbs)


def test_delete_sends_delete_by_policy_id_then_rerun_is_unchanged(cbs):
    cbs.policies[WE_ID].append(policy("bronze", rules={"daily": 7}, policy_id="pol-77"))
    result = run_ok(main, args(name="bronze", state="absent"))
    assert result["changed"] is True and result["policy"] is None
    assert [(c.method, c.path) for c in writes(cbs)] == [
        ("DELETE", cbs_path("v1", "working-environment", WE_ID, "backup-policy", "pol-77"))]
    assert writes(cbs)[0].body is None

    cbs.calls.clear()
    assert run_ok(main, args(name="bronze", state="absent"))["changed"] is False
    assert writes(cbs) == []


def test_delete_of_a_policy_in_use_fails_with_the_volume_count(cbs):
    cbs.policies[WE_ID].append(policy("bronze", rules={"daily": 7}, attached=3))
    result = run_fail(main, args(name="bronze", state="absent"))
    assert "3 volume" in result["msg"] and "bronze" in result["msg"]
    assert writes(cbs) == []


def test_delete_without_a_reported_id_fails_without_a_write(cbs):
    cbs.policies[WE_ID].append(policy("bronze", rules={"daily": 7}, policy_id=None))
    result = run_fail(main, args(name="bronze", state="absent"))
    assert "bronze" in result["msg"] and "ID" in result["msg"]
    assert writes(cbs) == []


def test_absent_policy_that_does_not_exist_is_unchanged(cbs):
    result = run_ok(main, args(name="absent-one", state="absent", rules=[{"label": "daily", "retention": 1}]))
    assert result["changed"] is False and result["policy"] is None


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
], ids=["retention 0", "retention 1019", "negative", "total 1019", "duplicate label", "no rule", "datalock archive",
        "archive word", "archive 0"])
def test_bad_input_fails_before_any_request_naming_the_option(cbs, options, option, text):
    result = run_fail(main, args(**options))
    assert result["option"] == option
    assert result["msg"].startswith(option)
    assert text in result["msg"]
    assert cbs.calls == []


@pytest.mark.parametrize("rules", [
    [{"label": "daily", "retention": 1018}],
    [{"label": "daily", "retention": 1000}, {"label": "weekly", "retention": 18}],
    [{"label": "daily", "retention": 1}],
], ids=["one rule at the limit", "total at the limit", "one"])
def test_retentions_at_the_limits_are_accepted(cbs, rules):
    assert run_ok(main, args(rules=rules))["changed"] is True


@pytest.mark.parametrize("options, text", [
    ({"rules": [{"label": "daily"}]}, "retention"),
    ({"rules": [{"label": "daily", "retention": "many"}]}, "retention"),
    ({"object_lock": "WORM"}, "object_lock"),
    ({"working_environment_id": WE_ID}, "working_environment_id"),
], ids=["missing retention", "retention not a number", "unknown lock", "id and name"])
def test_argument_spec_refusals_send_nothing(cbs, options, text):
    result = run_fail(main, args(**options))
    assert text in result["msg"]
    assert cbs.calls == []


def test_missing_working_environment_fails_without_a_request(cbs):
    result = run_fail(main, module_args(name="gold"))
    assert "working_environment_id" in result["msg"] and "working_environment_name" in result["msg"]
    assert cbs.calls == []


# --- working environment --------------------------------------------------------------------

def test_working_environment_by_id_reads_it_alone(cbs):
    run_ok(main, module_args(working_environment_id=WE_ID, name="gold", rules=GOLD_RULES,
                             _ansible_check_mode=True))
    assert requests(cbs) == [("GET", cbs_path("v1", "working-environment", WE_ID)), ("GET", POLICIES)]


def test_unknown_working_environment_name_fails_with_close_names(cbs):
    result = run_fail(main, args(working_environment_name="prod-eats", rules=GOLD_RULES))
    assert result["option"] == "working_environment_name"
    assert "prod-east" in result["msg"]
    assert requests(cbs) == [("GET", WE_LIST)]


def test_unknown_working_environment_id_fails_naming_it(cbs):
    result = run_fail(main, module_args(working_environment_id="we-404", name="gold", rules=GOLD_RULES))
    assert result["option"] == "working_environment_id" and "we-404" in result["msg"]
    assert writes(cbs) == []


def test_working_environment_name_shared_by_two_fails_listing_ids(cbs):
    cbs.add_environment("we-9", WE_NAME)
    result = run_fail(main, args(rules=GOLD_RULES))
    assert WE_ID in result["msg"] and "we-9" in result["msg"]
    assert writes(cbs) == []


def test_api_refusal_of_the_write_fails_with_its_message(cbs):
    cbs.add("POST", POLICIES, reply(400, {"error": "Bad Request", "message": "label hourly is not in the snapshot "
                                                                             "policy"}))
    result = run_fail(main, args(rules=[{"label": "hourly", "retention": 24}]))
    assert result["status"] == 400 and "label hourly is not in the snapshot policy" in result["msg"]
    assert result["method"] == "POST" and result["path"] == POLICIES
