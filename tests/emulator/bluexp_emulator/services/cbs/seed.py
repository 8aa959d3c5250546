# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Deterministic fleet generation: the same seed always produces the same fleet."""
from __future__ import annotations

import datetime
from dataclasses import dataclass

from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.backup.models import (
    VOLUME_ACTIVE,
    VOLUME_PAUSED,
    BackupConfig,
    CloudSnapshot,
    VolumeBackup,
)
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.working_environments.models import (
    Aggregate,
    IpSpace,
    OntapBackupPolicy,
    PolicyRule,
    Svm,
    Volume,
    WorkingEnvironment,
)

_GIB = 1024**3
_DAY_MS = 86_400_000
_HOUR_MS = 3_600_000
_LABEL_SPACING_MS = {"hourly": _HOUR_MS, "daily": _DAY_MS, "weekly": 7 * _DAY_MS, "monthly": 30 * _DAY_MS}
ONTAP_VERSIONS = ("9.10.1", "9.11.1", "9.12.1", "9.13.1", "9.14.1", "9.15.1")
_NAME_WORDS = ("prod", "dev", "test", "fin", "hr", "eng", "sales", "lab", "dr", "ops", "data", "web")
_VOLUME_WORDS = ("app", "db", "logs", "home", "vm", "share", "archive", "build", "media", "scratch",
                 "analytics", "web", "mail", "git", "users")
_POLICY_CATALOG: tuple[tuple[str, tuple[tuple[str, int], ...], int | None], ...] = (
    ("1 Year Daily LTR", (("daily", 366),), None),
    ("Daily-30 Weekly-52", (("daily", 30), ("weekly", 52)), None),
    ("Hourly-24 Daily-7", (("hourly", 24), ("daily", 7)), None),
    ("Monthly-12 Archive-90", (("monthly", 12),), 90),
    ("Daily-14 Monthly-6 Archive-30", (("daily", 14), ("monthly", 6)), 30),
)


@dataclass(frozen=True)
class Kind:
    short: str
    prefix: str
    provider: str
    type: str
    regions: tuple[str, ...]
    disk_types: tuple[str, ...]


KINDS = {
    "aws": Kind("aws", "VsaWorkingEnvironment", "AWS", "VSA",
                ("us-east-1", "us-east-2", "us-west-2", "eu-west-1", "eu-central-1", "ap-southeast-2"),
                ("gp3", "gp2", "io1")),
    "azure": Kind("azure", "AzureVsaWorkingEnvironment", "AZURE", "VSA",
                  ("eastus", "eastus2", "westus2", "westeurope", "northeurope", "southeastasia"),
                  ("Premium_LRS", "StandardSSD_LRS", "Standard_LRS")),
    "gcp": Kind("gcp", "GcpVsaWorkingEnvironment", "GCP", "VSA",
                ("us-central1", "us-east4", "europe-west1", "europe-west4", "asia-southeast1"),
                ("pd-ssd", "pd-balanced", "pd-standard")),
    "onprem": Kind("onprem", "OnPremWorkingEnvironment", "ONPREM", "ON_PREM", ("",), ("SSD", "SAS", "FSAS")),
}
_FIRST_KINDS = ("aws", "azure", "onprem", "gcp")  # every kind appears in small fleets
_KIND_WEIGHTS = {"aws": 35, "azure": 25, "gcp": 15, "onprem": 25}
_CLOUD_PROVIDERS = ("AWS", "AZURE", "GCP")


def _connector_of(kind: Kind, index: int, connectors: list[str], providers: list[str]) -> str:
    if not connectors:
        return ""
    own = [c for c, provider in zip(connectors, providers, strict=False) if provider == kind.short]
    return own[0] if own else connectors[index % len(connectors)]


