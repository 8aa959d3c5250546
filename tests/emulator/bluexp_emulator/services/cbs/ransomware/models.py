# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ransomware scans of cloud backups.

A scan is a job; the backup shows ``IN_PROGRESS`` while it runs and its verdict
(``ransomware-scan-status``, ``last-ransomware-scan``) when it ends. The verdict is
``PROTECTED`` unless a test planted another one for that backup (control API); a backup
found infected stays infected on later scans, since its content does not change. A
``FAILED`` verdict fails the job and records the reason in
``ransomware-scan-status-failure``. Restores from a DataLock WE run the same scan first
(``run_scan``).

NetApp documents scans for cloud backups only (not local snapshots) and ties them to
DataLock and ransomware protection in the restore description; the emulator scans any
cloud backup, so that scans can be tested on every WE.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.services.cbs.backup.models import BackupBackend
from bluexp_emulator.services.cbs.backup.state import CloudSnapshot
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.jobs.models import Job, JobFailed, JobsBackend
from bluexp_emulator.services.cbs.working_environments.models import Volume

RANSOMWARE_DETECTED = "RANSOMWARE_DETECTED"
IN_PROGRESS = "IN_PROGRESS"
PROTECTED = "PROTECTED"
FAILED = "FAILED"
VERDICTS = (RANSOMWARE_DETECTED, PROTECTED, FAILED)
SCAN_FAILURE = "The ransomware scan could not read backup {name}"
_PLANT_FIELDS = {"volume_id", "snapshot_id", "verdict", "error", "count"}


@dataclass
class PlantedVerdict:
    """The verdict of the next ``count`` scans of matching backups (any field left out matches all)."""

    id: str
    verdict: str
    volume_id: str | None = None
    snapshot_id: str | None = None
    error: str = ""
    count: int = 1
    fired: int = 0

    def matches(self, volume_id: str, snapshot_id: str) -> bool:
        return (self.count > 0 and (self.volume_id is None or self.volume_id == volume_id)
                and (self.snapshot_id is None or self.snapshot_id == snapshot_id))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "verdict": self.verdict, "volume_id": self.volume_id, "snapshot_id": self.snapshot_id,
                "error": self.error, "count": self.count, "fired": self.fired}


def parse_planted(payload: Any, verdict_id: str) -> PlantedVerdict:
    """Strict, so that a typo fails loudly instead of never matching."""
    if not isinstance(payload, dict):
        raise BadRequest("the verdict must be a JSON object")
    unknown = set(payload) - _PLANT_FIELDS
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}; allowed: {', '.join(sorted(_PLANT_FIELDS))}")
    for name in ("volume_id", "snapshot_id", "error"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise BadRequest(f"{name} must be a string")
    verdict = payload.get("verdict")
    if verdict not in VERDICTS:
        raise BadRequest(f"verdict must be one of {', '.join(VERDICTS)}")
    count = payload.get("count", 1)
    if isinstance(count, str) and count.isdigit():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadRequest("count must be an integer >= 1")
    return PlantedVerdict(verdict_id, verdict, payload.get("volume_id"), payload.get("snapshot_id"),
                          payload.get("error") or "", count)


class RansomwareBackend:
    def __init__(self, backup: BackupBackend, jobs_backend: JobsBackend, clock: Clock) -> None:
        self.backup = backup
        self.jobs = jobs_backend
        self.clock = clock
        self._planted: list[PlantedVerdict] = []
        self._next_id = 1

    def reset(self) -> None:
        self._planted = []
        self._next_id = 1

    # -- planted verdicts (control API) ------------------------------------------------------
    def plant(self, payload: Any) -> PlantedVerdict:
        planted = parse_planted(payload, "")
        planted.id = f"verdict-{self._next_id}"
        self._next_id += 1
        self._planted.append(planted)
        return planted

    def planted(self) -> list[PlantedVerdict]:
        return list(self._planted)

    def clear_planted(self) -> int:
        count = len(self._planted)
        self._planted = []
        return count

    def _take(self, volume_id: str, snapshot_id: str) -> PlantedVerdict | None:
        for planted in self._planted:
            if planted.matches(volume_id, snapshot_id):
                planted.count -= 1
                planted.fired += 1
                return planted
        return None

    # -- scans -------------------------------------------------------------------------------
    def run_scan(self, volume: Volume, snapshot: CloudSnapshot, before: str | None = None) -> str:
        """Scan one backup now and record the verdict on it; returns the verdict. ``before``
        is its status before the scan started (default: its current one)."""
        planted = self._take(volume.file_system_id, snapshot.id)
        if planted is not None:
            verdict = planted.verdict
        elif (before or snapshot.ransomware_scan_status) == RANSOMWARE_DETECTED:
            verdict = RANSOMWARE_DETECTED
        else:
            verdict = PROTECTED
        snapshot.ransomware_scan_status = verdict
        snapshot.last_ransomware_scan_ms = self.clock.now_ms()
        snapshot.ransomware_scan_failure = None
        if verdict == FAILED:
            snapshot.ransomware_scan_failure = (planted.error if planted and planted.error
                                                else SCAN_FAILURE.format(name=snapshot.name))
        return verdict

    def scan(self, account_id: str, we_id: str, volume_id: str, snapshot_id: str) -> Job:
        we, volume = self.backup.get_backed_up_volume(account_id, we_id, volume_id)
        snapshot = self.backup.get_volume_snapshot(account_id, we_id, volume_id, snapshot_id)
        if snapshot.ransomware_scan_status == IN_PROGRESS:
            raise BadRequest(f"A ransomware scan of backup {snapshot.name} is already in progress")
        previous = snapshot.ransomware_scan_status
        snapshot.ransomware_scan_status = IN_PROGRESS

        def apply(_job: Job) -> None:
            if volume.backup is None or snapshot not in volume.backup.snapshots:
                raise JobFailed(f"Backup {snapshot.name} of volume {volume.name} no longer exists")
            if self.run_scan(volume, snapshot, previous) == FAILED:
                raise JobFailed(snapshot.ransomware_scan_failure or SCAN_FAILURE.format(name=snapshot.name))

        def failed(job: Job) -> None:
            # An injected failure: the scan did not run to a verdict.
            snapshot.ransomware_scan_status = FAILED if previous != RANSOMWARE_DETECTED else previous
            snapshot.ransomware_scan_failure = job.final_error
            snapshot.last_ransomware_scan_ms = self.clock.now_ms()

        return self.jobs.create(account_id, we.id, jobs.RANSOMWARE_SCAN, on_complete=apply, on_fail=failed,
                                volume_ids=[volume.file_system_id])
