# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The in-process emulator harness itself: transport, clock, request log, control API."""

from __future__ import annotations

import pytest

from bluexp_emulator.core.spec import find_spec_dir
from bluexp_emulator.handle import ControlError

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import ConnectionFailure
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import AUTH_URL, EmulatorTransport
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import client_params


def test_a_module_reads_the_seeded_fleet(emulator):
    result = emulator.run_ok("working_environment_info")
    names = sorted(we["name"] for we in result["working_environments"])
    assert names == sorted(we["name"] for we in emulator.account["working_environments"])
    assert len(names) == 4
    assert emulator.writes() == []
    assert all(entry["status"] == 200 for entry in emulator.requests())
    assert emulator.transports_built and emulator.transports_built[0]["user_agent"]


@pytest.mark.emulator(fleet_size=6, seed=7)
def test_the_marker_chooses_the_fleet(emulator):
    assert len(emulator.working_environments()) == 6
    assert emulator.state()["seed"] == 7


def test_spec_validation_is_on_when_the_specs_are_found(emulator):
    assert (emulator.emulator.spec is not None) == (find_spec_dir() is not None)


def test_a_job_finishes_by_the_waiters_sleeps_alone(emulator):
    job = emulator.control("POST", "jobs", {"duration_s": 10})
    result = emulator.run_ok("job_info", job_ids=[job["id"]], wait=True, wait_timeout=60)
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert sum(emulator.sleeps) >= 10
    assert emulator.clock.now() == pytest.approx(1_700_000_000 + sum(emulator.sleeps))


def test_a_held_job_times_out_on_the_emulator_clock(emulator):
    job = emulator.control("POST", "jobs", {"outcome": "stuck"})
    result = emulator.run_fail("job_info", job_ids=[job["id"]], wait=True, wait_timeout=30)
    assert job["id"] in result["msg"]
    assert sum(emulator.sleeps) == pytest.approx(30)


def test_writes_leave_out_reads_and_read_only_posts(emulator):
    client = _api.BlueXPClient(client_params(api_url="https://api.emulator.test", auth_url=AUTH_URL,
                                             account_id=emulator.account_id, connector_id=emulator.connector_id,
                                             token=None, refresh_token="emulator-refresh-token"))
    with pytest.raises(ApiError):  # no catalog is indexed yet: still a request that only reads
        client.cbs("POST", "v1", "catalog", "search", query={"query": "x"})
    client.cbs("GET", "v1", "job")
    client.cbs("PUT", "v1", "catalog", "working-environments", emulator.working_environment(backup_enabled=True)["id"],
               body={"state": "DISABLE"})
    assert [entry["method"] for entry in emulator.writes()] == ["PUT"]
    routes = [entry["route"] for entry in emulator.requests()]
    assert routes[0] == "POST /oauth/token" and len(routes) == 4


def test_faults_of_the_control_api_reach_the_transport(emulator):
    emulator.add_fault(path="/api/v1/job$", status=503, count=1, retry_after=7)
    emulator.add_fault(path="/api/v1/working-environment$", drop_connection=True, count=1)
    transport = EmulatorTransport(emulator.emulator)
    url = "https://api.emulator.test" + emulator.cbs_path("v1", "job")
    headers = {"Authorization": "Bearer " + emulator.token, "x-agent-id": emulator.connector_id}
    answer = transport.send("GET", url, headers=headers)
    assert answer.status == 503 and answer.headers["retry-after"] == "7"
    assert transport.send("GET", url, headers=headers).status == 200
    with pytest.raises(ConnectionFailure) as failure:
        transport.send("GET", "https://api.emulator.test" + emulator.cbs_path("v1", "working-environment"),
                       headers=headers)
    assert failure.value.maybe_sent is True
    assert [entry["status"] for entry in emulator.requests()] == [503, 200, None]


def test_a_rejected_control_call_raises(emulator):
    with pytest.raises(ControlError) as error:
        emulator.control("POST", "config", {"no_such_option": 1})
    assert error.value.status == 400


def test_reset_gives_a_new_token_that_works(emulator):
    old = emulator.token
    emulator.reset(fleet_size=2)
    assert emulator.token != old and len(emulator.working_environments()) == 2
    assert len(emulator.run_ok("working_environment_info")["working_environments"]) == 2
