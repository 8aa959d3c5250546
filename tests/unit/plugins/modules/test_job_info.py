# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import functools

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.plugins.modules import job_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    API_URL,
    AUTH_URL,
    CONNECTOR,
    CREDENTIALS,
    ISSUED_TOKEN,
    STATIC_TOKEN,
    assert_no_secret,
    cbs_path,
    reply,
    run_fail,
    run_ok,
    token_reply,
)

main = job_info.main
JOBS = cbs_path("v1", "job")


def job(job_id, status="COMPLETED", we_id="we-1", **extra):
    record = {"id": job_id, "working-environment-id": we_id, "type": "backup-working-environment",
              "status": status, "error": "", "time": 1651852160000}
    record.update(extra)
    return record


def job_reply(*records):
    return reply(200, {"job": list(records)})


def args(**extra):
    base = {"token": STATIC_TOKEN, "account_id": ACCOUNT, "connector_id": CONNECTOR, "api_url": API_URL,
            "auth_url": AUTH_URL}
    base.update(extra)
    return base


@pytest.fixture
def api(fake, module_transport, clock, monkeypatch):
    """Scripted transport for the module, and a JobWaiter that sleeps on the fake clock."""
    monkeypatch.setattr(job_info, "JobWaiter", functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic))
    return fake


def test_job_ids_are_read_one_by_one(api):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1")))
    api.add("GET", cbs_path("v1", "job", "j-2"), job_reply(job("j-2", "FAILED", error="quota")))
    result = run_ok(main, args(job_ids=["j-1", "j-2", "j-1"]))
    assert result["changed"] is False
    assert [j["id"] for j in result["jobs"]] == ["j-1", "j-2"]
    assert result["jobs"][0]["working_environment_id"] == "we-1"
    assert result["jobs"][1]["error"] == "quota"
    assert [c.path for c in api.api_calls] == [cbs_path("v1", "job", "j-1"), cbs_path("v1", "job", "j-2")]


@pytest.mark.parametrize("alias", ["job_id", "id"])
def test_job_id_aliases(api, alias):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1")))
    assert run_ok(main, args(**{alias: "j-1"}))["jobs"][0]["id"] == "j-1"


@pytest.mark.parametrize("missing_answer", [reply(404, {"message": "no such job"}), job_reply()],
                         ids=["404", "empty list"])
def test_missing_job_id_fails_naming_it(api, missing_answer):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1")))
    api.add("GET", cbs_path("v1", "job", "j-gone"), missing_answer)
    result = run_fail(main, args(job_ids=["j-1", "j-gone"]))
    assert "j-gone" in result["msg"] and "job_ids" in result["msg"] and ACCOUNT in result["msg"]
    assert "j-1" not in result["msg"]
    assert result["missing"] == ["j-gone"]


@pytest.mark.parametrize("filters, query", [
    ({}, {}),
    ({"status": "FAILED"}, {"status": "FAILED"}),
    ({"type": "restore-file"}, {"type": "restore-file"}),
    ({"status": "IN_PROGRESS", "type": "backup-working-environment"},
     {"status": "IN_PROGRESS", "type": "backup-working-environment"}),
])
def test_filters_are_sent_to_the_api(api, filters, query):
    api.add("GET", JOBS, job_reply(job("j-1"), job("j-2")))
    result = run_ok(main, args(**filters))
    assert len(result["jobs"]) == 2
    assert api.api_calls[0].query == query


def test_working_environment_filter_is_applied_to_the_list(api):
    api.add("GET", JOBS, job_reply(job("j-1", we_id="we-1"), job("j-2", we_id="we-2"), job("j-3", we_id="we-1")))
    result = run_ok(main, args(working_environment_id="we-1"))
    assert [j["id"] for j in result["jobs"]] == ["j-1", "j-3"]


def test_empty_job_list(api):
    api.add("GET", JOBS, job_reply())
    assert run_ok(main, args(status="FAILED"))["jobs"] == []


@pytest.mark.parametrize("extra", [{"status": "FAILED"}, {"type": "restore-file"}])
def test_job_ids_and_filters_are_mutually_exclusive(api, extra):
    result = run_fail(main, args(job_ids=["j-1"], **extra))
    assert "mutually exclusive" in result["msg"]
    assert api.calls == []


def test_invalid_status_is_refused(api):
    result = run_fail(main, args(status="DONE"))
    assert "status" in result["msg"]
    assert api.calls == []


def test_wait_polls_until_every_job_is_final(api, clock):
    api.add("GET", cbs_path("v1", "job", "j-1"),
            job_reply(job("j-1", "PENDING")), job_reply(job("j-1", "IN_PROGRESS")), job_reply(job("j-1", "COMPLETED")))
    api.add("GET", cbs_path("v1", "job", "j-2"), job_reply(job("j-2", "COMPLETED")))
    result = run_ok(main, args(job_ids=["j-1", "j-2"], wait=True))
    assert [j["status"] for j in result["jobs"]] == ["COMPLETED", "COMPLETED"]
    # j-2 was final when read, so only j-1 is polled: read once (PENDING), then until COMPLETED.
    assert len(api.sent("GET", cbs_path("v1", "job", "j-2"))) == 1
    assert len(api.sent("GET", cbs_path("v1", "job", "j-1"))) == 3
    assert clock.sleeps == [1.0]


