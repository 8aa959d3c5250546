# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import functools
import types

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _runner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import JobFailedError, JobTimeoutError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def module(check_mode=False, diff=False):
    return types.SimpleNamespace(check_mode=check_mode, _diff=diff)


def job(job_id, status, **extra):
    record = {"id": job_id, "type": "backup-multiple-volumes", "status": status, "error": "",
              "time": 1651852160000, "working-environment-id": "we-1"}
    record.update(extra)
    return reply(200, {"job": [record]})


@pytest.fixture
def waiter(clock):
    return functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic)


# --- Outcome --------------------------------------------------------------------------------------

def test_outcome_starts_unchanged_with_no_resource():
    assert Outcome(module(), "policy").result() == {"changed": False, "policy": None}


def test_outcome_reports_after_and_extra():
    outcome = Outcome(module(), "volumes")
    outcome.changed = True
    outcome.before = [{"id": "v", "state": "unprotected"}]
    outcome.after = [{"id": "v", "state": "protected"}]
    outcome.extra.update(jobs=[{"id": "j"}], working_environment_id="we-1")
    assert outcome.result() == {"changed": True, "volumes": [{"id": "v", "state": "protected"}],
                                "jobs": [{"id": "j"}], "working_environment_id": "we-1"}


@pytest.mark.parametrize("before, after, expected", [
    (None, {"name": "p"}, {"before": {}, "after": {"name": "p"}}),
    ({"name": "p"}, None, {"before": {"name": "p"}, "after": {}}),
    ({"a": 1}, {"a": 2}, {"before": {"a": 1}, "after": {"a": 2}}),
    ([], [], {"before": [], "after": []}),
    (None, None, {"before": {}, "after": {}}),
], ids=["created", "deleted", "changed", "empty lists kept", "nothing"])
def test_diff_only_in_diff_mode(before, after, expected):
    outcome = Outcome(module(diff=True), "x")
    outcome.before, outcome.after = before, after
    assert outcome.result()["diff"] == expected
    plain = Outcome(module(diff=False), "x")
    plain.before, plain.after = before, after
    assert "diff" not in plain.result()


@pytest.mark.parametrize("check_mode", [True, False, None, 1])
def test_check_mode_is_a_bool(check_mode):
    assert Outcome(module(check_mode=check_mode), "x").check_mode is bool(check_mode)


# --- follow_job -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [None, {}, {"state": "SUCCESS"}, {"name": "gold"}, "text", []])
def test_synchronous_answer_has_no_job(make_client, fake, body):
    assert follow_job(make_client(), body, {"wait": True}) is None
    assert fake.calls == []


@pytest.mark.parametrize("body", [{"job-id": "j-1"}, {"jobId": "j-1"}])
def test_without_wait_only_the_job_id_is_returned(make_client, fake, body):
    assert follow_job(make_client(), body, {"wait": False, "wait_timeout": 60}) == {"id": "j-1", "status": "PENDING"}
    assert fake.calls == []


def test_wait_polls_until_final_and_returns_the_job_in_snake_case(make_client, fake, clock, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "PENDING"), job("j-1", "IN_PROGRESS"),
             job("j-1", "COMPLETED", data={"multi-volume-backup": {"volume": [{"id": "v", "status": "SUCCESS"}]}}))
    client = make_client()
    result = follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client))
    assert result["status"] == "COMPLETED"
    assert result["working_environment_id"] == "we-1"
    assert result["data"]["multi_volume_backup"]["volume"] == [{"id": "v", "status": "SUCCESS"}]
    assert clock.sleeps == [1.0, 1.5]
    assert len(fake.calls) == 3


def test_wait_is_the_default(make_client, fake, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "COMPLETED"))
    client = make_client()
    assert follow_job(client, {"job-id": "j-1"}, {}, waiter=waiter(client))["status"] == "COMPLETED"


def test_failed_job_raises_by_default(make_client, fake, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "FAILED", error="bucket not reachable"))
    client = make_client()
    with pytest.raises(JobFailedError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client))
    assert "bucket not reachable" in info.value.msg and info.value.details["job_id"] == "j-1"


def test_failed_job_is_returned_when_asked(make_client, fake, waiter):
    data = {"multi-volume-backup": {"volume": [{"id": "v1", "status": "FAILED", "error": "quota"}]}}
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "FAILED", error="1 failed", data=data))
    client = make_client()
    result = follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client),
                        fail_on_failed=False)
    assert result["status"] == "FAILED"
    assert result["data"]["multi_volume_backup"]["volume"][0]["error"] == "quota"


@pytest.mark.parametrize("timeout", [None, 0])
def test_no_wait_timeout_polls_once(make_client, fake, clock, waiter, timeout):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "IN_PROGRESS"))
    client = make_client()
    with pytest.raises(JobTimeoutError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": timeout}, waiter=waiter(client))
    assert info.value.details["job_ids"] == ["j-1"]
    assert len(fake.calls) == 1 and clock.sleeps == []


def test_timeout_names_the_job(make_client, fake, clock, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "IN_PROGRESS"))
    client = make_client()
    with pytest.raises(JobTimeoutError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 10}, waiter=waiter(client))
    assert "j-1" in info.value.msg
    assert sum(clock.sleeps) == pytest.approx(10)


def test_default_waiter_is_built_for_the_client(make_client, fake, clock, monkeypatch):
    built = []

    def factory(client, **kwargs):
        built.append(client)
        return JobWaiter(client, sleep=clock.sleep, clock=clock.monotonic)

    monkeypatch.setattr(_runner, "JobWaiter", factory)
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "COMPLETED"))
    client = make_client()
    assert follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 5})["id"] == "j-1"
    assert built == [client]
