# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Job category handlers: parse, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import NotFound
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import query_str

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def list_jobs(emulator: Emulator, request: Request) -> Response:
    account = request.params["accountId"]
    jobs = emulator.jobs.list_jobs(account, type=query_str(request, "type"), status=query_str(request, "status"))
    # A Connector knows the jobs of its own working environments.
    jobs = [job for job in jobs if emulator.working_environments.serves_id(account, job.working_environment_id)]
    for job in jobs:
        emulator.jobs.observe(job)
    now = emulator.clock.now()
    return json_response({"job": [job.to_dict(now) for job in jobs]})


def get_job(emulator: Emulator, request: Request) -> Response:
    account = request.params["accountId"]
    job = emulator.jobs.get_job(account, request.params["jobId"])
    if not emulator.working_environments.serves_id(account, job.working_environment_id):
        raise NotFound(f"Job {job.id} not found")
    emulator.jobs.observe(job)
    # The API answers with an array even for one id.
    return json_response({"job": [job.to_dict(emulator.clock.now())]})
