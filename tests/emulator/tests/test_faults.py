# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection through the control API."""
from __future__ import annotations

import http.client
import time
import urllib.error

import pytest

from bluexp_emulator import start_server
from bluexp_emulator.handle import ControlError
from emulator_client import Client, error_body


def test_fault_fires_for_the_next_count_matching_calls(client: Client) -> None:
    client.handle.add_fault(method="GET", path=r"/api/v1/job$", status=503, count=2)
    first, second, third = (client.cbs("/api/v1/job") for _attempt in range(3))
    assert (first.status, second.status, third.status) == (503, 503, 200)
    assert first.body == error_body(503, "Injected server error")
    assert client.cbs("/api/v1/working-environment").status == 200  # path did not match
    assert client.handle.counters()["faults_fired"] == 2
    assert client.handle.control("GET", "faults")["faults"][0]["fired"] == 2


def test_429_with_retry_after(client: Client) -> None:
    client.handle.add_fault(path="/working-environment", status=429, retry_after=3, message="Slow down", count=1)
    result = client.cbs("/api/v1/working-environment")
    assert result.status == 429
    assert result.headers["Retry-After"] == "3"
    assert result.body == error_body(429, "Slow down")
    assert client.cbs("/api/v1/working-environment").status == 200


def test_latency_fault_delays_the_response(client: Client) -> None:
    client.handle.add_fault(path="/api/v1/job", latency_ms=250, count=1)
    started = time.monotonic()
    assert client.cbs("/api/v1/job").status == 200
    assert time.monotonic() - started >= 0.25
    started = time.monotonic()
    client.cbs("/api/v1/job")
    assert time.monotonic() - started < 0.25


def test_configured_latency_applies_to_api_and_token_calls(client: Client) -> None:
    token = client.token
    client.handle.configure(latency_ms=150, token_latency_ms=200)
    started = time.monotonic()
    client.cbs("/api/v1/job", token=token)
    assert time.monotonic() - started >= 0.15
    started = time.monotonic()
    client.refresh_grant()
    assert time.monotonic() - started >= 0.2


def test_drop_connection_closes_without_response(client: Client) -> None:
    client.handle.add_fault(path="/api/v1/job", drop_connection=True, count=1)
    with pytest.raises((http.client.RemoteDisconnected, ConnectionError, urllib.error.URLError)):
        client.cbs("/api/v1/job")
    assert client.cbs("/api/v1/job").status == 200
    dropped = [entry for entry in client.handle.requests() if entry["status"] is None]
    assert len(dropped) == 1 and dropped[0]["fault"] == "fault-1"


def test_body_fault_sends_that_text_as_the_answer(client: Client) -> None:
    client.handle.add_fault(method="GET", path=r"/api/v1/job$", body="<html>gateway</html>",
                            content_type="text/html", count=1)
    with pytest.raises(ValueError):  # the client decodes JSON: the answer is the page, as sent
        client.cbs("/api/v1/job")
    assert client.cbs("/api/v1/job").status == 200
    with pytest.raises(ControlError):
        client.handle.add_fault(after_apply=True)
    with pytest.raises(ControlError):
        client.handle.add_fault(body=[])


def test_probabilistic_faults_are_reproducible_per_seed() -> None:
    patterns = []
    for _run in range(2):
        with start_server(seed=7, fleet_size=1) as handle:
            client = Client(handle)
            handle.add_fault(path="/api/v1/job", status=500, probability=0.5)
            patterns.append([client.cbs("/api/v1/job").status for _attempt in range(12)])
    assert patterns[0] == patterns[1]
    assert set(patterns[0]) == {200, 500}


def test_faults_are_listed_cleared_and_validated(client: Client) -> None:
    client.handle.add_fault(status=500)
    client.handle.add_fault(status=502, path="/oauth")
    assert [f["id"] for f in client.handle.control("GET", "faults")["faults"]] == ["fault-1", "fault-2"]
    assert client.handle.control("DELETE", "faults/fault-1") == {"deleted": 1}
    assert client.handle.control("DELETE", "faults") == {"deleted": 1}
    assert client.cbs("/api/v1/job").status == 200
    assert client.handle.add_fault(status="503", count="2")["status"] == 503  # templated numbers arrive as text
    client.handle.control("DELETE", "faults")
    for bad in ({"status": 99}, {"path": "("}, {}, {"statsu": 500}, {"status": 500, "count": 0},
                {"status": "five hundred"}):
        with pytest.raises(ControlError) as failure:
            client.handle.add_fault(**bad)
        assert failure.value.status == 400


def test_faults_never_hit_the_control_api(client: Client) -> None:
    token = client.token
    client.handle.add_fault(status=500)
    assert client.handle.state()["accounts"]
    assert client.cbs("/api/v1/job", token=token).status == 500
