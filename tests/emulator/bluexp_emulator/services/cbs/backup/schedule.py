# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Time-driven backup life: scheduled backups, retention, archiving and DataLock expiry.

Time is compressed: an "hourly" backup is taken every ``backup_interval_s`` seconds of
emulator time, a "daily" one every 24 such intervals, and so on (custom labels follow the
daily pace). Everything is applied lazily, before a request is served, for the time that
passed since; nothing runs in the background.
"""
from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from bluexp_emulator.core.ids import IdGenerator
from bluexp_emulator.services.cbs.backup.state import (
    NO_LOCK,
    VOLUME_ACTIVE,
    CloudSnapshot,
    VolumeBackup,
)
from bluexp_emulator.services.cbs.working_environments.models import Volume, WorkingEnvironment
from bluexp_emulator.services.cbs.working_environments.policies import OntapBackupPolicy

LABEL_HOURS = {"hourly": 1, "daily": 24, "weekly": 168, "monthly": 720, "yearly": 8760}
CUSTOM_LABEL_HOURS = 24
REAL_HOUR_S = 3600.0


@dataclass(frozen=True)
class Pace:
    """Length of an emulated hour; 0 means scheduled backups are off (other timings then
    use real hours)."""

    interval_s: float

    @property
    def hour_ms(self) -> float:
        return (self.interval_s if self.interval_s > 0 else REAL_HOUR_S) * 1000

    def period_ms(self, label: str) -> int:
        return int(LABEL_HOURS.get(label, CUSTOM_LABEL_HOURS) * self.hour_ms)

    def days_ms(self, days: int) -> int:
        return int(days * 24 * self.hour_ms)


def lock_until(policy: OntapBackupPolicy | None, label: str, created_ms: int, pace: Pace) -> int:
    """DataLock keeps a backup for its label's retention span (the longest span of the
    policy for a label it has no rule for)."""
    if policy is None or not policy.rules:
        return created_ms + pace.days_ms(30)
    retention = policy.retention_of(label)
    if retention is not None:
        return created_ms + retention * pace.period_ms(label)
    return created_ms + max(rule.retention * pace.period_ms(rule.label) for rule in policy.rules)


def unique_name(backup: VolumeBackup, wanted: str) -> str:
    taken = {s.name for s in backup.snapshots}
    if wanted not in taken:
        return wanted
    return next(f"{wanted}-{n}" for n in range(2, len(taken) + 3) if f"{wanted}-{n}" not in taken)


def new_snapshot(ids: IdGenerator, we: WorkingEnvironment, volume: Volume, *, label: str, name: str | None,
                 created_ms: int, pace: Pace) -> CloudSnapshot:
    """A cloud backup as the relationship produces it (not yet added to the volume); it
    captures the volume's file tree."""
    backup = volume.backup
    assert backup is not None
    policy = we.policy(backup.policy_name)
    if name is None:
        stamp = datetime.datetime.fromtimestamp(created_ms / 1000, datetime.timezone.utc)
        name = unique_name(backup, f"{label}.{stamp:%Y-%m-%d_%H%M}")
    # The first transfer is the full baseline; later ones carry the changes.
    incremental = bool(backup.snapshots)
    fraction = ids.rng.uniform(0.01, 0.1) if incremental else 1.0
    snapshot = CloudSnapshot(id=ids.uuid(), name=name, creation_time_ms=created_ms,
                             size_bytes=int(volume.used_bytes * fraction), object_lock=backup.object_lock, label=label,
                             generation=volume.generation, files=dict(volume.files))
    volume.generation += 1  # the live file system moves on from what this backup captured
    if backup.object_lock != NO_LOCK:
        snapshot.locked_until_ms = lock_until(policy, label, created_ms, pace)
        snapshot.ransomware_scan_status = "PROTECTED"
        snapshot.last_ransomware_scan_ms = created_ms
    if policy is not None and policy.archive_after_days is not None:
        snapshot.archive_at_ms = created_ms + pace.days_ms(policy.archive_after_days)
    return snapshot


class Scheduler:
    """Applies the schedule of every protected volume up to now, at most once per due moment."""

    def __init__(self, ids: Callable[[], IdGenerator], interval_s: Callable[[], float]) -> None:
        self._ids = ids
        self._interval_s = interval_s
        self._wakeup_ms: float = 0

    def touch(self) -> None:
        """Something changed (protection, policy, pace): look again at the next tick."""
        self._wakeup_ms = 0

    def pace(self) -> Pace:
        return Pace(self._interval_s())

    def tick(self, wes: Iterable[WorkingEnvironment], now_ms: int) -> None:
        if now_ms < self._wakeup_ms:
            return
        pace = self.pace()
        wakeup = math.inf
        for we in wes:
            if we.backup is None:
                continue
            for volume in we.volumes:
                if volume.backup is not None:
                    wakeup = min(wakeup, self._volume(we, volume, volume.backup, now_ms, pace))
        self._wakeup_ms = wakeup

    def _volume(self, we: WorkingEnvironment, volume: Volume, backup: VolumeBackup, now_ms: int, pace: Pace) -> float:
        """Bring one relationship up to date; returns when it next needs attention."""
        wakeup = math.inf
        policy = we.policy(backup.policy_name)
        if backup.status == VOLUME_ACTIVE and policy is not None and pace.interval_s > 0:
            for rule in policy.rules:
                period = pace.period_ms(rule.label)
                due = (now_ms - backup.anchor_ms) // period
                last = backup.slots.get(rule.label, 0)
                # Only the slots retention would keep: a long clock jump costs no more than that.
                for slot in range(max(last + 1, due - rule.retention + 1), due + 1):
                    created = backup.anchor_ms + slot * period
                    backup.snapshots.append(new_snapshot(self._ids(), we, volume, label=rule.label, name=None,
                                                         created_ms=created, pace=pace))
                    backup.last_backup_failed = False
                backup.slots[rule.label] = max(last, due)
                wakeup = min(wakeup, backup.anchor_ms + (backup.slots[rule.label] + 1) * period)
                wakeup = min(wakeup, self._prune(backup, rule.label, rule.retention, now_ms))
        for snapshot in backup.snapshots:
            if snapshot.archive_at_ms is not None and not snapshot.archived:
                if snapshot.archive_at_ms <= now_ms:
                    snapshot.archived = True
                else:
                    wakeup = min(wakeup, snapshot.archive_at_ms)
        return wakeup

    @staticmethod
    def _prune(backup: VolumeBackup, label: str, retention: int, now_ms: int) -> float:
        """Drop the oldest backups of a label beyond its retention; a DataLock-locked one
        stays (and blocks younger ones) until its lock ends."""
        ours = sorted((s for s in backup.snapshots if s.label == label), key=lambda s: s.creation_time_ms)
        excess = len(ours) - retention
        for snapshot in ours[:max(0, excess)]:
            if snapshot.locked(now_ms):
                return snapshot.locked_until_ms or math.inf
            backup.snapshots.remove(snapshot)
        return math.inf
