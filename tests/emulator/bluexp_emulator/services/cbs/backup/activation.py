# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of backup activation (POST v1/v2/v3) and of WE backup modification (PUT v1/v2).

Activation picks the object-store target: Cloud Volumes ONTAP backs up to its own cloud
(provider, region and IP space default to its own); an on-premises cluster must name
provider, region (except StorageGRID / ONTAP S3) and IP space, plus credentials. The v3
body carries one block per provider (``aws``, ``azure``, ``gcp``, ``sgws``, ``ontap-s3``);
v1/v2 carry the same fields flat. Fields of another provider than the chosen one are
rejected. Requirements follow the field descriptions of the 2.0.6 spec. StorageGRID and
ONTAP S3 are targets of on-premises ONTAP only, and the StorageGRID must be one BlueXP has
discovered (the StorageGRID category).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.services.cbs.backup.state import NO_LOCK, BackupConfig
from bluexp_emulator.services.cbs.storagegrid.state import StorageGrid
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment
from bluexp_emulator.services.cbs.working_environments.policies import (
    OntapBackupPolicy,
    PolicyInput,
    check_datalock,
    plan_policy,
    requested_lock,
)

V1_PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS")
V3_PROVIDERS = (*V1_PROVIDERS, "ONTAP_S3")
BLOCKS = {"aws": "AWS", "azure": "AZURE", "gcp": "GCP", "sgws": "SGWS", "ontap-s3": "ONTAP_S3"}
# v1/v2 flat fields that belong to one provider; access-key / secret-password serve any.
FLAT_FIELDS = {"account-id": "AWS", "resource-group": "AZURE", "storage-account": "AZURE", "subscription": "AZURE",
               "azure-key-vault": "AZURE", "project-id": "GCP", "storage-server": "SGWS"}
SHARED_FLAT_FIELDS = ("access-key", "secret-password")
_CREDENTIALS = ("access-key", "secret-password")
# Fields the spec descriptions call required per provider: always / for an on-premises source.
_REQUIRED = {
    "AWS": (("account-id",), _CREDENTIALS),
    "AZURE": (("subscription",), ()),
    "GCP": (("project-id",), _CREDENTIALS),
    "SGWS": (("storage-server", *_CREDENTIALS), ()),
    "ONTAP_S3": (("storage-server", *_CREDENTIALS), ()),
}
_NO_REGION = ("SGWS", "ONTAP_S3")  # on-premises object stores have no cloud region
_ON_PREM_TARGETS = _NO_REGION  # ... and back up on-premises ONTAP only
_POOL_FIELDS = ("provider", "provider-account-id", "region", "access-key", "archive-storage-class")
VSA = "VSA"
# (storage-server as sent, field name for messages) -> the discovered grid; 400 otherwise.
GridLookup = Callable[[str, str], StorageGrid]


@dataclass
class ProviderFields:
    """Provider-specific fields of a body: a v3 block, or v1/v2 flat fields of one provider
    (``provider`` empty for the shared credentials). ``field`` names them in messages."""

    provider: str
    field: str
    values: dict[str, Any]


@dataclass
class ActivationRequest:
    version: int
    provider: str | None = None
    region: str | None = None
    bucket: str | None = None
    ip_space: str | None = None
    provider_fields: list[ProviderFields] = field(default_factory=list)
    policy: PolicyInput | None = None
    auto_backup_enabled: bool = False
    max_transfer_rate: float | None = None
    export_existing_snapshots: bool | None = None


@dataclass
class ModifyRequest:
    """PUT v1 (``policy_name``, ``state``) or v2 (the rest) on an activated WE."""

    state: str | None = None
    policy_name: str | None = None
    policy: PolicyInput | None = None
    archive_storage_class: str | None = None
    auto_backup_enabled: bool | None = None
    max_transfer_rate: float | None = None
    delete_yearly_snapshots: bool | None = None
    export_existing_snapshots: bool | None = None
    ip_space: str | None = None
    provider_fields: list[ProviderFields] = field(default_factory=list)
    fixed: dict[str, Any] = field(default_factory=dict)  # provider / bucket / region if sent anyway


@dataclass
class ActivationPlan:
    config: BackupConfig
    policy: OntapBackupPolicy  # existing, or new and added when the activation is applied
    auto_backup: bool


