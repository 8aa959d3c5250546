# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Asynchronous jobs.

A job's status follows the clock: PENDING for the first quarter of its duration, then
IN_PROGRESS, then COMPLETED or FAILED once the duration has elapsed (a "stuck" job stays
IN_PROGRESS). The terminal state is *settled* lazily by ``tick()``, which the emulator runs
before serving any request, so a write operation's ``on_complete`` effect is visible no
later than the first response that reports the job as COMPLETED.
"""
from __future__ import annotations

import copy
import itertools
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.core.ids import IdGenerator

PENDING = "PENDING"
IN_PROGRESS = "IN_PROGRESS"
COMPLETED = "COMPLETED"
FAILED = "FAILED"
STATUSES = (PENDING, IN_PROGRESS, COMPLETED, FAILED)

COMPLETE = "complete"
FAIL = "fail"
STUCK = "stuck"
HOLD = "pending"  # never leaves PENDING
OUTCOMES = (COMPLETE, FAIL, STUCK, HOLD)

# Job type names. Only the first is documented by NetApp; the rest are emulator choices
# (stable kebab-case), listed in the README.
BACKUP_WORKING_ENVIRONMENT = "backup-working-environment"
MODIFY_WORKING_ENVIRONMENT = "modify-working-environment"
UNREGISTER_WORKING_ENVIRONMENT = "unregister-working-environment"
BACKUP_VOLUMES = "backup-volumes"
BACKUP_VOLUME = "backup-volume"
ADHOC_BACKUP = "adhoc-backup"
MODIFY_VOLUMES = "modify-volumes"
REMOVE_VOLUME_BACKUP = "remove-volume-backup"
DELETE_VOLUME_BACKUPS = "delete-volume-backups"
DELETE_WORKING_ENVIRONMENT_BACKUPS = "delete-working-environment-backups"
RESTORE_VOLUME = "restore-volume"
RESTORE_FILES = "restore-files"
RANSOMWARE_SCAN = "ransomware-scan"
FILE_EXPLORE = "file-explore"
CONFIGURE_OBJECT_STORE = "configure-object-store"
CATALOG_SETUP = "catalog-setup"
CATALOG_INDEX = "catalog-index"
RESTORE_TYPES = (RESTORE_VOLUME, RESTORE_FILES)
JOB_TYPES = (
    BACKUP_WORKING_ENVIRONMENT, MODIFY_WORKING_ENVIRONMENT, UNREGISTER_WORKING_ENVIRONMENT,
    BACKUP_VOLUMES, BACKUP_VOLUME, ADHOC_BACKUP, MODIFY_VOLUMES, REMOVE_VOLUME_BACKUP, DELETE_VOLUME_BACKUPS,
    DELETE_WORKING_ENVIRONMENT_BACKUPS, RESTORE_VOLUME, RESTORE_FILES, RANSOMWARE_SCAN,
    FILE_EXPLORE, CONFIGURE_OBJECT_STORE, CATALOG_SETUP, CATALOG_INDEX,
)
DEFAULT_FAILURE = "The operation failed"


class JobFailed(Exception):
    """Raised by an ``on_complete`` callback to turn the job into FAILED with this message;
    ``failed_volumes`` names the entries of a multi-volume job that failed (default: all)."""

    def __init__(self, message: str, failed_volumes: Iterable[str] | None = None) -> None:
        super().__init__(message)
        self.failed_volumes = frozenset(failed_volumes) if failed_volumes is not None else None


@dataclass
class Job:
    id: str
    account_id: str
    working_environment_id: str
    type: str
    created_at: float
    duration: float
    outcome: str = COMPLETE
    error: str = ""
    data: dict[str, Any] | None = None
    failed_volumes: frozenset[str] | None = None
    # The volumes the job works on, as the operation that made it knew them. Not in the API's job record
    # (it names volumes of multi-volume jobs only); the control API shows it, for checks of duplicate work.
    volume_ids: frozenset[str] = frozenset()
    on_complete: Callable[[Job], None] | None = field(default=None, repr=False)
    on_fail: Callable[[Job], None] | None = field(default=None, repr=False)
    # Volumes a job fault forces to fail in a multi-volume job: id -> error.
    forced_failures: dict[str, str] = field(default_factory=dict)
    final_status: str | None = None
    final_error: str = ""
    # Emulator time of the first API answer that showed the job final (see JobsBackend.observe).
    seen_final_at: float | None = None
    # Whether an answer showed the job still running: someone was waiting for it before its end.
    seen_running: bool = False

    @property
    def ends_at(self) -> float:
        """When the job's time is up: its terminal state is due from then on."""
        return self.created_at + self.duration

    def phase(self, now: float) -> str:
        """Status by elapsed time alone (terminal only once the duration is over)."""
        elapsed = now - self.created_at
        if self.outcome == HOLD or elapsed < self.duration * 0.25:
            return PENDING
        if self.outcome == STUCK or elapsed < self.duration:
            return IN_PROGRESS
        return FAILED if self.outcome == FAIL else COMPLETED

    def visible_status(self, now: float) -> str:
        """Never report a terminal state before it is settled (and its effect applied)."""
        if self.final_status:
            return self.final_status
        phase = self.phase(now)
        return IN_PROGRESS if phase in (COMPLETED, FAILED) else phase

    def settle(self) -> None:
        if self.outcome == FAIL:
            self._finish(FAILED, self.error or DEFAULT_FAILURE)
            if self.on_fail is not None:
                self.on_fail(self)  # undo what the request prepared (e.g. a pending status)
            return
        try:
            if self.on_complete is not None:
                self.on_complete(self)
        except JobFailed as exc:
            if exc.failed_volumes is not None:
                self.failed_volumes = exc.failed_volumes
            self._finish(FAILED, str(exc) or DEFAULT_FAILURE)
            return
        self._finish(COMPLETED, "")

    def _finish(self, status: str, error: str) -> None:
        self.final_status = status
        self.final_error = error
        volumes = ((self.data or {}).get("multi-volume-backup") or {}).get("volume")
        if not isinstance(volumes, list):
            return
        for entry in volumes:
            if "status" in entry:
                continue  # already decided by on_complete
            failed = status == FAILED and (self.failed_volumes is None or entry.get("id") in self.failed_volumes)
            entry["status"] = FAILED if failed else "SUCCESS"
            entry["error"] = error if failed else ""

    def to_dict(self, now: float) -> dict[str, Any]:
        data: dict[str, Any] = {
            "id": self.id,
            "working-environment-id": self.working_environment_id,
            "type": self.type,
            "status": self.visible_status(now),
            "error": self.final_error,
            "time": int(self.created_at * 1000),
        }
        if self.data is not None:
            data["data"] = copy.deepcopy(self.data)  # serialised outside the lock
            _follow_batches(data["data"], data["status"])
        return data


