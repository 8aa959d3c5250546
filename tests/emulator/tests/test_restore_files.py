# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""File and folder restores: into the target volume's tree, renamed or overwritten, per-file results."""
from __future__ import annotations

from typing import Any

from backup_flow import JOB_DURATION_S, Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.working_environments.models import Volume
from emulator_client import assert_shape
from restore_flow import Source, body, restore, source, target, template

pytestmark = manual()
LIST = "/api/v1/working-environment/{we}/volume/{vol}/list?path={dir}"


def _names(flow: Flow, src: Source, volume: Volume, path: str) -> list[str]:
    listing = flow.ok("GET", LIST, we=src.we.id, vol=volume.file_system_id, dir=path)
    return [entry["name"] for entry in listing["context"]]


def _into_itself(src: Source, **extra: Any) -> dict[str, Any]:
    return target(src.we, src.volume.name, src.volume.svm, **extra)


def _other_volume(src: Source) -> Volume:
    other = next(v for v in src.we.volumes if v is not src.volume and v.type == "rw" and not v.is_snaplock)
    other.language = src.volume.language
    return other


def test_restore_to_the_original_location_renames_the_copy(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    payload = body("file", src.block(), _into_itself(src), [src.file("/README.txt")])
    job = flow.finish(restore(flow, payload))
    assert_shape(spec, "GET", template("/api/v1/job/{jobId}"), {"job": [job]})
    assert job["type"] == "restore-files" and job["status"] == "COMPLETED", job
    [batch] = job["data"]["restore"]["batch"]
    assert batch["status"] == "SUCCESS" and batch["error"] == "" and batch["file"] == [src.file("/README.txt")]
    assert {"README.txt", "README (restored).txt"} <= set(_names(flow, src, src.volume, "/"))
    status = flow.ok("GET", "/api/v1/restore/status")
    assert_shape(spec, "GET", template("/api/v1/restore/status"), status)
    assert status["job"][0]["data"]["restore"]["file"] == [src.file("/README.txt")]
    flow.finish(restore(flow, payload))
    assert "README (restored 2).txt" in _names(flow, src, src.volume, "/")


def test_skip_file_rename_overwrites_the_existing_file(flow: Flow) -> None:
    src = source(flow)
    live_before = src.volume.tree().entry("/logs/current.log")
    in_backup = src.file("/logs/current.log")
    assert live_before is not None and live_before.size != in_backup["size"]  # it changed since the backup
    payload = body("file", src.block(), _into_itself(src), [in_backup], options={"skip-file-rename": True})
    assert flow.finish(restore(flow, payload, version="v2"))["status"] == "COMPLETED"
    live = next(e for e in flow.ok("GET", LIST, we=src.we.id, vol=src.volume.file_system_id, dir="/logs")["context"]
                if e["name"] == "current.log")
    assert live["size"] == in_backup["size"] and live["mtime"] == in_backup["mtime"]
    assert "current (restored).log" not in _names(flow, src, src.volume, "/logs")


def test_restore_to_another_volume_and_path(flow: Flow) -> None:
    src = source(flow)
    other = _other_volume(src)
    user = (src.volume.snapshot_tree(src.snapshot).entries("/home") or [])[0].name
    notes = next(p for p in src.backup_files(f"/home/{user}") if p.endswith("notes.md"))
    flat = body("file", src.block(), target(src.we, other.name, other.svm, path="/restored"), [src.file(notes)])
    assert flow.finish(restore(flow, flat))["status"] == "COMPLETED"
    assert _names(flow, src, other, "/restored") == ["notes.md"]
    retained = {**target(src.we, other.name, other.svm, path="/kept"), "retain-source-path": True}
    kept = body("file", src.block(), retained, [src.file(notes)])
    assert flow.finish(restore(flow, kept))["status"] == "COMPLETED"
    assert _names(flow, src, other, "/kept" + notes.rsplit("/", 1)[0]) == ["notes.md"]


def test_one_file_of_a_batch_can_fail(flow: Flow) -> None:
    src = source(flow)
    missing = {**src.file("/README.txt"), "path": "/no/such/file.txt"}
    files = [src.file("/README.txt"), missing]
    result = restore(flow, body("file", src.block(), _into_itself(src, path="/out"), files))
    flow.advance(JOB_DURATION_S / 2)
    running = flow.job(result.body["job-id"])
    assert [b["status"] for b in running["data"]["restore"]["batch"]] == ["IN_PROGRESS", "IN_PROGRESS"]
    job = flow.finish(result)
    assert job["status"] == "FAILED" and job["error"] == "1 of 2 entries could not be restored"
    first, second = job["data"]["restore"]["batch"]
    assert first["status"] == "SUCCESS" and second["status"] == "FAILED"
    assert second["error"] == f"/no/such/file.txt not found in backup {src.snapshot.name}"
    assert _names(flow, src, src.volume, "/out") == ["README.txt"]


def test_a_path_fault_fails_the_entry_of_that_path_only(flow: Flow) -> None:
    src = source(flow)
    user = (src.volume.snapshot_tree(src.snapshot).entries("/home") or [])[0].name
    notes = next(p for p in src.backup_files(f"/home/{user}") if p.endswith("notes.md"))
    flow.handle.add_job_fault(job_type="restore-files", path="/not/restored.txt", error="never fires")
    flow.handle.add_job_fault(job_type="restore-files", path=notes, error="Permission denied on the target folder")
    flow.handle.add_job_fault(job_type="restore-files", path="/README.txt", error="Quota exceeded")
    files = [src.file("/README.txt"), src.file(notes), src.file("/logs/current.log")]
    job = flow.finish(restore(flow, body("file", src.block(), _into_itself(src, path="/out"), files)))
    assert job["status"] == "FAILED" and job["error"] == "2 of 3 entries could not be restored"
    assert [(b["status"], b["error"]) for b in job["data"]["restore"]["batch"]] == [
        ("FAILED", "Quota exceeded"), ("FAILED", "Permission denied on the target folder"), ("SUCCESS", "")]
    assert _names(flow, src, src.volume, "/out") == ["current.log"]
    assert [f["fired"] for f in flow.handle.control("GET", "job-faults")["job_faults"]] == [0, 1, 1]


def test_folder_restore_needs_v3_and_one_folder_alone(flow: Flow) -> None:
    src = source(flow)
    user = (src.volume.snapshot_tree(src.snapshot).entries("/home") or [])[0].name
    folder = src.file(f"/home/{user}/documents")
    job = flow.finish(restore(flow, body("file", src.block(), _into_itself(src, path="/recovered"), [folder])))
    assert job["status"] == "COMPLETED", job
    expected = [path.rsplit("/", 1)[1] for path in src.backup_files(f"/home/{user}/documents")]
    assert _names(flow, src, src.volume, "/recovered/documents") == expected
    for version, files, message in (
            ("v2", [folder], "folder restore needs /api/v3/restore"),
            ("v3", [folder, src.file("/README.txt")], "restoring files and folders together is not supported"),
            ("v3", [folder, src.file(f"/home/{user}/photos")], "restoring more than one folder at a time")):
        result = restore(flow, body("folder", src.block(), _into_itself(src), files), version=version)
        assert result.status == 400 and message in result.body["message"], result.body


def test_target_volume_rules(flow: Flow) -> None:
    src = source(flow)
    other = _other_volume(src)
    payload = body("file", src.block(), target(src.we, other.name, other.svm), [src.file("/README.txt")])
    fine = {"type": "rw", "snaplock_type": "non_snaplock", "language": src.volume.language,
            "size_bytes": 100 * 1024**3}
    for attribute, value, message in (
            ("type", "dp", "is a data protection (DP) volume"),
            ("snaplock_type", "compliance", "restore is not allowed to WORM volumes"),
            ("language", "ja_jp.pck", "restore needs matching language codes"),
            ("size_bytes", 100 * 1024**2, "smaller than 1 GB")):
        for name, good in fine.items():
            setattr(other, name, good)
        setattr(other, attribute, value)
        result = restore(flow, payload)
        assert result.status == 400 and message in result.body["message"], result.body
    ghost = body("file", src.block(), target(src.we, "vol_ghost"), [src.file("/README.txt")])
    assert "volume vol_ghost does not exist" in restore(flow, ghost).body["message"]
    assert "needs at least one entry" in restore(flow, body("file", src.block(), _into_itself(src))).body["message"]


def test_inode_may_be_a_string_as_in_4x(flow: Flow) -> None:
    src = source(flow)
    entry = {**src.file("/README.txt")}
    entry["inode"] = str(entry["inode"])
    job = flow.finish(restore(flow, body("file", src.block(), _into_itself(src, path="/s"), [entry])))
    assert job["status"] == "COMPLETED"
    assert job["data"]["restore"]["batch"][0]["file"][0]["inode"] == int(entry["inode"])


def test_a_later_backup_contains_the_restored_file(flow: Flow) -> None:
    src = source(flow)
    flow.finish(restore(flow, body("file", src.block(), _into_itself(src, path="/again"), [src.file("/README.txt")])))
    job = flow.finish(flow.call("POST", "/api/v3/backup/working-environment/{we}/volume/{vol}", {"mode": "AD_HOC"},
                                we=src.we.id, vol=src.volume.file_system_id))
    assert job["status"] == "COMPLETED", job
    assert src.volume.backup is not None
    newest = max(src.volume.backup.snapshots, key=lambda s: s.creation_time_ms)
    assert [e.name for e in src.volume.snapshot_tree(newest).entries("/again") or []] == ["README.txt"]
    assert src.volume.snapshot_tree(src.snapshot).entries("/again") is None  # the older backup did not change
