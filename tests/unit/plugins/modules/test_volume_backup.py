# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import volume_backup
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    install,
    module_args,
    ontap_volume,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply, run_fail, run_ok

main = volume_backup.main

BACKUP_VOLUMES = cbs_path("v1", "backup", "working-environment", WE_ID, "volume")
MULTI_VOLUME_ENABLE = cbs_path("v2", "backup", "working-environment", WE_ID, "volume")


def volume_path(version, vol_id, *rest):
    return cbs_path(version, "backup", "working-environment", WE_ID, "volume", vol_id, *rest)


def job_path(job_id):
    return cbs_path("v1", "job", job_id)


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_a"), ontap_volume("vol_b"), ontap_volume("vol_c"),
                                 ontap_volume("shared", "svm1", "fs-shared-1"),
                                 ontap_volume("shared", "svm2", "fs-shared-2")])
    api.activate_environment()
    return api


def args(volumes, **extra):
    base = dict(working_environment_name=WE_NAME, volumes=volumes)
    base.update(extra)
    return module_args(**base)


def gets_only(api):
    return all(c.method == "GET" for c in api.api_calls)


def by_name(result):
    return {v["name"]: v for v in result["volumes"]}


# --- protect --------------------------------------------------------------------------------------

@pytest.mark.parametrize("names", [["vol_a"], ["vol_a", "vol_b", "vol_c"]], ids=["one", "several"])
def test_protect_in_check_mode_sends_no_write_and_predicts(cbs, names):
    result = run_ok(main, args(names, policy="gold", _ansible_check_mode=True))
    assert result["changed"] is True
    assert result["volumes"] == [{"id": "fs-" + n, "name": n, "svm": "svm1", "state": "protected", "policy": "gold",
                                  "action": "protect"} for n in names]
    assert "jobs" not in result
    assert gets_only(cbs)
    assert cbs.protected[WE_ID] == {}


def test_protect_one_volume_sends_the_v3_single_volume_call_and_waits(cbs):
    result = run_ok(main, args(["vol_a"], policy="gold"))
    assert result["changed"] is True
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", volume_path("v3", "fs-vol_a"))
    assert write.body == {"mode": "SCHEDULED", "backup-policy": {"name": "gold"}}
    assert requests(cbs)[-1] == ("GET", job_path("job-1")), "the job is followed after the write"
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [("job-1", "COMPLETED")]
    assert result["volumes"][0]["state"] == "protected" and result["volumes"][0]["action"] == "protect"

    cbs.calls.clear()
    again = run_ok(main, args(["vol_a"], policy="gold"))
    assert again["changed"] is False and writes(cbs) == []
    assert again["volumes"][0]["action"] is None


def test_protect_several_volumes_sends_one_v2_multi_volume_call(cbs):
    result = run_ok(main, args(["vol_c", "vol_a", "vol_b"], policy="gold"))
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", MULTI_VOLUME_ENABLE)
    assert write.body == {"volume": [{"volume-id": vid, "mode": "SCHEDULED", "backup-policy": {"name": "gold"}}
                                     for vid in ("fs-vol_c", "fs-vol_a", "fs-vol_b")]}
    assert [v["name"] for v in result["volumes"]] == ["vol_c", "vol_a", "vol_b"], "in the order asked for"
    assert all(v["result"] == "SUCCESS" and v["error"] is None for v in result["volumes"])
    assert result["jobs"][0]["data"]["multi_volume_backup"]["volume"][0]["id"] == "fs-vol_c"

    cbs.calls.clear()
    assert run_ok(main, args(["vol_a", "vol_b", "vol_c"], policy="gold"))["changed"] is False
    assert writes(cbs) == []


def test_only_unprotected_volumes_of_the_list_are_sent(cbs):
    cbs.protect("fs-vol_a", "gold")
    result = run_ok(main, args(["vol_a", "vol_b"], policy="gold"))
    [write] = writes(cbs)
    assert write.path == volume_path("v3", "fs-vol_b")
    assert [v["action"] for v in result["volumes"]] == [None, "protect"]


def test_wait_follows_the_job_to_its_end_on_the_fake_clock(cbs, clock):
    cbs.pending_polls = 2
    result = run_ok(main, args(["vol_a", "vol_b"], policy="gold"))
    assert [c.path for c in cbs.api_calls].count(job_path("job-1")) == 3
    assert clock.sleeps == [1.0, 1.5]
    assert result["jobs"][0]["status"] == "COMPLETED"