def _follow_batches(data: dict[str, Any], status: str) -> None:
    """Restore batches not yet decided show the job's own progress."""
    for batch in ((data.get("restore") or {}).get("batch") or []):
        if batch.get("status") == PENDING and status == IN_PROGRESS:
            batch["status"] = IN_PROGRESS


def multi_volume_data(volume_ids: Iterable[str]) -> dict[str, Any]:
    """``data`` of a multi-volume job; per-volume results are filled in when it ends."""
    return {"multi-volume-backup": {"volume": [{"id": volume_id} for volume_id in volume_ids]}}


def set_volume_result(job: Job, volume_id: str, error: str = "") -> None:
    """Record one volume's outcome in a multi-volume job (an empty error means SUCCESS)."""
    for entry in ((job.data or {}).get("multi-volume-backup") or {}).get("volume") or []:
        if entry.get("id") == volume_id:
            entry["status"] = FAILED if error else "SUCCESS"
            entry["error"] = error


_JOB_FAULT_FIELDS = {"job_type", "working_environment_id", "volume_id", "path", "outcome", "error", "count"}


@dataclass
class JobFault:
    """Makes the next matching job(s) fail or hang; with ``volume_id`` in a multi-volume job,
    only that volume fails and the others go through; with ``path`` in a file restore, only
    the entry of that path fails."""

    id: str
    job_type: str | None = None
    working_environment_id: str | None = None
    volume_id: str | None = None
    path: str | None = None
    outcome: str = FAIL
    error: str = ""
    count: int = 1
    fired: int = 0

    def matches(self, type: str, we_id: str, volume_ids: frozenset[str],  # noqa: A002 - API name
                paths: frozenset[str] = frozenset()) -> bool:
        return (self.count > 0 and (self.job_type is None or self.job_type == type)
                and (self.working_environment_id is None or self.working_environment_id == we_id)
                and (self.volume_id is None or self.volume_id in volume_ids)
                and (self.path is None or self.path in paths))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "job_type": self.job_type, "working_environment_id": self.working_environment_id,
                "volume_id": self.volume_id, "path": self.path, "outcome": self.outcome, "error": self.error,
                "count": self.count, "fired": self.fired}


