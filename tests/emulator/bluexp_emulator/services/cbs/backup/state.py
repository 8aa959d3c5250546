# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup state of working environments and volumes: activation config, SnapMirror-to-cloud
relationships and the cloud backups ("snapshots") they produced.

Status strings the spec leaves open: ``backup-enablement-status`` is ``"ON"`` (documented)
or ``"OFF"`` (emulator choice); a protected volume's ``backup-status`` is ``"ON"`` or
``"PAUSED"`` (emulator choice).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.services.cbs.filetree import Entry

ENABLED = "ON"
DISABLED = "OFF"
VOLUME_ACTIVE = "ON"
VOLUME_PAUSED = "PAUSED"
NO_LOCK = "NONE"


@dataclass
class CloudSnapshot:
    id: str
    name: str
    creation_time_ms: int
    size_bytes: int
    archived: bool = False
    object_lock: str = NO_LOCK
    ransomware_scan_status: str | None = None
    last_ransomware_scan_ms: int | None = None
    label: str = ""  # SnapMirror label; drives retention (the 2.0.6 views do not carry it)
    locked_until_ms: int | None = None  # end of the DataLock retention
    archive_at_ms: int | None = None  # when the cloud moves it to the archive tier
    ransomware_scan_failure: str | None = None  # why the last scan failed
    generation: int = 0  # of the volume's file tree it captured
    files: dict[str, Entry] = field(default_factory=dict)  # restored entries it captured

    def locked(self, now_ms: int) -> bool:
        return self.object_lock != NO_LOCK and self.locked_until_ms is not None and now_ms < self.locked_until_ms

    def to_dict(self) -> dict[str, Any]:
        data: dict[str, Any] = {"id": self.id, "name": self.name, "creation-time": self.creation_time_ms,
                                "size": self.size_bytes, "archived": self.archived, "object-lock": self.object_lock}
        if self.ransomware_scan_status is not None:
            data["ransomware-scan-status"] = self.ransomware_scan_status
        if self.last_ransomware_scan_ms is not None:
            data["last-ransomware-scan"] = self.last_ransomware_scan_ms
        if self.ransomware_scan_failure:
            data["ransomware-scan-status-failure"] = self.ransomware_scan_failure
        return data


@dataclass
class VolumeBackup:
    """A volume's SnapMirror-to-cloud relationship and the backups it produced.

    Scheduled backups are slots counted from ``anchor_ms`` (protection, resume or policy
    change); ``slots`` holds the last slot taken per label.
    """

    status: str
    policy_name: str
    snapshots: list[CloudSnapshot] = field(default_factory=list)
    last_backup_failed: bool = False
    object_lock: str = NO_LOCK
    anchor_ms: int = 0
    slots: dict[str, int] = field(default_factory=dict)

    @property
    def last_backup_creation_time(self) -> int | None:
        return max((s.creation_time_ms for s in self.snapshots), default=None)

    def snapshot(self, snapshot_id: str) -> CloudSnapshot | None:
        return next((s for s in self.snapshots if s.id == snapshot_id), None)

    def restart_schedule(self, now_ms: int) -> None:
        """No catching up on slots missed while paused or under another policy."""
        self.anchor_ms = now_ms
        self.slots = {}


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
    auto_backup_enabled: bool = False
    catalog_enabled: bool = False
    catalog_indexed: bool = False  # searchable once the indexing job completed
    object_lock: str = NO_LOCK
    max_transfer_rate: float = 0
    archive_storage_class: str | None = None
    resource_group: str | None = None
    storage_account: str | None = None
    storage_server: str | None = None
    storage_grid_id: str | None = None
    access_key: str | None = None  # never the secret: that is not kept
    sgws_archival: dict[str, Any] | None = None
    export_existing_snapshots: bool = True
    delete_yearly_snapshots: bool = False
    private_endpoint_required: bool = False
