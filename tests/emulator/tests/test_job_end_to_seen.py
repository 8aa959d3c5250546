# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How long after a job's end a client first saw it final (counters ``job_end_to_seen_s``), on the manual clock."""
from __future__ import annotations

from backup_flow import JOB_DURATION_S, Flow, manual
from emulator_client import Client
from restore_flow import source

pytestmark = manual()


def _end_to_seen(client: Client) -> list[float]:
    return client.handle.counters()["job_end_to_seen_s"]  # type: ignore[no-any-return]


def test_the_first_poll_that_shows_a_job_final_records_how_late_it_came(client: Client) -> None:
    job = client.handle.control("POST", "jobs", {"duration_s": 4})
    client.handle.clock.advance(3)
    assert client.cbs(f"/api/v1/job/{job['id']}").body["job"][0]["status"] == "IN_PROGRESS"
    assert _end_to_seen(client) == []
    client.handle.clock.advance(2.5)
    assert client.cbs(f"/api/v1/job/{job['id']}").body["job"][0]["status"] == "COMPLETED"
    assert _end_to_seen(client) == [1.5]
    client.handle.clock.advance(10)
    client.cbs(f"/api/v1/job/{job['id']}")
    client.cbs("/api/v1/job")
    assert _end_to_seen(client) == [1.5]  # only the first sighting counts


def test_the_job_list_and_failed_jobs_count_too(client: Client) -> None:
    done = client.handle.control("POST", "jobs", {"duration_s": 1})
    failed = client.handle.control("POST", "jobs", {"duration_s": 2, "outcome": "fail"})
    stuck = client.handle.control("POST", "jobs", {"duration_s": 1, "outcome": "stuck"})
    client.handle.clock.advance(3)
    statuses = {job["id"]: job["status"] for job in client.cbs("/api/v1/job").body["job"]}
    assert (statuses[done["id"]], statuses[failed["id"]], statuses[stuck["id"]]) == ("COMPLETED", "FAILED", "IN_PROGRESS")
    # The seeded history in the list was over before anyone could wait for it: it does not count.
    assert sorted(_end_to_seen(client)) == [1.0, 2.0]


def test_a_file_explore_ends_when_its_status_shows_ready(flow: Flow) -> None:
    volume = source(flow).volume.file_system_id
    flow.call("POST", "/api/v2/sfr/volume/{vol}/file-explore/start", vol=volume)
    flow.advance(JOB_DURATION_S + 0.25)
    assert flow.ok("GET", "/api/v2/sfr/volume/{vol}/file-explore/status", vol=volume) == {"status": "READY"}
    assert _end_to_seen(flow.client) == [0.25]


def test_clearing_the_counters_or_resetting_forgets_them(client: Client) -> None:
    job = client.handle.control("POST", "jobs", {"duration_s": 1})
    client.handle.clock.advance(2)
    client.cbs(f"/api/v1/job/{job['id']}")
    assert client.handle.control("DELETE", "counters")["job_end_to_seen_s"] == []
    client.cbs(f"/api/v1/job/{job['id']}")
    assert _end_to_seen(client) == []  # already seen before the counters were cleared
    later = client.handle.control("POST", "jobs", {"duration_s": 1})
    client.handle.clock.advance(2)
    client.cbs(f"/api/v1/job/{later['id']}")
    assert _end_to_seen(client) == [1.0]
    client.handle.reset()
    assert _end_to_seen(client) == []


def _waited(client: Client) -> list[float]:
    return client.handle.counters()["job_end_to_seen_waited_s"]  # type: ignore[no-any-return]


def test_only_jobs_seen_running_count_as_waited_for(client: Client) -> None:
    """A job first asked about after its end says how late the flow asked, not how the client polls."""
    polled = client.handle.control("POST", "jobs", {"duration_s": 4})
    late = client.handle.control("POST", "jobs", {"duration_s": 1})
    client.handle.clock.advance(3)
    client.cbs(f"/api/v1/job/{polled['id']}")
    client.handle.clock.advance(1.25)
    client.cbs(f"/api/v1/job/{polled['id']}")
    client.cbs(f"/api/v1/job/{late['id']}")
    assert sorted(_end_to_seen(client)) == [0.25, 3.25]
    assert _waited(client) == [0.25]
