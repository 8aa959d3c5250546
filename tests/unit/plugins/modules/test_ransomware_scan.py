# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import importlib

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    module_args,
    ontap_volume,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import (
    MODULES,
    SCAN_TIME,
    install,
    job_path,
    load_module,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, run_fail, run_ok

main = load_module("ransomware_scan").main

VOL = "fs-vol_finance"
NEWEST = "snap-vol_finance.daily.4"
OLDER = "snap-vol_finance.daily.2"


def scan_path(snap_id=NEWEST):
    return cbs_path("v1", "ransomware", "working-environment", WE_ID, "volume", VOL, "snapshot", snap_id)


def backup_path(snap_id=NEWEST):
    return cbs_path("v1", "backup", "working-environment", WE_ID, "volume", VOL, "snapshot", snap_id)


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_finance")])
    api.activate_environment(**{"object-lock": "GOVERNANCE"})
    api.protect(VOL)
    api.set_backups(VOL, {"vol_finance.daily.1": "2026-11-25T01:00:00Z", "vol_finance.daily.2": "2026-11-26T01:00:00Z",
                          "vol_finance.daily.3": "2026-11-27T01:00:00Z", "vol_finance.daily.4": "2026-11-28T01:00:00Z"},
                    **{"object-lock": "GOVERNANCE"})
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME, volume="vol_finance")
    base.update(extra)
    return module_args(**base)


def set_verdict(api, verdict, name="vol_finance.daily.4"):
    api.backup(VOL, name).update({"ransomware-scan-status": verdict, "last-ransomware-scan": 1790000000000})


def test_module_imports():
    importlib.import_module(MODULES + "ransomware_scan")


# --- scanning -------------------------------------------------------------------------------------

def test_a_backup_never_scanned_is_scanned_and_its_verdict_read_again(cbs, clock):
    cbs.pending_polls = 1
    result = run_ok(main, args(_ansible_diff=True))
    [write] = writes(cbs)
    assert (write.method, write.path, write.body) == ("POST", scan_path(), None)
    sent = requests(cbs)
    assert sent.index(("POST", scan_path())) < sent.index(("GET", job_path("job-1"))) < \
        sent.index(("GET", backup_path())) == len(sent) - 1
    assert clock.sleeps == [1.0]
    assert result["changed"] is True and result["verdict"] == "PROTECTED"
    assert result["job"]["id"] == "job-1" and result["job"]["status"] == "COMPLETED"
    assert result["backup"]["id"] == NEWEST and result["backup"]["ransomware_scan_status"] == "PROTECTED"
    assert result["backup"]["last_ransomware_scan"] == SCAN_TIME
    assert result["backup"]["volume_name"] == "vol_finance" and result["backup"]["working_environment_id"] == WE_ID
    assert result["diff"] == {"before": {"verdict": None}, "after": {"verdict": "PROTECTED"}}

    cbs.calls.clear()
    again = run_ok(main, args())
    assert again["changed"] is False and writes(cbs) == [] and again["verdict"] == "PROTECTED"
    assert "job" not in again


@pytest.mark.parametrize("previous", ["FAILED", "IN_PROGRESS"])
def test_a_backup_without_a_final_verdict_is_scanned(cbs, previous):
    set_verdict(cbs, previous)
    result = run_ok(main, args())
    assert result["changed"] is True and [c.path for c in writes(cbs)] == [scan_path()]
    assert result["verdict"] == "PROTECTED"


@pytest.mark.parametrize("selection, snap", [
    ({"backup": "vol_finance.daily.2"}, OLDER),
    ({"backup": OLDER}, OLDER),
    ({"newest_before": "2026-11-27T00:00:00Z"}, OLDER),
    ({"newest_before": "2026-11-26T12:00:00"}, OLDER),
], ids=["by name", "by id", "newest before Z", "newest before naive UTC"])
def test_the_chosen_backup_is_scanned(cbs, selection, snap):
    result = run_ok(main, args(**selection))
    assert [c.path for c in writes(cbs)] == [scan_path(snap)]
    assert result["backup"]["id"] == snap and ("GET", backup_path(snap)) in requests(cbs)


def test_bad_newest_before_fails_naming_it_before_any_request(cbs):
    result = run_fail(main, args(newest_before="2026-11-27 at noon"))
    assert result["option"] == "newest_before" and cbs.calls == []