def test_wait_for_filtered_jobs(api, clock):
    api.add("GET", JOBS, job_reply(job("j-1", "IN_PROGRESS"), job("j-2", "COMPLETED")))
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1", "IN_PROGRESS")), job_reply(job("j-1", "COMPLETED")))
    result = run_ok(main, args(status="IN_PROGRESS", wait=True))
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [("j-1", "COMPLETED"), ("j-2", "COMPLETED")]
    assert clock.sleeps == [1.0]


def test_without_wait_nothing_is_polled(api, clock):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1", "IN_PROGRESS")))
    result = run_ok(main, args(job_ids=["j-1"]))
    assert result["jobs"][0]["status"] == "IN_PROGRESS"
    assert len(api.api_calls) == 1
    assert clock.sleeps == []


def test_wait_timeout_fails_naming_the_unfinished_jobs(api, clock):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1", "IN_PROGRESS")))
    api.add("GET", cbs_path("v1", "job", "j-2"), job_reply(job("j-2", "COMPLETED")))
    result = run_fail(main, args(job_ids=["j-1", "j-2"], wait=True, wait_timeout=20))
    assert "j-1" in result["msg"] and "Timed out after 20 s" in result["msg"]
    assert result["job_ids"] == ["j-1"]
    assert result["jobs"][0]["status"] == "IN_PROGRESS"
    assert sum(clock.sleeps) == pytest.approx(20)
    assert "exception" not in result


def test_negative_wait_timeout_is_refused_before_any_request(api):
    result = run_fail(main, args(job_ids=["j-1"], wait=True, wait_timeout=-1))
    assert result["msg"].startswith("wait_timeout")
    assert api.calls == []


def test_failed_job_is_returned_without_fail_on_failed(api):
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(job("j-1", "FAILED", error="no space")))
    result = run_ok(main, args(job_ids=["j-1"]))
    assert result["jobs"][0]["status"] == "FAILED"


def test_fail_on_failed_reports_the_job_and_its_failed_items(api):
    failed = job("j-1", "FAILED", error="1 of 2 volumes failed", data={"multi-volume-backup": {"volume": [
        {"id": "vol-a", "status": "SUCCESS", "error": ""},
        {"id": "vol-b", "status": "FAILED", "error": "bucket is not reachable"}]}})
    api.add("GET", cbs_path("v1", "job", "j-1"), job_reply(failed))
    result = run_fail(main, args(job_ids=["j-1"], fail_on_failed=True))
    assert "Job j-1" in result["msg"] and "1 of 2 volumes failed" in result["msg"]
    assert "vol-b: bucket is not reachable" in result["msg"]
    assert result["job_id"] == "j-1"
    assert result["failed_items"] == [{"volume_id": "vol-b", "error": "bucket is not reachable"}]
    assert result["job"]["data"]["multi_volume_backup"]["volume"][1]["status"] == "FAILED"


def test_fail_on_failed_with_wait_fails_when_a_job_ends_failed(api, clock):
    api.add("GET", cbs_path("v1", "job", "j-1"),
            job_reply(job("j-1", "IN_PROGRESS")), job_reply(job("j-1", "FAILED", error="restore failed")))
    api.add("GET", cbs_path("v1", "job", "j-2"),
            job_reply(job("j-2", "IN_PROGRESS")), job_reply(job("j-2", "IN_PROGRESS")),
            job_reply(job("j-2", "COMPLETED")))
    result = run_fail(main, args(job_ids=["j-1", "j-2"], wait=True, fail_on_failed=True))
    assert "restore failed" in result["msg"]
    assert result["job_id"] == "j-1"
    # Every job was followed to its end before failing.
    assert len(api.sent("GET", cbs_path("v1", "job", "j-2"))) == 3


def test_fail_on_failed_passes_when_everything_completed(api):
    api.add("GET", JOBS, job_reply(job("j-1"), job("j-2")))
    assert len(run_ok(main, args(fail_on_failed=True))["jobs"]) == 2


@pytest.mark.parametrize("status, body, text", [
    (500, {"statusCode": 500, "error": "Internal Server Error", "message": "Connector is down"}, "Connector is down"),
    (401, {"message": "jwt expired"}, "jwt expired"),
    (400, {"error": "Bad Request", "message": "invalid status"}, "invalid status"),
])
def test_api_error_fails_with_status_message_method_and_path(api, status, body, text):
    api.add("GET", JOBS, reply(status, body))
    result = run_fail(main, args())
    assert result["status"] == status and result["method"] == "GET" and result["path"] == JOBS
    assert text in result["msg"]
    assert "exception" not in result and "Traceback" not in result["msg"]
    assert_no_secret(result)


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_result_never_contains_credentials_or_token(api, kind):
    api.token(token_reply(ISSUED_TOKEN))
    api.add("GET", JOBS, job_reply(job("j-1", data={"restore": {"batch": []}})))
    task = args()
    del task["token"]
    task.update(CREDENTIALS[kind])
    result = run_ok(main, task)
    assert result["jobs"][0]["id"] == "j-1"
    assert_no_secret(result)
