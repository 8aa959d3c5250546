# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Rules of backup policies (the ONTAP SnapMirror-to-cloud policies of a WE), shared by the
policy endpoints and by every body that carries an inline ``backup-policy``.

Stated by NetApp: at most 1018 retained backups per policy created through the API;
archiving needs ONTAP 9.10.1+; DataLock (``object-lock``) needs ONTAP 9.11.1+, exists for
AWS and StorageGRID (GOVERNANCE, COMPLIANCE) and Azure (LOCKED, UNLOCKED), is chosen at
activation only and cannot be combined with archiving; ``archive-after-days: "never"``
removes archiving.
"""
from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import BadRequest

if TYPE_CHECKING:
    from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment

STANDARD_LABELS = ("hourly", "daily", "weekly", "monthly", "yearly")
MAX_RETAINED_BACKUPS = 1018
NEVER = "never"
NO_LOCK = "NONE"
DATALOCK_MODES = {"AWS": ("GOVERNANCE", "COMPLIANCE"), "SGWS": ("GOVERNANCE", "COMPLIANCE"),
                  "AZURE": ("LOCKED", "UNLOCKED")}
ARCHIVE_MIN_ONTAP = (9, 10)
DATALOCK_MIN_ONTAP = (9, 11)
# What an activation without a backup policy gets (emulator choice).
DEFAULT_RULES = (("daily", 30), ("weekly", 13), ("monthly", 12))
# ONTAP SnapMirror labels: up to 31 characters.
_CUSTOM_LABEL = re.compile(r"^[A-Za-z0-9_.-]{1,31}$")
_POLICY_NAMESPACE = uuid.UUID("6f1c7d1e-2b1a-4c55-9a53-6d1f1b0c7a10")


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
    id: str = ""  # the 4.x views and DELETE .../backup-policy/{policyId} use it
    sgws_archival: dict[str, Any] | None = field(default=None, repr=False)

    def summary_dict(self) -> dict[str, Any]:
        """The ``backup-policy`` object embedded in WE and volume backup views."""
        data: dict[str, Any] = {"name": self.name,
                                "rule": [{"label": r.label, "retention": str(r.retention)} for r in self.rules]}
        if self.archive_after_days is not None:
            data["archive-after-days"] = str(self.archive_after_days)
        return data

    def to_dict(self, attached_volumes: int) -> dict[str, Any]:
        data = self.summary_dict()
        data["id"] = self.id
        data["attached-volumes-count"] = str(attached_volumes)
        data["object-lock"] = self.object_lock
        return data

    def retention_of(self, label: str) -> int | None:
        return next((rule.retention for rule in self.rules if rule.label == label), None)


@dataclass
class PolicyInput:
    """A backup policy as a request body carries it: values as sent, ``field`` names its place."""

    name: str | None = None
    rules: list[Any] | None = None
    archive_after_days: Any = None
    object_lock: str | None = None
    sgws_archival: dict[str, Any] | None = None
    field: str = "backup-policy."  # prefix of its fields in messages ("" at the top of a body)

    @property
    def where(self) -> str:
        return self.field.rstrip(".") or "body"


def policy_id(we_id: str, name: str) -> str:
    """Stable per WE and name, so seeded and created policies get ids without using the seed."""
    return str(uuid.uuid5(_POLICY_NAMESPACE, f"{we_id}/{name}"))


def ontap_at_least(version: str, minimum: tuple[int, int]) -> bool:
    parts = tuple(int(p) for p in re.findall(r"\d+", version)[:2])
    return parts >= minimum


def _integer(value: Any, field: str) -> int:
    """Numbers may come as strings or numbers (the spec types them as strings)."""
    if isinstance(value, bool):
        raise BadRequest(f"{field}: {value!r} is not a whole number")
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, int):
        return value
    if isinstance(value, str) and re.fullmatch(r"\s*\d+\s*", value):
        return int(value)
    raise BadRequest(f"{field}: {value!r} is not a whole number")


def parse_rules(raw: list[Any] | None, field: str) -> list[PolicyRule]:
    if not raw:
        raise BadRequest(f"{field}: at least one rule is required")
    rules: list[PolicyRule] = []
    for index, item in enumerate(raw):
        where = f"{field}[{index}]"
        label = item.get("label") if isinstance(item, dict) else None
        if not isinstance(label, str) or not _CUSTOM_LABEL.match(label):
            raise BadRequest(f"{where}.label: {label!r} is not a SnapMirror label (one of {', '.join(STANDARD_LABELS)}"
                             " or a custom label of up to 31 letters, digits, '_', '-', '.')")
        if any(rule.label == label for rule in rules):
            raise BadRequest(f"{where}.label: {label!r} appears more than once")
        if item.get("retention") is None:
            raise BadRequest(f"{where}.retention is required")
        retention = _integer(item["retention"], f"{where}.retention")
        if retention < 1:
            raise BadRequest(f"{where}.retention: must be at least 1, got {retention}")
        rules.append(PolicyRule(label, retention))
    total = sum(rule.retention for rule in rules)
    if total > MAX_RETAINED_BACKUPS:
        raise BadRequest(f"{field}: the rules retain {total} backups; at most {MAX_RETAINED_BACKUPS} are allowed")
    return rules


def parse_archive(value: Any, field: str) -> int | None:
    """``None`` for absent or ``"never"`` (no archiving), else whole days >= 1."""
    if value is None or (isinstance(value, str) and value.strip().lower() == NEVER):
        return None
    days = _integer(value, field)
    if days < 1:
        raise BadRequest(f"{field}: must be at least 1 day (or \"never\"), got {days}")
    return days


def check_archive(we: WorkingEnvironment, days: int | None, object_lock: str, field: str) -> None:
    if days is None:
        return
    if object_lock != NO_LOCK:
        raise BadRequest(f"{field}: archiving cannot be combined with DataLock (object-lock {object_lock})")
    if not ontap_at_least(we.ontap_version, ARCHIVE_MIN_ONTAP):
        raise BadRequest(f"{field}: archiving needs ONTAP 9.10.1 or later (working environment {we.id} "
                         f"runs {we.ontap_version})")


def check_datalock(we: WorkingEnvironment, provider: str, mode: str, field: str) -> None:
    """A DataLock mode requested at activation."""
    if mode == NO_LOCK:
        return
    modes = DATALOCK_MODES.get(provider)
    if modes is None:
        raise BadRequest(f"{field}: DataLock is not available with provider {provider} "
                         f"(only {', '.join(DATALOCK_MODES)})")
    if mode not in modes:
        raise BadRequest(f"{field}: {mode} is not a DataLock mode of provider {provider} (use {' or '.join(modes)})")
    if not ontap_at_least(we.ontap_version, DATALOCK_MIN_ONTAP):
        raise BadRequest(f"{field}: DataLock needs ONTAP 9.11.1 or later (working environment {we.id} "
                         f"runs {we.ontap_version})")


def requested_lock(spec: PolicyInput | None, current: str, *, activation: bool) -> str:
    """The lock a request asks for; outside activation it may only repeat the WE's own."""
    asked = (spec.object_lock if spec else None) or (current if not activation else NO_LOCK)
    if not activation and asked != current:
        where = f"{spec.field}object-lock" if spec else "object-lock"
        raise BadRequest(f"{where}: DataLock can only be set when backup is activated "
                         f"(working environment lock: {current}, requested: {asked})")
    return asked


