# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.sweep_records import FilterModule, sweep_records

CREATED_MS = 1_800_000_000_000  # 2027-01-15T08:00:00Z


def listed(volume: str, backup_id: str | None = None) -> dict[str, Any]:
    """A backup as backup_info lists it with newest_only=true: the loop item of the scan."""
    return {"id": backup_id or "b-" + volume, "name": "daily." + volume, "creation_time": CREATED_MS,
            "working_environment_id": "we-1", "working_environment_name": "prod", "volume_id": "fs-" + volume,
            "volume_name": volume}


def started(volume: str, job_id: str) -> dict[str, Any]:
    """A ransomware_scan result with wait=false: the job started and the backup it scans."""
    return {"changed": True, "item": listed(volume), "job": {"id": job_id, "status": "PENDING"},
            "backup": listed(volume)}


def known(volume: str, verdict: str) -> dict[str, Any]:
    """A ransomware_scan result for a backup that already had a final verdict."""
    return {"changed": False, "item": listed(volume), "backup": listed(volume), "verdict": verdict}


def not_started(volume: str, msg: str, code: str) -> dict[str, Any]:
    """A ransomware_scan failure, kept by failed_when: false."""
    return {"changed": False, "failed": False, "item": listed(volume), "msg": msg, "error_code": code}


def jobs(*entries: tuple[str, str, str]) -> dict[str, Any]:
    return {"changed": False, "jobs": [{"id": i, "status": s, "error": e} for i, s, e in entries]}


def after(*verdicts: tuple[str, str]) -> dict[str, Any]:
    """The registered loop of backup_info read after the jobs."""
    return {"changed": False, "results": [
        {"item": "we-1", "backups": [dict(listed(v), ransomware_scan_status=s) for v, s in verdicts]},
        {"skipped": True, "item": "we-2"},
    ]}


def by_volume(records: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["volume_name"]: r for r in records}


def test_every_outcome_gives_one_record_in_loop_order():
    scans = {"changed": True, "results": [
        started("clean", "j1"), started("infected", "j2"), started("broken", "j3"),
        known("old", "PROTECTED"), known("old_infected", "RANSOMWARE_DETECTED"),
        not_started("none", "Volume none has no backup created before newest_before.", "no_backup"),
        not_started("gone", "backup: volume gone has no backup named 'b-gone'; newest: none.", "backup_not_found"),
        not_started("refused", "Scan refused (it)", "api_error"),
    ]}
    records = sweep_records(scans, jobs=jobs(("j1", "COMPLETED", ""), ("j2", "COMPLETED", ""), ("j3", "FAILED", "")),
                            after=after(("clean", "PROTECTED"), ("infected", "RANSOMWARE_DETECTED")))
    assert [r["volume_name"] for r in records] == ["clean", "infected", "broken", "old", "old_infected", "none",
                                                   "gone", "refused"]
    assert [(r["state"], r["verdict"], r["scanned"]) for r in records] == [
        ("clean", "PROTECTED", True), ("detected", "RANSOMWARE_DETECTED", True), ("failed", "FAILED", True),
        ("clean", "PROTECTED", False), ("detected", "RANSOMWARE_DETECTED", False), ("skipped", None, False),
        ("skipped", None, False), ("failed", None, False)]
    found = by_volume(records)
    assert found["broken"]["error"] == "the scan job failed"
    assert found["refused"]["error"] == "Scan refused (it)" and found["refused"]["error_code"] == "api_error"
    assert found["none"]["error_code"] == "no_backup"
    assert found["clean"]["error"] == "" and found["clean"]["error_code"] == ""


def test_record_fields():
    record = sweep_records([started("v1", "j1")], jobs=jobs(("j1", "COMPLETED", "")),
                           after=[dict(listed("v1"), ransomware_scan_status="PROTECTED")])[0]
    assert record == {
        "working_environment_id": "we-1", "working_environment_name": "prod", "volume_id": "fs-v1",
        "volume_name": "v1", "backup_id": "b-v1", "backup_name": "daily.v1", "backup_created": "2027-01-15T08:00:00Z",
        "scanned": True, "verdict": "PROTECTED", "error": "", "error_code": "", "label": "prod / v1 / daily.v1 (b-v1)",
        "state": "clean",
    }


def test_the_backup_scanned_names_the_record_not_the_one_listed():
    """With newest_before the scan picks an older backup than the newest listed."""
    scan = started("v1", "j1")
    scan["backup"] = dict(listed("v1", backup_id="b-older"), name="daily.older")
    record = sweep_records([scan], jobs=jobs(("j1", "COMPLETED", "")),
                           after=after(("v1", "PROTECTED")))[0]
    assert (record["backup_id"], record["backup_name"]) == ("b-older", "daily.older")
    # The backup read afterwards is another one: no verdict is borrowed from it.
    assert record["verdict"] is None and record["state"] == "unknown"


def test_failed_job_error_and_scans_without_verdict_yet():
    records = sweep_records([started("v1", "j1"), started("v2", "j2")],
                            jobs=jobs(("j1", "FAILED", "Scanner node unreachable (it)")), after=after())
    assert (records[0]["state"], records[0]["error"]) == ("failed", "Scanner node unreachable (it)")
    # In check mode no job is waited for and no verdict read.
    assert (records[1]["state"], records[1]["verdict"], records[1]["error"]) == ("unknown", None, "")


def test_nothing_scanned():
    skipped_jobs = {"changed": False, "skipped": True}
    empty_loop = {"changed": False, "skipped": True, "results": []}
    assert sweep_records(empty_loop, jobs=skipped_jobs, after=empty_loop) == []


def test_the_filter_is_registered_and_wraps_errors():
    records = FilterModule().filters()["sweep_records"]
    assert records({"results": [known("v1", "PROTECTED")]})[0]["state"] == "clean"
    with pytest.raises(AnsibleFilterError, match="sweep_records: expected the registered loop of ransomware_scan"):
        records("nothing")