def test_without_wait_the_job_id_is_returned_and_not_polled(cbs, clock):
    cbs.pending_polls = 5
    result = run_ok(main, args(["vol_a", "vol_b"], policy="gold", wait=False))
    assert result["changed"] is True
    assert result["jobs"] == [{"id": "job-1", "status": "PENDING"}]
    assert not any(c.path.startswith(cbs_path("v1", "job")) for c in cbs.api_calls)
    assert clock.sleeps == []


def test_job_that_does_not_end_in_time_fails_with_its_id(cbs):
    cbs.pending_polls = 1000
    result = run_fail(main, args(["vol_a"], policy="gold", wait_timeout=10))
    assert "job-1" in result["msg"] and "job_info" in result["msg"]
    assert result["job_ids"] == ["job-1"]


def test_diff_shows_before_and_after_of_each_volume(cbs):
    cbs.protect("fs-vol_a", "silver")
    result = run_ok(main, args(["vol_a", "vol_b"], policy="gold", _ansible_diff=True, _ansible_check_mode=True))
    assert result["diff"]["before"] == [
        {"id": "fs-vol_a", "name": "vol_a", "svm": "svm1", "state": "protected", "policy": "silver"},
        {"id": "fs-vol_b", "name": "vol_b", "svm": "svm1", "state": "unprotected", "policy": None}]
    assert [(v["state"], v["policy"], v["action"]) for v in result["diff"]["after"]] == [
        ("protected", "gold", "change policy"), ("protected", "gold", "protect")]


def test_protect_without_policy_fails_naming_policy(cbs):
    result = run_fail(main, args(["vol_a"]))
    assert result["option"] == "policy" and "vol_a" in result["msg"]
    assert writes(cbs) == []


def test_pausing_an_unprotected_volume_fails_naming_it(cbs):
    result = run_fail(main, args(["vol_a"], state="paused"))
    assert result["option"] == "volumes" and "vol_a" in result["msg"] and "not protected" in result["msg"]
    assert writes(cbs) == []


# --- modify ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("status, options, body, expected", [
    ("ON", {"policy": "silver"}, {"backup-policy": {"name": "silver"}}, ("protected", "silver", "change policy")),
    ("ON", {"state": "paused"}, {"state": "PAUSE"}, ("paused", "gold", "pause")),
    ("PAUSED", {}, {"state": "RESUME"}, ("protected", "gold", "resume")),
    ("PAUSED", {"policy": "silver"}, {"state": "RESUME", "backup-policy": {"name": "silver"}},
     ("protected", "silver", "resume")),
    ("ON", {"state": "paused", "policy": "silver"}, {"state": "PAUSE", "backup-policy": {"name": "silver"}},
     ("paused", "silver", "pause")),
    ("PAUSED", {"state": "paused", "policy": "silver"}, {"backup-policy": {"name": "silver"}},
     ("paused", "silver", "change policy")),
], ids=["policy", "pause", "resume", "resume with policy", "pause with policy", "policy of paused"])
def test_one_volume_is_modified_with_a_synchronous_put(cbs, status, options, body, expected):
    cbs.protect("fs-vol_a", "gold", status=status)
    check = run_ok(main, args(["vol_a"], _ansible_check_mode=True, **options))
    assert check["changed"] is True and gets_only(cbs)

    cbs.calls.clear()
    result = run_ok(main, args(["vol_a"], **options))
    [write] = writes(cbs)
    assert (write.method, write.path) == ("PUT", volume_path("v1", "fs-vol_a"))
    assert write.body == body
    assert "jobs" in result and result["jobs"] == [], "a synchronous answer starts no job"
    volume = result["volumes"][0]
    assert (volume["state"], volume["policy"], volume["action"]) == expected
    assert check["volumes"] == result["volumes"]

    cbs.calls.clear()
    assert run_ok(main, args(["vol_a"], **options))["changed"] is False
    assert writes(cbs) == []


def test_several_volumes_are_modified_in_one_batch_put(cbs):
    cbs.protect("fs-vol_a", "gold")
    cbs.protect("fs-vol_b", "gold")
    cbs.protect("fs-vol_c", "gold", status="PAUSED")
    result = run_ok(main, args(["vol_a", "vol_b", "vol_c"], state="paused"))
    [write] = writes(cbs)
    assert (write.method, write.path) == ("PUT", BACKUP_VOLUMES)
    assert write.body == {"volume": [{"state": "PAUSE", "file-system-id": "fs-vol_a"},
                                     {"state": "PAUSE", "file-system-id": "fs-vol_b"}]}
    assert [v["action"] for v in result["volumes"]] == ["pause", "pause", None]
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert cbs.protected[WE_ID]["fs-vol_b"]["backup-status"] == "PAUSED"