def parse_job_fault(payload: Any, fault_id: str) -> JobFault:
    """Strict, so a typo in a test's fault definition fails loudly instead of never matching."""
    if not isinstance(payload, dict):
        raise BadRequest("job fault definition must be a JSON object")
    unknown = set(payload) - _JOB_FAULT_FIELDS
    if unknown:
        raise BadRequest(f"unknown job fault fields: {', '.join(sorted(unknown))}")
    for name in ("job_type", "working_environment_id", "volume_id", "path", "error"):
        if payload.get(name) is not None and not isinstance(payload[name], str):
            raise BadRequest(f"job fault field '{name}' must be a string")
    outcome = payload.get("outcome", FAIL)
    if outcome not in (FAIL, STUCK):
        raise BadRequest(f"job fault field 'outcome' must be one of {FAIL}, {STUCK}")
    count = payload.get("count", 1)
    if isinstance(count, str) and count.isdigit():
        count = int(count)
    if isinstance(count, bool) or not isinstance(count, int) or count < 1:
        raise BadRequest("job fault field 'count' must be an integer >= 1")
    return JobFault(id=fault_id, job_type=payload.get("job_type"),
                    working_environment_id=payload.get("working_environment_id"),
                    volume_id=payload.get("volume_id"), path=payload.get("path"), outcome=outcome,
                    error=payload.get("error") or "", count=count)


