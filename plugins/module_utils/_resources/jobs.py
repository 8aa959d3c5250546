# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Jobs of the Job category: `GET api/v1/job` and `GET api/v1/job/{jobId}`."""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED")
# What is read of a job (here, by the waiter and by the restores): its ID and status, and in its
# data the per-volume and per-file results and what a restore moved where.
_FILE = Fields(optional={"path": str})
JOB = Fields(required={"id": str, "status": str}, optional={"data": Fields(optional={
    "multi-volume-backup": Fields(optional={"volume": [Fields(optional={"id": str, "status": str})]}),
    "restore": Fields(optional={"type": str, "source": dict, "target": dict, "file": [_FILE],
                                "batch": [Fields(optional={"id": str, "status": str, "file": [_FILE]})]}),
})})


def list_jobs(client: Any, job_type: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    return read(client, "GET", "v1", "job", query={"type": job_type, "status": status}).items("job", JOB)


def get_job(client: Any, job_id: str) -> dict[str, Any] | None:
    answer = read_if_found(client, "GET", "v1", "job", job_id)
    jobs = answer.items("job", JOB) if answer else []
    return jobs[0] if jobs else None


def to_result(job: dict[str, Any]) -> dict[str, Any]:
    return snake_keys(job)
