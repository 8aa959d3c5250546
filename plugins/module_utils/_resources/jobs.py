# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Jobs of the Job category: `GET api/v1/job` and `GET api/v1/job/{jobId}`."""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

STATUSES = ("PENDING", "IN_PROGRESS", "COMPLETED", "FAILED")


def list_jobs(client: Any, job_type: str | None = None, status: str | None = None) -> list[dict[str, Any]]:
    body = client.cbs("GET", "v1", "job", query={"type": job_type, "status": status})
    return list((body or {}).get("job") or [])


def get_job(client: Any, job_id: str) -> dict[str, Any] | None:
    body = client.cbs("GET", "v1", "job", job_id, not_found_ok=True)
    jobs = (body or {}).get("job") or []
    return jobs[0] if jobs else None


def to_result(job: dict[str, Any]) -> dict[str, Any]:
    return snake_keys(job)
