# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Jobs: time-driven progression, outcomes, lazily applied completion effects, listing."""
from __future__ import annotations

from typing import Any

import pytest

from bluexp_emulator import ManualClock
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.jobs.models import BACKUP_VOLUMES, JobFailed, multi_volume_data
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape, error_body

manual_clock = pytest.mark.bluexp_emulator(clock=ManualClock())


def _job(client: Client, job_id: str) -> dict[str, Any]:
    result = client.cbs(f"/api/v1/job/{job_id}")
    assert result.status == 200 and len(result.body["job"]) == 1
    return result.body["job"][0]


@manual_clock
def test_job_moves_pending_in_progress_completed(client: Client, spec: Spec) -> None:
    created = client.handle.control("POST", "jobs", {"duration_s": 4})
    assert created["status"] == "PENDING" and created["error"] == ""
    assert _job(client, created["id"])["status"] == "PENDING"
    client.handle.clock.advance(1.5)
    assert _job(client, created["id"])["status"] == "IN_PROGRESS"
    client.handle.clock.advance(2.5)
    done = client.cbs(f"/api/v1/job/{created['id']}").body
    assert_shape(spec, "GET", PREFIX + "/api/v1/job/{jobId}", done)
    assert done["job"][0]["status"] == "COMPLETED" and done["job"][0]["error"] == ""


@manual_clock
def test_default_job_duration_comes_from_config(client: Client) -> None:
    client.handle.configure(job_duration_s=10)
    job = client.handle.control("POST", "jobs", {})
    client.handle.clock.advance(9)
    assert _job(client, job["id"])["status"] == "IN_PROGRESS"
    client.handle.clock.advance(1)
    assert _job(client, job["id"])["status"] == "COMPLETED"


@manual_clock
def test_failing_multi_volume_job_reports_per_volume_results(client: Client) -> None:
    job = client.handle.control("POST", "jobs", {
        "type": BACKUP_VOLUMES, "outcome": "fail", "error": "quota exceeded", "duration_s": 1,
        "volumes": ["vol-a", "vol-b"], "failed_volumes": ["vol-b"]})
    client.handle.clock.advance(1)
    body = _job(client, job["id"])
    assert body["status"] == "FAILED" and body["error"] == "quota exceeded"
    assert body["data"]["multi-volume-backup"]["volume"] == [
        {"id": "vol-a", "status": "SUCCESS", "error": ""},
        {"id": "vol-b", "status": "FAILED", "error": "quota exceeded"},
    ]


@manual_clock
def test_stuck_job_never_finishes(client: Client) -> None:
    job = client.handle.control("POST", "jobs", {"outcome": "stuck", "duration_s": 1})
    client.handle.clock.advance(3600)
    assert _job(client, job["id"])["status"] == "IN_PROGRESS"


@pytest.mark.parametrize("status", ["COMPLETED", "FAILED", "IN_PROGRESS", "PENDING"])
def test_job_created_in_a_given_status(client: Client, status: str) -> None:
    job = client.handle.control("POST", "jobs", {"status": status})
    assert _job(client, job["id"])["status"] == status


@manual_clock
def test_on_complete_is_applied_once_when_the_job_completes(client: Client) -> None:
    emulator = client.handle.emulator
    we = client.state["accounts"][0]["working_environments"][0]["id"]
    calls: list[str] = []
    job = emulator.jobs.create(client.account, we, "backup-volume", duration=2,
                               on_complete=lambda j: calls.append(j.id))
    assert _job(client, job.id)["status"] == "PENDING" and calls == []
    client.handle.clock.advance(2)
    client.cbs("/api/v1/working-environment")  # any request settles due jobs
    assert calls == [job.id]
    assert _job(client, job.id)["status"] == "COMPLETED"
    assert calls == [job.id]


@manual_clock
def test_on_complete_can_fail_the_job(client: Client) -> None:
    def refuse(_job: object) -> None:
        raise JobFailed("volume is a SnapLock volume", failed_volumes=["v2"])

    we = client.state["accounts"][0]["working_environments"][0]["id"]
    job = client.handle.emulator.jobs.create(client.account, we, BACKUP_VOLUMES, duration=1, on_complete=refuse,
                                             data=multi_volume_data(["v1", "v2"]))
    client.handle.clock.advance(1)
    body = _job(client, job.id)
    assert body["status"] == "FAILED" and body["error"] == "volume is a SnapLock volume"
    assert [v["status"] for v in body["data"]["multi-volume-backup"]["volume"]] == ["SUCCESS", "FAILED"]


def test_seeded_history_and_list_shape(client: Client, spec: Spec) -> None:
    result = client.cbs("/api/v1/job")
    assert_shape(spec, "GET", PREFIX + "/api/v1/job", result.body)
    jobs = result.body["job"]
    assert {job["status"] for job in jobs} == {"COMPLETED", "FAILED"}
    assert "backup-working-environment" in {job["type"] for job in jobs}
    times = [job["time"] for job in jobs]
    assert times == sorted(times, reverse=True)


def test_job_list_filters(client: Client) -> None:
    client.handle.control("POST", "jobs", {"type": "restore-volume", "outcome": "stuck"})
    failed = client.cbs("/api/v1/job?status=FAILED").body["job"]
    assert failed and all(job["status"] == "FAILED" for job in failed)
    restores = client.cbs("/api/v1/job?type=restore-volume").body["job"]
    assert [job["type"] for job in restores] == ["restore-volume"]
    assert client.cbs("/api/v1/job?type=restore-volume&status=COMPLETED").body == {"job": []}


@pytest.mark.bluexp_emulator(accounts=2, fleet_size=2)
def test_unknown_or_foreign_job_is_404(client: Client) -> None:
    missing = client.cbs("/api/v1/job/00000000-0000-4000-8000-000000000000")
    assert missing.status == 404
    assert missing.body == error_body(404, "Job 00000000-0000-4000-8000-000000000000 not found")
    other = client.state["accounts"][1]
    job = client.handle.control("POST", "jobs", {"account_id": other["id"]})
    assert client.cbs(f"/api/v1/job/{job['id']}").status == 404
    assert client.cbs(f"/api/v1/job/{job['id']}", account=other["id"],
                      x_agent_id=other["connectors"][0]["x-agent-id"]).status == 200


def test_job_faults_are_validated_listed_and_cleared(client: Client) -> None:
    from bluexp_emulator import ControlError

    with pytest.raises(ControlError, match="unknown job fault fields: outcom"):
        client.handle.add_job_fault(outcom="fail")
    with pytest.raises(ControlError, match="'outcome' must be one of fail, stuck"):
        client.handle.add_job_fault(outcome="explode")
    fault = client.handle.add_job_fault(job_type="backup-volumes", volume_id="v1", count="2")
    assert (fault["id"], fault["count"], fault["outcome"]) == ("job-fault-1", 2, "fail")
    assert client.handle.control("GET", "job-faults")["job_faults"] == [fault]
    assert client.handle.control("DELETE", "job-faults") == {"deleted": 1}
    client.handle.add_job_fault(job_type="x")
    client.handle.reset()
    assert client.handle.control("GET", "job-faults") == {"job_faults": []}


@manual_clock
def test_control_created_jobs_ignore_job_faults(client: Client) -> None:
    client.handle.add_job_fault(job_type="restore-volume")
    job = client.handle.control("POST", "jobs", {"type": "restore-volume", "duration_s": 0})
    assert _job(client, job["id"])["status"] == "COMPLETED"
