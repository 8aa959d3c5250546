# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Working environments (ONTAP systems) with their SVMs, aggregates, IP spaces, volumes and
ONTAP backup policies, plus the backend serving the Working Environment category."""
from __future__ import annotations

import contextlib
from collections.abc import Iterator
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.jobs.models import Job, JobsBackend
from bluexp_emulator.services.cbs.filetree import Entry, Tree, normalise
from bluexp_emulator.services.cbs.licenses.state import License
from bluexp_emulator.services.cbs.working_environments.policies import (
    NO_LOCK,
    OntapBackupPolicy,
    PolicyInput,
    PolicyRule,
    check_archive,
    default_name,
    parse_archive,
    parse_rules,
    policy_id,
    requested_lock,
)

__all__ = ["Aggregate", "IpSpace", "ObjectStore", "ObjectStoreInput", "OntapBackupPolicy", "PolicyRule", "Svm",
           "Volume", "WorkingEnvironment", "WorkingEnvironmentsBackend"]

# Object store (ONTAP cloud target) statuses; the real values are not documented.
OBJECT_STORE_CONFIGURED = "CONFIGURED"
OBJECT_STORE_IN_PROGRESS = "IN_PROGRESS"
OBJECT_STORE_FAILED = "FAILED"
OBJECT_STORE_PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS", "ONTAP_S3")

if TYPE_CHECKING:
    from bluexp_emulator.services.cbs.backup.models import BackupConfig, VolumeBackup
    from bluexp_emulator.services.cbs.backup.state import CloudSnapshot


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
    # Not in the 2.0.6 views; used by the restore rules. ``language`` None: not known, any
    # volume language is accepted. ``subtype`` "dp-destination": an SVM-DR destination,
    # which holds data protection volumes only.
    language: str | None = None
    subtype: str = "default"

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
    tree_id: str = ""  # whose generated file tree it holds (a restored volume: its source's)
    generation: int = 0  # of its file tree; each backup captures one and moves it on
    files: dict[str, Entry] = field(default_factory=dict)  # restored entries by absolute path

    @property
    def tree_key(self) -> str:
        return self.tree_id or self.file_system_id

    def tree(self) -> Tree:
        """The live file system."""
        return Tree(self.tree_key, self.generation, self.files)

    def snapshot_tree(self, snapshot: CloudSnapshot) -> Tree:
        """The file system one of its backups captured."""
        return Tree(self.tree_key, snapshot.generation, MappingProxyType(snapshot.files))

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
            # Added by the 4.x API, which live Connectors serve: clients use it to leave SnapLock volumes out.
            "snaplock-type": self.snaplock_type,
        }


@dataclass
class ObjectStore:
    """An ONTAP cloud target configured through configure-object-store."""

    name: str
    provider: str
    ip_space: str
    region: str
    storage_server: str
    status: str


@dataclass
class ObjectStoreInput:
    """A configure-object-store body; ``blocks`` maps provider blocks sent (v2) to their provider."""

    cloud_provider: str
    name: str
    ip_space: str | None = None
    region: str | None = None
    storage_server: str | None = None
    blocks: dict[str, str] = field(default_factory=dict)


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
    object_stores: dict[str, ObjectStore] = field(default_factory=dict)
    license: License = field(default_factory=License)

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

    def volume_named(self, svm: str, name: str) -> Volume | None:
        """ONTAP volume names are unique per SVM."""
        return next((v for v in self.volumes if v.svm == svm and v.name == name), None)

    def svm(self, name: str) -> Svm | None:
        return next((s for s in self.svms if s.name == name), None)

    def policy(self, name: str) -> OntapBackupPolicy | None:
        return next((p for p in self.policies if p.name == name), None)

    def attached_volumes(self, policy_name: str) -> int:
        return sum(1 for v in self.volumes if v.backup is not None and v.backup.policy_name == policy_name)


class WorkingEnvironmentsBackend:
    """Fleet per account; one method per Working Environment operation."""

    def __init__(self, jobs: JobsBackend) -> None:
        self._fleets: dict[str, dict[str, WorkingEnvironment]] = {}
        self.jobs = jobs
        # The Connector (client id) the API call being served went through; None outside API calls.
        # A Connector serves only the working environments it manages, as BlueXP routes each call
        # to the Connector named by its x-agent-id.
        self.connector: str | None = None

    @contextlib.contextmanager
    def served_by(self, connector: str | None) -> Iterator[None]:
        """Serve what runs inside through ``connector`` only (None: every working environment)."""
        previous, self.connector = self.connector, connector
        try:
            yield
        finally:
            self.connector = previous

    def serves(self, we: WorkingEnvironment) -> bool:
        return self.connector is None or we.connector_id == self.connector

    def serves_id(self, account_id: str, we_id: str) -> bool:
        """Whether the current Connector serves this working environment (unknown ones: yes)."""
        we = self._fleets.get(account_id, {}).get(we_id)
        return we is None or self.serves(we)

    def load(self, account_id: str, working_environments: list[WorkingEnvironment]) -> None:
        for we in working_environments:
            for policy in we.policies:
                policy.id = policy.id or policy_id(we.id, policy.name)
        self._fleets[account_id] = {we.id: we for we in working_environments}

    def clear(self) -> None:
        self._fleets.clear()

    def all_working_environments(self) -> list[WorkingEnvironment]:
        return [we for fleet in self._fleets.values() for we in fleet.values()]

    def list_working_environments(self, account_id: str) -> list[WorkingEnvironment]:
        return [we for we in self._fleets.get(account_id, {}).values() if self.serves(we)]

    def get_working_environment(self, account_id: str, we_id: str) -> WorkingEnvironment:
        we = self._fleets.get(account_id, {}).get(we_id)
        # Another Connector's working environment is unknown to this one.
        if we is None or not self.serves(we):
            raise NotFound(f"Working environment {we_id} not found")
        return we

    def get_volume(self, account_id: str, we_id: str, volume_id: str) -> tuple[WorkingEnvironment, Volume]:
        we = self.get_working_environment(account_id, we_id)
        volume = we.volume(volume_id)
        if volume is None:
            raise NotFound(f"Volume {volume_id} not found in working environment {we_id}")
        return we, volume

    def find_volume(self, account_id: str, volume_id: str) -> tuple[WorkingEnvironment, Volume]:
        """A volume by id alone (the SFR routes without a WE in the path)."""
        for we in self.list_working_environments(account_id):
            volume = we.volume(volume_id)
            if volume is not None:
                return we, volume
        raise NotFound(f"Volume {volume_id} not found")

    def list_ip_spaces(self, account_id: str, we_id: str) -> list[IpSpace]:
        return list(self.get_working_environment(account_id, we_id).ip_spaces)

    def list_svms(self, account_id: str, we_id: str) -> list[Svm]:
        return list(self.get_working_environment(account_id, we_id).svms)

    def list_volumes(self, account_id: str, we_id: str) -> list[Volume]:
        return list(self.get_working_environment(account_id, we_id).volumes)

    # -- backup policies ------------------------------------------------------------------
    def list_backup_policies(self, account_id: str, we_id: str,
                             archived: bool | None = None) -> list[tuple[OntapBackupPolicy, int]]:
        """Policies with their attached-volume counts; ``archived`` filters on archiving."""
        we = self.get_working_environment(account_id, we_id)
        return [(policy, we.attached_volumes(policy.name)) for policy in we.policies
                if archived is None or (policy.archive_after_days is not None) == archived]

    def create_backup_policy(self, account_id: str, we_id: str, spec: PolicyInput) -> OntapBackupPolicy:
        """A new policy; its name must be new in the WE. On a DataLock WE it carries the
        WE's lock (the lock itself is chosen at activation only)."""
        we = self.get_working_environment(account_id, we_id)
        current = we.backup.object_lock if we.backup else NO_LOCK
        lock = requested_lock(spec, current, activation=False)
        rules = parse_rules(spec.rules, f"{spec.field}rule")
        archive = parse_archive(spec.archive_after_days, f"{spec.field}archive-after-days")
        check_archive(we, archive, lock, f"{spec.field}archive-after-days")
        name = spec.name or default_name(rules, archive)
        if we.policy(name) is not None:
            raise BadRequest(f"{spec.field}name: a backup policy named {name!r} already exists in working "
                             f"environment {we_id}")
        policy = OntapBackupPolicy(name, rules, archive, lock, id=policy_id(we.id, name),
                                   sgws_archival=spec.sgws_archival)
        we.policies.append(policy)
        return policy

    def update_backup_policy(self, account_id: str, we_id: str, name: str, spec: PolicyInput) -> OntapBackupPolicy:
        """New rules (required) and archiving; ``archive-after-days`` absent keeps the current
        value, ``"never"`` removes it."""
        we = self.get_working_environment(account_id, we_id)
        policy = we.policy(name)
        if policy is None:
            raise NotFound(f"Backup policy {name} not found in working environment {we_id}")
        rules = parse_rules(spec.rules, f"{spec.field}rule")
        archive = policy.archive_after_days
        if spec.archive_after_days is not None:
            archive = parse_archive(spec.archive_after_days, f"{spec.field}archive-after-days")
        check_archive(we, archive, policy.object_lock, f"{spec.field}archive-after-days")
        policy.rules = rules
        policy.archive_after_days = archive
        if spec.sgws_archival is not None:
            policy.sgws_archival = spec.sgws_archival
        return policy

    def delete_backup_policy(self, account_id: str, we_id: str, policy_id_: str) -> None:
        """4.x operation; a policy still in use (by volumes or as the WE's default) stays."""
        we = self.get_working_environment(account_id, we_id)
        policy = next((p for p in we.policies if p.id == policy_id_), None)
        if policy is None:
            raise NotFound(f"Backup policy {policy_id_} not found in working environment {we_id}")
        attached = we.attached_volumes(policy.name)
        if attached:
            raise BadRequest(f"policyId: backup policy {policy.name!r} is used by {attached} volumes")
        if we.backup is not None and we.backup.policy_name == policy.name:
            raise BadRequest(f"policyId: backup policy {policy.name!r} is the default policy of working "
                             f"environment {we_id}")
        we.policies.remove(policy)

    # -- object stores and browsing -------------------------------------------------------
    def configure_object_store(self, account_id: str, we_id: str, request: ObjectStoreInput, *,
                               asynchronous: bool) -> Job | None:
        """v1 configures at once; v2 answers with a job and the store is IN_PROGRESS until it ends."""
        we = self.get_working_environment(account_id, we_id)
        provider = request.cloud_provider
        if provider not in OBJECT_STORE_PROVIDERS:
            raise BadRequest(f"cloud-provider: {provider!r} is not one of {', '.join(OBJECT_STORE_PROVIDERS)}")
        for block, owner in request.blocks.items():
            if owner != provider:
                raise BadRequest(f"{block}: does not match cloud-provider {provider}")
        if provider in ("SGWS", "ONTAP_S3") and not request.storage_server:
            raise BadRequest(f"storage-server is required when the cloud-provider is {provider}")
        if request.ip_space and not any(space.name == request.ip_space for space in we.ip_spaces):
            raise BadRequest(f"ip-space: IPspace {request.ip_space!r} does not exist in working environment {we_id}")
        if not request.name.strip():
            raise BadRequest("object-store-name must not be empty")
        if request.name in we.object_stores or (we.backup is not None and we.backup.bucket == request.name):
            raise BadRequest(f"object-store-name: object store {request.name!r} is already configured in working "
                             f"environment {we_id}")
        store = ObjectStore(request.name, provider, request.ip_space or "Default", request.region or "",
                            request.storage_server or "", OBJECT_STORE_IN_PROGRESS if asynchronous
                            else OBJECT_STORE_CONFIGURED)
        we.object_stores[store.name] = store
        if not asynchronous:
            return None

        def configured(_job: Job) -> None:
            store.status = OBJECT_STORE_CONFIGURED

        def failed(_job: Job) -> None:
            store.status = OBJECT_STORE_FAILED

        return self.jobs.create(account_id, we_id, jobs.CONFIGURE_OBJECT_STORE, on_complete=configured,
                                on_fail=failed)

    def object_store_status(self, account_id: str, we_id: str, name: str) -> str:
        we = self.get_working_environment(account_id, we_id)
        store = we.object_stores.get(name)
        if store is not None:
            return store.status
        if we.backup is not None and we.backup.bucket == name:
            return OBJECT_STORE_CONFIGURED  # the store that backup activation configured
        raise NotFound(f"Object store {name} not found in working environment {we_id}")

    def list_directory(self, account_id: str, we_id: str, volume_id: str, svm: str | None,
                       path: str | None) -> list[Entry]:
        _we, volume = self.get_volume(account_id, we_id, volume_id)
        if svm is not None and svm != volume.svm:
            raise BadRequest(f"svm: volume {volume.name} belongs to SVM {volume.svm}, not {svm}")
        entries = volume.tree().entries(path)
        if entries is None:
            raise NotFound(f"Path {normalise(path)} not found in volume {volume.name}")
        return entries
