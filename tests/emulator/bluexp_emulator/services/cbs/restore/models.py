# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Restore category: volume restores (a new volume) and file / folder restores (into an
existing volume), from the cloud backups of a volume.

Rules stated by NetApp (restore descriptions, v1-v3): the backup must exist; no restore to
data protection volumes, to a volume of another language, to volumes under 1 GB, to
SnapLock (WORM) volumes; source and target cloud provider must match; archived backups
need ``archive-restore-priority`` and ONTAP 9.10.1+; v3 restores folders, but not files and
folders together nor several folders. Everything the request names is checked up front
(404 unknown ids, 400 rule violations); what can only be known when the job runs (the
target name taken meanwhile, a path missing from the backup, ransomware found by the
pre-restore scan) fails the job, per file where the job has per-file batches.
"""
from __future__ import annotations

import posixpath
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.backup.models import BackupBackend
from bluexp_emulator.services.cbs.backup.state import NO_LOCK, CloudSnapshot
from bluexp_emulator.services.cbs.filetree import (
    DIRECTORY,
    DIRECTORY_SIZE,
    FILE,
    Entry,
    Tree,
    inode_of,
    join,
    name_of,
    normalise,
    parent_of,
)
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.jobs.models import Job, JobFailed, JobsBackend
from bluexp_emulator.services.cbs.ransomware.models import FAILED as SCAN_FAILED
from bluexp_emulator.services.cbs.ransomware.models import RANSOMWARE_DETECTED, RansomwareBackend
from bluexp_emulator.services.cbs.working_environments.models import (
    Svm,
    Volume,
    WorkingEnvironment,
    WorkingEnvironmentsBackend,
)

VOLUME = "volume"
FILES = "file"
FOLDER = "folder"
KINDS = (VOLUME, FILES, FOLDER)
ARCHIVE_PRIORITIES = ("High", "Standard", "Low")
ARCHIVE_SLOWDOWN = 3  # a restore from the archive tier takes this many times longer
ARCHIVE_MIN_ONTAP = (9, 10, 1)
MIN_SIZE_BYTES = 1024**3
DP_SVM = "dp-destination"
CLOUD = "CLOUD"
RENAMED = "{stem} (restored){ext}"
RENAMED_AGAIN = "{stem} (restored {n}){ext}"
_ENTRY_TYPES = {"file": FILE, "directory": DIRECTORY, "dir": DIRECTORY, "folder": DIRECTORY}
# ONTAP volume names: a letter or underscore, then letters, digits, underscores (203 at most).
_VOLUME_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,202}$")
PENDING, SUCCESS, FAILED = "PENDING", "SUCCESS", "FAILED"


@dataclass
class RestoreSource:
    working_environment_id: str
    working_environment_name: str
    bucket: str
    volume_name: str
    volume_id: str
    snapshot: str  # a backup id or name


@dataclass
class RestoreTarget:
    working_environment_id: str
    working_environment_name: str
    svm: str
    volume_name: str
    path: str | None = None
    retain_source_path: bool = False
    aggregates: list[str] = field(default_factory=list)


@dataclass
class RestoreFile:
    """One ``file[]`` entry as sent (``inode`` already a number)."""

    inode: int
    path: str
    type: str
    size: float
    mtime: float
    field: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"inode": self.inode, "path": self.path, "type": self.type, "size": _number(self.size),
                "mtime": _number(self.mtime)}


@dataclass
class RestoreRequest:
    version: int
    type: str
    source: RestoreSource
    target: RestoreTarget
    files: list[RestoreFile] | None = None
    archive_priority: str | None = None
    skip_ransomware_check: bool = False
    skip_file_rename: bool = False
    restore_source: str | None = None  # 4.x LOCAL | CLOUD


def _number(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _version(text: str) -> tuple[int, ...]:
    return tuple(int(part) for part in re.findall(r"\d+", text)[:3])


def renamed(path: str, attempt: int) -> str:
    """Where a restored copy goes when something already holds its name (no overwrite)."""
    stem, ext = posixpath.splitext(name_of(path))
    name = RENAMED.format(stem=stem, ext=ext) if attempt == 1 else RENAMED_AGAIN.format(stem=stem, n=attempt, ext=ext)
    return join(parent_of(path), name)


@dataclass
class _Plan:
    """What a validated request resolved to."""

    kind: str
    source_we: WorkingEnvironment
    source_volume: Volume
    snapshot: CloudSnapshot
    target_we: WorkingEnvironment
    svm: Svm
    target_volume: Volume | None = None
    entries: list[tuple[RestoreFile, str]] = field(default_factory=list)  # (entry, normalised source path)


def restore_status_dict(job: Job, now: float) -> dict[str, Any]:
    """A restore job as ``GET /api/v1/restore/status`` lists it: its schema has no type nor
    WE id, and carries the restored files flat (``file[]``) instead of per batch."""
    full = job.to_dict(now)
    restore = (full.get("data") or {}).get("restore") or {}
    view = {key: restore[key] for key in ("type", "source", "target") if key in restore}
    files = [entry for batch in restore.get("batch") or [] for entry in batch.get("file") or []]
    if files:
        view["file"] = files
    return {"id": full["id"], "status": full["status"], "error": full["error"], "time": full["time"],
            "data": {"restore": view}}


class RestoreBackend:
    def __init__(self, working_environments: WorkingEnvironmentsBackend, backup: BackupBackend,
                 ransomware: RansomwareBackend, jobs_backend: JobsBackend, clock: Clock,
                 ids: Callable[[], IdGenerator]) -> None:
        self.working_environments = working_environments
        self.backup = backup
        self.ransomware = ransomware
        self.jobs = jobs_backend
        self.clock = clock
        self._ids = ids

    def list_restore_jobs(self, account_id: str) -> list[Job]:
        return [job for job in self.jobs.list_jobs(account_id) if job.type in jobs.RESTORE_TYPES]

    # -- up-front checks -------------------------------------------------------------------------
    def _source(self, account_id: str, source: RestoreSource) -> tuple[WorkingEnvironment, Volume, CloudSnapshot]:
        we = self.working_environments.get_working_environment(account_id, source.working_environment_id)
        _check_name("restore.source.working-environment-name", source.working_environment_name, we.name)
        volume = we.volume(source.volume_id)
        if volume is None:
            raise NotFound(f"Volume {source.volume_id} not found in working environment {we.id}")
        if volume.backup is None or we.backup is None:
            raise NotFound(f"Volume {volume.name} has no backup in working environment {we.id}")
        _check_name("restore.source.volume-name", source.volume_name, volume.name)
        if source.bucket != we.backup.bucket:
            raise BadRequest(f"restore.source.bucket: working environment {we.id} backs up to bucket "
                             f"{we.backup.bucket!r}, not {source.bucket!r}")
        snapshot = (volume.backup.snapshot(source.snapshot)
                    or next((s for s in volume.backup.snapshots if s.name == source.snapshot), None))
        if snapshot is None:
            raise NotFound(f"Backup {source.snapshot} not found for volume {volume.name}")
        return we, volume, snapshot

    def _target(self, account_id: str, target: RestoreTarget) -> tuple[WorkingEnvironment, Svm]:
        we = self.working_environments.get_working_environment(account_id, target.working_environment_id)
        _check_name("restore.target.working-environment-name", target.working_environment_name, we.name)
        svm = we.svm(target.svm)
        if svm is None:
            raise BadRequest(f"restore.target.svm: SVM {target.svm!r} does not exist in working environment {we.id}")
        for aggregate in target.aggregates:
            if not any(a.name == aggregate for a in svm.aggregates):
                raise BadRequest(f"restore.target.aggregates: aggregate {aggregate!r} is not available to SVM "
                                 f"{svm.name}")
        return we, svm

    @staticmethod
    def _check_provider(source_we: WorkingEnvironment, target_we: WorkingEnvironment) -> None:
        """Backups restore to Cloud Volumes ONTAP in the cloud that holds them, or to any
        on-premises cluster."""
        assert source_we.backup is not None
        provider = source_we.backup.provider
        if target_we.type != "ON_PREM" and target_we.provider != provider:
            raise BadRequest(f"restore.target.working-environment-id: backups stored in {provider} can be restored "
                             f"to Cloud Volumes ONTAP in {provider} or to on-premises ONTAP, not to "
                             f"{target_we.provider} working environment {target_we.id}")

    @staticmethod
    def _check_archive(request: RestoreRequest, snapshot: CloudSnapshot, target_we: WorkingEnvironment) -> None:
        if not snapshot.archived:
            return
        if request.version == 1:
            raise BadRequest(f"restore.archive-restore-priority: backup {snapshot.name} is in the archive tier; "
                             "restoring it needs archive-restore-priority (/api/v2/restore or /api/v3/restore)")
        if request.archive_priority is None:
            raise BadRequest(f"restore.archive-restore-priority is required to restore backup {snapshot.name} from "
                             f"the archive tier ({', '.join(ARCHIVE_PRIORITIES)})")
        if _version(target_we.ontap_version) < ARCHIVE_MIN_ONTAP:
            raise BadRequest(f"restore.target.working-environment-id: restoring from the archive tier needs ONTAP "
                             f"9.10.1 or later; working environment {target_we.id} runs {target_we.ontap_version}")

    @staticmethod
    def _kind(request: RestoreRequest) -> str:
        kind = request.type.strip().lower()
        if kind not in KINDS:
            raise BadRequest(f"restore.type: {request.type!r} is not one of {', '.join(KINDS)}")
        if kind == VOLUME and request.files:
            raise BadRequest("restore.file: a volume restore takes no file entries")
        if kind != VOLUME and not request.files:
            raise BadRequest("restore.file: a file or folder restore needs at least one entry")
        return kind

    @staticmethod
    def _check_volume_target(plan: _Plan, target: RestoreTarget) -> None:
        source, svm, we = plan.source_volume, plan.svm, plan.target_we
        if not _VOLUME_NAME.match(target.volume_name):
            raise BadRequest(f"restore.target.volume-name: {target.volume_name!r} is not a valid ONTAP volume name "
                             "(a letter or underscore, then letters, digits or underscores)")
        if we.volume_named(svm.name, target.volume_name) is not None:
            raise BadRequest(f"restore.target.volume-name: volume {target.volume_name} already exists in SVM "
                             f"{svm.name} of working environment {we.id}; a volume restore creates a new volume")
        if svm.subtype == DP_SVM:
            raise BadRequest(f"restore.target.svm: SVM {svm.name} is a data protection (DP) destination; restore is "
                             "not supported to data protection volumes")
        if svm.language is not None and svm.language != source.language:
            raise BadRequest(f"restore.target.svm: SVM {svm.name} uses language {svm.language}; the restored volume "
                             f"would have language {source.language} (restore needs matching language codes)")
        if source.size_bytes < MIN_SIZE_BYTES:
            raise BadRequest(f"restore.source.volume-id: volume {source.name} is smaller than 1 GB; restore is not "
                             "supported for volumes under 1 GB")

    def _check_file_target(self, plan: _Plan, request: RestoreRequest) -> None:
        target = request.target
        volume = plan.target_we.volume_named(plan.svm.name, target.volume_name)
        if volume is None:
            raise BadRequest(f"restore.target.volume-name: volume {target.volume_name} does not exist in SVM "
                             f"{plan.svm.name} of working environment {plan.target_we.id}")
        if volume.type == "dp":
            raise BadRequest(f"restore.target.volume-name: volume {volume.name} is a data protection (DP) volume; "
                             "restore is not supported to data protection volumes")
        if volume.is_snaplock:
            raise BadRequest(f"restore.target.volume-name: volume {volume.name} is a SnapLock "
                             f"({volume.snaplock_type}) volume; restore is not allowed to WORM volumes")
        if volume.language != plan.source_volume.language:
            raise BadRequest(f"restore.target.volume-name: volume {volume.name} uses language {volume.language}, "
                             f"the source volume {plan.source_volume.name} {plan.source_volume.language}; restore "
                             "needs matching language codes")
        if volume.size_bytes < MIN_SIZE_BYTES:
            raise BadRequest(f"restore.target.volume-name: volume {volume.name} is smaller than 1 GB; restore is not "
                             "supported for volumes under 1 GB")
        if target.path and volume.tree().entry(target.path) is not None and not volume.tree().is_dir(target.path):
            raise BadRequest(f"restore.target.path: {normalise(target.path)} is a file in volume {volume.name}")
        plan.target_volume = volume
        folders = 0
        seen: set[str] = set()
        for entry in request.files or []:
            kind = _ENTRY_TYPES.get(entry.type.strip().lower())
            if kind is None:
                raise BadRequest(f"{entry.field}type: {entry.type!r} is not one of file, directory")
            path = normalise(entry.path)
            if path == "/":
                raise BadRequest(f"{entry.field}path: the root of the volume cannot be restored as a folder; use a "
                                 "volume restore")
            if path in seen:
                raise BadRequest(f"{entry.field}path: {path} is listed more than once")
            seen.add(path)
            if kind == DIRECTORY:
                if request.version < 3:
                    raise BadRequest(f"{entry.field}type: folder restore needs /api/v3/restore")
                folders += 1
            plan.entries.append((entry, path))
        if folders and folders != len(plan.entries):
            raise BadRequest("restore.file: restoring files and folders together is not supported")
        if folders > 1:
            raise BadRequest("restore.file: restoring more than one folder at a time is not supported")

    # -- the operation --------------------------------------------------------------------------
    def restore(self, account_id: str, request: RestoreRequest) -> Job:
        kind = self._kind(request)
        if request.archive_priority is not None and request.archive_priority not in ARCHIVE_PRIORITIES:
            raise BadRequest(f"restore.archive-restore-priority: {request.archive_priority!r} is not one of "
                             f"{', '.join(ARCHIVE_PRIORITIES)}")
        if request.restore_source not in (None, CLOUD):
            raise BadRequest(f"restore.restore-source: only {CLOUD} (cloud backups) can be restored here, not "
                             f"{request.restore_source}")
        source_we, source_volume, snapshot = self._source(account_id, request.source)
        target_we, svm = self._target(account_id, request.target)
        self._check_provider(source_we, target_we)
        self._check_archive(request, snapshot, target_we)
        plan = _Plan(kind, source_we, source_volume, snapshot, target_we, svm)
        if kind == VOLUME:
            self._check_volume_target(plan, request.target)
        else:
            self._check_file_target(plan, request)
        duration = self.jobs.default_duration() * (ARCHIVE_SLOWDOWN if snapshot.archived else 1)
        data = {"restore": self._job_data(plan, request)}
        volume_ids = [source_volume.file_system_id]
        if plan.target_volume is not None and plan.target_volume is not source_volume:
            volume_ids.append(plan.target_volume.file_system_id)
        if kind == VOLUME:
            return self.jobs.create(account_id, target_we.id, jobs.RESTORE_VOLUME, duration=duration, data=data,
                                    volume_ids=volume_ids, on_complete=lambda job: self._restore_volume(plan, request))
        return self.jobs.create(account_id, target_we.id, jobs.RESTORE_FILES, duration=duration, data=data,
                                volume_ids=volume_ids, paths=[path for _entry, path in plan.entries],
                                on_complete=lambda job: self._restore_files(job, plan, request),
                                on_fail=lambda job: _fail_batches(job, job.final_error))

    def _job_data(self, plan: _Plan, request: RestoreRequest) -> dict[str, Any]:
        source, target = request.source, request.target
        data: dict[str, Any] = {
            "type": plan.kind,
            "source": {"working-environment-id": plan.source_we.id, "working-environment-name": plan.source_we.name,
                       "bucket": source.bucket, "volume-id": plan.source_volume.file_system_id,
                       "volume-name": plan.source_volume.name, "snapshot": source.snapshot},
            "target": {"working-environment-id": plan.target_we.id, "working-environment-name": plan.target_we.name,
                       "svm": plan.svm.name, "volume-name": target.volume_name},
        }
        if plan.kind == VOLUME:
            data["target"]["volume-size"] = plan.source_volume.size_bytes
            return data
        if target.path:
            data["target"]["path"] = normalise(target.path)
        now_ms = self.clock.now_ms()
        # One batch per entry, so that each file reports its own outcome.
        data["batch"] = [{"id": self._ids().uuid(), "status": PENDING, "error": "", "time": now_ms,
                          "file": [entry.to_dict()]} for entry, _path in plan.entries]
        return data

    def _pre_restore_scan(self, plan: _Plan, request: RestoreRequest) -> None:
        """On a DataLock WE the backup is scanned before it is restored, unless skipped."""
        assert plan.source_we.backup is not None
        if request.skip_ransomware_check or plan.source_we.backup.object_lock == NO_LOCK:
            return
        verdict = self.ransomware.run_scan(plan.source_volume, plan.snapshot)
        if verdict == RANSOMWARE_DETECTED:
            raise JobFailed(f"Ransomware detected in backup {plan.snapshot.name} of volume {plan.source_volume.name}; "
                            "the restore was stopped (skip-ransomware-check restores it anyway)")
        if verdict == SCAN_FAILED:
            raise JobFailed(f"The ransomware scan of backup {plan.snapshot.name} failed; the restore was stopped")

    def _still_there(self, plan: _Plan) -> None:
        backup = plan.source_volume.backup
        if backup is None or plan.snapshot not in backup.snapshots:
            raise JobFailed(f"Backup {plan.snapshot.name} of volume {plan.source_volume.name} no longer exists")

    def _restore_volume(self, plan: _Plan, request: RestoreRequest) -> None:
        self._still_there(plan)
        target = request.target
        if plan.target_we.volume_named(plan.svm.name, target.volume_name) is not None:
            raise JobFailed(f"Volume {target.volume_name} already exists in SVM {plan.svm.name}")
        self._pre_restore_scan(plan, request)
        source = plan.source_volume
        volume = Volume(
            file_system_id=self._ids().uuid(), name=target.volume_name, svm=plan.svm.name, type="rw",
            style=source.style, language=source.language, security_style=source.security_style,
            size_bytes=source.size_bytes, used_bytes=source.used_bytes, logical_used_bytes=source.logical_used_bytes,
            snapmirror_labels=[], aggregate_count=source.aggregate_count,
            # The new volume holds what the backup captured.
            tree_id=source.tree_key, generation=plan.snapshot.generation, files=dict(plan.snapshot.files),
        )
        plan.target_we.volumes.append(volume)
        self.backup.adopt_new_volume(plan.target_we, volume)

    def _restore_files(self, job: Job, plan: _Plan, request: RestoreRequest) -> None:
        try:
            self._still_there(plan)
            self._pre_restore_scan(plan, request)
        except JobFailed as exc:
            _fail_batches(job, str(exc))
            raise
        assert plan.target_volume is not None
        backup_tree = plan.source_volume.snapshot_tree(plan.snapshot)
        live = plan.target_volume.tree()
        overwrite = request.skip_file_rename and request.version >= 2
        batches = (job.data or {})["restore"]["batch"]
        failed = 0
        for batch, (entry, path) in zip(batches, plan.entries, strict=False):
            error = job.forced_failures.get(path) or self._restore_entry(backup_tree, live, plan, request, entry, path,
                                                                         overwrite)
            batch["status"] = FAILED if error else SUCCESS
            batch["error"] = error
            batch["time"] = self.clock.now_ms()
            failed += bool(error)
        if failed:
            raise JobFailed(f"{failed} of {len(batches)} entries could not be restored")

    def _restore_entry(self, backup_tree: Tree, live: Tree, plan: _Plan, request: RestoreRequest,
                       entry: RestoreFile, path: str, overwrite: bool) -> str:
        """Copy one entry (a file, or a folder with everything below it); returns an error."""
        found = backup_tree.entry(path)
        wanted = _ENTRY_TYPES[entry.type.strip().lower()]
        if found is None:
            return f"{path} not found in backup {plan.snapshot.name}"
        if found.type != wanted:
            return f"{path} is a {found.type} in backup {plan.snapshot.name}, not a {wanted}"
        target = request.target
        if target.path:
            base = normalise(target.path)
            destination = join(base, path.lstrip("/")) if target.retain_source_path else join(base, name_of(path))
        else:
            destination = path  # the original location
        volume = plan.target_volume
        assert volume is not None
        now_ms = self.clock.now_ms()
        if not _ensure_directories(live, volume, parent_of(destination), now_ms):
            return f"cannot create {parent_of(destination)} in volume {volume.name}: a file has that name"
        root = _place(live, volume, destination, found, overwrite)
        written = found.size if not found.is_dir else 0
        if found.is_dir:
            for child_path, child in backup_tree.walk(path):
                _place(live, volume, root + child_path[len(path):], child, overwrite)
                written += 0 if child.is_dir else child.size
        volume.used_bytes = min(volume.size_bytes, volume.used_bytes + written)
        return ""


def _check_name(field_name: str, sent: str, actual: str) -> None:
    if sent != actual:
        raise BadRequest(f"{field_name}: {sent!r} does not match the name {actual!r}")


def _fail_batches(job: Job, error: str) -> None:
    for batch in ((job.data or {}).get("restore") or {}).get("batch") or []:
        if batch.get("status") in (PENDING, None):
            batch["status"] = FAILED
            batch["error"] = error


def _restored_entry(volume: Volume, path: str, like: Entry) -> Entry:
    """A restored copy: same content and mtime, a new inode in the target volume."""
    return Entry(inode_of("restored:" + volume.file_system_id, path), name_of(path), like.type, like.size,
                 like.mtime)


def _ensure_directories(live: Tree, volume: Volume, directory: str, now_ms: int) -> bool:
    """Create the missing directories down to ``directory``; False when a file is in the way."""
    missing: list[str] = []
    current = normalise(directory)
    while current != "/" and not live.is_dir(current):
        if live.entry(current) is not None:
            return False
        missing.append(current)
        current = parent_of(current)
    for path in reversed(missing):
        live.put(path, _restored_entry(volume, path, Entry(0, name_of(path), DIRECTORY, DIRECTORY_SIZE, now_ms)))
    return True


def _place(live: Tree, volume: Volume, destination: str, entry: Entry, overwrite: bool) -> str:
    """Write one restored entry; returns where it went. A file whose name is taken is
    overwritten with ``skip-file-rename``, else the copy is renamed (``name (restored).ext``);
    a folder merges into an existing folder of that name."""
    existing = live.entry(destination)
    if existing is not None:
        if entry.is_dir and existing.is_dir:
            return destination
        if not (overwrite and existing.type == entry.type):
            attempt = 1
            while live.entry(renamed(destination, attempt)) is not None:
                attempt += 1
            destination = renamed(destination, attempt)
    live.put(destination, _restored_entry(volume, destination, entry))
    return destination