def _location(fields: ProviderFields, key: str) -> str:
    return f"{fields.field}.{key}" if fields.field in BLOCKS else key


def _merge(provider: str, parts: list[ProviderFields]) -> tuple[dict[str, Any], dict[str, str]]:
    """Values of the chosen provider and where each came from; another provider's field is a 400."""
    values: dict[str, Any] = {}
    where: dict[str, str] = {}
    for part in parts:
        if part.provider and part.provider != provider:
            raise BadRequest(f"{part.field}: does not match provider {provider}")
        for key, value in part.values.items():
            values[key] = value
            where[key] = _location(part, key)
    return values, where


def _require(provider: str, values: dict[str, Any], on_prem: bool, version: int) -> None:
    always, on_prem_only = _REQUIRED[provider]
    block = next((name for name, owner in BLOCKS.items() if owner == provider), provider.lower())
    for key in (*always, *(on_prem_only if on_prem else ())):
        if values.get(key) in (None, ""):
            location = f"{block}.{key}" if version >= 3 else key
            raise BadRequest(f"{location} is required when the provider is {provider}"
                             + (" and the working environment is on-premises" if key in on_prem_only else ""))


def _ip_space(we: WorkingEnvironment, name: str) -> None:
    if not any(space.name == name for space in we.ip_spaces):
        raise BadRequest(f"ip-space: IPspace {name!r} does not exist in working environment {we.id}")


def _max_transfer_rate(value: float | None) -> float | None:
    """Whole kbps stay integers in the views (they come in as JSON numbers)."""
    if value is None:
        return None
    if value < 0:
        raise BadRequest(f"max-transfer-rate: must be >= 0 kbps (0 means unlimited), got {value:g}")
    return int(value) if float(value).is_integer() else value


def public_pool(archival: dict[str, Any] | None) -> dict[str, Any] | None:
    """``sgws-archival`` without the cloud storage pool's secret (never kept)."""
    if not isinstance(archival, dict) or not isinstance(archival.get("cloud-storage-pool"), dict):
        return None
    pool = archival["cloud-storage-pool"]
    return {"cloud-storage-pool": {key: pool[key] for key in _POOL_FIELDS if key in pool}}


def _storage_grid(values: dict[str, Any], where: dict[str, str], grids: GridLookup) -> StorageGrid:
    """The discovered grid ``storage-server`` names; ``storage-grid-id``, when sent, must be its id."""
    grid = grids(str(values["storage-server"]), where.get("storage-server", "storage-server"))
    grid_id = values.get("storage-grid-id")
    if grid_id not in (None, "") and grid_id != grid.id:
        raise BadRequest(f"{where.get('storage-grid-id', 'sgws.storage-grid-id')}: {grid_id!r} is not the id of "
                         f"StorageGRID {grid.name} ({grid.id})")
    return grid


