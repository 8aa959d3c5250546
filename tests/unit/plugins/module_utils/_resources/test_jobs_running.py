# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""jobs.running_jobs: the jobs a task must follow instead of starting its work again."""

from __future__ import annotations

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def job(job_id, status="IN_PROGRESS", we_id="we-1", volumes=None, time=1000):
    record = {"id": job_id, "working-environment-id": we_id, "type": "backup-volumes", "status": status,
              "error": "", "time": time}
    if volumes is not None:
        record["data"] = {"multi-volume-backup": {"volume": [{"id": v} for v in volumes]}}
    return record


def test_only_unfinished_jobs_of_the_working_environment_count_oldest_first(make_client, fake):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": [
        job("new", "PENDING", time=3000), job("done", "COMPLETED"), job("failed", "FAILED"),
        job("elsewhere", we_id="we-2"), job("old", time=2000)]}))
    found = jobs.running_jobs(make_client(), ["backup-volumes"], "we-1")
    assert [j["id"] for j in found] == ["old", "new"]
    assert fake.calls[0].query == {"type": "backup-volumes"}


def test_a_job_that_names_volumes_counts_only_for_those(make_client, fake):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": [
        job("mine", volumes=["v1", "v2"]), job("others", volumes=["v3"]), job("unnamed")]}))
    found = jobs.running_jobs(make_client(), ["backup-volumes"], "we-1", ["v2"])
    assert [j["id"] for j in found] == ["mine", "unnamed"], "a job that names no volume may be this one's"


def test_each_type_is_asked_for_once(make_client, fake):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": [job("a")]}), reply(200, {"job": []}))
    found = jobs.running_jobs(make_client(), ["backup-volume", "backup-volumes", "backup-volume"], "we-1")
    assert [c.query["type"] for c in fake.calls] == ["backup-volume", "backup-volumes"]
    assert [j["id"] for j in found] == ["a"]