def test_protect_and_resume_in_one_task_send_one_request_each(cbs):
    cbs.protect("fs-vol_a", "gold", status="PAUSED")
    result = run_ok(main, args(["vol_a", "vol_b"], policy="gold"))
    assert [(c.method, c.path) for c in writes(cbs)] == [("POST", volume_path("v3", "fs-vol_b")),
                                                         ("PUT", volume_path("v1", "fs-vol_a"))]
    assert writes(cbs)[1].body == {"state": "RESUME", "backup-policy": {"name": "gold"}}
    assert [v["action"] for v in result["volumes"]] == ["resume", "protect"]


@pytest.mark.parametrize("options", [{}, {"policy": "gold"}, {"state": "present"}])
def test_protected_volume_as_asked_is_unchanged(cbs, options):
    cbs.protect("fs-vol_a", "gold")
    result = run_ok(main, args(["vol_a"], _ansible_diff=True, **options))
    assert result["changed"] is False and writes(cbs) == []
    assert "jobs" not in result
    assert result["diff"]["before"][0]["state"] == result["diff"]["after"][0]["state"] == "protected"


# --- absent ---------------------------------------------------------------------------------------

def test_absent_unprotected_volume_is_unchanged(cbs):
    result = run_ok(main, args(["vol_a"], state="absent"))
    assert result["changed"] is False and writes(cbs) == []


def test_absent_without_backups_removes_the_settings(cbs):
    cbs.protect("fs-vol_a")
    check = run_ok(main, args(["vol_a"], state="absent", _ansible_check_mode=True))
    assert check["changed"] is True and gets_only(cbs)
    assert check["volumes"][0]["action"] == "unprotect"

    cbs.calls.clear()
    result = run_ok(main, args(["vol_a"], state="absent"))
    assert [(c.method, c.path) for c in writes(cbs)] == [("DELETE", volume_path("v1", "fs-vol_a"))]
    assert result["volumes"][0]["state"] == "unprotected"
    assert len(result["jobs"]) == 1

    cbs.calls.clear()
    assert run_ok(main, args(["vol_a"], state="absent"))["changed"] is False


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_absent_with_backups_needs_delete_backups_and_sends_nothing(cbs, check_mode):
    cbs.protect("fs-vol_a", backups=3)
    cbs.protect("fs-vol_b", backups=0)
    cbs.protect("fs-vol_c", backups=1)
    result = run_fail(main, args(["vol_a", "vol_b", "vol_c"], state="absent", _ansible_check_mode=check_mode))
    assert "vol_a" in result["msg"] and "vol_c" in result["msg"] and "vol_b" not in result["msg"]
    assert "delete_backups" in result["msg"]
    assert result["volumes_with_backups"] == ["vol_a", "vol_c"]
    assert writes(cbs) == []


def test_absent_with_delete_backups_deletes_them_first_and_waits_even_without_wait(cbs, clock):
    cbs.protect("fs-vol_a", backups=3)
    cbs.pending_polls = 1
    result = run_ok(main, args(["vol_a"], state="absent", delete_backups=True, wait=False))
    assert [(c.method, c.path) for c in writes(cbs)] == [
        ("DELETE", volume_path("v1", "fs-vol_a", "snapshot")),
        ("DELETE", volume_path("v1", "fs-vol_a"))]
    sent = requests(cbs)
    assert sent.index(("GET", job_path("job-1"))) < sent.index(("DELETE", volume_path("v1", "fs-vol_a"))), \
        "the settings are removed only once the deletion of the backups has ended"
    assert ("GET", job_path("job-2")) not in sent
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [("job-1", "COMPLETED"), ("job-2", "PENDING")]
    assert result["volumes"][0]["action"] == "delete backups and unprotect"
    assert clock.sleeps == [1.0]


# --- which volumes ------------------------------------------------------------------------------

