# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError, UnexpectedAnswerError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

JOB = {"id": "j-1", "working-environment-id": "we-1", "type": "backup-working-environment",
       "status": "COMPLETED", "error": "", "time": 1651852160000,
       "data": {"multi-volume-backup": {"volume": [{"id": "v1", "status": "SUCCESS", "error": ""}]}}}


@pytest.mark.parametrize("job_type, status, query", [
    (None, None, {}),
    ("backup-working-environment", None, {"type": "backup-working-environment"}),
    (None, "FAILED", {"status": "FAILED"}),
    ("restore-file", "IN_PROGRESS", {"type": "restore-file", "status": "IN_PROGRESS"}),
])
def test_list_jobs_passes_filters_to_the_api(make_client, fake, job_type, status, query):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": [JOB]}))
    assert jobs.list_jobs(make_client(), job_type, status) == [JOB]
    assert fake.calls[0].query == query


def test_list_jobs_empty(make_client, fake):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": []}))
    assert jobs.list_jobs(make_client()) == []


@pytest.mark.parametrize("raw", [b"", b"null", b"{}", b'{"job": null}', b"[]", b'{"job": [{"id": "j-1"}]}',
                                 b'{"job": [{"id": 7, "status": "COMPLETED"}]}',
                                 b'{"job": [{"id": "j-1", "status": "FAILED", "data": "disk full"}]}'])
def test_a_job_list_of_another_shape_is_no_empty_list(make_client, fake, raw):
    fake.add("GET", cbs_path("v1", "job"), reply(200, raw=raw))
    with pytest.raises(UnexpectedAnswerError) as info:
        jobs.list_jobs(make_client())
    assert info.value.code == "unexpected_answer"
    assert info.value.msg.startswith("GET " + cbs_path("v1", "job") + " answered with an unexpected shape: expected ")


def test_get_job_returns_the_first_element(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", "j-1"), reply(200, {"job": [JOB]}))
    assert jobs.get_job(make_client(), "j-1") == JOB


@pytest.mark.parametrize("answer", [reply(404, {"message": "job not found"}), reply(200, {"job": []})])
def test_get_job_absent(make_client, fake, answer):
    fake.add("GET", cbs_path("v1", "job", "nope"), answer)
    assert jobs.get_job(make_client(), "nope") is None


@pytest.mark.parametrize("answer", [reply(200), reply(200, {}), reply(200, {"job": {"id": "j-1"}}),
                                    reply(200, {"job": ["j-1"]})])
def test_a_job_answer_of_another_shape_is_no_absent_job(make_client, fake, answer):
    fake.add("GET", cbs_path("v1", "job", "j-1"), answer)
    with pytest.raises(UnexpectedAnswerError, match="job/j-1 answered with an unexpected shape"):
        jobs.get_job(make_client(), "j-1")


def test_get_job_other_errors_are_raised(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", "j-1"), reply(400, {"message": "bad job id"}))
    with pytest.raises(ApiError):
        jobs.get_job(make_client(), "j-1")


def test_to_result_is_snake_case():
    result = jobs.to_result(JOB)
    assert result["working_environment_id"] == "we-1"
    assert result["data"]["multi_volume_backup"]["volume"][0]["id"] == "v1"
    assert result["time"] == 1651852160000
