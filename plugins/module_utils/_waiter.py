# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Follow asynchronous jobs: `202 {"job-id"}` then `GET api/v1/job/{id}` until final.

The poll interval follows the job's expected duration: a job that has run for t seconds is
likely to run for a time of that order again, so the next poll comes after a fixed fraction
of the time waited so far (a tenth by default, never below a quarter second nor above 15 s).
A 3 s job is then seen finished within about 0.3 s of its end, and a one-hour restore is
polled every 15 s, not every second. Several jobs are polled together, side by side over
one connection pool, so waiting for N jobs takes as long as the slowest one, not the sum.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs as job_api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

FINAL_STATES = ("COMPLETED", "FAILED")
# The next poll comes after this fraction of the time waited so far, within these bounds (s).
POLL_FRACTION = 0.1
MIN_INTERVAL = 0.25
MAX_INTERVAL = 15.0


def poll_interval(waited: float, fraction: float = POLL_FRACTION, shortest: float = MIN_INTERVAL,
                  longest: float = MAX_INTERVAL) -> float:
    """Seconds to the next poll after `waited` seconds: a fixed fraction of the job's age so far,
    so that the time between a job's end and its being seen stays a small part of its duration."""
    return max(shortest, min(longest, waited * fraction))


def job_id_of(body: Any) -> str | None:
    """The job id from a 202 answer, or None for a synchronous one.

    Always text: an ID the API sent as a number is still the job's ID, and anything else gets
    "no job with this ID" when it is read.
    """
    job_id = (body.get("job-id") or body.get("jobId")) if isinstance(body, dict) else None
    return str(job_id) if job_id else None


def failed_items(job: dict[str, Any]) -> list[dict[str, Any]]:
    """Per-volume and per-file-batch failures reported inside a job's data."""
    data = job.get("data") or {}
    items = []
    # Raw jobs use the API's kebab-case keys; jobs already returned to a module use snake_case.
    multi = data.get("multi-volume-backup") or data.get("multi_volume_backup") or {}
    for volume in multi.get("volume") or []:
        if volume.get("status") == "FAILED":
            items.append({"volume_id": volume.get("id"), "error": volume.get("error", "")})
    for batch in (data.get("restore") or {}).get("batch") or []:
        if batch.get("status") == "FAILED":
            items.append({"batch_id": batch.get("id"), "error": batch.get("error", ""),
                          "files": [f.get("path") for f in batch.get("file") or []]})
    return items


class JobWaiter:
    def __init__(self, client: Any, sleep: Callable[[float], None] | None = None,
                 clock: Callable[[], float] | None = None, fraction: float = POLL_FRACTION,
                 min_interval: float = MIN_INTERVAL, max_interval: float = MAX_INTERVAL) -> None:
        self._client = client
        # Looked up at call time so that tests patching time.sleep reach every waiter.
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._fraction = fraction
        self._min = min_interval
        self._max = max_interval

    def get(self, job_id: str) -> dict[str, Any]:
        job = job_api.get_job(self._client, job_id)
        if job is None:
            # A job this run started or was told about must exist: its absence is an error, not a state.
            raise NotFoundError(404, "GET", "job/" + job_id,
                                server_message="no job with this ID in the account (none in the answer)")
        return job

    def wait(self, job_ids: Iterable[str], timeout: float, fail_on_failed: bool = True) -> dict[str, dict[str, Any]]:
        """Poll until every job is final; returns the last seen job per id.

        Raises JobTimeoutError naming the unfinished job ids, and JobFailedError for the
        first failed job when `fail_on_failed`.
        """
        pending = list(dict.fromkeys(job_ids))
        seen: dict[str, dict[str, Any]] = {}
        started = self._clock()
        deadline = started + timeout
        while True:
            seen.update(zip(pending, map_concurrently(self.get, pending)))
            for job_id in list(pending):
                job = seen[job_id]
                if job.get("status") in FINAL_STATES:
                    pending.remove(job_id)
                    if fail_on_failed and job.get("status") == "FAILED":
                        raise job_failed(job)
            if not pending:
                return seen
            now = self._clock()
            remaining = deadline - now
            if remaining <= 0:
                statuses = ", ".join(str(seen[j].get("status")) for j in pending)
                message = ("Timed out after {0} s waiting for job(s) {1} (last status {2}). The work goes on in "
                           "BlueXP: follow it with bluexp.cloud_backup.job_info and job_ids={1}, wait=true.")
                raise JobTimeoutError(message.format(int(timeout), ", ".join(pending), statuses),
                                      job_ids=pending, jobs=[snake_keys(seen[j]) for j in pending])
            self._sleep(min(poll_interval(now - started, self._fraction, self._min, self._max), remaining))


def job_failed(job: dict[str, Any]) -> JobFailedError:
    items = failed_items(job)
    msg = "Job {0} ({1}) failed: {2}".format(
        job.get("id"), job.get("type") or "unknown type", job.get("error") or "no error message was given")
    if items:
        msg += " Failed items: " + "; ".join(
            "{0}: {1}".format(i.get("volume_id") or i.get("batch_id"), i.get("error")) for i in items)
    return JobFailedError(msg, job_id=job.get("id"), job=snake_keys(job), failed_items=items or None)


WRITE_ACCEPTED = "The write was accepted; run the task again later to see it."


def wait_until(read: Callable[[], Any], timeout: float, what: str, sleep: Callable[[float], None] | None = None,
               clock: Callable[[], float] | None = None, first_interval: float = 1.0,
               max_interval: float = 15.0, after: str = WRITE_ACCEPTED) -> Any:
    """Call `read` until it returns something truthy, with the job poll's backoff.

    For synchronous writes whose result shows up in a listing a moment later; raises
    JobTimeoutError saying `what` was awaited, then `after`.
    """
    sleep = sleep or time.sleep
    clock = clock or time.monotonic
    deadline = clock() + timeout
    interval = first_interval
    while True:
        found = read()
        if found:
            return found
        remaining = deadline - clock()
        if remaining <= 0:
            raise JobTimeoutError("Timed out after {0} s waiting for {1}. {2}".format(int(timeout), what, after))
        sleep(min(interval, remaining))
        interval = min(max_interval, interval * 1.5)
