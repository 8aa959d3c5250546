#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: job_info
short_description: Read, and optionally wait for, BlueXP backup and recovery jobs
version_added: 0.1.0
description:
  - Returns one job, a list of jobs, or the jobs that match a filter, from the Job category of the
    BlueXP backup and recovery API.
  - With O(wait=true) it polls the jobs together until every one of them is C(COMPLETED) or C(FAILED).
    This is how a playbook picks up a job that another task started with O(wait=false), or that
    timed out.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  job_ids:
    description:
      - IDs of the jobs to return. Each must exist; the module fails naming those that do not.
      - Mutually exclusive with O(status) and O(type).
    type: list
    elements: str
    aliases: [job_id, id]
  status:
    description:
      - Only return jobs in this state (filtered by the API).
    type: str
    choices: [PENDING, IN_PROGRESS, COMPLETED, FAILED]
  type:
    description:
      - Only return jobs of this type (filtered by the API), for example C(backup-working-environment).
    type: str
  working_environment_id:
    description:
      - Only return jobs of this working environment.
    type: str
  wait:
    description:
      - Wait until every returned job is C(COMPLETED) or C(FAILED).
      - With a filter, the jobs that match it when the module starts are waited for.
    type: bool
    default: false
  wait_timeout:
    description:
      - Seconds to wait with O(wait=true). On timeout the module fails naming the unfinished jobs.
    type: int
    default: 1800
  fail_on_failed:
    description:
      - Fail the task when a returned job is C(FAILED), with the job's error and its failed items.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.working_environment_info
"""

EXAMPLES = r"""
---
- name: Follow a job that an earlier task started without waiting
  bluexp.cloud_backup.job_info:
    job_ids: "{{ started.job_id }}"
    wait: true
    wait_timeout: 3600
    fail_on_failed: true
  register: finished

- name: Jobs that failed in the account
  bluexp.cloud_backup.job_info:
    status: FAILED
  register: failed_jobs

- name: Show them
  ansible.builtin.debug:
    msg: "{{ failed_jobs.jobs | map(attribute='error') | list }}"
"""

RETURN = r"""
jobs:
  description: The jobs, with the API's field names in snake_case. Always a list.
  returned: always
  type: list
  elements: dict
  sample:
    - id: 1b34b6f6-8f43-40fb-9a52-485b0dfe893a
      working_environment_id: VsaWorkingEnvironment-99hPYEgk
      type: backup-working-environment
      status: COMPLETED
      error: ""
      time: 1651852160000
  contains:
    id:
      description: Job ID.
      type: str
      sample: 1b34b6f6-8f43-40fb-9a52-485b0dfe893a
    working_environment_id:
      description: The working environment the job works on.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
    type:
      description: The kind of job.
      type: str
      sample: backup-working-environment
    status:
      description: One of C(PENDING), C(IN_PROGRESS), C(COMPLETED), C(FAILED).
      type: str
      sample: COMPLETED
    error:
      description: Error message of a failed job; empty otherwise.
      type: str
      sample: ""
    time:
      description: When the job was created, in milliseconds since the epoch.
      type: int
      sample: 1651852160000
    data:
      description: Per-item results of batch jobs (C(multi_volume_backup.volume), C(restore.batch)).
      type: dict
      returned: when the API provides it
      sample:
        multi_volume_backup:
          volume:
            - id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
              status: SUCCESS
              error: ""
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(job_failed) (O(fail_on_failed=true) and a job failed), V(job_timeout) (O(wait=true) and a job did not
      end within O(wait_timeout); it goes on), V(not_found) (no job with an ID of O(job_ids)), V(invalid_option),
      V(api_error), V(auth_failed), V(transport_error), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: job_timeout
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import SECONDS
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs as job_api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import FINAL_STATES, JobWaiter, job_failed

ARGUMENT_SPEC = dict(
    job_ids=dict(type="list", elements="str", aliases=["job_id", "id"]),
    status=dict(type="str", choices=list(job_api.STATUSES)),
    type=dict(type="str"),
    working_environment_id=dict(type="str"),
    wait=dict(type="bool", default=False),
    wait_timeout=dict(type=SECONDS, default=1800),
    fail_on_failed=dict(type="bool", default=False),
)


def gather(client, params):
    ids = list(dict.fromkeys(params["job_ids"] or []))
    if ids:
        # Side by side: a fleet-wide wait hands over one job per host.
        found = dict(zip(ids, map_concurrently(lambda job_id: job_api.get_job(client, job_id), ids)))
        missing = [job_id for job_id, job in found.items() if job is None]
        if missing:
            raise ConfigurationError("job_ids: no job with ID {0} in account {1}.".format(
                ", ".join(missing), client.account_id), option="job_ids", code="not_found", missing=missing)
        jobs = list(found.values())
    else:
        jobs = job_api.list_jobs(client, params["type"], params["status"])
    if params["working_environment_id"]:
        jobs = [j for j in jobs if j.get("working-environment-id") == params["working_environment_id"]]

    if params["wait"]:
        running = [j["id"] for j in jobs if j.get("status") not in FINAL_STATES]
        if running:
            latest = JobWaiter(client).wait(running, params["wait_timeout"], fail_on_failed=False)
            jobs = [latest.get(j["id"], j) for j in jobs]
    if params["fail_on_failed"]:
        for job in jobs:
            if job.get("status") == "FAILED":
                raise job_failed(job)
    return [job_api.to_result(j) for j in jobs]


def main():
    module = create_module(ARGUMENT_SPEC, mutually_exclusive=[("job_ids", "status"), ("job_ids", "type")])
    try:
        jobs = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, jobs=jobs)


if __name__ == "__main__":
    main()