def test_unknown_backup_lists_the_newest_names(cbs):
    result = run_fail(main, args(backup="vol_finance.weekly.1"))
    assert result["option"] == "backup" and "vol_finance.daily.4, vol_finance.daily.3" in result["msg"]
    assert writes(cbs) == []


def test_without_wait_the_verdict_is_unknown(cbs, clock):
    cbs.pending_polls = 3
    result = run_ok(main, args(wait=False))
    assert result["changed"] is True and result["verdict"] is None
    assert result["job"] == {"id": "job-1", "status": "PENDING"}
    assert ("GET", backup_path()) not in requests(cbs) and clock.sleeps == []


def test_a_failed_scan_job_fails_the_task(cbs):
    cbs.job_failure = "Scanner could not read the backup"
    result = run_fail(main, args())
    assert "Scanner could not read the backup" in result["msg"] and result["job_id"] == "job-1"


# --- final verdicts and force ---------------------------------------------------------------------

@pytest.mark.parametrize("verdict", ["PROTECTED", "RANSOMWARE_DETECTED"])
def test_a_final_verdict_is_returned_unchanged(cbs, verdict):
    set_verdict(cbs, verdict)
    result = run_ok(main, args(_ansible_diff=True))
    assert result["changed"] is False and writes(cbs) == []
    assert result["verdict"] == verdict and result["backup"]["last_ransomware_scan"] == 1790000000000
    assert result["diff"] == {"before": {"verdict": verdict}, "after": {"verdict": verdict}}


@pytest.mark.parametrize("verdict", ["PROTECTED", "RANSOMWARE_DETECTED"])
def test_force_scans_again(cbs, verdict):
    set_verdict(cbs, verdict)
    cbs.scan_results[NEWEST] = "PROTECTED"
    result = run_ok(main, args(force=True))
    assert result["changed"] is True and [c.path for c in writes(cbs)] == [scan_path()]
    assert result["verdict"] == "PROTECTED" and result["backup"]["last_ransomware_scan"] == SCAN_TIME


# --- detection ------------------------------------------------------------------------------------

def test_a_detection_is_reported_without_failing_by_default(cbs):
    cbs.scan_results[NEWEST] = "RANSOMWARE_DETECTED"
    result = run_ok(main, args())
    assert result["changed"] is True and result["verdict"] == "RANSOMWARE_DETECTED"


def test_fail_on_detection_fails_with_the_verdict_after_a_scan(cbs):
    cbs.scan_results[NEWEST] = "RANSOMWARE_DETECTED"
    result = run_fail(main, args(fail_on_detection=True))
    assert result["msg"] == "Ransomware detected in backup vol_finance.daily.4 of volume vol_finance on prod-east."
    assert result["verdict"] == "RANSOMWARE_DETECTED" and result["changed"] is True
    assert result["backup"]["id"] == NEWEST and result["backup"]["ransomware_scan_status"] == "RANSOMWARE_DETECTED"
    assert len(writes(cbs)) == 1


def test_fail_on_detection_fails_for_a_known_detection_without_a_write(cbs):
    set_verdict(cbs, "RANSOMWARE_DETECTED")
    result = run_fail(main, args(fail_on_detection=True))
    assert result["verdict"] == "RANSOMWARE_DETECTED" and result["changed"] is False
    assert writes(cbs) == []


def test_fail_on_detection_passes_a_clean_backup(cbs):
    result = run_ok(main, args(fail_on_detection=True))
    assert result["verdict"] == "PROTECTED"


# --- check mode -----------------------------------------------------------------------------------

def test_check_mode_sends_no_write(cbs):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True and result["verdict"] is None and "job" not in result
    assert result["diff"] == {"before": {"verdict": None}, "after": {"verdict": None}}
    assert writes(cbs) == []
    assert "ransomware-scan-status" not in cbs.backup(VOL, "vol_finance.daily.4")


def test_check_mode_with_force_sends_no_write(cbs):
    set_verdict(cbs, "PROTECTED")
    result = run_ok(main, args(force=True, _ansible_check_mode=True))
    assert result["changed"] is True and writes(cbs) == []


def test_check_mode_with_a_known_detection_still_fails_on_detection(cbs):
    set_verdict(cbs, "RANSOMWARE_DETECTED")
    result = run_fail(main, args(fail_on_detection=True, _ansible_check_mode=True))
    assert result["verdict"] == "RANSOMWARE_DETECTED" and writes(cbs) == []