def default_name(rules: list[PolicyRule], archive_after_days: int | None) -> str:
    """Named after its rules like the catalogue policies, e.g. ``Daily-30 Weekly-13``."""
    parts = [f"{rule.label.capitalize()}-{rule.retention}" for rule in rules]
    if archive_after_days is not None:
        parts.append(f"Archive-{archive_after_days}")
    return " ".join(parts)


def same_content(policy: OntapBackupPolicy, rules: list[PolicyRule], archive_after_days: int | None) -> bool:
    return ([(r.label, r.retention) for r in policy.rules] == [(r.label, r.retention) for r in rules]
            and policy.archive_after_days == archive_after_days)


def plan_policy(we: WorkingEnvironment, spec: PolicyInput | None, *, object_lock: str,
                default: str | None = None) -> OntapBackupPolicy:
    """The policy an inline ``backup-policy`` designates, validated but not applied yet:

    - none in the body: the WE policy named ``default``, else the default rules;
    - a name alone: that existing policy;
    - rules: a new policy (named after them when unnamed), or, for an existing name, a
      revision of it (new rules; archiving kept unless sent), which the descriptions of the
      PUT operations allow ("modify ... backup policy rule-retention, archive-after-days").
    """
    if spec is None or (spec.name is None and spec.rules is None):
        if default is not None and we.policy(default) is not None:
            return we.policy(default)  # type: ignore[return-value]
        rules = [PolicyRule(label, keep) for label, keep in DEFAULT_RULES]
        name = default_name(rules, None)
        return we.policy(name) or OntapBackupPolicy(name, rules, None, object_lock, id=policy_id(we.id, name))
    existing = we.policy(spec.name) if spec.name else None
    if spec.rules is None:
        if existing is None:
            raise BadRequest(f"{spec.where}: backup policy {spec.name!r} does not exist in working environment "
                             f"{we.id}; send {spec.field}rule to create it")
        return existing
    rules = parse_rules(spec.rules, f"{spec.field}rule")
    archive = parse_archive(spec.archive_after_days, f"{spec.field}archive-after-days")
    if existing is not None and spec.archive_after_days is None:
        archive = existing.archive_after_days
    check_archive(we, archive, object_lock, f"{spec.field}archive-after-days")
    name = spec.name or default_name(rules, archive)
    existing = we.policy(name)
    if existing is not None and same_content(existing, rules, archive):
        return existing
    return OntapBackupPolicy(name, rules, archive, existing.object_lock if existing else object_lock,
                             id=policy_id(we.id, name), sgws_archival=spec.sgws_archival)


def adopt(we: WorkingEnvironment, policy: OntapBackupPolicy) -> OntapBackupPolicy:
    """Apply a planned policy: add a new one, or bring the existing one of that name to it."""
    existing = we.policy(policy.name)
    if existing is None:
        we.policies.append(policy)
        return policy
    if existing is not policy:
        existing.rules = policy.rules
        existing.archive_after_days = policy.archive_after_days
    return existing
