# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Volume restores: a new volume appears on the target when the job completes; the rules."""
from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from backup_flow import JOB_DURATION_S, Flow, manual
from bluexp_emulator.core.spec import Spec
from emulator_client import assert_shape
from restore_flow import RESTORE, body, restore, source, target, template

pytestmark = manual()
WE_VOLUMES = "/api/v1/working-environment/{we}/volume"


def test_volume_restore_creates_the_volume_when_the_job_completes(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    svm = src.we.svms[0].name
    result = restore(flow, body("VOLUME", src.block(), target(src.we, "vol_restored", svm)))
    assert_shape(spec, "POST", template(RESTORE.format(version="v3")), result.body, "202")
    names = [v["name"] for v in flow.ok("GET", WE_VOLUMES, we=src.we.id)["volume"]]
    assert "vol_restored" not in names  # nothing before the job completes
    job = flow.finish(result)
    assert_shape(spec, "GET", template("/api/v1/job/{jobId}"), {"job": [job]})
    assert job["type"] == "restore-volume" and job["status"] == "COMPLETED", job
    assert job["working-environment-id"] == src.we.id
    assert job["data"]["restore"] == {
        "type": "volume", "source": {**src.block(), "volume-id": src.volume.file_system_id},
        "target": {**target(src.we, "vol_restored", svm), "volume-size": src.volume.size_bytes}}
    created = next(v for v in flow.ok("GET", WE_VOLUMES, we=src.we.id)["volume"] if v["name"] == "vol_restored")
    assert created["svm"] == svm and created["type"] == "rw"
    assert created["capacity"]["allocated"] == src.volume.size_bytes
    assert flow.backup_view(src.we)["total-volumes-count"] == str(len(src.we.volumes))
    # The new volume holds what the backup captured.
    listing = "/api/v1/working-environment/{we}/volume/{vol}/list?path=/logs"
    restored = flow.ok("GET", listing, we=src.we.id, vol=created["file-system-id"])["context"]
    captured = src.volume.snapshot_tree(src.snapshot).entries("/logs") or []
    assert restored == [entry.to_dict() for entry in captured]


def test_restored_volume_is_protected_when_the_target_backs_up_new_volumes(flow: Flow) -> None:
    src = source(flow)
    assert src.we.backup is not None
    src.we.backup.auto_backup_enabled = True
    job = flow.finish(restore(flow, body("volume", src.block(), target(src.we, "vol_auto"))))
    assert job["status"] == "COMPLETED", job
    protected = flow.ok("GET", "/api/v1/backup/working-environment/{we}/volume", we=src.we.id)["volume"]
    assert "vol_auto" in [v["name"] for v in protected]


def test_volume_restore_rejects_an_existing_name(flow: Flow) -> None:
    src = source(flow)
    taken = src.we.volumes[0]
    result = restore(flow, body("volume", src.block(), target(src.we, taken.name, taken.svm)))
    assert result.status == 400
    assert result.body["message"] == (
        f"restore.target.volume-name: volume {taken.name} already exists in SVM {taken.svm} of working environment "
        f"{src.we.id}; a volume restore creates a new volume")


def test_volume_restore_rejects_a_data_protection_target(flow: Flow) -> None:
    src = source(flow)
    src.we.svms[0].subtype = "dp-destination"
    result = restore(flow, body("volume", src.block(), target(src.we, "vol_new")))
    assert result.status == 400 and "data protection (DP) destination" in result.body["message"]


def test_volume_restore_rejects_a_language_mismatch(flow: Flow) -> None:
    src = source(flow)
    src.we.svms[0].language = "ja_jp.pck" if src.volume.language != "ja_jp.pck" else "c.utf_8"
    result = restore(flow, body("volume", src.block(), target(src.we, "vol_new")))
    assert result.status == 400 and "restore needs matching language codes" in result.body["message"]
    src.we.svms[0].language = src.volume.language
    assert restore(flow, body("volume", src.block(), target(src.we, "vol_new"))).status == 202


def test_archived_backup_needs_a_priority_and_takes_longer(flow: Flow) -> None:
    src = source(flow)
    src.snapshot.archived = True
    plain = body("volume", src.block(), target(src.we, "vol_thawed"))
    missing = restore(flow, plain)
    assert missing.status == 400 and missing.body["message"].startswith(
        "restore.archive-restore-priority is required to restore backup")
    v1 = restore(flow, plain, version="v1")
    assert v1.status == 400 and v1.body["message"].startswith("restore.archive-restore-priority: backup")
    src.we.ontap_version = "9.9.1"
    low = {"archive-restore-priority": "Low"}
    old = restore(flow, body("volume", src.block(), target(src.we, "vol_thawed"), options=low))
    assert old.status == 400 and "needs ONTAP 9.10.1 or later" in old.body["message"]
    src.we.ontap_version = "9.14.1"
    result = restore(flow, body("volume", src.block(), target(src.we, "vol_thawed"),
                                options={"archive-restore-priority": "Standard"}), version="v2")
    assert result.status == 202, result.body
    flow.advance(JOB_DURATION_S)
    assert flow.job(result.body["job-id"])["status"] == "IN_PROGRESS"  # three times the usual duration
    flow.advance(2 * JOB_DURATION_S)
    assert flow.job(result.body["job-id"])["status"] == "COMPLETED"


def test_provider_and_size_rules(flow: Flow) -> None:
    src = source(flow)  # backups in AWS
    azure = flow.we("AZURE")
    result = restore(flow, body("volume", src.block(), target(azure, "vol_x")))
    assert result.status == 400
    assert "backups stored in AWS can be restored to Cloud Volumes ONTAP in AWS or to on-premises ONTAP" \
        in result.body["message"]
    onprem = flow.we("ONPREM")
    assert restore(flow, body("volume", src.block(), target(onprem, "vol_x"))).status == 202
    src.volume.size_bytes = 512 * 1024**2
    small = restore(flow, body("volume", src.block(), target(src.we, "vol_y")))
    assert small.status == 400 and "smaller than 1 GB" in small.body["message"]


@pytest.mark.parametrize("change,status,message", [
    (lambda b: b["restore"]["source"].update({"working-environment-id": "nope"}), 404, "Working environment nope"),
    (lambda b: b["restore"]["source"].update({"working-environment-name": "x"}), 400,
     "restore.source.working-environment-name: 'x' does not match"),
    (lambda b: b["restore"]["source"].update({"bucket": "other"}), 400, "restore.source.bucket"),
    (lambda b: b["restore"]["source"].update({"snapshot": "nope"}), 404, "Backup nope not found"),
    (lambda b: b["restore"]["target"].update({"svm": "nope"}), 400, "restore.target.svm: SVM 'nope'"),
    (lambda b: b["restore"]["target"].update({"volume-name": "1bad-name"}), 400, "not a valid ONTAP volume name"),
    (lambda b: b["restore"]["target"].update({"aggregates": ["nope"]}), 400, "aggregate 'nope'"),
    (lambda b: b["restore"].update({"type": "everything"}), 400, "restore.type: 'everything' is not one of"),
    (lambda b: b["restore"].update({"archive-restore-priority": "Now"}), 400, "archive-restore-priority"),
    (lambda b: b["restore"].pop("source"), 400, "source"),
])
def test_request_must_name_existing_things(flow: Flow, change: Callable[[dict[str, Any]], Any], status: int,
                                           message: str) -> None:
    src = source(flow)
    payload = body("volume", src.block(), target(src.we, "vol_new"))
    change(payload)
    result = restore(flow, payload)
    assert result.status == status and message in result.body["message"], result.body


def test_backup_named_by_name_and_job_faults(flow: Flow) -> None:
    src = source(flow)
    flow.handle.add_job_fault(job_type="restore-volume", error="SnapMirror restore failed")
    block = {**src.block(), "snapshot": src.snapshot.name}
    job = flow.finish(restore(flow, body("volume", block, target(src.we, "vol_failed"))))
    assert job["status"] == "FAILED" and job["error"] == "SnapMirror restore failed"
    assert "vol_failed" not in [v.name for v in src.we.volumes]


def test_restore_status_lists_the_restore_jobs(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    flow.finish(restore(flow, body("volume", src.block(), target(src.we, "vol_one"))))
    flow.finish(restore(flow, body("volume", src.block(), target(src.we, "vol_two")), version="v1"))
    status = flow.ok("GET", "/api/v1/restore/status")
    assert_shape(spec, "GET", template("/api/v1/restore/status"), status)
    assert [j["data"]["restore"]["target"]["volume-name"] for j in status["job"]] == ["vol_two", "vol_one"]
    assert all(j["status"] == "COMPLETED" for j in status["job"])