class FleetBuilder:
    """Builds one account's fleet; all randomness comes from the shared seeded generator."""

    def __init__(self, ids: IdGenerator, now_ms: int) -> None:
        self.ids = ids
        self.rng = ids.rng
        self.now_ms = now_ms
        self.provider_accounts = {
            "AWS": [ids.digits(12), ids.digits(12)],
            "AZURE": [ids.uuid(), ids.uuid()],
            "GCP": [self._gcp_project(), self._gcp_project()],
        }

    def _gcp_project(self) -> str:
        return f"project-{self.rng.choice(_NAME_WORDS)}-{self.ids.digits(6)}"

    def build(self, size: int, connectors: list[str],
              connector_providers: list[str] | None = None) -> tuple[list[WorkingEnvironment], dict[str, int]]:
        """Return the WEs and, per activated WE, its activation time (for seeded jobs).

        Each WE is managed by one Connector: the first one of its own cloud (``connector_providers``
        gives each Connector's, lower-case) when there is one, else the Connectors in turn. No
        random draw depends on it, so the fleet is the same whatever the Connectors.
        """
        fleet: list[WorkingEnvironment] = []
        activated: dict[str, int] = {}
        names = list(_KIND_WEIGHTS)
        weights = list(_KIND_WEIGHTS.values())
        for index in range(size):
            kind = KINDS[_FIRST_KINDS[index] if index < len(_FIRST_KINDS) else self.rng.choices(names, weights)[0]]
            connector = _connector_of(kind, index, connectors, connector_providers or [])
            we = self._working_environment(kind, index, connector)
            active = index == 0 or self.rng.random() < 2 / 3
            if index == size - 1 and size >= 3 and not any(w.backup is None for w in fleet):
                active = False  # keep at least one WE without backup
            if active:
                activated[we.id] = self._activate(we, kind)
            fleet.append(we)
        return fleet, activated

    # -- ONTAP side -----------------------------------------------------------------------
    def _working_environment(self, kind: Kind, index: int, connector: str) -> WorkingEnvironment:
        rng = self.rng
        name = f"{kind.short}-{rng.choice(_NAME_WORDS)}-{index + 1:02d}"
        provider_account = "" if kind.provider == "ONPREM" else rng.choice(self.provider_accounts[kind.provider])
        we = WorkingEnvironment(
            id=self.ids.working_environment_id(kind.prefix), name=name, provider=kind.provider, type=kind.type,
            region=rng.choice(kind.regions), status="ON", ontap_version=rng.choice(ONTAP_VERSIONS),
            provider_account_id=provider_account, cluster_uuid=self.ids.uuid(), connector_id=connector,
        )
        aggregates = [self._aggregate(kind, n) for n in range(1, rng.randint(1, 3) + 1)]
        base = "svm_" + name.replace("-", "_")
        svm_names = [base] + [f"{base}_{n}" for n in range(2, rng.randint(1, 3) + 1)]
        for svm_name in svm_names:
            chosen = aggregates if svm_name == base else rng.sample(aggregates, rng.randint(1, len(aggregates)))
            we.svms.append(Svm(id=self.ids.uuid(), name=svm_name, aggregates=sorted(chosen, key=lambda a: a.name)))
        we.ip_spaces.append(IpSpace(self.ids.uuid(), "Default"))
        if kind.provider == "ONPREM":
            we.ip_spaces.append(IpSpace(self.ids.uuid(), "ips_backup"))
        words = rng.sample(_VOLUME_WORDS, rng.randint(3, 12))
        we.volumes = [self._volume(word, n, rng.choice(svm_names), len(aggregates))
                      for n, word in enumerate(words, start=1)]
        picked = rng.sample(_POLICY_CATALOG, rng.randint(2, 4))
        we.policies = [OntapBackupPolicy(name, [PolicyRule(label, keep) for label, keep in rules], archive)
                       for name, rules, archive in picked]
        return we

    def _aggregate(self, kind: Kind, number: int) -> Aggregate:
        total = self.rng.choice((500, 1024, 2048, 4096, 8192)) * _GIB
        name = f"n1_aggr{number}" if kind.provider == "ONPREM" else f"aggr{number}"
        return Aggregate(id=self.ids.uuid(), name=name, disk_type=self.rng.choice(kind.disk_types),
                         is_tiered=kind.provider != "ONPREM" and self.rng.random() < 0.5,
                         total_bytes=total, used_bytes=int(total * self.rng.uniform(0.15, 0.75)))

    def _volume(self, word: str, number: int, svm: str, aggregates: int) -> Volume:
        rng = self.rng
        size = rng.choice((10, 20, 50, 100, 200, 500, 1024)) * _GIB
        used = int(size * rng.uniform(0.05, 0.85))
        volume_type = "dp" if rng.random() < 0.1 else "rw"
        style = "flexgroup" if rng.random() < 0.1 else "flexvol"
        labels = rng.choice(([], ["daily", "weekly"], ["daily", "weekly", "monthly"], ["hourly", "daily"]))
        snaplock = "non_snaplock"
        if volume_type == "rw" and rng.random() < 0.08:
            snaplock = rng.choice(("compliance", "enterprise"))
        return Volume(
            file_system_id=self.ids.uuid(), name=f"vol_{word}_{number:02d}", svm=svm, type=volume_type, style=style,
            language=rng.choice(("c.utf_8", "c.utf_8", "en_us.utf_8")),
            security_style=rng.choices(("unix", "ntfs", "mixed"), (5, 3, 2))[0],
            size_bytes=size, used_bytes=used, logical_used_bytes=int(used * rng.uniform(1.0, 1.6)),
            snapmirror_labels=list(labels), snaplock_type=snaplock,
            aggregate_count=max(2, aggregates) if style == "flexgroup" else 1,
        )

    # -- backup side ----------------------------------------------------------------------
    def _activate(self, we: WorkingEnvironment, kind: Kind) -> int:
        rng = self.rng
        provider = kind.provider if kind.provider != "ONPREM" else rng.choice(_CLOUD_PROVIDERS)
        region = we.region or rng.choice(KINDS[provider.lower()].regions)
        account = we.provider_account_id or rng.choice(self.provider_accounts[provider])
        major_minor = tuple(int(part) for part in we.ontap_version.split(".")[:2])
        datalock = provider in ("AWS", "AZURE") and major_minor >= (9, 11) and rng.random() < 0.15
        default = we.policies[0]
        if datalock:
            # DataLock cannot be combined with archiving, so the default policy never archives.
            default.archive_after_days = None
            default.object_lock = "GOVERNANCE" if provider == "AWS" else "UNLOCKED"
        bucket = f"netapp-backup-{we.cluster_uuid}"
        rng.choice((-200, -40, 12, 25))  # retired (licenses draw their own); kept so later values stay the same
        config = BackupConfig(
            provider=provider, region=region, bucket=bucket, ip_space="Default", provider_account_id=account,
            provider_account_name=f"{provider.lower()}-{account[-6:]}", policy_name=default.name,
            auto_backup_enabled=rng.random() < 0.5, catalog_enabled=rng.random() < 0.3,
            object_lock=default.object_lock,
        )
        if provider == "AWS" and default.archive_after_days is not None:
            config.archive_storage_class = rng.choice(("GLACIER", "DEEP_ARCHIVE"))
        if provider == "AZURE":
            config.resource_group = f"rg-{we.name}-backup"
            config.storage_account = f"netappbackup{self.ids.hex(12)}"
        we.backup = config
        activated_ms = self.now_ms - rng.randint(30, 400) * _DAY_MS
        eligible = [v for v in we.volumes if v.type == "rw" and not v.is_snaplock]
        protected = [v for v in eligible if rng.random() < 0.7] or eligible[:1]
        config.catalog_indexed = config.catalog_enabled  # indexed long ago
        for volume in protected:
            policy = default if rng.random() < 0.75 else rng.choice(we.policies)
            volume.backup = self._volume_backup(volume, policy, config.object_lock)
            # Oldest backup first in file-tree generations; the live volume is one ahead.
            for generation, snapshot in enumerate(sorted(volume.backup.snapshots, key=lambda s: s.creation_time_ms)):
                snapshot.generation = generation
            volume.generation = len(volume.backup.snapshots)
        return activated_ms

    def _volume_backup(self, volume: Volume, policy: OntapBackupPolicy, object_lock: str) -> VolumeBackup:
        rng = self.rng
        last_ms = self.now_ms - rng.randint(1, 20) * _HOUR_MS
        # One backup per period of the most frequent label; a longer label replaces it when due.
        by_spacing = sorted(policy.rules, key=lambda r: _LABEL_SPACING_MS.get(r.label, _DAY_MS))
        step = _LABEL_SPACING_MS.get(by_spacing[0].label, _DAY_MS)
        count = rng.randint(1, 6)
        snapshots: list[CloudSnapshot] = []
        for index in range(count):
            label = by_spacing[0].label
            for rule in by_spacing[1:]:
                ratio = max(1, _LABEL_SPACING_MS.get(rule.label, _DAY_MS) // step)
                if index and index % ratio == 0:
                    label = rule.label
            created = last_ms - index * step
            stamp = datetime.datetime.fromtimestamp(created / 1000, datetime.timezone.utc)
            age_days = (self.now_ms - created) / _DAY_MS
            archived = policy.archive_after_days is not None and age_days > policy.archive_after_days
            baseline = index == count - 1  # the oldest backup is the full transfer
            snapshot = CloudSnapshot(
                id=self.ids.uuid(), name=f"{label}.{stamp:%Y-%m-%d_%H%M}", creation_time_ms=created,
                size_bytes=int(volume.used_bytes * (1.0 if baseline else rng.uniform(0.01, 0.1))),
                archived=archived, object_lock=object_lock, label=label,
            )
            if policy.archive_after_days is not None and not archived:
                snapshot.archive_at_ms = created + policy.archive_after_days * _DAY_MS
            if object_lock != "NONE":
                snapshot.ransomware_scan_status = "PROTECTED"
                snapshot.last_ransomware_scan_ms = created + _HOUR_MS
                # History is in real time: locked for its label's retention span.
                keep = policy.retention_of(label) or 1
                snapshot.locked_until_ms = created + keep * _LABEL_SPACING_MS.get(label, _DAY_MS)
            snapshots.append(snapshot)
        return VolumeBackup(
            status=VOLUME_PAUSED if rng.random() < 0.15 else VOLUME_ACTIVE, policy_name=policy.name,
            snapshots=snapshots, last_backup_failed=rng.random() < 0.05, object_lock=object_lock,
            anchor_ms=self.now_ms,  # scheduled backups start from the seeding moment
        )


def seed_jobs(backend: jobs.JobsBackend, account_id: str, fleet: list[WorkingEnvironment],
              activated: dict[str, int], rng_ids: IdGenerator, now_ms: int) -> None:
    """A few historical jobs (all already finished, one of them failed) per account."""
    rng = rng_ids.rng
    enabled = [we for we in fleet if we.id in activated][:3]
    for we in enabled:
        backend.create(account_id, we.id, jobs.BACKUP_WORKING_ENVIRONMENT, duration=rng.randint(120, 900),
                       created_at=activated[we.id] / 1000, faults=False)
    for position, we in enumerate(enabled[:2]):
        volumes = [v.file_system_id for v in we.volumes if v.backup is not None][:3]
        if not volumes:
            continue
        created = (now_ms - rng.randint(2, 20) * _DAY_MS) / 1000
        failing = position == 1
        backend.create(
            account_id, we.id, jobs.BACKUP_VOLUMES, duration=rng.randint(60, 600), created_at=created,
            outcome=jobs.FAIL if failing else jobs.COMPLETE,
            error="SnapMirror transfer failed: the object store is not reachable" if failing else "",
            data=jobs.multi_volume_data(volumes), failed_volumes=volumes[:1] if failing else None, faults=False,
        )
