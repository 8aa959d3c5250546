# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.ransomware_scan against the emulator: scans, planted verdicts, force."""

from __future__ import annotations

import types
from datetime import datetime, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

# No scheduled backup lands while a test moves the clock.
pytestmark = pytest.mark.emulator(backup_interval_s=0)


@pytest.fixture
def fleet(emulator):
    """The AWS working environment (no DataLock, so its backups start without a verdict) and its protected
    volume with the most backups, newest first."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    backups = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                           "snapshot")["snapshot"]
    assert len(backups) >= 3 and "ransomware-scan-status" not in backups[0]
    seeded = {j["id"] for j in emulator.control("GET", "jobs")["jobs"]}
    return types.SimpleNamespace(we=we, volume=volume, backups=backups, newest=backups[0], older=backups[2],
                                 seeded=seeded)


def args(fleet, **extra):
    return dict(dict(working_environment_name=fleet.we["name"], volume=fleet.volume["name"], svm=fleet.volume["svm"]),
                **extra)


def scan_path(emulator, fleet, backup=None):
    return emulator.cbs_path("v1", "ransomware", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                             "snapshot", (backup or fleet.newest)["id"])


def backup_path(emulator, fleet, backup=None):
    return emulator.cbs_path("v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                             "snapshot", (backup or fleet.newest)["id"])


def read_backup(emulator, fleet, backup=None):
    return emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                        "snapshot", (backup or fleet.newest)["id"])


def scan_jobs(emulator, fleet):
    return [j for j in emulator.control("GET", "jobs")["jobs"]
            if j["type"] == "ransomware-scan" and j["id"] not in fleet.seeded]


def plant(emulator, fleet, verdict, backup=None, **extra):
    emulator.control("POST", "ransomware", dict(verdict=verdict, volume_id=fleet.volume["id"],
                                                snapshot_id=(backup or fleet.newest)["id"], **extra))


def scanned_before(emulator, fleet, verdict):
    """A scan by another tool ended with `verdict`; returns the backup as it is afterwards."""
    plant(emulator, fleet, verdict)
    emulator.api("POST", "v1", "ransomware", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                 "snapshot", fleet.newest["id"])
    emulator.advance(60)
    fleet.seeded.update(j["id"] for j in scan_jobs(emulator, fleet))
    scanned = read_backup(emulator, fleet)
    assert scanned["ransomware-scan-status"] == verdict
    return scanned


def write_paths(emulator):
    return [(w["method"], w["path"]) for w in emulator.writes()]


# --- scanning -------------------------------------------------------------------------------------

def test_a_backup_never_scanned_is_scanned_and_its_verdict_read_again(emulator, fleet):
    result = emulator.run_ok("ransomware_scan", **args(fleet, _ansible_diff=True))
    [write] = emulator.writes()
    assert (write["method"], write["path"], write["body"]) == ("POST", scan_path(emulator, fleet), None)
    [job] = scan_jobs(emulator, fleet)
    sent = emulator.calls()
    assert sent.index(("POST", scan_path(emulator, fleet))) < sent.index(
        ("GET", emulator.cbs_path("v1", "job", job["id"]))) < sent.index(
        ("GET", backup_path(emulator, fleet))) == len(sent) - 1
    assert_waited_for(emulator.sleeps, 2)  # the default 2-second job
    assert result["changed"] is True and result["verdict"] == "PROTECTED"
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert result["backup"]["id"] == fleet.newest["id"] and result["backup"]["ransomware_scan_status"] == "PROTECTED"
    assert result["backup"]["last_ransomware_scan"] == read_backup(emulator, fleet)["last-ransomware-scan"]
    assert result["backup"]["volume_name"] == fleet.volume["name"]
    assert result["backup"]["working_environment_id"] == fleet.we["id"]
    assert result["diff"] == {"before": {"verdict": None}, "after": {"verdict": "PROTECTED"}}

    emulator.clear_requests()
    again = emulator.run_ok("ransomware_scan", **args(fleet))
    assert again["changed"] is False and emulator.writes() == [] and again["verdict"] == "PROTECTED"
    assert "job" not in again


def test_a_backup_whose_last_scan_failed_is_scanned(emulator, fleet):
    scanned_before(emulator, fleet, "FAILED")
    emulator.clear_requests()
    result = emulator.run_ok("ransomware_scan", **args(fleet))
    assert result["changed"] is True and [w["path"] for w in emulator.writes()] == [scan_path(emulator, fleet)]
    assert result["verdict"] == "PROTECTED"


def test_a_backup_being_scanned_gets_the_verdict_of_the_running_scan(emulator, fleet):
    emulator.api("POST", "v1", "ransomware", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                 "snapshot", fleet.newest["id"])
    assert read_backup(emulator, fleet)["ransomware-scan-status"] == "IN_PROGRESS"
    result = emulator.run_ok("ransomware_scan", **args(fleet))
    assert emulator.writes() == []
    assert result["verdict"] == "PROTECTED"
    assert result["changed"] is False and result["already_running"] is True
    assert result["job"]["type"] == "ransomware-scan" and result["job"]["status"] == "COMPLETED"


@pytest.mark.parametrize("selection", ["by name", "by id", "newest before Z", "newest before naive UTC"])
def test_the_chosen_backup_is_scanned(emulator, fleet, selection):
    before = datetime.fromtimestamp(fleet.backups[1]["creation-time"] / 1000 - 60, timezone.utc)
    options = {"by name": {"backup": fleet.older["name"]}, "by id": {"backup": fleet.older["id"]},
               "newest before Z": {"newest_before": before.strftime("%Y-%m-%dT%H:%M:%SZ")},
               "newest before naive UTC": {"newest_before": before.strftime("%Y-%m-%dT%H:%M:%S")}}[selection]
    result = emulator.run_ok("ransomware_scan", **args(fleet, **options))
    assert [w["path"] for w in emulator.writes()] == [scan_path(emulator, fleet, fleet.older)]
    assert result["backup"]["id"] == fleet.older["id"]
    assert ("GET", backup_path(emulator, fleet, fleet.older)) in emulator.calls()


def test_bad_newest_before_fails_naming_it_before_any_request(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("ransomware_scan", **args(fleet, newest_before="2026-11-27 at noon"))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "newest_before" and emulator.requests() == []


def test_unknown_backup_lists_the_newest_names(emulator, fleet):
    result = emulator.run_fail("ransomware_scan", **args(fleet, backup="weekly.1999-01-01_0000"))
    assert result["error_code"] == "backup_not_found" and result["option"] == "backup"
    assert ", ".join(b["name"] for b in fleet.backups[:2]) in result["msg"]
    assert emulator.writes() == []


def test_without_wait_the_verdict_is_unknown(emulator, fleet):
    result = emulator.run_ok("ransomware_scan", **args(fleet, wait=False))
    [job] = scan_jobs(emulator, fleet)
    assert result["changed"] is True and result["verdict"] is None
    assert result["job"] == {"id": job["id"], "status": "PENDING"}
    assert ("GET", backup_path(emulator, fleet)) not in emulator.calls() and emulator.sleeps == []


def test_a_failed_scan_job_fails_the_task(emulator, fleet):
    emulator.add_job_fault(job_type="ransomware-scan", error="Scanner could not read the backup")
    result = emulator.run_fail("ransomware_scan", **args(fleet))
    [job] = scan_jobs(emulator, fleet)
    assert result["error_code"] == "job_failed"
    assert "Scanner could not read the backup" in result["msg"] and result["job_id"] == job["id"]


# --- final verdicts and force ---------------------------------------------------------------------

@pytest.mark.parametrize("verdict", ["PROTECTED", "RANSOMWARE_DETECTED"])
def test_a_final_verdict_is_returned_unchanged(emulator, fleet, verdict):
    scanned = scanned_before(emulator, fleet, verdict)
    emulator.clear_requests()
    result = emulator.run_ok("ransomware_scan", **args(fleet, _ansible_diff=True))
    assert result["changed"] is False and emulator.writes() == []
    assert result["verdict"] == verdict
    assert result["backup"]["last_ransomware_scan"] == scanned["last-ransomware-scan"]
    assert result["diff"] == {"before": {"verdict": verdict}, "after": {"verdict": verdict}}


def test_force_scans_again(emulator, fleet):
    scanned = scanned_before(emulator, fleet, "PROTECTED")
    emulator.advance(3600)
    emulator.clear_requests()
    result = emulator.run_ok("ransomware_scan", **args(fleet, force=True))
    assert result["changed"] is True and [w["path"] for w in emulator.writes()] == [scan_path(emulator, fleet)]
    assert result["verdict"] == "PROTECTED"
    assert result["backup"]["last_ransomware_scan"] > scanned["last-ransomware-scan"]


def test_force_on_a_detection_scans_again_and_the_detection_stays(emulator, fleet):
    scanned_before(emulator, fleet, "RANSOMWARE_DETECTED")
    emulator.clear_requests()
    result = emulator.run_ok("ransomware_scan", **args(fleet, force=True))
    assert result["changed"] is True and [w["path"] for w in emulator.writes()] == [scan_path(emulator, fleet)]
    assert result["verdict"] == "RANSOMWARE_DETECTED", "a backup's content does not change"


# --- detection ------------------------------------------------------------------------------------

def test_a_detection_is_reported_without_failing_by_default(emulator, fleet):
    plant(emulator, fleet, "RANSOMWARE_DETECTED")
    result = emulator.run_ok("ransomware_scan", **args(fleet))
    assert result["changed"] is True and result["verdict"] == "RANSOMWARE_DETECTED"


def test_fail_on_detection_fails_with_the_verdict_after_a_scan(emulator, fleet):
    plant(emulator, fleet, "RANSOMWARE_DETECTED")
    result = emulator.run_fail("ransomware_scan", **args(fleet, fail_on_detection=True))
    assert result["error_code"] == "ransomware_detected"
    assert result["msg"] == "Ransomware detected in backup {0} of volume {1} on {2}.".format(
        fleet.newest["name"], fleet.volume["name"], fleet.we["name"])
    assert result["verdict"] == "RANSOMWARE_DETECTED" and result["changed"] is True
    assert result["backup"]["id"] == fleet.newest["id"]
    assert result["backup"]["ransomware_scan_status"] == "RANSOMWARE_DETECTED"
    assert len(emulator.writes()) == 1


def test_fail_on_detection_fails_for_a_known_detection_without_a_write(emulator, fleet):
    scanned_before(emulator, fleet, "RANSOMWARE_DETECTED")
    emulator.clear_requests()
    result = emulator.run_fail("ransomware_scan", **args(fleet, fail_on_detection=True))
    assert result["verdict"] == "RANSOMWARE_DETECTED" and result["changed"] is False
    assert emulator.writes() == []


def test_fail_on_detection_passes_a_clean_backup(emulator, fleet):
    result = emulator.run_ok("ransomware_scan", **args(fleet, fail_on_detection=True))
    assert result["verdict"] == "PROTECTED"


# --- check mode -----------------------------------------------------------------------------------

def test_check_mode_sends_no_write(emulator, fleet):
    result = emulator.run_ok("ransomware_scan", **args(fleet, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True and result["verdict"] is None and "job" not in result
    assert result["diff"] == {"before": {"verdict": None}, "after": {"verdict": None}}
    assert emulator.writes() == []
    assert "ransomware-scan-status" not in read_backup(emulator, fleet)


def test_check_mode_with_force_sends_no_write(emulator, fleet):
    scanned_before(emulator, fleet, "PROTECTED")
    emulator.clear_requests()
    result = emulator.run_ok("ransomware_scan", **args(fleet, force=True, _ansible_check_mode=True))
    assert result["changed"] is True and emulator.writes() == []


def test_check_mode_with_a_known_detection_still_fails_on_detection(emulator, fleet):
    scanned_before(emulator, fleet, "RANSOMWARE_DETECTED")
    emulator.clear_requests()
    result = emulator.run_fail("ransomware_scan", **args(fleet, fail_on_detection=True, _ansible_check_mode=True))
    assert result["verdict"] == "RANSOMWARE_DETECTED" and emulator.writes() == []
