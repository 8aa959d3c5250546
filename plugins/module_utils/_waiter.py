# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Follow asynchronous jobs: `202 {"job-id"}` then `GET api/v1/job/{id}` until final.

The poll interval starts short (most jobs finish in seconds) and backs off so that a
long restore does not hammer the Connector. Several jobs are polled together in one
loop, so waiting for N jobs takes as long as the slowest one, not the sum.
"""

from __future__ import annotations

import time
from typing import Any, Callable, Iterable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs as job_api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

FINAL_STATES = ("COMPLETED", "FAILED")


def job_id_of(body: Any) -> str | None:
    """The job id from a 202 answer, or None for a synchronous one."""
    if isinstance(body, dict):
        return body.get("job-id") or body.get("jobId")
    return None


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
                 clock: Callable[[], float] | None = None, first_interval: float = 1.0,
                 max_interval: float = 15.0, factor: float = 1.5) -> None:
        self._client = client
        # Looked up at call time so that tests patching time.sleep reach every waiter.
        self._sleep = sleep or time.sleep
        self._clock = clock or time.monotonic
        self._first = first_interval
        self._max = max_interval
        self._factor = factor

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
        deadline = self._clock() + timeout
        interval = self._first
        while True:
            for job_id in list(pending):
                job = self.get(job_id)
                seen[job_id] = job
                if job.get("status") in FINAL_STATES:
                    pending.remove(job_id)
                    if fail_on_failed and job.get("status") == "FAILED":
                        raise job_failed(job)
            if not pending:
                return seen
            remaining = deadline - self._clock()
            if remaining <= 0:
                statuses = ", ".join(str(seen[j].get("status")) for j in pending)
                message = ("Timed out after {0} s waiting for job(s) {1} (last status {2}). The work goes on in "
                           "BlueXP: follow it with bluexp.cloud_backup.job_info and job_ids={1}, wait=true.")
                raise JobTimeoutError(message.format(int(timeout), ", ".join(pending), statuses),
                                      job_ids=pending, jobs=[snake_keys(seen[j]) for j in pending])
            self._sleep(min(interval, remaining))
            interval = min(self._max, interval * self._factor)


def job_failed(job: dict[str, Any]) -> JobFailedError:
    items = failed_items(job)
    msg = "Job {0} ({1}) failed: {2}".format(
        job.get("id"), job.get("type") or "unknown type", job.get("error") or "no error message was given")
    if items:
        msg += " Failed items: " + "; ".join(
            "{0}: {1}".format(i.get("volume_id") or i.get("batch_id"), i.get("error")) for i in items)
    return JobFailedError(msg, job_id=job.get("id"), job=snake_keys(job), failed_items=items or None)


def wait_until(read: Callable[[], Any], timeout: float, what: str, sleep: Callable[[float], None] | None = None,
               clock: Callable[[], float] | None = None, first_interval: float = 1.0,
               max_interval: float = 15.0) -> Any:
    """Call `read` until it returns something truthy, with the job poll's backoff.

    For synchronous writes whose result shows up in a listing a moment later; raises
    JobTimeoutError saying `what` was awaited.
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
            raise JobTimeoutError("Timed out after {0} s waiting for {1}. The write was accepted; run the task "
                                  "again later to see it.".format(int(timeout), what))
        sleep(min(interval, remaining))
        interval = min(max_interval, interval * 1.5)
