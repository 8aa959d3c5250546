# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from bluexp_emulator.config import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN

from ansible_collections.bluexp.cloud_backup.plugins.modules import job_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    cbs_path,
    reply,
    run_fail,
)

MODULE = "job_info"
CREDENTIALS = {
    "token": {},
    "service account": {"token": None, "client_id": DEFAULT_CLIENT_ID, "client_secret": DEFAULT_CLIENT_SECRET},
    "refresh token": {"token": None, "refresh_token": DEFAULT_REFRESH_TOKEN},
}


@pytest.fixture
def we(emulator):
    return emulator.working_environment(provider="AWS")


def plant(emulator, we=None, **job):
    """A job made through the control API (outcome complete / fail / stuck / pending, duration_s ...)."""
    if we is not None:
        job["working_environment_id"] = we["id"]
    return emulator.control("POST", "jobs", dict({"type": "backup-working-environment", "duration_s": 0}, **job))["id"]


def job_path(emulator, job_id=None):
    return emulator.cbs_path("v1", "job", *([job_id] if job_id else []))


def reads(emulator, job_id):
    return emulator.calls().count(("GET", job_path(emulator, job_id)))


def listed(emulator, **query):
    return emulator.api("GET", "v1", "job", query=query)["job"]


def test_job_ids_are_read_one_by_one(emulator, we):
    first = plant(emulator, we)
    second = plant(emulator, we, outcome="fail", error="quota")
    result = emulator.run_ok(MODULE, job_ids=[first, second, first])
    assert result["changed"] is False
    assert [j["id"] for j in result["jobs"]] == [first, second]
    assert result["jobs"][0]["working_environment_id"] == we["id"]
    assert result["jobs"][1]["error"] == "quota"
    assert emulator.calls() == [("GET", job_path(emulator, first)), ("GET", job_path(emulator, second))]


@pytest.mark.parametrize("alias", ["job_id", "id"])
def test_job_id_aliases(emulator, alias):
    job_id = plant(emulator)
    assert emulator.run_ok(MODULE, **{alias: job_id})["jobs"][0]["id"] == job_id


def test_missing_job_id_fails_naming_it(emulator):
    job_id = plant(emulator)
    result = emulator.run_fail(MODULE, job_ids=[job_id, "j-gone"])
    assert "j-gone" in result["msg"] and "job_ids" in result["msg"] and emulator.account_id in result["msg"]
    assert job_id not in result["msg"]
    assert result["missing"] == ["j-gone"]


@pytest.mark.parametrize("filters", [
    {},
    {"status": "FAILED"},
    {"type": "backup-volumes"},
    {"status": "COMPLETED", "type": "backup-working-environment"},
])
def test_filters_are_sent_to_the_api(emulator, filters):
    result = emulator.run_ok(MODULE, **filters)
    [entry] = emulator.requests()
    assert entry["query"] == {key: [value] for key, value in filters.items()}
    assert [j["id"] for j in result["jobs"]] == [j["id"] for j in listed(emulator, **filters)]
    assert result["jobs"], "the seeded jobs match every filter here"


def test_working_environment_filter_is_applied_to_the_list(emulator, we):
    other = emulator.working_environment(provider="GCP")
    mine = [plant(emulator, we), plant(emulator, other), plant(emulator, we)]
    result = emulator.run_ok(MODULE, working_environment_id=we["id"])
    assert {j["working_environment_id"] for j in result["jobs"]} == {we["id"]}
    assert {mine[0], mine[2]} <= {j["id"] for j in result["jobs"]} and mine[1] not in {j["id"] for j in result["jobs"]}


def test_empty_job_list(emulator):
    assert emulator.run_ok(MODULE, type="restore-file")["jobs"] == []


@pytest.mark.parametrize("extra", [{"status": "FAILED"}, {"type": "restore-file"}])
def test_job_ids_and_filters_are_mutually_exclusive(emulator, extra):
    result = emulator.run_fail(MODULE, job_ids=["j-1"], **extra)
    assert "mutually exclusive" in result["msg"]
    assert emulator.requests() == []


def test_invalid_status_is_refused(emulator):
    result = emulator.run_fail(MODULE, status="DONE")
    assert "status" in result["msg"]
    assert emulator.requests() == []


def test_wait_polls_until_every_job_is_final(emulator):
    running = plant(emulator, duration_s=1)
    done = plant(emulator)
    result = emulator.run_ok(MODULE, job_ids=[running, done], wait=True)
    assert [j["status"] for j in result["jobs"]] == ["COMPLETED", "COMPLETED"]
    # The finished job is read once; the running one is read, then polled until it completes.
    assert reads(emulator, done) == 1
    assert reads(emulator, running) == 1 + len(emulator.sleeps) + 1
    assert_waited_for(emulator.sleeps, 1)


def test_wait_for_filtered_jobs(emulator):
    running = plant(emulator, duration_s=1)
    result = emulator.run_ok(MODULE, status="PENDING", wait=True)
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [(running, "COMPLETED")]
    assert_waited_for(emulator.sleeps, 1)


