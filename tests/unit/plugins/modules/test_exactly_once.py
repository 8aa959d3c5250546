# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Work started once: a rerun while the first run's job goes on follows it or reports it, never starts it
again; and a task whose write reached BlueXP says so (changed) when it then fails, and how to follow it.

The first run leaves its job running in three ways: it does not wait (wait=false), it stops waiting
(wait_timeout, the job held IN_PROGRESS by a job fault), or its write is carried out while the answer
is lost (a fault applied after the call, then the connection dropped).
"""

from __future__ import annotations

import re
import types

import pytest

# No scheduled backup lands while a test moves the clock.
pytestmark = pytest.mark.emulator(backup_interval_s=0)

GOLD = {"name": "gold", "rules": [{"label": "daily", "retention": 30}]}


# --- the work of each module, on a fresh emulator --------------------------------------------------

def on_demand_backup(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = next(v for v in we["volume_list"] if v["backup_status"] == "ON")
    return types.SimpleNamespace(
        module="backup", we_id=we["id"], job_type="adhoc-backup",
        args=dict(working_environment_id=we["id"], volume=volume["id"], name="before-upgrade"),
        write=("POST", emulator.cbs_path("v3", "backup", "working-environment", we["id"], "volume", volume["id"])))


def protect_one_volume(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    svm = sorted({v["svm"] for v in we["volume_list"]})[0]
    volume = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": "vol_new", "svm": svm})
    policy = emulator.api("GET", "v1", "working-environment", we["id"], "backup-policy")["backup-policy"][0]["name"]
    return types.SimpleNamespace(
        module="volume_backup", we_id=we["id"], job_type="backup-volume",
        args=dict(working_environment_id=we["id"], volumes=[volume["id"]], policy=policy),
        write=("POST", emulator.cbs_path("v3", "backup", "working-environment", we["id"], "volume", volume["id"])))


def activate(emulator):
    we = emulator.working_environment(provider="ONPREM", backup_enabled=False)
    account = emulator.account["cloud"]["aws_accounts"][0]
    return types.SimpleNamespace(
        module="backup_activation", we_id=we["id"], job_type="backup-working-environment",
        args=dict(working_environment_id=we["id"], provider="AWS", region="us-east-1", bucket="netapp-backup-once",
                  ip_space="Default",
                  aws={"account_id": account, "access_key": "AKIAEXAMPLE", "secret_password": "aws-secret-1"},
                  policy=GOLD),
        write=("POST", emulator.cbs_path("v3", "backup", "working-environment", we["id"])))


def scan(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    backup = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                          "snapshot")["snapshot"][0]
    assert "ransomware-scan-status" not in backup, "a backup never scanned"
    return types.SimpleNamespace(
        module="ransomware_scan", we_id=we["id"], job_type="ransomware-scan",
        args=dict(working_environment_id=we["id"], volume=volume["id"], backup=backup["id"]),
        write=("POST", emulator.cbs_path("v1", "ransomware", "working-environment", we["id"], "volume",
                                         volume["id"], "snapshot", backup["id"])))


def set_up_catalog(emulator):
    we = emulator.working_environment(backup_enabled=True, catalog_indexed=False)
    return types.SimpleNamespace(
        module="catalog", we_id=we["id"], job_type="catalog-setup", args=dict(working_environment_id=we["id"]),
        write=("POST", emulator.cbs_path("v2", "catalog", "working-environments", we["id"], "setup")))


WORK = {"backup": on_demand_backup, "volume_backup": protect_one_volume, "backup_activation": activate,
        "ransomware_scan": scan, "catalog": set_up_catalog}


# --- how the first run leaves its job running ------------------------------------------------------

def first_run(emulator, work, trigger):
    """Run the task once so that its job still runs afterwards; returns its result."""
    if trigger == "wait_false":
        result = emulator.run_ok(work.module, **dict(work.args, wait=False))
        assert result["changed"] is True
        return result
    if trigger == "wait_timeout":
        emulator.add_job_fault(job_type=work.job_type, working_environment_id=work.we_id, outcome="stuck")
        result = emulator.run_fail(work.module, **dict(work.args, wait_timeout=30))
        assert result["error_code"] == "job_timeout", result["msg"]
    else:
        emulator.add_fault(method="POST", path=re.escape(work.write[1]) + "$", after_apply=True,
                           drop_connection=True, count=1)
        result = emulator.run_fail(work.module, **work.args)
        assert result["error_code"] == "write_not_resent"
    return result


def started_jobs(emulator, work, seeded):
    return [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == work.job_type and j["id"] not in seeded]


def reported_jobs(result):
    return result.get("jobs") or [result["job"]]


def writes_of(emulator, work):
    return [(w["method"], w["path"]) for w in emulator.writes() if (w["method"], w["path"]) == work.write]


def assert_no_traceback(result):
    assert "exception" not in result and "Traceback" not in result.get("msg", "")


CASES = [(module, trigger) for module in ("backup", "volume_backup", "backup_activation", "ransomware_scan")
         for trigger in ("wait_false", "wait_timeout", "lost_answer")]
# Without wait the catalog is turned on at once after its set-up starts: a rerun has nothing to do anyway.
CASES += [("catalog", "wait_timeout"), ("catalog", "lost_answer")]


@pytest.mark.parametrize("module, trigger", CASES)
def test_a_rerun_while_the_first_job_runs_starts_no_second_one(emulator, module, trigger):
    work = WORK[module](emulator)
    seeded = {j["id"] for j in emulator.control("GET", "jobs")["jobs"]}
    first = first_run(emulator, work, trigger)
    assert_no_traceback(first)
    [job] = started_jobs(emulator, work, seeded)

    # A job held IN_PROGRESS never ends: the rerun reports it. Otherwise the rerun waits for it.
    follows = trigger != "wait_timeout"
    again = emulator.run_ok(work.module, **dict(work.args, wait=follows))
    assert_no_traceback(again)
    assert writes_of(emulator, work) == [work.write], "one write across both runs"
    assert [j["id"] for j in started_jobs(emulator, work, seeded)] == [job["id"]]
    assert again["changed"] is False and again["already_running"] is True
    [found] = reported_jobs(again)
    assert found["id"] == job["id"]
    assert found["status"] == ("COMPLETED" if follows else "IN_PROGRESS")
    assert job["id"] in again["msg"]
    if not follows:
        assert "job_info" in again["msg"]


@pytest.mark.parametrize("module", list(WORK))
def test_check_mode_while_the_first_job_runs_sends_nothing_and_reports_it(emulator, module):
    work = WORK[module](emulator)
    first_run(emulator, work, "wait_timeout")
    emulator.clear_requests()
    again = emulator.run_ok(work.module, **dict(work.args, _ansible_check_mode=True))
    assert emulator.writes() == []
    assert again["changed"] is False and again["already_running"] is True
    assert reported_jobs(again)[0]["status"] == "IN_PROGRESS"


def test_an_on_demand_backup_of_another_volume_is_awaited_then_this_one_is_taken(emulator):
    """Backup jobs do not name their volume: one running on the working environment may be this one's,
    so it is waited for; when it was another volume's, the backup asked for is taken after it."""
    work = on_demand_backup(emulator)
    we = emulator.working_environment(id=work.we_id)
    other = next(v for v in we["volume_list"] if v["backup_status"] == "ON" and v["id"] != work.args["volume"])
    emulator.api("POST", "v3", "backup", "working-environment", work.we_id, "volume", other["id"],
                 json={"mode": "AD_HOC", "adhoc-backup-details": {"name": "other"}})
    [running] = [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == "adhoc-backup"]
    result = emulator.run_ok("backup", **work.args)
    assert ("GET", emulator.cbs_path("v1", "job", running["id"])) in emulator.calls(), "the running job was awaited"
    assert writes_of(emulator, work) == [work.write]
    assert result["changed"] is True and "already_running" not in result
    assert result["backup"]["name"] == "before-upgrade" and result["job"]["id"] != running["id"]


