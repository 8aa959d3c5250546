# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.volume_backup against the emulator: protect, pause, resume, change policy, unprotect."""

from __future__ import annotations

import json
import types

import pytest
from ansible.module_utils import basic

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

# No scheduled backup lands while a test moves the clock.
pytestmark = pytest.mark.emulator(backup_interval_s=0)

NAMES = ("vol_a", "vol_b", "vol_c")


@pytest.fixture
def fleet(emulator):
    """The AWS working environment with three new volumes vol_a, vol_b, vol_c (no backup) in its first SVM,
    a volume "shared" in two SVMs, its seeded protected volumes with backups, and two of its policies."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    svms = sorted({v["svm"] for v in we["volume_list"]})
    added = {}
    for name in NAMES:
        added[name] = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": name,
                                                           "svm": svms[0]})
    shared = [emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": "shared", "svm": svm})
              for svm in svms[:2]]
    with_backups = [v for v in we["volume_list"] if v["backup_status"] == "ON" and v["backups"] >= 1]
    policies = [p["name"] for p in emulator.api("GET", "v1", "working-environment", we["id"],
                                                "backup-policy")["backup-policy"]]
    seeded_jobs = {j["id"] for j in emulator.control("GET", "jobs")["jobs"]}
    return types.SimpleNamespace(we=we, svm=svms[0], svms=svms, shared=shared, with_backups=with_backups,
                                 gold=policies[0], silver=policies[1], seeded_jobs=seeded_jobs, **added)


def args(fleet, volumes, **extra):
    return dict(working_environment_name=fleet.we["name"], volumes=volumes, **extra)


def protect(emulator, fleet, volume, policy, paused=False):
    """Protect a volume the way another tool would (synchronous v2 call), paused if asked."""
    emulator.api("POST", "v2", "backup", "working-environment", fleet.we["id"], "volume", volume["id"],
                 json={"backup-policy": {"name": policy}})
    if paused:
        emulator.api("PUT", "v1", "backup", "working-environment", fleet.we["id"], "volume", volume["id"],
                     json={"state": "PAUSE"})


def protection(emulator, fleet):
    """backup-status by volume id, from the API."""
    return {v["file-system-id"]: v["backup-status"] for v in emulator.api(
        "GET", "v1", "backup", "working-environment", fleet.we["id"], "volume")["volume"]}


def volume_path(emulator, fleet, vol_id, *rest, version="v1"):
    return emulator.cbs_path(version, "backup", "working-environment", fleet.we["id"], "volume", vol_id, *rest)


def batch_path(emulator, fleet, version="v1"):
    return emulator.cbs_path(version, "backup", "working-environment", fleet.we["id"], "volume")


def job_path(emulator, job_id):
    return emulator.cbs_path("v1", "job", job_id)


def jobs_of(emulator, fleet, job_type):
    """Jobs of that type the test started, oldest first."""
    return [j for j in emulator.control("GET", "jobs")["jobs"]
            if j["type"] == job_type and j["id"] not in fleet.seeded_jobs]


def write_paths(emulator):
    return [(w["method"], w["path"]) for w in emulator.writes()]


def by_name(result):
    return {v["name"]: v for v in result["volumes"]}


def diff_of(result):
    """The diff as data: lists reach it as JSON text, which the default callback prints."""
    return {side: json.loads(text) if isinstance(text, str) else text for side, text in result["diff"].items()}


# --- protect --------------------------------------------------------------------------------------

@pytest.mark.parametrize("names", [["vol_a"], ["vol_a", "vol_b", "vol_c"]], ids=["one", "several"])
def test_protect_in_check_mode_sends_no_write_and_predicts(emulator, fleet, names):
    result = emulator.run_ok("volume_backup", **args(fleet, names, policy=fleet.gold, _ansible_check_mode=True))
    assert result["changed"] is True
    assert result["volumes"] == [{"id": getattr(fleet, n)["id"], "name": n, "svm": fleet.svm, "state": "protected",
                                  "policy": fleet.gold, "action": "protect"} for n in names]
    assert "jobs" not in result
    assert emulator.writes() == []
    assert not set(protection(emulator, fleet)) & {getattr(fleet, n)["id"] for n in names}


def test_protect_one_volume_sends_the_v3_single_volume_call_and_waits(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], policy=fleet.gold))
    assert result["changed"] is True
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", volume_path(emulator, fleet, fleet.vol_a["id"], version="v3"))
    assert write["body"] == {"mode": "SCHEDULED", "backup-policy": {"name": fleet.gold}}
    [job] = jobs_of(emulator, fleet, "backup-volume")
    sent = emulator.calls()
    assert sent.index(("GET", job_path(emulator, job["id"]))) > sent.index(
        ("POST", volume_path(emulator, fleet, fleet.vol_a["id"], version="v3"))), "the job is followed after the write"
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [(job["id"], "COMPLETED")]
    assert result["volumes"][0]["state"] == "protected" and result["volumes"][0]["action"] == "protect"
    assert protection(emulator, fleet)[fleet.vol_a["id"]] == "ON"

    emulator.clear_requests()
    again = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], policy=fleet.gold))
    assert again["changed"] is False and emulator.writes() == []
    assert again["volumes"][0]["action"] is None


def test_protect_several_volumes_sends_one_v2_multi_volume_call(emulator, fleet):
    order = ("vol_c", "vol_a", "vol_b")
    result = emulator.run_ok("volume_backup", **args(fleet, list(order), policy=fleet.gold))
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", batch_path(emulator, fleet, "v2"))
    assert write["body"] == {"volume": [{"volume-id": getattr(fleet, n)["id"], "mode": "SCHEDULED",
                                         "backup-policy": {"name": fleet.gold}} for n in order]}
    assert [v["name"] for v in result["volumes"]] == list(order), "in the order asked for"
    assert all(v["result"] == "SUCCESS" and v["error"] is None for v in result["volumes"])
    assert result["jobs"][0]["data"]["multi_volume_backup"]["volume"][0]["id"] == fleet.vol_c["id"]

    emulator.clear_requests()
    assert emulator.run_ok("volume_backup", **args(fleet, list(NAMES), policy=fleet.gold))["changed"] is False
    assert emulator.writes() == []


def test_only_unprotected_volumes_of_the_list_are_sent(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold))
    [write] = emulator.writes()
    assert write["path"] == volume_path(emulator, fleet, fleet.vol_b["id"], version="v3")
    assert [v["action"] for v in result["volumes"]] == [None, "protect"]


def test_wait_follows_the_job_to_its_end_on_the_emulator_clock(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold))
    [job] = jobs_of(emulator, fleet, "backup-volumes")
    assert [p for _m, p in emulator.calls()].count(job_path(emulator, job["id"])) == len(emulator.sleeps) + 1
    assert_waited_for(emulator.sleeps, 2)  # the default 2-second job
    assert result["jobs"][0]["status"] == "COMPLETED"


def test_without_wait_the_job_id_is_returned_and_not_polled(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold, wait=False))
    assert result["changed"] is True
    [job] = jobs_of(emulator, fleet, "backup-volumes")
    assert result["jobs"] == [{"id": job["id"], "status": "PENDING"}]
    assert not any(p.startswith(emulator.cbs_path("v1", "job") + "/") for _m, p in emulator.calls())
    assert emulator.sleeps == []


def test_job_that_does_not_end_in_time_fails_with_its_id(emulator, fleet):
    emulator.add_job_fault(job_type="backup-volume", outcome="stuck")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a"], policy=fleet.gold, wait_timeout=10))
    [job] = jobs_of(emulator, fleet, "backup-volume")
    assert result["error_code"] == "job_timeout"
    assert job["id"] in result["msg"] and "job_info" in result["msg"]
    assert result["job_ids"] == [job["id"]]


def test_diff_shows_before_and_after_of_each_volume(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.silver)
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold,
                                                     _ansible_diff=True, _ansible_check_mode=True))
    diff = diff_of(result)
    assert diff["before"] == [
        {"id": fleet.vol_a["id"], "name": "vol_a", "svm": fleet.svm, "state": "protected", "policy": fleet.silver},
        {"id": fleet.vol_b["id"], "name": "vol_b", "svm": fleet.svm, "state": "unprotected", "policy": None}]
    assert [(v["state"], v["policy"], v["action"]) for v in diff["after"]] == [
        ("protected", fleet.gold, "change policy"), ("protected", fleet.gold, "protect")]


def test_protect_without_policy_fails_naming_policy(emulator, fleet):
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a"]))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "policy" and "vol_a" in result["msg"]
    assert emulator.writes() == []


@pytest.mark.parametrize("volumes", [["vol_a"], ["vol_a", "vol_b"]], ids=["one volume", "several"])
def test_policy_that_does_not_exist_fails_before_the_write_naming_it(emulator, fleet, volumes):
    result = emulator.run_fail("volume_backup", **args(fleet, volumes, policy="no-such-policy"))
    assert result["error_code"] == "invalid_option" and result["option"] == "policy"
    assert "'no-such-policy'" in result["msg"] and fleet.gold in result["msg"] and fleet.silver in result["msg"]
    assert emulator.writes() == []


def test_in_check_mode_a_policy_that_does_not_exist_yet_is_a_warning(emulator, fleet, monkeypatch):
    """A play creates the policy in the task before (backup_policy, the protect role): in check mode that
    task created nothing, so the prediction goes on and says what a real run needs."""
    warnings = []
    monkeypatch.setattr(basic.AnsibleModule, "warn", lambda self, warning, *a, **kw: warnings.append(warning))
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], policy="no-such-policy",
                                                     _ansible_check_mode=True))
    assert result["changed"] is True
    assert any("'no-such-policy'" in warning for warning in warnings)
    assert emulator.writes() == []


def test_pausing_an_unprotected_volume_fails_naming_it(emulator, fleet):
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a"], state="paused"))
    assert result["error_code"] == "not_protected"
    assert result["option"] == "volumes" and "vol_a" in result["msg"] and "not protected" in result["msg"]
    assert emulator.writes() == []


# --- modify ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("paused, options, body, expected", [
    (False, {"policy": "silver"}, {"backup-policy": {"name": "silver"}}, ("protected", "silver", "change policy")),
    (False, {"state": "paused"}, {"state": "PAUSE"}, ("paused", "gold", "pause")),
    (True, {}, {"state": "RESUME"}, ("protected", "gold", "resume")),
    (True, {"policy": "silver"}, {"state": "RESUME", "backup-policy": {"name": "silver"}},
     ("protected", "silver", "resume")),
    (False, {"state": "paused", "policy": "silver"}, {"state": "PAUSE", "backup-policy": {"name": "silver"}},
     ("paused", "silver", "pause")),
    (True, {"state": "paused", "policy": "silver"}, {"backup-policy": {"name": "silver"}},
     ("paused", "silver", "change policy")),
], ids=["policy", "pause", "resume", "resume with policy", "pause with policy", "policy of paused"])
def test_one_volume_is_modified_with_a_synchronous_put(emulator, fleet, paused, options, body, expected):
    policies = {"gold": fleet.gold, "silver": fleet.silver}
    options = {k: policies.get(v, v) for k, v in options.items()}
    if "backup-policy" in body:
        body = dict(body, **{"backup-policy": {"name": policies[body["backup-policy"]["name"]]}})
    expected = (expected[0], policies[expected[1]], expected[2])
    protect(emulator, fleet, fleet.vol_a, fleet.gold, paused=paused)
    check = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], _ansible_check_mode=True, **options))
    assert check["changed"] is True and emulator.writes() == []

    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], **options))
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("PUT", volume_path(emulator, fleet, fleet.vol_a["id"]))
    assert write["body"] == body
    assert "jobs" in result and result["jobs"] == [], "a synchronous answer starts no job"
    volume = result["volumes"][0]
    assert (volume["state"], volume["policy"], volume["action"]) == expected
    assert check["volumes"] == result["volumes"]

    emulator.clear_requests()
    assert emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], **options))["changed"] is False
    assert emulator.writes() == []


def test_several_volumes_are_modified_in_one_batch_put(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    protect(emulator, fleet, fleet.vol_b, fleet.gold)
    protect(emulator, fleet, fleet.vol_c, fleet.gold, paused=True)
    result = emulator.run_ok("volume_backup", **args(fleet, list(NAMES), state="paused"))
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("PUT", batch_path(emulator, fleet))
    assert write["body"] == {"volume": [{"state": "PAUSE", "file-system-id": fleet.vol_a["id"]},
                                        {"state": "PAUSE", "file-system-id": fleet.vol_b["id"]}]}
    assert [v["action"] for v in result["volumes"]] == ["pause", "pause", None]
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert protection(emulator, fleet)[fleet.vol_b["id"]] == "PAUSED"


def test_protect_and_resume_in_one_task_send_one_request_each(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold, paused=True)
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold))
    assert write_paths(emulator) == [("POST", volume_path(emulator, fleet, fleet.vol_b["id"], version="v3")),
                                     ("PUT", volume_path(emulator, fleet, fleet.vol_a["id"]))]
    assert emulator.writes()[1]["body"] == {"state": "RESUME", "backup-policy": {"name": fleet.gold}}
    assert [v["action"] for v in result["volumes"]] == ["resume", "protect"]


@pytest.mark.parametrize("options", [{}, {"policy": "gold"}, {"state": "present"}])
def test_protected_volume_as_asked_is_unchanged(emulator, fleet, options):
    options = {k: fleet.gold if v == "gold" else v for k, v in options.items()}
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], _ansible_diff=True, **options))
    assert result["changed"] is False and emulator.writes() == []
    assert "jobs" not in result
    diff = diff_of(result)
    assert diff["before"][0]["state"] == diff["after"][0]["state"] == "protected"


# --- absent ---------------------------------------------------------------------------------------

def test_absent_unprotected_volume_is_unchanged(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], state="absent"))
    assert result["changed"] is False and emulator.writes() == []


def test_absent_without_backups_removes_the_settings(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    check = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], state="absent", _ansible_check_mode=True))
    assert check["changed"] is True and emulator.writes() == []
    assert check["volumes"][0]["action"] == "unprotect"

    result = emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], state="absent"))
    assert write_paths(emulator) == [("DELETE", volume_path(emulator, fleet, fleet.vol_a["id"]))]
    assert result["volumes"][0]["state"] == "unprotected"
    assert len(result["jobs"]) == 1
    assert fleet.vol_a["id"] not in protection(emulator, fleet)

    emulator.clear_requests()
    assert emulator.run_ok("volume_backup", **args(fleet, ["vol_a"], state="absent"))["changed"] is False
    assert emulator.writes() == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_absent_with_backups_needs_delete_backups_and_sends_nothing(emulator, fleet, check_mode):
    first, second = fleet.with_backups[:2]
    protect(emulator, fleet, fleet.vol_b, fleet.gold)
    names = [first["name"], "vol_b", second["name"]]
    result = emulator.run_fail("volume_backup", **args(fleet, names, state="absent", _ansible_check_mode=check_mode))
    assert first["name"] in result["msg"] and second["name"] in result["msg"] and "vol_b" not in result["msg"]
    assert result["error_code"] == "has_backups" and "delete_backups" in result["msg"]
    assert result["volumes_with_backups"] == [first["name"], second["name"]]
    assert emulator.writes() == []


def test_absent_with_delete_backups_deletes_them_first_and_waits_even_without_wait(emulator, fleet):
    volume = fleet.with_backups[0]
    result = emulator.run_ok("volume_backup", **args(fleet, [volume["name"]], state="absent", delete_backups=True,
                                                     wait=False))
    assert write_paths(emulator) == [("DELETE", volume_path(emulator, fleet, volume["id"], "snapshot")),
                                     ("DELETE", volume_path(emulator, fleet, volume["id"]))]
    [deletion] = jobs_of(emulator, fleet, "delete-volume-backups")
    [removal] = jobs_of(emulator, fleet, "remove-volume-backup")
    sent = emulator.calls()
    assert sent.index(("GET", job_path(emulator, deletion["id"]))) < sent.index(
        ("DELETE", volume_path(emulator, fleet, volume["id"]))), \
        "the settings are removed only once the deletion of the backups has ended"
    assert ("GET", job_path(emulator, removal["id"])) not in sent
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [(deletion["id"], "COMPLETED"),
                                                                (removal["id"], "PENDING")]
    assert result["volumes"][0]["action"] == "delete backups and unprotect"
    assert_waited_for(emulator.sleeps, 2)  # the deletion alone
    emulator.advance(10)
    assert volume["id"] not in protection(emulator, fleet), "the removal, left running, then completes"


# --- which volumes ------------------------------------------------------------------------------

def test_unknown_volume_name_fails_with_close_names(emulator, fleet):
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a", "vol_bb"], policy=fleet.gold))
    assert result["error_code"] == "volume_not_found" and result["option"] == "volumes"
    assert "vol_bb" in result["msg"] and "vol_b" in result["msg"]
    assert result["missing"] == "vol_bb"
    assert emulator.writes() == []


def test_name_in_several_svms_needs_svm(emulator, fleet):
    result = emulator.run_fail("volume_backup", **args(fleet, ["shared"], policy=fleet.gold))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "svm" and fleet.svms[0] in result["msg"] and fleet.svms[1] in result["msg"]
    assert emulator.writes() == []


def test_svm_picks_the_volume_of_that_svm(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, ["shared"], svm=fleet.svms[1], policy=fleet.gold))
    assert emulator.writes()[0]["path"] == volume_path(emulator, fleet, fleet.shared[1]["id"], version="v3")
    assert result["volumes"][0]["svm"] == fleet.svms[1]


def test_volume_ids_and_names_naming_the_same_volume_count_once(emulator, fleet):
    result = emulator.run_ok("volume_backup", **args(fleet, [fleet.vol_b["id"], "vol_b"], policy=fleet.gold,
                                                     _ansible_check_mode=True))
    assert [v["id"] for v in result["volumes"]] == [fleet.vol_b["id"]]


def test_alias_volume(emulator, fleet):
    result = emulator.run_ok("volume_backup", working_environment_id=fleet.we["id"], volume=["vol_a"],
                             policy=fleet.gold, _ansible_check_mode=True)
    assert result["volumes"][0]["name"] == "vol_a"


# --- failures -------------------------------------------------------------------------------------

def test_partial_failure_of_a_multi_volume_job_lists_failed_and_succeeded(emulator, fleet):
    error = "SnapLock volumes cannot be backed up"
    emulator.add_job_fault(job_type="backup-volumes", volume_id=fleet.vol_b["id"], error=error)
    result = emulator.run_fail("volume_backup", **args(fleet, list(NAMES), policy=fleet.gold))
    assert result["error_code"] == "partial_failure"
    assert "1 of 3 volume(s) failed" in result["msg"]
    assert "vol_b: " + error in result["msg"]
    assert "Succeeded: vol_a, vol_c" in result["msg"]
    assert result["changed"] is True
    volumes = by_name(result)
    assert volumes["vol_b"]["result"] == "FAILED" and volumes["vol_b"]["error"] == error
    assert volumes["vol_a"]["result"] == volumes["vol_c"]["result"] == "SUCCESS"
    assert result["jobs"][0]["status"] == "FAILED"
    assert set(protection(emulator, fleet)) & {fleet.vol_a["id"], fleet.vol_b["id"], fleet.vol_c["id"]} == {
        fleet.vol_a["id"], fleet.vol_c["id"]}

    # Rerun: only the failed volume is sent again, now alone on the single-volume call.
    emulator.add_job_fault(job_type="backup-volume", volume_id=fleet.vol_b["id"], error=error)
    emulator.clear_requests()
    again = emulator.run_fail("volume_backup", **args(fleet, list(NAMES), policy=fleet.gold))
    assert [w["path"] for w in emulator.writes()] == [volume_path(emulator, fleet, fleet.vol_b["id"], version="v3")]
    assert error in again["msg"]


def test_every_volume_failing_reports_unchanged(emulator, fleet):
    for volume in (fleet.vol_a, fleet.vol_b):
        emulator.add_job_fault(job_type="backup-volumes", volume_id=volume["id"], error="quota")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold))
    assert "2 of 2 volume(s) failed" in result["msg"] and "Succeeded: none" in result["msg"]
    assert result["changed"] is False


def test_failed_batch_modification_lists_the_failed_volume(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    protect(emulator, fleet, fleet.vol_b, fleet.gold)
    emulator.add_job_fault(job_type="modify-volumes", volume_id=fleet.vol_a["id"], error="relationship is busy")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a", "vol_b"], state="paused"))
    assert "vol_a: relationship is busy" in result["msg"] and "Succeeded: vol_b" in result["msg"]
    assert protection(emulator, fleet)[fleet.vol_b["id"]] == "PAUSED"
    assert protection(emulator, fleet)[fleet.vol_a["id"]] == "ON"


def test_failed_job_without_per_volume_data_fails_with_the_job_error(emulator, fleet):
    emulator.add_job_fault(job_type="backup-volume", error="Cloud target is unreachable")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a"], policy=fleet.gold))
    [job] = jobs_of(emulator, fleet, "backup-volume")
    assert result["error_code"] == "job_failed"
    assert job["id"] in result["msg"] and "Cloud target is unreachable" in result["msg"]
    assert result["job_id"] == job["id"]


def test_failed_removal_job_fails_with_its_error(emulator, fleet):
    protect(emulator, fleet, fleet.vol_a, fleet.gold)
    emulator.add_job_fault(job_type="remove-volume-backup", error="SnapMirror relationship could not be deleted")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a"], state="absent"))
    assert "SnapMirror relationship could not be deleted" in result["msg"]


def test_api_refusal_of_a_write_fails_with_its_message(emulator, fleet):
    emulator.add_fault(method="POST", path="/api/v2/backup/working-environment/[^/]+/volume$", status=403,
                       message="User is not allowed to do operation")
    result = emulator.run_fail("volume_backup", **args(fleet, ["vol_a", "vol_b"], policy=fleet.gold))
    assert result["status"] == 403 and "User is not allowed to do operation" in result["msg"]
    assert (result["method"], result["path"]) == ("POST", batch_path(emulator, fleet, "v2"))


def test_unknown_working_environment_id_fails_naming_it_without_a_write(emulator):
    result = emulator.run_fail("volume_backup", working_environment_id="VsaWorkingEnvironment-nothere", volumes=["vol1"],
                               policy="gold")
    assert result["error_code"] == "working_environment_not_found"
    assert result["option"] == "working_environment_id" and "VsaWorkingEnvironment-nothere" in result["msg"]
    assert emulator.writes() == []
