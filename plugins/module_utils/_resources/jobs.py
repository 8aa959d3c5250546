# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Jobs of the Job category: `GET api/v1/job` and `GET api/v1/job/{jobId}`."""

from __future__ import annotations

from typing import Any, Iterable

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


# Job types. The API documents the `type` field but, of its values, only `backup-working-environment`;
# the others are the kebab-case names of their operations that this collection assumes (its emulator
# uses them). A type the server names otherwise is simply not found: the task then behaves as if no
# job of that kind ran, as it did before it looked.
BACKUP_WORKING_ENVIRONMENT = "backup-working-environment"
MODIFY_WORKING_ENVIRONMENT = "modify-working-environment"
UNREGISTER_WORKING_ENVIRONMENT = "unregister-working-environment"
DELETE_WORKING_ENVIRONMENT_BACKUPS = "delete-working-environment-backups"
BACKUP_VOLUME = "backup-volume"
BACKUP_VOLUMES = "backup-volumes"
ADHOC_BACKUP = "adhoc-backup"
MODIFY_VOLUMES = "modify-volumes"
REMOVE_VOLUME_BACKUP = "remove-volume-backup"
DELETE_VOLUME_BACKUPS = "delete-volume-backups"
RANSOMWARE_SCAN = "ransomware-scan"
CATALOG_SETUP = "catalog-setup"
RUNNING = ("PENDING", "IN_PROGRESS")


def named_volumes(job: dict[str, Any]) -> list[str]:
    """The volumes a job names: only multi-volume jobs do, in `data.multi-volume-backup.volume[].id`."""
    entries = (((job.get("data") or {}).get("multi-volume-backup") or {}).get("volume")) or []
    return [str(entry.get("id")) for entry in entries if isinstance(entry, dict) and entry.get("id")]


def running_jobs(client: Any, job_types: Iterable[str], we_id: str,
                 volume_ids: Iterable[str] | None = None) -> list[dict[str, Any]]:
    """Jobs of these types on this working environment that have not ended, oldest first: work a task
    must follow rather than start a second time.

    A job record names its working environment (`working-environment-id`) and, for multi-volume work
    only, its volumes. With `volume_ids`, a job that names volumes counts when it names one of them;
    a job that names none counts too, since it may be working on one of them.
    """
    wanted = set(volume_ids) if volume_ids is not None else None
    found = []
    for job_type in dict.fromkeys(job_types):
        for job in list_jobs(client, job_type):
            if job.get("status") not in RUNNING or job.get("working-environment-id") != we_id:
                continue
            named = named_volumes(job)
            if wanted is None or not named or wanted.intersection(named):
                found.append(job)
    return sorted(found, key=lambda job: job.get("time") or 0)
