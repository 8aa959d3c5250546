# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ransomware scans of cloud backups: clean by default, planted verdicts, the pre-restore scan."""
from __future__ import annotations

import http.client
import urllib.error
from typing import Any

import pytest

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator import ControlError
from bluexp_emulator.core.spec import Spec
from emulator_client import assert_shape
from restore_flow import Source, body, restore, source, target, template

pytestmark = manual()
SCAN = "/api/v1/ransomware/working-environment/{we}/volume/{vol}/snapshot/{snap}"
SNAPSHOT = WE_V1 + "/volume/{vol}/snapshot/{snap}"
VOLUME = WE_V1 + "/volume/{vol}"


def _scan(flow: Flow, src: Source) -> Any:
    return flow.finish(flow.call("POST", SCAN, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id))


def _snapshot(flow: Flow, src: Source) -> Any:
    return flow.ok("GET", SNAPSHOT, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id)


def _volume(flow: Flow, src: Source) -> Any:
    return flow.ok("GET", VOLUME, we=src.we.id, vol=src.volume.file_system_id)


def test_scan_is_a_job_and_defaults_to_protected(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    result = flow.call("POST", SCAN, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id)
    assert_shape(spec, "POST", template(SCAN), result.body, "202")
    running = _snapshot(flow, src)
    assert running["ransomware-scan-status"] == "IN_PROGRESS"
    assert _volume(flow, src)["ransomware-scan-status"] == "IN_PROGRESS"
    job = flow.finish(result)
    assert job["type"] == "ransomware-scan" and job["status"] == "COMPLETED"
    scanned = _snapshot(flow, src)
    assert_shape(spec, "GET", template(SNAPSHOT), scanned)
    assert scanned["ransomware-scan-status"] == "PROTECTED"
    assert scanned["last-ransomware-scan"] == flow.handle.clock.now_ms()
    volume = _volume(flow, src)
    assert_shape(spec, "GET", template(VOLUME), volume)
    assert volume["ransomware-scan-status"] == "PROTECTED" and volume["ransomware-detected-snapshots"] == []


def test_planted_detection_sticks_to_the_backup(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    planted = flow.handle.plant_ransomware(volume_id=src.volume.file_system_id, snapshot_id=src.snapshot.id,
                                           verdict="RANSOMWARE_DETECTED")
    assert planted["id"] and planted["count"] == 1
    assert _scan(flow, src)["status"] == "COMPLETED"  # the scan worked; it found something
    assert _snapshot(flow, src)["ransomware-scan-status"] == "RANSOMWARE_DETECTED"
    volume = _volume(flow, src)
    assert_shape(spec, "GET", template(VOLUME), volume)
    assert volume["ransomware-scan-status"] == "RANSOMWARE_DETECTED"
    assert volume["ransomware-detected-snapshots"] == [{"snapshot-id": src.snapshot.id,
                                                        "snapshot-name": src.snapshot.name,
                                                        "last-ransomware-scan": flow.handle.clock.now_ms()}]
    _scan(flow, src)
    assert _snapshot(flow, src)["ransomware-scan-status"] == "RANSOMWARE_DETECTED"
    assert flow.handle.control("GET", "ransomware")["verdicts"][0]["fired"] == 1


def test_planted_failure_fails_the_scan(flow: Flow) -> None:
    src = source(flow)
    flow.handle.plant_ransomware(volume_id=src.volume.file_system_id, verdict="FAILED", error="object store timeout")
    job = _scan(flow, src)
    assert job["status"] == "FAILED" and job["error"] == "object store timeout"
    snapshot = _snapshot(flow, src)
    assert snapshot["ransomware-scan-status"] == "FAILED"
    assert snapshot["ransomware-scan-status-failure"] == "object store timeout"
    assert _volume(flow, src)["ransomware-scan-status"] == "FAILED"
    assert _scan(flow, src)["status"] == "COMPLETED"
    assert "ransomware-scan-status-failure" not in _snapshot(flow, src)


def test_scan_rules_and_job_faults(flow: Flow) -> None:
    src = source(flow)
    ids = {"we": src.we.id, "vol": src.volume.file_system_id}
    assert flow.call("POST", SCAN, snap="nope", **ids).status == 404
    bare = next(v for v in src.we.volumes if v.backup is None)
    assert flow.call("POST", SCAN, we=src.we.id, vol=bare.file_system_id, snap=src.snapshot.id).status == 404
    flow.ok("POST", SCAN, status=202, snap=src.snapshot.id, **ids)
    again = flow.call("POST", SCAN, snap=src.snapshot.id, **ids)
    assert again.status == 400 and "already in progress" in again.body["message"]
    flow.advance(2)
    flow.handle.add_job_fault(job_type="ransomware-scan", error="scanner unavailable")
    job = _scan(flow, src)
    assert job["status"] == "FAILED" and job["error"] == "scanner unavailable"
    assert _snapshot(flow, src)["ransomware-scan-status-failure"] == "scanner unavailable"


def test_restore_from_a_datalock_working_environment_scans_first(flow: Flow) -> None:
    src = source(flow)
    assert src.we.backup is not None
    src.we.backup.object_lock = "GOVERNANCE"
    flow.handle.plant_ransomware(snapshot_id=src.snapshot.id, verdict="RANSOMWARE_DETECTED")
    job = flow.finish(restore(flow, body("volume", src.block(), target(src.we, "vol_clean"))))
    assert job["status"] == "FAILED" and job["error"].startswith(f"Ransomware detected in backup {src.snapshot.name}")
    assert "vol_clean" not in [v.name for v in src.we.volumes]
    skipped = body("volume", src.block(), target(src.we, "vol_anyway"), options={"skip-ransomware-check": True})
    assert flow.finish(restore(flow, skipped, version="v2"))["status"] == "COMPLETED"


@pytest.mark.parametrize("payload,message", [
    ({"verdict": "MAYBE"}, "verdict must be one of"),
    ({"verdict": "PROTECTED", "volume": "x"}, "unknown fields: volume"),
    ({"verdict": "PROTECTED", "count": 0}, "count must be an integer >= 1"),
])
def test_control_api_rejects_bad_verdicts(flow: Flow, payload: dict[str, object], message: str) -> None:
    with pytest.raises(ControlError) as error:
        flow.handle.control("POST", "ransomware", payload)
    assert error.value.status == 400 and message in str(error.value)
    flow.handle.plant_ransomware(verdict="PROTECTED")
    assert flow.handle.control("DELETE", "ransomware") == {"deleted": 1}


def test_a_scan_whose_answer_is_lost_still_runs(flow: Flow) -> None:
    """An `after_apply` fault: the server starts the scan, the client never hears of it."""
    src = source(flow)
    flow.handle.add_fault(method="POST", path="/ransomware/", after_apply=True, drop_connection=True, count=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        flow.call("POST", SCAN, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id)
    scans = [job for job in flow.handle.control("GET", "jobs")["jobs"] if job["type"] == "ransomware-scan"]
    assert len(scans) == 1