def start_scan_elsewhere(emulator, work, backup_id):
    """A scan of another backup of the same volume, started by another tool."""
    emulator.api("POST", "v1", "ransomware", "working-environment", work.we_id, "volume", work.args["volume"],
                 "snapshot", backup_id)


@pytest.mark.parametrize("wait", [True, False])
def test_among_several_running_scans_the_backup_s_own_status_is_followed(emulator, wait):
    """Scan jobs do not name their backup: with two running, the task follows the backup's status."""
    work = scan(emulator)
    older = emulator.api("GET", "v1", "backup", "working-environment", work.we_id, "volume", work.args["volume"],
                         "snapshot")["snapshot"][1]
    start_scan_elsewhere(emulator, work, work.args["backup"])
    start_scan_elsewhere(emulator, work, older["id"])
    result = emulator.run_ok("ransomware_scan", **dict(work.args, wait=wait))
    assert emulator.writes() == []
    assert result["changed"] is False and result["already_running"] is True and "job" not in result
    assert result["verdict"] == ("PROTECTED" if wait else None)
    assert ("Run the task again with wait=true" in result["msg"]) is not wait


def test_a_running_scan_that_fails_fails_the_rerun_that_followed_it_without_a_change(emulator):
    work = scan(emulator)
    emulator.add_job_fault(job_type="ransomware-scan", error="scanner unavailable")
    start_scan_elsewhere(emulator, work, work.args["backup"])
    result = emulator.run_fail("ransomware_scan", **work.args)
    assert emulator.writes() == []
    assert result["error_code"] == "job_failed" and "changed" not in result
    assert "already running failed: scanner unavailable" in result["msg"]