def plan_activation(we: WorkingEnvironment, request: ActivationRequest,
                    grids: GridLookup | None = None) -> ActivationPlan:
    """Validate an activation request against the WE; nothing changes yet. Without ``grids``
    any StorageGRID is accepted."""
    on_prem = we.type != VSA
    allowed = V3_PROVIDERS if request.version >= 3 else V1_PROVIDERS
    provider = request.provider or (None if on_prem else we.provider)
    if provider is None:
        raise BadRequest("provider is required for an on-premises working environment")
    if provider not in allowed:
        raise BadRequest(f"provider: {provider!r} is not one of {', '.join(allowed)}")
    if not on_prem and provider in _ON_PREM_TARGETS:
        raise BadRequest(f"provider: {provider} is a backup target for on-premises ONTAP only; working environment "
                         f"{we.id} is Cloud Volumes ONTAP on {we.provider}")
    if not on_prem and provider != we.provider:
        raise BadRequest(f"provider: Cloud Volumes ONTAP on {we.provider} backs up to {we.provider} only, "
                         f"not {provider}")
    values, where = _merge(provider, request.provider_fields)
    _require(provider, values, on_prem, request.version)
    grid = _storage_grid(values, where, grids) if provider == "SGWS" and grids is not None else None
    region = request.region or ("" if on_prem else we.region)
    if not region and provider not in _NO_REGION:
        raise BadRequest("region is required for an on-premises working environment")
    ip_space = request.ip_space or (None if on_prem else "Default")
    if ip_space is None:
        raise BadRequest("ip-space is required for an on-premises working environment")
    _ip_space(we, ip_space)
    if request.version == 1 and on_prem and not request.bucket:
        raise BadRequest("bucket is required for an on-premises working environment")
    rate = _max_transfer_rate(request.max_transfer_rate)

    lock = requested_lock(request.policy, NO_LOCK, activation=True)
    check_datalock(we, provider, lock, f"{request.policy.field if request.policy else 'backup-policy.'}object-lock")
    policy = plan_policy(we, request.policy, object_lock=lock)
    if lock != NO_LOCK and policy.archive_after_days is not None:
        raise BadRequest(f"backup-policy.object-lock: DataLock cannot be combined with archiving (policy "
                         f"{policy.name!r} archives after {policy.archive_after_days} days)")
    archive_class = values.get("archive-storage-class")
    if provider == "AWS" and policy.archive_after_days is not None and not archive_class:
        raise BadRequest(f"{where.get('archive-storage-class', 'aws.archive-storage-class')} is required to "
                         "archive backups on AWS")

    grid_id = values.get("storage-grid-id") or (grid.id if grid else None)
    account = str(values.get({"AWS": "account-id", "AZURE": "subscription", "GCP": "project-id"}.get(provider, ""), "")
                  or (grid_id if provider == "SGWS" else "") or (we.provider_account_id if not on_prem else ""))
    compact_uuid = we.cluster_uuid.replace("-", "")
    config = BackupConfig(
        provider=provider, region=region, bucket=request.bucket or f"netapp-backup-{we.cluster_uuid}",
        ip_space=ip_space, provider_account_id=account,
        provider_account_name=f"{provider.lower()}-{account[-6:]}" if account else provider.lower(),
        policy_name=policy.name,
        auto_backup_enabled=request.auto_backup_enabled, object_lock=lock,
        max_transfer_rate=rate or 0, archive_storage_class=archive_class,
        access_key=values.get("access-key"), private_endpoint_required="private-endpoint" in values,
        export_existing_snapshots=True if request.export_existing_snapshots is None
        else request.export_existing_snapshots,
        sgws_archival=public_pool(request.policy.sgws_archival if request.policy else None),
    )
    if provider == "AZURE":
        config.resource_group = values.get("resource-group") or f"rg-{we.name}-backup"
        config.storage_account = values.get("storage-account") or f"netappbackup{compact_uuid[:12]}"
    if provider in ("SGWS", "ONTAP_S3"):
        config.storage_server = values.get("storage-server")
        config.storage_grid_id = grid_id if provider == "SGWS" else None
    return ActivationPlan(config, policy, request.auto_backup_enabled)


def check_modification(we: WorkingEnvironment, config: BackupConfig,
                       request: ModifyRequest) -> OntapBackupPolicy | None:
    """Validate a modification; returns the policy it switches to, if any."""
    current = {"provider": config.provider, "bucket": config.bucket, "region": config.region}
    for key, value in request.fixed.items():
        if value is not None and value != current[key]:
            raise BadRequest(f"{key}: cannot be changed after activation (current: {current[key]!r})")
    _merge(config.provider, request.provider_fields)
    if request.archive_storage_class is not None and config.provider != "AWS":
        raise BadRequest(f"archive-storage-class: applies to AWS only (provider: {config.provider})")
    if request.ip_space is not None:
        _ip_space(we, request.ip_space)
    request.max_transfer_rate = _max_transfer_rate(request.max_transfer_rate)
    if request.policy_name is not None:
        policy = we.policy(request.policy_name)
        if policy is None:
            raise BadRequest(f"backup-policy-name: backup policy {request.policy_name!r} does not exist in working "
                             f"environment {we.id}")
        return policy
    if request.policy is None:
        return None
    lock = requested_lock(request.policy, config.object_lock, activation=False)
    policy = plan_policy(we, request.policy, object_lock=lock, default=config.policy_name)
    archive_class = request.archive_storage_class or config.archive_storage_class
    if config.provider == "AWS" and policy.archive_after_days is not None and not archive_class:
        raise BadRequest("archive-storage-class is required to archive backups on AWS for the first time")
    return policy