def test_without_wait_nothing_is_polled(emulator):
    held = plant(emulator, outcome="stuck")
    result = emulator.run_ok(MODULE, job_ids=[held])
    assert result["jobs"][0]["status"] == "IN_PROGRESS"
    assert len(emulator.requests()) == 1
    assert emulator.sleeps == []


def test_a_held_pending_job_stays_pending_however_time_moves(emulator):
    held = plant(emulator, outcome="pending")
    emulator.advance(3600)
    assert emulator.run_ok(MODULE, job_ids=[held])["jobs"][0]["status"] == "PENDING"


def test_wait_timeout_fails_naming_the_unfinished_jobs(emulator):
    held = plant(emulator, outcome="stuck")
    done = plant(emulator)
    result = emulator.run_fail(MODULE, job_ids=[held, done], wait=True, wait_timeout=20)
    assert held in result["msg"] and "Timed out after 20 s" in result["msg"]
    assert result["job_ids"] == [held]
    assert result["jobs"][0]["status"] == "IN_PROGRESS"
    assert result["error_code"] == "job_timeout"
    assert sum(emulator.sleeps) == pytest.approx(20)
    assert "exception" not in result


def test_negative_wait_timeout_is_refused_before_any_request(emulator):
    result = emulator.run_fail(MODULE, job_ids=["j-1"], wait=True, wait_timeout=-1)
    assert result["msg"].startswith("wait_timeout")
    assert emulator.requests() == []


def test_failed_job_is_returned_without_fail_on_failed(emulator):
    failed = plant(emulator, outcome="fail", error="no space")
    result = emulator.run_ok(MODULE, job_ids=[failed])
    assert result["jobs"][0]["status"] == "FAILED" and result["jobs"][0]["error"] == "no space"


def test_fail_on_failed_reports_the_job_and_its_failed_items(emulator, we):
    failed = plant(emulator, we, type="backup-volumes", outcome="fail", error="1 of 2 volumes failed",
                   volumes=["vol-a", "vol-b"], failed_volumes=["vol-b"])
    result = emulator.run_fail(MODULE, job_ids=[failed], fail_on_failed=True)
    assert "Job {0}".format(failed) in result["msg"] and "1 of 2 volumes failed" in result["msg"]
    assert "vol-b: 1 of 2 volumes failed" in result["msg"]
    assert result["job_id"] == failed and result["error_code"] == "job_failed"
    assert result["failed_items"] == [{"volume_id": "vol-b", "error": "1 of 2 volumes failed"}]
    assert result["job"]["data"]["multi_volume_backup"]["volume"][1]["status"] == "FAILED"


def test_fail_on_failed_with_wait_fails_when_a_job_ends_failed(emulator):
    failing = plant(emulator, outcome="fail", error="restore failed", duration_s=1)
    slower = plant(emulator, duration_s=2)
    result = emulator.run_fail(MODULE, job_ids=[failing, slower], wait=True, fail_on_failed=True)
    assert "restore failed" in result["msg"]
    assert result["job_id"] == failing
    # Every job was followed to its end before failing.
    assert sum(emulator.sleeps) >= 2 and reads(emulator, slower) >= 3


def test_fail_on_failed_passes_when_everything_completed(emulator):
    result = emulator.run_ok(MODULE, type="backup-working-environment", fail_on_failed=True)
    assert len(result["jobs"]) == len(listed(emulator, type="backup-working-environment")) > 0


@pytest.mark.parametrize("status, message", [
    (500, "Connector is down"),
    (401, "jwt expired"),
    (400, "invalid status"),
])
def test_api_error_fails_with_status_message_method_and_path(emulator, status, message):
    emulator.add_fault(method="GET", path="/api/v1/job$", status=status, message=message)
    result = emulator.run_fail(MODULE)
    assert result["status"] == status and result["method"] == "GET" and result["path"] == job_path(emulator)
    assert message in result["msg"]
    assert "exception" not in result and "Traceback" not in result["msg"]
    assert emulator.token not in json.dumps(result)


@pytest.mark.parametrize("kind", sorted(CREDENTIALS))
def test_result_never_contains_credentials_or_token(emulator, kind):
    job_id = plant(emulator, type="restore-file", data={"restore": {"batch": []}})
    result = emulator.run_ok(MODULE, job_ids=[job_id], **CREDENTIALS[kind])
    assert result["jobs"][0]["id"] == job_id
    dumped = json.dumps(result)
    for secret in (DEFAULT_CLIENT_SECRET, DEFAULT_REFRESH_TOKEN, *emulator.emulator.auth.issued_tokens()):
        assert secret not in dumped


# --- an answer the emulator does not give ---------------------------------------------------------
# The emulator answers 404 for an unknown job; the API has also been seen answering an empty list.

def test_a_job_answered_with_an_empty_list_is_missing(fake, module_transport):
    fake.add("GET", cbs_path("v1", "job", "j-gone"), reply(200, {"job": []}))
    result = run_fail(job_info.main, {"token": STATIC_TOKEN, "account_id": ACCOUNT, "connector_id": CONNECTOR,
                                      "job_ids": ["j-gone"]})
    assert "j-gone" in result["msg"] and result["missing"] == ["j-gone"]