class JobsBackend:
    def __init__(self, clock: Clock, ids: IdGenerator, default_duration: Callable[[], float]) -> None:
        self.clock = clock
        self.ids = ids
        self._default_duration = default_duration
        self._jobs: dict[str, Job] = {}
        self._faults: list[JobFault] = []
        self._fault_ids = itertools.count(1)
        self._end_to_seen: list[float] = []
        self._end_to_seen_waited: list[float] = []
        self._lock = threading.RLock()

    def default_duration(self) -> float:
        return self._default_duration()

    def reset(self, ids: IdGenerator) -> None:
        with self._lock:
            self.ids = ids
            self._jobs.clear()
            self.clear_faults()
            self._fault_ids = itertools.count(1)
            self._end_to_seen = []
            self._end_to_seen_waited = []

    # -- job faults ----------------------------------------------------------------------
    def add_fault(self, payload: Any) -> JobFault:
        with self._lock:
            fault = parse_job_fault(payload, "")
            fault.id = f"job-fault-{next(self._fault_ids)}"  # only accepted faults use a number
            self._faults.append(fault)
            return fault

    def list_faults(self) -> list[JobFault]:
        with self._lock:
            return list(self._faults)

    def clear_faults(self) -> int:
        with self._lock:
            count = len(self._faults)
            self._faults = []
            return count

    def _take_fault(self, type: str, we_id: str, volume_ids: frozenset[str],  # noqa: A002
                    paths: frozenset[str]) -> JobFault | None:
        for fault in self._faults:
            if fault.matches(type, we_id, volume_ids, paths):
                fault.count -= 1
                fault.fired += 1
                return fault
        return None

    def _take_item_fault(self, type: str, we_id: str, volume_ids: frozenset[str],  # noqa: A002
                         paths: frozenset[str]) -> JobFault | None:
        """A fault that fails one volume or one restored path of those still going through."""
        for fault in self._faults:
            if ((fault.volume_id is not None or fault.path is not None) and fault.outcome == FAIL
                    and fault.matches(type, we_id, volume_ids, paths)):
                fault.count -= 1
                fault.fired += 1
                return fault
        return None

    def create(self, account_id: str, working_environment_id: str, type: str, *,  # noqa: A002 - API name
               duration: float | None = None, outcome: str = COMPLETE, error: str = "",
               data: dict[str, Any] | None = None, on_complete: Callable[[Job], None] | None = None,
               on_fail: Callable[[Job], None] | None = None, failed_volumes: Iterable[str] | None = None,
               volume_ids: Iterable[str] = (), paths: Iterable[str] = (), created_at: float | None = None,
               faults: bool = True) -> Job:
        """Register a job. Write operations call this and return ``{"job-id": job.id}``.

        ``on_complete`` applies the operation's state change when the job completes; it may
        raise ``JobFailed`` to fail the job instead. ``on_fail`` runs when the job fails
        without ``on_complete`` having run (an injected outcome). ``failed_volumes`` limits
        which entries of a multi-volume job fail (default: all of them). ``volume_ids`` are
        the volumes the job works on and ``paths`` the entries a file restore copies, matched
        against job faults (``faults=False`` skips them, for jobs whose outcome is already chosen).
        """
        if outcome not in OUTCOMES:
            raise ValueError(f"unknown job outcome {outcome!r}")
        with self._lock:
            job = Job(
                id=self.ids.uuid(), account_id=account_id, working_environment_id=working_environment_id,
                type=type, created_at=self.clock.now() if created_at is None else created_at,
                duration=self._default_duration() if duration is None else max(0.0, duration),
                outcome=outcome, error=error, data=data, on_complete=on_complete, on_fail=on_fail,
                failed_volumes=frozenset(failed_volumes) if failed_volumes is not None else None,
                volume_ids=frozenset(volume_ids),
            )
            volume_ids, paths = job.volume_ids, frozenset(paths)
            fault = self._take_fault(type, working_environment_id, volume_ids, paths) if faults else None
            if fault is not None:
                self._apply_fault(job, fault)
            # Each further fault of one volume (multi-volume job) or one path (file restore) applies too.
            while job.forced_failures:
                fault = self._take_item_fault(type, working_environment_id, volume_ids - set(job.forced_failures),
                                              paths - set(job.forced_failures))
                if fault is None:
                    break
                self._apply_fault(job, fault)
            self._jobs[job.id] = job
            now = self.clock.now()
            self._settle_due(job, now)
            if job.final_status is not None:
                job.seen_final_at = now  # over when made (seeded history): nobody waited for it, never counted
            return job

    @staticmethod
    def _apply_fault(job: Job, fault: JobFault) -> None:
        multi = ((job.data or {}).get("multi-volume-backup") or {}).get("volume")
        if fault.volume_id is not None and fault.outcome == FAIL and isinstance(multi, list):
            job.forced_failures[fault.volume_id] = fault.error or f"Injected failure for volume {fault.volume_id}"
            return
        batches = ((job.data or {}).get("restore") or {}).get("batch")
        if fault.path is not None and fault.outcome == FAIL and isinstance(batches, list):
            job.forced_failures[fault.path] = fault.error or f"Injected failure for {fault.path}"
            return
        job.outcome = fault.outcome
        job.error = fault.error or DEFAULT_FAILURE

    def unfinished(self, account_id: str, we_id: str, types: Iterable[str]) -> list[Job]:
        """Jobs of these types on this WE that have not ended (stuck ones included)."""
        wanted = set(types)
        with self._lock:
            return [j for j in self._jobs.values() if j.account_id == account_id and j.working_environment_id == we_id
                    and j.type in wanted and j.final_status is None]

    def _settle_due(self, job: Job, now: float) -> None:
        if job.final_status is None and job.phase(now) in (COMPLETED, FAILED):
            job.settle()

    def tick(self) -> None:
        """Settle every job whose time is up (runs ``on_complete`` callbacks)."""
        now = self.clock.now()
        with self._lock:
            for job in list(self._jobs.values()):
                self._settle_due(job, now)

    def list_jobs(self, account_id: str, type: str | None = None,  # noqa: A002 - API name
                  status: str | None = None) -> list[Job]:
        """Newest first; ``type`` and ``status`` are exact matches (status case-insensitive)."""
        self.tick()
        now = self.clock.now()
        with self._lock:
            jobs = [j for j in self._jobs.values() if j.account_id == account_id
                    and (type is None or j.type == type)
                    and (status is None or j.visible_status(now) == status.upper())]
        return sorted(jobs, key=lambda j: j.created_at, reverse=True)

    def get_job(self, account_id: str, job_id: str) -> Job:
        self.tick()
        with self._lock:
            job = self._jobs.get(job_id)
        if job is None or job.account_id != account_id:
            raise NotFound(f"Job {job_id} not found")
        return job

    # -- how soon clients see a job end ------------------------------------------------------
    def observe(self, job: Job) -> None:
        """An API answer (a GET) is about to show this job: the first time it shows it final, record
        how long after the job's end that was, in emulator seconds. A client polling a job learns
        of its end only then, so this measures the client's polling, not the job."""
        with self._lock:
            if job.final_status is None:
                job.seen_running = True
                return
            if job.seen_final_at is not None:
                return
            job.seen_final_at = self.clock.now()
            lag = round(max(0.0, job.seen_final_at - job.ends_at), 3)
            self._end_to_seen.append(lag)
            if job.seen_running:
                self._end_to_seen_waited.append(lag)

    def end_to_seen(self) -> list[float]:
        """Seconds from each job's end to the first answer that showed it final, in the order seen."""
        with self._lock:
            return list(self._end_to_seen)

    def end_to_seen_waited(self) -> list[float]:
        """The same, only for jobs an answer had shown still running: the lag of a client that was
        already polling when the job ended (a job first asked about after its end adds how late it
        was asked, which is the flow's doing, not the polling's)."""
        with self._lock:
            return list(self._end_to_seen_waited)

    def clear_end_to_seen(self) -> None:
        with self._lock:
            self._end_to_seen = []
            self._end_to_seen_waited = []

    def all_jobs(self) -> list[Job]:
        with self._lock:
            return list(self._jobs.values())