# --- a failure once the write was sent ---------------------------------------------------------------

def restore_volume(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    return types.SimpleNamespace(
        module="restore", we_id=we["id"], job_type="restore-volume",
        args=dict(working_environment_id=we["id"], volume=volume["id"], target_svm=volume["svm"],
                  target_volume="vol_restored"),
        write=("POST", emulator.cbs_path("v3", "restore")))


def restore_a_file(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    return types.SimpleNamespace(
        module="sfr_restore", we_id=we["id"], job_type="restore-files",
        args=dict(working_environment_id=we["id"], volume=volume["id"], files=["/README.txt"],
                  target_path="/restored"),
        write=("POST", emulator.cbs_path("v3", "restore")))


FAILING = dict(WORK, restore=restore_volume, sfr_restore=restore_a_file)


@pytest.mark.parametrize("module, failure", [
    ("ransomware_scan", "wait_timeout"), ("ransomware_scan", "lost_answer"), ("ransomware_scan", "job_failed"),
    ("restore", "wait_timeout"), ("restore", "lost_answer"), ("restore", "job_failed"),
    ("sfr_restore", "wait_timeout"), ("sfr_restore", "lost_answer"),
    ("backup", "lost_answer"), ("volume_backup", "lost_answer"), ("backup_activation", "lost_answer"),
    ("catalog", "lost_answer"),
])
def test_a_failure_after_the_write_reports_changed_and_how_to_follow_the_work(emulator, module, failure):
    work = FAILING[module](emulator)
    if failure == "job_failed":
        emulator.add_job_fault(job_type=work.job_type, working_environment_id=work.we_id, error="disk full")
        result = emulator.run_fail(work.module, **work.args)
    else:
        result = first_run(emulator, work, failure)
    assert_no_traceback(result)
    assert result["changed"] is True
    assert result["error_code"] == failure.replace("wait_timeout", "job_timeout").replace(
        "lost_answer", "write_not_resent")
    if failure == "wait_timeout":
        [job] = result["job_ids"]
        assert "The work goes on in BlueXP" in result["msg"]
        assert "job_info and job_ids={0}".format(job) in result["msg"]
    elif failure == "lost_answer":
        assert "may go on in BlueXP" in result["msg"] and "Running the task again is safe" in result["msg"]
    else:
        [job] = [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == work.job_type
                 and j["status"] == "FAILED" and j["error"] == "disk full"]
        assert result["msg"].startswith("Job {0} ({1}) failed: disk full".format(job["id"], work.job_type))
