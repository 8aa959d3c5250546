# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup configuration of working environments and volumes, cloud snapshots, and the
read side of the Backup category.

Status strings the spec leaves open: ``backup-enablement-status`` is ``"ON"`` (documented)
or ``"OFF"`` (emulator choice); a protected volume's ``backup-status`` is ``"ON"`` or
``"PAUSED"`` (emulator choice). Only protected volumes appear in backup volume views.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.errors import NotFound
from bluexp_emulator.services.cbs.working_environments.models import (
    Volume,
    WorkingEnvironment,
    WorkingEnvironmentsBackend,
)

ENABLED = "ON"
DISABLED = "OFF"
VOLUME_ACTIVE = "ON"
VOLUME_PAUSED = "PAUSED"
_GIB = 1024**3


@dataclass
class CloudSnapshot:
    id: str
    name: str
    creation_time_ms: int
    size_bytes: int
    archived: bool = False
    object_lock: str = "NONE"
    ransomware_scan_status: str | None = None
    last_ransomware_scan_ms: int | None = None

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "creation-time": self.creation_time_ms,
                                "size": self.size_bytes, "archived": self.archived, "object-lock": self.object_lock}
        if self.ransomware_scan_status is not None:
            data["ransomware-scan-status"] = self.ransomware_scan_status
        if self.last_ransomware_scan_ms is not None:
            data["last-ransomware-scan"] = self.last_ransomware_scan_ms
        return data


@dataclass
class VolumeBackup:
    """A volume's SnapMirror-to-cloud relationship and the backups it produced."""

    status: str
    policy_name: str
    snapshots: list[CloudSnapshot] = field(default_factory=list)
    last_backup_failed: bool = False
    object_lock: str = "NONE"

    @property
    def last_backup_creation_time(self) -> int | None:
        return max((s.creation_time_ms for s in self.snapshots), default=None)

    def snapshot(self, snapshot_id: str) -> CloudSnapshot | None:
        return next((s for s in self.snapshots if s.id == snapshot_id), None)


@dataclass
class BackupConfig:
    """Backup activation of a WE: object store target, default policy and flags."""

    provider: str
    region: str
    bucket: str
    ip_space: str
    provider_account_id: str
    provider_account_name: str
    policy_name: str
    free_trial_end_ms: int
    auto_backup_enabled: bool = False
    catalog_enabled: bool = False
    object_lock: str = "NONE"
    max_transfer_rate: int = 0
    archive_storage_class: str | None = None
    resource_group: str | None = None
    storage_account: str | None = None
    license_eligible: bool = True
    export_existing_snapshots: bool = True
    delete_yearly_snapshots: bool = False
    private_endpoint_required: bool = False


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
        "license": {"free-trial-end": config.free_trial_end_ms, "eligible": config.license_eligible},
        "ip-space": config.ip_space,
        "delete-yearly-snapshots": config.delete_yearly_snapshots,
        "export-existing-snapshots": config.export_existing_snapshots,
    })
    for key, value in (("archive-storage-class", config.archive_storage_class),
                       ("resource-group", config.resource_group),
                       ("storage-account", config.storage_account)):
        if value is not None:
            data[key] = value
    policy = we.policy(config.policy_name)
    if policy is not None:
        data["backup-policy"] = policy.summary_dict()
    if not status_view:
        data["object-lock"] = config.object_lock
        data["max-transfer-rate"] = config.max_transfer_rate
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
    if backup.object_lock != "NONE":
        scans = [s for s in backup.snapshots if s.last_ransomware_scan_ms is not None]
        data["ransomware-scan-status"] = "PROTECTED"
        if scans:
            data["last-ransomware-scan"] = max(s.last_ransomware_scan_ms for s in scans)  # type: ignore[type-var]
        data["ransomware-detected-snapshots"] = []
    if not partial:
        # ``partial`` skips what the real service reads live from ONTAP.
        charged = sum(s.size_bytes for s in backup.snapshots)
        data["capacity"] = {"allocated": str(volume.size_bytes), "used": str(volume.used_bytes),
                            "charging": str(charged), "logicalUsedSize": str(volume.logical_used_bytes)}
        data["aggregate-count"] = volume.aggregate_count
    return data


class BackupBackend:
    """Read operations of the Backup category, over the shared fleet."""

    def __init__(self, working_environments: WorkingEnvironmentsBackend) -> None:
        self.working_environments = working_environments

    def list_backup_working_environments(self, account_id: str) -> list[WorkingEnvironment]:
        return self.working_environments.list_working_environments(account_id)

    def get_backup_working_environment(self, account_id: str, we_id: str) -> WorkingEnvironment:
        return self.working_environments.get_working_environment(account_id, we_id)

    def list_backed_up_volumes(self, account_id: str, we_id: str) -> tuple[WorkingEnvironment, list[Volume]]:
        we = self.get_backup_working_environment(account_id, we_id)
        return we, _protected(we)

    def get_backed_up_volume(self, account_id: str, we_id: str, volume_id: str) -> tuple[WorkingEnvironment, Volume]:
        we = self.get_backup_working_environment(account_id, we_id)
        volume = we.volume(volume_id)
        if volume is None:
            raise NotFound(f"Volume {volume_id} not found in working environment {we_id}")
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
