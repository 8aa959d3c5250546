# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Working environments (ONTAP systems) with their SVMs, aggregates, IP spaces, volumes and
ONTAP backup policies, plus the backend serving the Working Environment category."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import NotFound

if TYPE_CHECKING:
    from bluexp_emulator.services.cbs.backup.models import BackupConfig, VolumeBackup


@dataclass
class Aggregate:
    id: str
    name: str
    disk_type: str
    is_tiered: bool
    total_bytes: int
    used_bytes: int

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "disktype": self.disk_type, "is-tiered": self.is_tiered,
                "totalsize": self.total_bytes, "available": self.total_bytes - self.used_bytes,
                "used": self.used_bytes}


@dataclass
class Svm:
    id: str
    name: str
    aggregates: list[Aggregate]

    def to_v1_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aggregate": [a.name for a in self.aggregates]}

    def to_v2_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name, "aggregates": [a.to_dict() for a in self.aggregates]}


@dataclass
class IpSpace:
    id: str
    name: str

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "name": self.name}


@dataclass
class PolicyRule:
    label: str
    retention: int


@dataclass
class OntapBackupPolicy:
    """An ONTAP SnapMirror-to-cloud policy of the WE (what backup-policy endpoints manage)."""

    name: str
    rules: list[PolicyRule]
    archive_after_days: int | None = None
    object_lock: str = "NONE"

    def summary_dict(self) -> dict[str, Any]:
        """The ``backup-policy`` object embedded in WE and volume backup views."""
        data: dict[str, Any] = {"name": self.name,
                                "rule": [{"label": r.label, "retention": str(r.retention)} for r in self.rules]}
        if self.archive_after_days is not None:
            data["archive-after-days"] = str(self.archive_after_days)
        return data

    def to_dict(self, attached_volumes: int) -> dict[str, Any]:
        data = self.summary_dict()
        data["attached-volumes-count"] = str(attached_volumes)
        data["object-lock"] = self.object_lock
        return data


@dataclass
class Volume:
    file_system_id: str
    name: str
    svm: str
    type: str  # rw | dp
    style: str  # flexvol | flexgroup
    language: str
    security_style: str  # unix | ntfs | mixed (kept although the 2.0.6 views do not carry it)
    size_bytes: int
    used_bytes: int
    logical_used_bytes: int
    snapmirror_labels: list[str]
    snaplock_type: str = "non_snaplock"
    status: str = "online"
    aggregate_count: int = 1
    backup: VolumeBackup | None = None

    @property
    def protocol(self) -> str:
        return {"unix": "nfs", "ntfs": "cifs"}.get(self.security_style, "nfs,cifs")

    @property
    def is_snaplock(self) -> bool:
        return self.snaplock_type != "non_snaplock"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "file-system-id": self.file_system_id,
            "status": self.status,
            "svm": self.svm,
            "type": self.type,
            "style": self.style,
            "capacity": {"allocated": self.size_bytes, "used": self.used_bytes,
                         "logicalUsedByAfs": self.logical_used_bytes},
            "snapmirror-label": list(self.snapmirror_labels),
        }


@dataclass
class WorkingEnvironment:
    id: str
    name: str
    provider: str  # AWS | AZURE | GCP | ONPREM
    type: str  # VSA (Cloud Volumes ONTAP) | ON_PREM
    region: str
    status: str
    ontap_version: str
    provider_account_id: str
    cluster_uuid: str
    connector_id: str
    svms: list[Svm] = field(default_factory=list)
    ip_spaces: list[IpSpace] = field(default_factory=list)
    volumes: list[Volume] = field(default_factory=list)
    policies: list[OntapBackupPolicy] = field(default_factory=list)
    backup: BackupConfig | None = None

    def to_dict(self, partial: bool = False) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "cluster-uuid": self.cluster_uuid,
            "name": self.name,
            "region": self.region,
            "status": self.status,
            "ontap-version": self.ontap_version,
            "type": self.type,
            "provider": self.provider,
            "provider-account-id": self.provider_account_id,
        }
        if not partial:
            data["total-volumes-count"] = str(len(self.volumes))
        return data

    def volume(self, volume_id: str) -> Volume | None:
        return next((v for v in self.volumes if v.file_system_id == volume_id), None)

    def policy(self, name: str) -> OntapBackupPolicy | None:
        return next((p for p in self.policies if p.name == name), None)

    def attached_volumes(self, policy_name: str) -> int:
        return sum(1 for v in self.volumes if v.backup is not None and v.backup.policy_name == policy_name)


class WorkingEnvironmentsBackend:
    """Fleet per account; one method per Working Environment operation."""

    def __init__(self) -> None:
        self._fleets: dict[str, dict[str, WorkingEnvironment]] = {}

    def load(self, account_id: str, working_environments: list[WorkingEnvironment]) -> None:
        self._fleets[account_id] = {we.id: we for we in working_environments}

    def clear(self) -> None:
        self._fleets.clear()

    def list_working_environments(self, account_id: str) -> list[WorkingEnvironment]:
        return list(self._fleets.get(account_id, {}).values())

    def get_working_environment(self, account_id: str, we_id: str) -> WorkingEnvironment:
        we = self._fleets.get(account_id, {}).get(we_id)
        if we is None:
            raise NotFound(f"Working environment {we_id} not found")
        return we

    def list_ip_spaces(self, account_id: str, we_id: str) -> list[IpSpace]:
        return list(self.get_working_environment(account_id, we_id).ip_spaces)

    def list_svms(self, account_id: str, we_id: str) -> list[Svm]:
        return list(self.get_working_environment(account_id, we_id).svms)

    def list_volumes(self, account_id: str, we_id: str) -> list[Volume]:
        return list(self.get_working_environment(account_id, we_id).volumes)

    def list_backup_policies(self, account_id: str, we_id: str,
                             archived: bool | None = None) -> list[tuple[OntapBackupPolicy, int]]:
        """Policies with their attached-volume counts; ``archived`` filters on archiving."""
        we = self.get_working_environment(account_id, we_id)
        return [(policy, we.attached_volumes(policy.name)) for policy in we.policies
                if archived is None or (policy.archive_after_days is not None) == archived]