def test_unknown_volume_name_fails_with_close_names(cbs):
    result = run_fail(main, args(["vol_a", "vol_bb"], policy="gold"))
    assert result["option"] == "volumes"
    assert "vol_bb" in result["msg"] and "vol_b" in result["msg"]
    assert result["missing"] == "vol_bb"
    assert writes(cbs) == []


def test_name_in_several_svms_needs_svm(cbs):
    result = run_fail(main, args(["shared"], policy="gold"))
    assert result["option"] == "svm" and "svm1" in result["msg"] and "svm2" in result["msg"]
    assert writes(cbs) == []


def test_svm_picks_the_volume_of_that_svm(cbs):
    result = run_ok(main, args(["shared"], svm="svm2", policy="gold"))
    assert writes(cbs)[0].path == volume_path("v3", "fs-shared-2")
    assert result["volumes"][0]["svm"] == "svm2"


def test_volume_ids_and_names_naming_the_same_volume_count_once(cbs):
    result = run_ok(main, args(["fs-vol_b", "vol_b"], policy="gold", _ansible_check_mode=True))
    assert [v["id"] for v in result["volumes"]] == ["fs-vol_b"]


def test_alias_volume(cbs):
    result = run_ok(main, module_args(working_environment_id=WE_ID, volume=["vol_a"], policy="gold",
                                      _ansible_check_mode=True))
    assert result["volumes"][0]["name"] == "vol_a"


# --- failures -------------------------------------------------------------------------------------

def test_partial_failure_of_a_multi_volume_job_lists_failed_and_succeeded(cbs):
    cbs.volume_failures["fs-vol_b"] = "SnapLock volumes cannot be backed up"
    result = run_fail(main, args(["vol_a", "vol_b", "vol_c"], policy="gold"))
    assert "1 of 3 volume(s) failed" in result["msg"]
    assert "vol_b: SnapLock volumes cannot be backed up" in result["msg"]
    assert "Succeeded: vol_a, vol_c" in result["msg"]
    assert result["changed"] is True
    volumes = by_name(result)
    assert volumes["vol_b"]["result"] == "FAILED" and volumes["vol_b"]["error"] == "SnapLock volumes cannot be backed up"
    assert volumes["vol_a"]["result"] == volumes["vol_c"]["result"] == "SUCCESS"
    assert result["jobs"][0]["status"] == "FAILED"

    # Rerun: only the failed volume is sent again, now alone on the single-volume call.
    cbs.calls.clear()
    again = run_fail(main, args(["vol_a", "vol_b", "vol_c"], policy="gold"))
    assert [c.path for c in writes(cbs)] == [volume_path("v3", "fs-vol_b")]
    assert "SnapLock volumes cannot be backed up" in again["msg"]


def test_every_volume_failing_reports_unchanged(cbs):
    cbs.volume_failures.update({"fs-vol_a": "quota", "fs-vol_b": "quota"})
    result = run_fail(main, args(["vol_a", "vol_b"], policy="gold"))
    assert "2 of 2 volume(s) failed" in result["msg"] and "Succeeded: none" in result["msg"]
    assert result["changed"] is False


def test_failed_batch_modification_lists_the_failed_volume(cbs):
    cbs.protect("fs-vol_a")
    cbs.protect("fs-vol_b")
    cbs.volume_failures["fs-vol_a"] = "relationship is busy"
    result = run_fail(main, args(["vol_a", "vol_b"], state="paused"))
    assert "vol_a: relationship is busy" in result["msg"] and "Succeeded: vol_b" in result["msg"]


def test_failed_job_without_per_volume_data_fails_with_the_job_error(cbs):
    cbs.job_failure = "Cloud target is unreachable"
    result = run_fail(main, args(["vol_a"], policy="gold"))
    assert "job-1" in result["msg"] and "Cloud target is unreachable" in result["msg"]
    assert result["job_id"] == "job-1"


def test_failed_removal_job_fails_with_its_error(cbs):
    cbs.protect("fs-vol_a")
    cbs.job_failure = "SnapMirror relationship could not be deleted"
    result = run_fail(main, args(["vol_a"], state="absent"))
    assert "SnapMirror relationship could not be deleted" in result["msg"]


def test_api_refusal_of_a_write_fails_with_its_message(cbs):
    cbs.add("POST", MULTI_VOLUME_ENABLE, reply(403, {"message": "User is not allowed to do operation"}))
    result = run_fail(main, args(["vol_a", "vol_b"], policy="gold"))
    assert result["status"] == 403 and "User is not allowed to do operation" in result["msg"]
