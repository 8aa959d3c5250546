# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Backup category: views of WE backup state, and every rule of the backup lifecycle.

Lifecycle per WE: OFF -> activation (v1 at once; v2/v3 when the job completes) -> ON ->
unregister (job; fails while any volume still has backups) -> OFF. Per volume: not
protected -> enabled -> PAUSED / ON -> backups deleted -> settings removed. Asynchronous
operations validate the request up front (400/404) and apply their effect when their job
completes; what can only be known then (a SnapLock volume in a batch, backups left) fails
the job, per volume where the job has per-volume results.
"""
from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.backup.activation import (
    ActivationPlan,
    ActivationRequest,
    ModifyRequest,
    check_modification,
    plan_activation,
)
from bluexp_emulator.services.cbs.backup.schedule import Scheduler, new_snapshot, unique_name
from bluexp_emulator.services.cbs.backup.state import (
    DISABLED,
    ENABLED,
    NO_LOCK,
    VOLUME_ACTIVE,
    VOLUME_PAUSED,
    BackupConfig,
    CloudSnapshot,
    VolumeBackup,
)
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.jobs.models import Job, JobFailed, JobsBackend, multi_volume_data, set_volume_result
from bluexp_emulator.services.cbs.storagegrid.models import StorageGridBackend
from bluexp_emulator.services.cbs.working_environments.models import (
    Volume,
    WorkingEnvironment,
    WorkingEnvironmentsBackend,
)
from bluexp_emulator.services.cbs.working_environments.policies import (
    OntapBackupPolicy,
    PolicyInput,
    adopt,
    plan_policy,
    requested_lock,
)

__all__ = [
    "DISABLED", "ENABLED", "VOLUME_ACTIVE", "VOLUME_PAUSED", "BackupBackend", "BackupConfig", "CloudSnapshot",
    "VolumeBackup", "VolumeChangeRequest", "VolumeEnableRequest", "backed_up_volume_dict",
    "working_environment_backup_dict",
]

_GIB = 1024**3
AD_HOC = "AD_HOC"
IMMEDIATE = "IMMEDIATE"  # deprecated by NetApp; served as AD_HOC
PAUSE, RESUME, DELETE = "PAUSE", "RESUME", "DELETE"
DISABLE, ENABLE = "DISABLE", "ENABLE"
# ``state`` answers of the synchronous operations (the real values are not documented).
STATE_REMOVED = "OFF"
STATE_DELETED = "DELETED"
ACTIVATION_TYPES = (jobs.BACKUP_WORKING_ENVIRONMENT,)


@dataclass
class VolumeEnableRequest:
    """One volume of an enable request; ``field`` prefixes its fields in messages."""

    volume_id: str
    mode: str | None = None
    policy_name: str | None = None  # v1
    policy: PolicyInput | None = None  # v2 / v3
    adhoc_name: str | None = None
    adhoc_label: str | None = None
    field: str = ""

    @property
    def adhoc(self) -> bool:
        return self.mode in (AD_HOC, IMMEDIATE)


@dataclass
class VolumeChangeRequest:
    """One volume of a modify request (PUT)."""

    volume_id: str
    state: str | None = None
    policy: PolicyInput | None = None
    field: str = ""


# -- views ----------------------------------------------------------------------------------
def _protected(we: WorkingEnvironment) -> list[Volume]:
    return [v for v in we.volumes if v.backup is not None]


def working_environment_backup_dict(we: WorkingEnvironment, *, partial: bool = False,
                                    status_view: bool = False) -> dict[str, Any]:
    """The backup view of a WE; ``status_view`` drops the fields the /status operation lacks."""
    config = we.backup
    data: dict[str, Any] = {
        "name": we.name, "id": we.id, "status": we.status,
        # Object-store region once activated (an on-premises WE has no region of its own).
        "region": config.region if config else we.region,
        "ontap-version": we.ontap_version,
        "backup-enablement-status": ENABLED if config else DISABLED,
        "type": we.type,
        # Backup target provider once activated; the WE's own provider before that.
        "provider": config.provider if config else we.provider,
        "provider-account-id": config.provider_account_id if config else we.provider_account_id,
    }
    protected = _protected(we)
    if not partial:
        backups = [v.backup for v in protected if v.backup is not None]
        snapshot_bytes = sum(s.size_bytes for b in backups for s in b.snapshots)
        logical = sum(v.logical_used_bytes for v in protected)
        data.update({
            "used-capacity-gb": f"{snapshot_bytes / _GIB:.2f}",
            "charging-capacity": f"{logical / _GIB:.2f}",
            "logical-used-size": str(logical),
            "backed-up-volume-count": str(len(protected)),
            "total-volumes-count": str(len(we.volumes)),
            "backup-policy-count": str(len(we.policies)),
            "failed-backup-volume-count": str(sum(1 for b in backups if b.last_backup_failed)),
        })
    if config is None:
        return data
    data.update({
        "provider-account-name": config.provider_account_name,
        "bucket": config.bucket,
        "catalog-enabled": config.catalog_enabled,
        "auto-backup-enabled": config.auto_backup_enabled,
        "private-endpoint-required": config.private_endpoint_required,
        "license": we.license.to_dict(),  # the License category's state, never a copy
        "ip-space": config.ip_space,
        "delete-yearly-snapshots": config.delete_yearly_snapshots,
        "export-existing-snapshots": config.export_existing_snapshots,
    })
    for key, value in (("archive-storage-class", config.archive_storage_class),
                       ("resource-group", config.resource_group),
                       ("storage-account", config.storage_account),
                       ("storage-server", config.storage_server),
                       ("provider-access-key", config.access_key)):
        if value is not None:
            data[key] = value
    policy = we.policy(config.policy_name)
    if policy is not None:
        data["backup-policy"] = policy.summary_dict()
    if not status_view:
        data["object-lock"] = config.object_lock
        data["max-transfer-rate"] = config.max_transfer_rate
        if config.storage_grid_id is not None:
            data["storage-grid-id"] = config.storage_grid_id
        if config.sgws_archival is not None:
            data["sgws-archival"] = config.sgws_archival
    return data


def backed_up_volume_dict(we: WorkingEnvironment, volume: Volume, *, partial: bool = False) -> dict[str, Any]:
    backup = volume.backup
    assert backup is not None
    data: dict[str, Any] = {
        "file-system-id": volume.file_system_id, "name": volume.name, "type": volume.type,
        "style": volume.style, "protocol": volume.protocol, "svm": volume.svm, "status": volume.status,
        "backup-status": backup.status, "snapshot-count": str(len(backup.snapshots)),
        "object-lock": backup.object_lock,
    }
    last = backup.last_backup_creation_time
    if last is not None:
        data["last-backup-creation-time"] = last
    policy = we.policy(backup.policy_name)
    if policy is not None:
        data["backup-policy"] = policy.summary_dict()
    scanned = [s for s in backup.snapshots if s.ransomware_scan_status is not None]
    if backup.object_lock != NO_LOCK or scanned:
        data.update(_ransomware_summary(scanned))
    if not partial:
        # ``partial`` skips what the real service reads live from ONTAP.
        charged = sum(s.size_bytes for s in backup.snapshots)
        data["capacity"] = {"allocated": str(volume.size_bytes), "used": str(volume.used_bytes),
                            "charging": str(charged), "logicalUsedSize": str(volume.logical_used_bytes)}
        data["aggregate-count"] = volume.aggregate_count
    return data


def _ransomware_summary(scanned: list[CloudSnapshot]) -> dict[str, Any]:
    """A volume's scan status: any infected backup wins, then a running scan, then the
    latest verdict (DataLock volumes are PROTECTED until a scan says otherwise)."""
    detected = [s for s in scanned if s.ransomware_scan_status == "RANSOMWARE_DETECTED"]
    latest = max(scanned, key=lambda s: s.last_ransomware_scan_ms or 0, default=None)
    if detected:
        status = "RANSOMWARE_DETECTED"
    elif any(s.ransomware_scan_status == "IN_PROGRESS" for s in scanned):
        status = "IN_PROGRESS"
    elif latest is not None and latest.ransomware_scan_status == "FAILED":
        status = "FAILED"
    else:
        status = "PROTECTED"
    data: dict[str, Any] = {"ransomware-scan-status": status}
    scans = [s.last_ransomware_scan_ms for s in scanned if s.last_ransomware_scan_ms is not None]
    if scans:
        data["last-ransomware-scan"] = max(scans)
    data["ransomware-detected-snapshots"] = [
        {"snapshot-id": s.id, "snapshot-name": s.name, "last-ransomware-scan": s.last_ransomware_scan_ms}
        for s in sorted(detected, key=lambda s: s.creation_time_ms, reverse=True)]
    return data


def _iso(ms: int) -> str:
    return datetime.datetime.fromtimestamp(ms / 1000, datetime.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def _lock_message(locked: list[CloudSnapshot], where: str) -> str:
    until = max(s.locked_until_ms or 0 for s in locked)
    return (f"{len(locked)} backups of {where} are protected by DataLock ({locked[0].object_lock}) until "
            f"{_iso(until)} and cannot be deleted before")


class BackupBackend:
    """Operations of the Backup category over the shared fleet."""

    def __init__(self, working_environments: WorkingEnvironmentsBackend, jobs_backend: JobsBackend, clock: Clock,
                 ids: Callable[[], IdGenerator], interval_s: Callable[[], float],
                 storage_grids: StorageGridBackend | None = None) -> None:
        self.working_environments = working_environments
        self.storage_grids = storage_grids  # SGWS activation needs a discovered grid
        self.jobs = jobs_backend
        self.clock = clock
        self._ids = ids
        self.scheduler = Scheduler(ids, interval_s)

    def tick(self) -> None:
        """Scheduled backups, retention, archiving: everything due by now."""
        self.scheduler.tick(self.working_environments.all_working_environments(), self.clock.now_ms())

    def restart_schedules(self) -> None:
        """The pace changed: every schedule starts again from now."""
        now_ms = self.clock.now_ms()
        for we in self.working_environments.all_working_environments():
            for volume in we.volumes:
                if volume.backup is not None:
                    volume.backup.restart_schedule(now_ms)
        self.scheduler.touch()

    # -- reads ----------------------------------------------------------------------------
    def list_backup_working_environments(self, account_id: str) -> list[WorkingEnvironment]:
        return self.working_environments.list_working_environments(account_id)

    def get_backup_working_environment(self, account_id: str, we_id: str) -> WorkingEnvironment:
        return self.working_environments.get_working_environment(account_id, we_id)

    def list_backed_up_volumes(self, account_id: str, we_id: str) -> tuple[WorkingEnvironment, list[Volume]]:
        we = self.get_backup_working_environment(account_id, we_id)
        return we, _protected(we)

    def get_backed_up_volume(self, account_id: str, we_id: str, volume_id: str) -> tuple[WorkingEnvironment, Volume]:
        we, volume = self.working_environments.get_volume(account_id, we_id, volume_id)
        if volume.backup is None:
            raise NotFound(f"Volume {volume_id} has no backup in working environment {we_id}")
        return we, volume

    def list_volume_snapshots(self, account_id: str, we_id: str, volume_id: str) -> list[CloudSnapshot]:
        volume = self.get_backed_up_volume(account_id, we_id, volume_id)[1]
        assert volume.backup is not None
        return sorted(volume.backup.snapshots, key=lambda s: s.creation_time_ms, reverse=True)

    def get_volume_snapshot(self, account_id: str, we_id: str, volume_id: str, snapshot_id: str) -> CloudSnapshot:
        volume = self.get_backed_up_volume(account_id, we_id, volume_id)[1]
        assert volume.backup is not None
        snapshot = volume.backup.snapshot(snapshot_id)
        if snapshot is None:
            raise NotFound(f"Backup {snapshot_id} not found for volume {volume_id}")
        return snapshot

    # -- shared rules ---------------------------------------------------------------------
    def _active(self, account_id: str, we_id: str) -> tuple[WorkingEnvironment, BackupConfig]:
        we = self.working_environments.get_working_environment(account_id, we_id)
        if we.backup is None:
            raise BadRequest(f"Backup is not active on working environment {we_id}; activate it first")
        return we, we.backup

    def _create_job(self, we: WorkingEnvironment, account_id: str, type: str,  # noqa: A002 - job field name
                    on_complete: Callable[[Job], None], *, volume_ids: Iterable[str] = (),
                    data: dict[str, Any] | None = None, on_fail: Callable[[Job], None] | None = None) -> Job:
        def apply(job: Job) -> None:
            try:
                on_complete(job)
            finally:
                self.scheduler.touch()

        return self.jobs.create(account_id, we.id, type, on_complete=apply, on_fail=on_fail, data=data,
                                volume_ids=list(volume_ids))

    @staticmethod
    def _unprotectable(volume: Volume) -> str | None:
        """Why a volume can never be backed up (SnapLock / WORM, or a DP destination)."""
        if volume.is_snaplock:
            return f"Volume {volume.name} is a SnapLock ({volume.snaplock_type}) volume; backup is not allowed"
        if volume.type == "dp":
            return f"Volume {volume.name} is a data protection (DP) volume; backup is not allowed"
        return None

    def _protect(self, we: WorkingEnvironment, volume: Volume, policy: OntapBackupPolicy) -> None:
        config = we.backup
        assert config is not None
        policy = adopt(we, policy)
        volume.backup = VolumeBackup(status=VOLUME_ACTIVE, policy_name=policy.name, object_lock=config.object_lock,
                                     anchor_ms=self.clock.now_ms())

    def adopt_new_volume(self, we: WorkingEnvironment, volume: Volume) -> None:
        """A volume created on the WE (by a restore) is protected at once when the WE backs
        up new volumes automatically (``auto-backup-enabled``)."""
        config = we.backup
        policy = we.policy(config.policy_name) if config is not None else None
        if config is not None and config.auto_backup_enabled and policy is not None \
                and self._unprotectable(volume) is None:
            self._protect(we, volume, policy)
            self.scheduler.touch()

    def _auto_protect(self, we: WorkingEnvironment, policy: OntapBackupPolicy) -> None:
        for volume in we.volumes:
            if volume.backup is None and self._unprotectable(volume) is None:
                self._protect(we, volume, policy)

    def _adhoc_backup(self, we: WorkingEnvironment, volume: Volume, name: str | None,
                      label: str | None) -> CloudSnapshot:
        backup = volume.backup
        assert backup is not None
        now_ms = self.clock.now_ms()
        if name is None:
            stamp = datetime.datetime.fromtimestamp(now_ms / 1000, datetime.timezone.utc)
            name = unique_name(backup, f"{volume.name}-adhoc-{stamp:%Y%m%d-%H%M%S}")
        snapshot = new_snapshot(self._ids(), we, volume, label=label or "", name=name, created_ms=now_ms,
                                pace=self.scheduler.pace())
        backup.snapshots.append(snapshot)
        backup.last_backup_failed = False
        return snapshot

    def _switch_policy(self, we: WorkingEnvironment, volume: Volume, policy: OntapBackupPolicy) -> None:
        assert volume.backup is not None
        policy = adopt(we, policy)
        if volume.backup.policy_name != policy.name:
            volume.backup.policy_name = policy.name
            volume.backup.restart_schedule(self.clock.now_ms())

    def _set_paused(self, volume: Volume, paused: bool) -> None:
        backup = volume.backup
        assert backup is not None
        if paused:
            backup.status = VOLUME_PAUSED
        elif backup.status != VOLUME_ACTIVE:
            backup.status = VOLUME_ACTIVE
            backup.restart_schedule(self.clock.now_ms())

    # -- activation and WE configuration ----------------------------------------------------
    def activate(self, account_id: str, we_id: str, request: ActivationRequest) -> Job | None:
        """v1 activates at once (returns None); v2/v3 return the job that activates."""
        we = self.working_environments.get_working_environment(account_id, we_id)
        if we.backup is not None:
            # Emulator choice: the real answer to a second activation is not documented.
            raise BadRequest(f"Backup is already active on working environment {we_id}")
        if self.jobs.unfinished(account_id, we_id, ACTIVATION_TYPES):
            raise BadRequest(f"Backup activation of working environment {we_id} is already in progress")
        grids = self.storage_grids
        plan = plan_activation(we, request, None if grids is None else (
            lambda server, field: grids.discovered_grid(account_id, server, field)))
        if request.version == 1:
            self._apply_activation(we, plan)
            return None

        def apply(_job: Job) -> None:
            if we.backup is not None:
                raise JobFailed(f"Backup is already active on working environment {we_id}")
            self._apply_activation(we, plan)

        return self._create_job(we, account_id, jobs.BACKUP_WORKING_ENVIRONMENT, apply)

    def _apply_activation(self, we: WorkingEnvironment, plan: ActivationPlan) -> None:
        policy = adopt(we, plan.policy)
        if plan.config.object_lock != NO_LOCK:
            policy.object_lock = plan.config.object_lock  # DataLock is a property of the whole target
        plan.config.policy_name = policy.name
        we.backup = plan.config
        if plan.auto_backup:
            self._auto_protect(we, policy)
        self.scheduler.touch()

    def modify(self, account_id: str, we_id: str, request: ModifyRequest, *, asynchronous: bool) -> Job | None:
        """PUT v1 applies at once; PUT v2 returns the job that applies it."""
        we, config = self._active(account_id, we_id)
        policy = check_modification(we, config, request)
        if not asynchronous:
            self._apply_modification(we, request, policy)
            return None
        return self._create_job(we, account_id, jobs.MODIFY_WORKING_ENVIRONMENT,
                                lambda _job: self._apply_modification(we, request, policy))

    def _apply_modification(self, we: WorkingEnvironment, request: ModifyRequest,
                            policy: OntapBackupPolicy | None) -> None:
        config = we.backup
        if config is None:
            raise JobFailed(f"Backup is no longer active on working environment {we.id}")
        if policy is not None:
            policy = adopt(we, policy)
            config.policy_name = policy.name
            # The relationships of the WE move to the new policy too (spec: PUT v2 description).
            for volume in _protected(we):
                self._switch_policy(we, volume, policy)
        if request.state in (DISABLE, ENABLE):
            for volume in _protected(we):
                self._set_paused(volume, request.state == DISABLE)
        for name in ("archive_storage_class", "max_transfer_rate", "delete_yearly_snapshots",
                     "export_existing_snapshots", "ip_space"):
            value = getattr(request, name)
            if value is not None:
                setattr(config, name, value)
        for part in request.provider_fields:
            if part.values.get("access-key"):
                config.access_key = part.values["access-key"]
            if part.values.get("storage-grid-id"):
                config.storage_grid_id = part.values["storage-grid-id"]
        if request.auto_backup_enabled is not None:
            config.auto_backup_enabled = request.auto_backup_enabled
            default = we.policy(config.policy_name)
            if request.auto_backup_enabled and default is not None:
                self._auto_protect(we, default)
        self.scheduler.touch()

    def unregister(self, account_id: str, we_id: str) -> Job:
        """Backup off for the WE: only once no volume has backups left (checked when the job
        runs, so a deletion still in flight counts if it finishes first)."""
        we, _config = self._active(account_id, we_id)

        def apply(_job: Job) -> None:
            if we.backup is None:
                return
            holding = [v for v in we.volumes if v.backup is not None and v.backup.snapshots]
            if holding:
                count = sum(len(v.backup.snapshots) for v in holding if v.backup is not None)
                raise JobFailed(f"Working environment {we_id} still has {count} backups in {len(holding)} volumes; "
                                "delete them before unregistering")
            for volume in we.volumes:
                volume.backup = None
            we.backup = None

        return self._create_job(we, account_id, jobs.UNREGISTER_WORKING_ENVIRONMENT, apply)

    # -- volume backup settings -------------------------------------------------------------
    def _volume(self, we: WorkingEnvironment, volume_id: str) -> Volume:
        volume = we.volume(volume_id)
        if volume is None:
            raise NotFound(f"Volume {volume_id} not found in working environment {we.id}")
        return volume

    def _enable_policy(self, we: WorkingEnvironment, config: BackupConfig,
                       request: VolumeEnableRequest) -> OntapBackupPolicy:
        if request.policy_name is not None:
            policy = we.policy(request.policy_name)
            if policy is None:
                raise BadRequest(f"{request.field}backup-policy-name: backup policy {request.policy_name!r} does not "
                                 f"exist in working environment {we.id}")
            return policy
        lock = requested_lock(request.policy, config.object_lock, activation=False)
        return plan_policy(we, request.policy, object_lock=lock, default=config.policy_name)

    def _enable_problem(self, volume: Volume, request: VolumeEnableRequest) -> str | None:
        problem = self._unprotectable(volume)
        if problem is None and volume.backup is not None and not request.adhoc:
            problem = f"Backup is already enabled for volume {volume.name}"
        if problem is None and request.adhoc_name and volume.backup is not None \
                and any(s.name == request.adhoc_name for s in volume.backup.snapshots):
            problem = f"Volume {volume.name} already has a backup named {request.adhoc_name!r}"
        return problem

    def _apply_enable(self, we: WorkingEnvironment, volume: Volume, request: VolumeEnableRequest,
                      policy: OntapBackupPolicy) -> None:
        if volume.backup is None:
            self._protect(we, volume, policy)
        if request.adhoc:
            self._adhoc_backup(we, volume, request.adhoc_name, request.adhoc_label)
        self.scheduler.touch()

    def enable_volume(self, account_id: str, we_id: str, request: VolumeEnableRequest) -> str:
        """POST v1/v2 on one volume: synchronous; AD_HOC also takes a backup at once."""
        we, config = self._active(account_id, we_id)
        volume = self._volume(we, request.volume_id)
        policy = self._enable_policy(we, config, request)
        problem = self._enable_problem(volume, request)
        if problem:
            raise BadRequest(problem)
        self._apply_enable(we, volume, request, policy)
        assert volume.backup is not None
        return volume.backup.status

    def enable_volume_async(self, account_id: str, we_id: str, request: VolumeEnableRequest) -> Job:
        """POST v3 on one volume. On a protected volume only AD_HOC makes sense: it is the
        on-demand backup (job type ``adhoc-backup``), named by ``adhoc-backup-details``."""
        we, config = self._active(account_id, we_id)
        volume = self._volume(we, request.volume_id)
        policy = self._enable_policy(we, config, request)
        problem = self._enable_problem(volume, request)
        if problem:
            raise BadRequest(problem)
        job_type = jobs.ADHOC_BACKUP if volume.backup is not None else jobs.BACKUP_VOLUME

        def apply(_job: Job) -> None:
            late = self._enable_problem(volume, request)
            if late:
                raise JobFailed(late)
            if we.backup is None:
                raise JobFailed(f"Backup is no longer active on working environment {we_id}")
            self._apply_enable(we, volume, request, policy)

        def failed(_job: Job) -> None:
            if volume.backup is not None and request.adhoc:
                volume.backup.last_backup_failed = True

        return self._create_job(we, account_id, job_type, apply, volume_ids=[volume.file_system_id], on_fail=failed)

    def enable_volumes(self, account_id: str, we_id: str, requests: list[VolumeEnableRequest]) -> Job:
        """POST v1/v2 on many volumes: a job with a result per volume; a volume that cannot
        be backed up fails alone, the others are enabled."""
        we, config = self._active(account_id, we_id)
        planned = self._plan_batch(we, requests, lambda request: self._enable_policy(we, config, request))

        def apply(job: Job) -> None:
            failed: list[str] = []
            for request, volume, policy in planned:
                error = job.forced_failures.get(volume.file_system_id) or self._enable_problem(volume, request)
                if error is None and we.backup is None:
                    error = f"Backup is no longer active on working environment {we_id}"
                if error is None:
                    self._apply_enable(we, volume, request, policy)
                else:
                    failed.append(volume.file_system_id)
                set_volume_result(job, volume.file_system_id, error or "")
            if failed:
                raise JobFailed(f"Backup could not be enabled for {len(failed)} of {len(planned)} volumes",
                                failed_volumes=failed)

        ids = [volume.file_system_id for _request, volume, _policy in planned]
        return self._create_job(we, account_id, jobs.BACKUP_VOLUMES, apply, volume_ids=ids,
                                data=multi_volume_data(ids))

    def _plan_batch(self, we: WorkingEnvironment, requests: list[Any],
                    policy_of: Callable[[Any], OntapBackupPolicy | None]) -> list[tuple[Any, Volume, Any]]:
        """Up-front checks of a multi-volume body: known, distinct volumes and valid policies."""
        if not requests:
            raise BadRequest("volume: at least one volume is required")
        seen: set[str] = set()
        planned = []
        for request in requests:
            if request.volume_id in seen:
                raise BadRequest(f"{request.field}: volume {request.volume_id} is listed more than once")
            seen.add(request.volume_id)
            planned.append((request, self._volume(we, request.volume_id), policy_of(request)))
        return planned

    def _change_policy(self, we: WorkingEnvironment, config: BackupConfig,
                       request: VolumeChangeRequest) -> OntapBackupPolicy | None:
        if request.policy is None:
            return None
        lock = requested_lock(request.policy, config.object_lock, activation=False)
        return plan_policy(we, request.policy, object_lock=lock, default=None)

    def _apply_change(self, we: WorkingEnvironment, volume: Volume, request: VolumeChangeRequest,
                      policy: OntapBackupPolicy | None) -> str:
        """Apply one volume change; a rule violation raises ``BadRequest``."""
        backup = volume.backup
        if backup is None:
            raise BadRequest(f"Backup is not enabled for volume {volume.name}")
        if request.state == DELETE:
            if backup.snapshots:
                raise BadRequest(f"Volume {volume.name} still has {len(backup.snapshots)} backups; delete them "
                                 "before removing its backup settings")
            volume.backup = None
            self.scheduler.touch()
            return STATE_REMOVED
        if policy is not None:
            self._switch_policy(we, volume, policy)
        if request.state in (PAUSE, RESUME):
            self._set_paused(volume, request.state == PAUSE)
        self.scheduler.touch()
        return backup.status

    def modify_volume(self, account_id: str, we_id: str, request: VolumeChangeRequest) -> str:
        """PUT v1 on one volume: PAUSE / RESUME / DELETE and policy; answers the new state."""
        we, config = self._active(account_id, we_id)
        volume = self._volume(we, request.volume_id)
        policy = self._change_policy(we, config, request)
        return self._apply_change(we, volume, request, policy)

    def modify_volumes(self, account_id: str, we_id: str, requests: list[VolumeChangeRequest]) -> Job:
        we, config = self._active(account_id, we_id)
        planned = self._plan_batch(we, requests, lambda request: self._change_policy(we, config, request))

        def apply(job: Job) -> None:
            failed: list[str] = []
            for request, volume, policy in planned:
                error = job.forced_failures.get(volume.file_system_id)
                if error is None:
                    try:
                        self._apply_change(we, volume, request, policy)
                    except BadRequest as exc:
                        error = exc.message
                if error:
                    failed.append(volume.file_system_id)
                set_volume_result(job, volume.file_system_id, error or "")
            if failed:
                raise JobFailed(f"{len(failed)} of {len(planned)} volumes could not be modified",
                                failed_volumes=failed)

        ids = [volume.file_system_id for _request, volume, _policy in planned]
        return self._create_job(we, account_id, jobs.MODIFY_VOLUMES, apply, volume_ids=ids,
                                data=multi_volume_data(ids))

    def remove_volume_backup(self, account_id: str, we_id: str, volume_id: str) -> Job:
        """DELETE v1 .../volume/{id}: the settings go only once the volume has no backups
        (checked when the job runs)."""
        we, _config = self._active(account_id, we_id)
        volume = self._volume(we, volume_id)
        if volume.backup is None:
            raise BadRequest(f"Backup is not enabled for volume {volume.name}")

        def apply(_job: Job) -> None:
            backup = volume.backup
            if backup is None:
                return
            if backup.snapshots:
                raise JobFailed(f"Volume {volume.name} still has {len(backup.snapshots)} backups; delete them "
                                "before removing its backup settings")
            volume.backup = None

        return self._create_job(we, account_id, jobs.REMOVE_VOLUME_BACKUP, apply, volume_ids=[volume_id])

    # -- deleting backups -------------------------------------------------------------------
    def _locked(self, volumes: Iterable[Volume]) -> list[CloudSnapshot]:
        now_ms = self.clock.now_ms()
        return [s for v in volumes if v.backup is not None for s in v.backup.snapshots if s.locked(now_ms)]

    def _delete_unlocked(self, volume: Volume) -> None:
        backup = volume.backup
        if backup is not None:
            now_ms = self.clock.now_ms()
            backup.snapshots = [s for s in backup.snapshots if s.locked(now_ms)]

    def delete_snapshot(self, account_id: str, we_id: str, volume_id: str, snapshot_id: str) -> str:
        _we, volume = self.get_backed_up_volume(account_id, we_id, volume_id)
        snapshot = self.get_volume_snapshot(account_id, we_id, volume_id, snapshot_id)
        if snapshot.locked(self.clock.now_ms()):
            raise BadRequest(_lock_message([snapshot], f"volume {volume.name}"))
        assert volume.backup is not None
        volume.backup.snapshots.remove(snapshot)
        return STATE_DELETED

    def delete_volume_snapshots(self, account_id: str, we_id: str, volume_id: str) -> Job:
        we, volume = self.get_backed_up_volume(account_id, we_id, volume_id)
        locked = self._locked([volume])
        if locked:
            raise BadRequest(_lock_message(locked, f"volume {volume.name}"))

        def apply(_job: Job) -> None:
            self._delete_unlocked(volume)
            left = self._locked([volume])
            if left:
                raise JobFailed(_lock_message(left, f"volume {volume.name}"))

        return self._create_job(we, account_id, jobs.DELETE_VOLUME_BACKUPS, apply, volume_ids=[volume_id])

    def delete_working_environment_snapshots(self, account_id: str, we_id: str) -> Job:
        """DELETE v2 .../snapshot: every backup of the WE. Its relationships are paused too,
        so that no scheduled backup lands between this and unregistering."""
        we, _config = self._active(account_id, we_id)
        locked = self._locked(we.volumes)
        if locked:
            raise BadRequest(_lock_message(locked, f"working environment {we_id}"))

        def apply(_job: Job) -> None:
            for volume in _protected(we):
                self._delete_unlocked(volume)
                self._set_paused(volume, True)
            left = self._locked(we.volumes)
            if left:
                raise JobFailed(_lock_message(left, f"working environment {we_id}"))

        return self._create_job(we, account_id, jobs.DELETE_WORKING_ENVIRONMENT_BACKUPS, apply,
                                volume_ids=[v.file_system_id for v in _protected(we)])
