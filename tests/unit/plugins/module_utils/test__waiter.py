# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import math
from itertools import pairwise

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import (
    MAX_INTERVAL,
    MIN_INTERVAL,
    POLL_FRACTION,
    JobWaiter,
    failed_items,
    job_failed,
    job_id_of,
    poll_interval,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def job(job_id, status, **extra):
    record = {"id": job_id, "type": "backup-working-environment", "status": status, "error": "",
              "time": 1651852160000, "working-environment-id": "we-1"}
    record.update(extra)
    return record


class JobsClient:
    """Answers GET v1/job/{id} from a per-job list of statuses (the last one repeats)."""

    def __init__(self, clock, **scripts):
        self.clock = clock
        self.scripts = {job_id: list(states) for job_id, states in scripts.items()}
        self.polls = []

    def cbs(self, method, version, *segments, **kwargs):
        assert (method, version, segments[0]) == ("GET", "v1", "job")
        job_id = segments[1]
        self.polls.append((job_id, self.clock.now))
        states = self.scripts[job_id]
        state = states.pop(0) if len(states) > 1 else states[0]
        return {"job": [state if isinstance(state, dict) else job(job_id, state)]}


def waiter(client, clock, **kwargs):
    return JobWaiter(client, sleep=clock.sleep, clock=clock.monotonic, **kwargs)


# --- job ids and failed items -----------------------------------------------------------------

@pytest.mark.parametrize("body, expected", [
    ({"job-id": "1b34b6f6"}, "1b34b6f6"),
    ({"jobId": "camel"}, "camel"),
    ({"job-id": "kebab", "jobId": "camel"}, "kebab"),
    ({"state": "SUCCESS"}, None),
    ({}, None),
    (None, None),
    ([{"job-id": "x"}], None),
    ("job-id", None),
    ({"job-id": 42}, "42"),
    ({"job-id": ""}, None),
])
def test_job_id_of(body, expected):
    assert job_id_of(body) == expected


def test_failed_items_of_multi_volume_backup_and_restore_batches():
    record = job("j", "FAILED", data={
        "multi-volume-backup": {"volume": [
            {"id": "vol-ok", "status": "SUCCESS", "error": ""},
            {"id": "vol-bad", "status": "FAILED", "error": "SnapMirror transfer failed"},
            {"id": "vol-no-msg", "status": "FAILED"},
        ]},
        "restore": {"type": "FILE", "batch": [
            {"id": "b1", "status": "SUCCESS", "file": [{"path": "/a"}]},
            {"id": "b2", "status": "FAILED", "error": "target is read-only",
             "file": [{"path": "/etc/x", "inode": 1}, {"path": "/etc/y", "inode": 2}]},
        ]},
    })
    assert failed_items(record) == [
        {"volume_id": "vol-bad", "error": "SnapMirror transfer failed"},
        {"volume_id": "vol-no-msg", "error": ""},
        {"batch_id": "b2", "error": "target is read-only", "files": ["/etc/x", "/etc/y"]},
    ]


@pytest.mark.parametrize("data", [None, {}, {"multi-volume-backup": None}, {"restore": {"batch": None}},
                                  {"multi-volume-backup": {"volume": []}}])
def test_failed_items_without_data(data):
    assert failed_items(job("j", "FAILED", data=data)) == []


def test_job_failed_error_carries_job_and_items():
    record = job("j-1", "FAILED", error="2 of 3 volumes failed", data={"multi-volume-backup": {"volume": [
        {"id": "vol-a", "status": "FAILED", "error": "quota exceeded"}]}})
    error = job_failed(record)
    assert isinstance(error, JobFailedError)
    assert "Job j-1 (backup-working-environment) failed: 2 of 3 volumes failed" in error.msg
    assert "vol-a: quota exceeded" in error.msg
    assert error.details["job_id"] == "j-1"
    assert error.details["failed_items"] == [{"volume_id": "vol-a", "error": "quota exceeded"}]
    assert error.details["job"]["working_environment_id"] == "we-1"
    assert "multi_volume_backup" in error.details["job"]["data"]
    assert error.to_result()["error_code"] == "job_failed"


def test_job_failed_without_message_or_items():
    error = job_failed({"id": "j-2", "status": "FAILED", "error": ""})
    assert "unknown type" in error.msg and "no error message was given" in error.msg
    assert "failed_items" not in error.details


# --- polling ---------------------------------------------------------------------------------

def test_polls_until_completed_starting_with_the_shortest_interval(clock):
    client = JobsClient(clock, j1=["PENDING", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
    seen = waiter(client, clock).wait(["j1"], timeout=600)
    assert seen["j1"]["status"] == "COMPLETED"
    assert len(client.polls) == 4
    assert clock.sleeps == [0.25, 0.25, 0.25]


class TimedJobsClient:
    """A job that ends `duration` seconds after the wait starts, on the fake clock."""

    def __init__(self, clock, duration):
        self.clock, self.end, self.polls = clock, clock.now + duration, []

    def cbs(self, method, version, *segments, **kwargs):
        self.polls.append(self.clock.now)
        return {"job": [job(segments[1], "COMPLETED" if self.clock.now >= self.end else "IN_PROGRESS")]}


@pytest.mark.parametrize("duration", [0.1, 3, 7.5, 60, 600, 3600])
def test_a_job_is_seen_finished_within_one_poll_interval_of_its_end(clock, duration):
    client = TimedJobsClient(clock, duration)
    waiter(client, clock).wait(["j1"], timeout=7200)
    seen_at = client.polls[-1] - (client.end - duration)
    assert duration <= seen_at <= duration + max(MIN_INTERVAL, min(MAX_INTERVAL, POLL_FRACTION * duration)) + 1e-9
    # ...and without hammering the Connector: the polls grow with the logarithm of the duration
    # until the longest interval, then one per MAX_INTERVAL.
    assert len(client.polls) <= 12 + math.log(max(duration, 1)) / math.log(1 + POLL_FRACTION) + duration / MAX_INTERVAL


def test_poll_interval_is_a_fraction_of_the_time_waited_within_bounds():
    assert poll_interval(0) == MIN_INTERVAL
    assert poll_interval(10) == pytest.approx(10 * POLL_FRACTION)
    assert poll_interval(10 ** 6) == MAX_INTERVAL


def test_already_final_job_is_polled_once_without_sleeping(clock):
    client = JobsClient(clock, j1=["COMPLETED"])
    assert waiter(client, clock).wait(["j1"], timeout=600)["j1"]["status"] == "COMPLETED"
    assert clock.sleeps == []


def test_interval_grows_up_to_the_maximum(clock):
    client = JobsClient(clock, j1=["IN_PROGRESS"] * 60 + ["COMPLETED"])
    waiter(client, clock).wait(["j1"], timeout=3600)
    assert clock.sleeps[0] == MIN_INTERVAL
    assert all(b >= a for a, b in pairwise(clock.sleeps))
    assert max(clock.sleeps) == MAX_INTERVAL
    assert clock.sleeps[-3:] == [MAX_INTERVAL] * 3


def test_failed_job_raises_with_per_volume_failures(clock):
    failed = job("j1", "FAILED", error="Backup failed", data={"multi-volume-backup": {"volume": [
        {"id": "v1", "status": "SUCCESS"}, {"id": "v2", "status": "FAILED", "error": "no space in bucket"}]}})
    client = JobsClient(clock, j1=["IN_PROGRESS", failed])
    with pytest.raises(JobFailedError) as info:
        waiter(client, clock).wait(["j1"], timeout=600)
    assert "Backup failed" in info.value.msg
    assert "v2: no space in bucket" in info.value.msg
    assert info.value.details["failed_items"] == [{"volume_id": "v2", "error": "no space in bucket"}]


def test_failed_restore_reports_batches(clock):
    failed = job("r1", "FAILED", type="restore-file", error="Restore failed", data={"restore": {"batch": [
        {"id": "batch-1", "status": "FAILED", "error": "permission denied", "file": [{"path": "/vol/a.txt"}]}]}})
    client = JobsClient(clock, r1=[failed])
    with pytest.raises(JobFailedError) as info:
        waiter(client, clock).wait(["r1"], timeout=60)
    assert "restore-file" in info.value.msg
    assert "batch-1: permission denied" in info.value.msg
    assert info.value.details["failed_items"][0]["files"] == ["/vol/a.txt"]


def test_failed_job_is_returned_when_not_failing_on_failure(clock):
    client = JobsClient(clock, j1=["PENDING", "FAILED"])
    seen = waiter(client, clock).wait(["j1"], timeout=600, fail_on_failed=False)
    assert seen["j1"]["status"] == "FAILED"


def test_timeout_names_the_unfinished_jobs(clock):
    client = JobsClient(clock, done=["PENDING", "COMPLETED"], slow=["IN_PROGRESS"], stuck=["PENDING"])
    with pytest.raises(JobTimeoutError) as info:
        waiter(client, clock).wait(["done", "slow", "stuck"], timeout=30)
    error = info.value
    assert "slow, stuck" in error.msg
    assert "done" not in error.msg.split("(last status")[0]
    assert "(last status IN_PROGRESS, PENDING)" in error.msg
    assert "Timed out after 30 s" in error.msg
    assert "job_info" in error.msg
    assert error.details["job_ids"] == ["slow", "stuck"]
    assert [j["status"] for j in error.details["jobs"]] == ["IN_PROGRESS", "PENDING"]
    assert "working_environment_id" in error.details["jobs"][0]
    # It waited the whole timeout, and not longer.
    assert sum(clock.sleeps) == pytest.approx(30)


def test_zero_timeout_polls_once_and_does_not_sleep(clock):
    client = JobsClient(clock, j1=["IN_PROGRESS"])
    with pytest.raises(JobTimeoutError):
        waiter(client, clock).wait(["j1"], timeout=0)
    assert len(client.polls) == 1
    assert clock.sleeps == []


def test_several_jobs_are_polled_in_the_same_loop(clock):
    client = JobsClient(clock, fast=["PENDING", "COMPLETED"], slow=["PENDING", "IN_PROGRESS", "IN_PROGRESS", "COMPLETED"])
    seen = waiter(client, clock).wait(["fast", "slow"], timeout=600)
    assert {k: v["status"] for k, v in seen.items()} == {"fast": "COMPLETED", "slow": "COMPLETED"}
    # Both are polled in each round; a finished job is not polled again.
    rounds = {}
    for job_id, at in client.polls:
        rounds.setdefault(at, []).append(job_id)
    assert [sorted(r) for r in rounds.values()] == [["fast", "slow"], ["fast", "slow"], ["slow"], ["slow"]]
    # Waiting for two jobs takes as long as the slower one alone.
    assert clock.sleeps == [0.25, 0.25, 0.25]


def test_duplicate_ids_are_polled_once_per_round(clock):
    client = JobsClient(clock, j1=["PENDING", "COMPLETED"])
    seen = waiter(client, clock).wait(["j1", "j1"], timeout=60)
    assert list(seen) == ["j1"]
    assert len(client.polls) == 2


def test_first_failure_stops_the_wait_for_the_others(clock):
    client = JobsClient(clock, bad=["FAILED"], other=["IN_PROGRESS"])
    with pytest.raises(JobFailedError) as info:
        waiter(client, clock).wait(["bad", "other"], timeout=600)
    assert info.value.details["job_id"] == "bad"
    assert clock.sleeps == []


def test_empty_job_list_in_the_answer_is_an_error(clock):
    class Empty:
        def cbs(self, *args, **kwargs):
            return {"job": []}

    with pytest.raises(NotFoundError) as info:
        waiter(Empty(), clock).get("j-404")
    assert "j-404" in info.value.msg and "no job" in info.value.msg
    assert info.value.code == "not_found"


def test_vanished_job_is_an_error_not_a_state(make_client, fake, clock):
    path = cbs_path("v1", "job", "gone")
    fake.add("GET", path, reply(200, {"job": [job("gone", "PENDING")]}), reply(404, {"message": "no such job"}))
    with pytest.raises(NotFoundError) as info:
        waiter(make_client(), clock).wait(["gone"], timeout=60)
    assert "gone" in info.value.msg
    assert len(fake.calls) == 2


def test_timeout_carries_the_job_timeout_code(clock):
    client = JobsClient(clock, j=["IN_PROGRESS"])
    with pytest.raises(JobTimeoutError) as info:
        waiter(client, clock).wait(["j"], timeout=5)
    assert info.value.to_result()["error_code"] == "job_timeout"


def test_waiter_uses_the_job_endpoint_through_the_client(make_client, fake, clock):
    path = cbs_path("v1", "job", "j/1")
    fake.add("GET", path, reply(200, {"job": [job("j/1", "PENDING")]}), reply(200, {"job": [job("j/1", "COMPLETED")]}))
    seen = waiter(make_client(), clock).wait(["j/1"], timeout=60)
    assert seen["j/1"]["status"] == "COMPLETED"
    assert [c.path for c in fake.calls] == [path, path]
