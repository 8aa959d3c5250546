# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The retry policy on its own, then as the client applies it to reads and writes."""

from __future__ import annotations

import random
from datetime import datetime, timezone
from email.utils import format_datetime

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NewConnectionError, ProtocolError

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError, WriteNotResentError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import ConnectionFailure
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._retry import (
    RetryPolicy,
    parse_retry_after,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    API_URL,
    FakeClock,
    cbs_path,
    client_params,
    reply,
)

NOW = 1_700_000_000.0
JOB_PATH = cbs_path("v1", "job")
WE_PATH = cbs_path("v1", "backup", "working-environment", "we-1")
READS = ("GET",)
WRITES = ("POST", "PUT", "DELETE")


def http_date(offset_seconds):
    return format_datetime(datetime.fromtimestamp(NOW + offset_seconds, timezone.utc), usegmt=True)


def policy(clock=None, **kwargs):
    clock = clock or FakeClock()
    kwargs.setdefault("rand", lambda: 0.5)
    return RetryPolicy(sleep=clock.sleep, clock=clock.monotonic, **kwargs)


def refused(method="GET", url=API_URL + JOB_PATH):
    return ConnectionFailure("{0} {1}: could not connect".format(method, url), maybe_sent=False, method=method, url=url)


def maybe_sent(method="GET", url=API_URL + JOB_PATH, why="no answer within the timeout"):
    return ConnectionFailure("{0} {1}: {2}".format(method, url, why), maybe_sent=True, method=method, url=url)


@pytest.fixture
def fixed_now(monkeypatch):
    monkeypatch.setattr(RetryPolicy, "_now_epoch", staticmethod(lambda: NOW))


# --- which outcomes are retried --------------------------------------------------------------

@pytest.mark.parametrize("method", READS + ("get", "HEAD", "OPTIONS"))
@pytest.mark.parametrize("status, retried", [
    (429, True), (502, True), (503, True), (504, True), (500, True), (507, True),
    (501, False), (505, False), (400, False), (401, False), (404, False), (409, False), (200, False),
])
def test_status_retry_for_reads(method, status, retried):
    assert RetryPolicy().status_is_retryable(method, status) is retried


@pytest.mark.parametrize("status, retried", [(500, False), (507, False), (502, True), (503, True)])
def test_a_read_retries_one_blip_not_two(status, retried):
    assert RetryPolicy().status_is_retryable("GET", status, blips_so_far=1) is retried


@pytest.mark.parametrize("method", WRITES + ("PATCH", "post"))
@pytest.mark.parametrize("status, retried", [
    (429, True), (503, True),
    (500, False), (502, False), (504, False), (400, False), (409, False),
])
def test_status_retry_for_writes(method, status, retried):
    assert RetryPolicy().status_is_retryable(method, status) is retried


@pytest.mark.parametrize("method, sent, retried", [
    ("GET", False, True), ("GET", True, True),
    ("POST", False, True), ("POST", True, False),
    ("PUT", False, True), ("PUT", True, False),
    ("DELETE", False, True), ("DELETE", True, False),
])
def test_failure_retry(method, sent, retried):
    assert RetryPolicy.failure_is_retryable(method, sent) is retried


# --- how long to wait ------------------------------------------------------------------------

@pytest.mark.parametrize("attempt, ceiling", [(1, 1), (2, 2), (3, 4), (4, 8), (5, 16), (6, 30), (7, 30), (20, 30)])
def test_backoff_grows_and_is_capped(attempt, ceiling):
    low = policy(rand=lambda: 0.0).delay(attempt)
    high = policy(rand=lambda: 0.999999).delay(attempt)
    assert low == pytest.approx(ceiling / 2)
    assert high == pytest.approx(ceiling, rel=1e-5)


def test_backoff_is_jittered_within_bounds():
    rng = random.Random(1234)
    jittered = policy(rand=rng.random)
    for attempt in range(1, 8):
        ceiling = min(30.0, 2 ** (attempt - 1))
        delays = [jittered.delay(attempt) for dummy in range(50)]
        assert all(ceiling / 2 <= d <= ceiling for d in delays)
        assert len(set(delays)) > 1, "parallel tasks must not retry in lock step"


def test_backoff_with_a_fixed_rand_never_shrinks():
    fixed = policy()
    delays = [fixed.delay(a) for a in range(1, 10)]
    assert delays == sorted(delays)
    assert delays[0] < delays[-1]


@pytest.mark.parametrize("value, expected", [
    ("7", 7.0),
    ("0", 0.0),
    (" 12 ", 12.0),
    ("1000", 120.0),  # capped at 4 x max_delay
])
def test_retry_after_seconds_is_honoured(value, expected):
    assert policy().delay(1, {"Retry-After": value}) == expected


@pytest.mark.parametrize("offset, expected", [(30, 30.0), (0, 0.0), (-60, 0.0), (3600, 120.0)])
def test_retry_after_http_date_is_honoured(fixed_now, offset, expected):
    assert policy().delay(1, {"Retry-After": http_date(offset)}) == pytest.approx(expected)


@pytest.mark.parametrize("value", ["soon", "-5", "1.5", ""])
def test_unreadable_retry_after_falls_back_to_backoff(value):
    assert policy().delay(3, {"Retry-After": value}) == policy().delay(3)


@pytest.mark.parametrize("value, expected", [
    (None, None), ("", None), ("5", 5.0), ("  5  ", 5.0), ("abc", None), ("-1", None),
    ("Wed, 21 Oct 2015 07:28:00 GMT", 0.0),
])
def test_parse_retry_after(value, expected):
    assert parse_retry_after(value, now=lambda: NOW) == expected


def test_parse_retry_after_date_in_the_future():
    assert parse_retry_after(http_date(90), now=lambda: NOW) == pytest.approx(90.0)


def test_retry_after_header_lookup_is_case_insensitive_with_a_requests_mapping():
    headers = requests.structures.CaseInsensitiveDict({"retry-after": "9"})
    assert policy().delay(1, headers) == 9.0


# --- attempts and time budget ----------------------------------------------------------------

def test_max_attempts_is_respected():
    clock = FakeClock()
    budget = policy(clock, max_attempts=3).start()
    assert budget.wait_before_next() is True
    assert budget.wait_before_next() is True
    assert budget.wait_before_next() is False
    assert budget.attempt == 3
    assert clock.sleeps == [0.75, 1.5]


def test_total_budget_is_respected():
    clock = FakeClock()
    budget = policy(clock, base_delay=10, max_delay=30, total_budget=25, max_attempts=10).start()
    assert budget.wait_before_next() is True    # 7.5 s
    assert budget.wait_before_next() is True    # 15 s, 22.5 s in total
    assert budget.wait_before_next() is False   # another 15 s would pass 25 s
    assert clock.sleeps == [7.5, 15.0]
    assert sum(clock.sleeps) <= 25


def test_time_spent_in_requests_counts_against_the_budget():
    clock = FakeClock()
    budget = policy(clock, total_budget=10).start()
    clock.now += 9.5  # a slow first attempt
    assert budget.wait_before_next() is False
    assert clock.sleeps == []


def test_retry_after_beyond_the_budget_stops_without_waiting():
    clock = FakeClock()
    budget = policy(clock, total_budget=60).start()
    assert budget.wait_before_next({"Retry-After": "90"}) is False
    assert clock.sleeps == []


def test_default_policy_bounds():
    default = RetryPolicy()
    assert default.max_attempts >= 2
    assert default.total_budget <= 300
    assert default.max_delay <= default.total_budget


# --- the client applies the policy: reads ----------------------------------------------------

@pytest.mark.parametrize("status", [429, 502, 503, 504])
def test_get_is_retried_on_status(make_client, fake, clock, status):
    fake.add("GET", JOB_PATH, reply(status, {"message": "busy"}), reply(200, {"job": []}))
    assert make_client().cbs("GET", "v1", "job") == {"job": []}
    assert len(fake.sent("GET")) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("failure", [refused(), maybe_sent(), maybe_sent(why="connection dropped")],
                         ids=["refused", "read timeout", "dropped"])
def test_get_is_retried_on_connection_failures(make_client, fake, clock, failure):
    fake.add("GET", JOB_PATH, failure, failure, reply(200, {"job": []}))
    assert make_client().cbs("GET", "v1", "job") == {"job": []}
    assert len(fake.sent("GET")) == 3
    assert len(clock.sleeps) == 2


def test_get_is_retried_once_after_a_500(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(500, {"message": "blip"}), reply(200, {"job": []}))
    assert make_client().cbs("GET", "v1", "job") == {"job": []}
    assert len(fake.sent("GET")) == 2


def test_get_500_twice_in_a_row_is_the_answer(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(500, {"message": "first"}), reply(500, {"message": "second"}),
             reply(200, {"job": []}))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job")
    assert info.value.status == 500 and "second" in info.value.msg
    assert len(fake.sent("GET")) == 2


def test_a_certificate_the_client_does_not_trust_is_reported_at_once(make_client, fake, clock):
    untrusted = ConnectionFailure("GET {0}: TLS certificate verification failed".format(API_URL + JOB_PATH),
                                  maybe_sent=False, method="GET", url=API_URL + JOB_PATH, permanent=True)
    fake.add("GET", JOB_PATH, untrusted, reply(200, {"job": []}))
    with pytest.raises(ConnectionFailure):
        make_client().cbs("GET", "v1", "job")
    assert len(fake.sent("GET")) == 1 and clock.sleeps == []


@pytest.mark.parametrize("status", [501, 400, 404, 409])
def test_get_is_not_retried_on_other_statuses(make_client, fake, clock, status):
    fake.add("GET", JOB_PATH, reply(status, {"message": "no"}))
    with pytest.raises(ApiError):
        make_client().cbs("GET", "v1", "job")
    assert len(fake.sent("GET")) == 1
    assert clock.sleeps == []


def test_get_gives_up_after_max_attempts(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(503, {"message": "Service Unavailable"}))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job")
    assert info.value.status == 503
    assert "Service Unavailable" in info.value.msg
    assert len(fake.sent("GET")) == 6
    assert len(clock.sleeps) == 5
    assert sum(clock.sleeps) <= 120


def test_get_connection_failure_is_raised_when_retries_are_used_up(make_client, fake, clock, retry_policy):
    fake.add("GET", JOB_PATH, refused())
    with pytest.raises(ConnectionFailure) as info:
        make_client(retry=retry_policy(max_attempts=3)).cbs("GET", "v1", "job")
    assert info.value.maybe_sent is False
    assert len(fake.sent("GET")) == 3
    assert len(clock.sleeps) == 2


def test_get_respects_the_total_budget(make_client, fake, clock, retry_policy):
    fake.add("GET", JOB_PATH, reply(429, headers={"Retry-After": "20"}))
    with pytest.raises(ApiError):
        make_client(retry=retry_policy(total_budget=50, max_attempts=100)).cbs("GET", "v1", "job")
    assert clock.sleeps == [20.0, 20.0]
    assert len(fake.sent("GET")) == 3


def test_retry_after_seconds_is_used_by_the_client(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(429, headers={"Retry-After": "7"}), reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job")
    assert clock.sleeps == [7.0]


def test_retry_after_date_is_used_by_the_client(make_client, fake, clock, fixed_now):
    fake.add("GET", JOB_PATH, reply(503, headers={"Retry-After": http_date(12)}), reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job")
    assert clock.sleeps == [pytest.approx(12.0)]


def test_backoff_grows_across_client_retries(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(502), reply(502), reply(502), reply(502), reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job")
    assert clock.sleeps == [0.75, 1.5, 3.0, 6.0]


# --- the client applies the policy: writes ---------------------------------------------------

@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("status", [429, 503])
def test_write_is_retried_when_the_gateway_refused_it(make_client, fake, clock, method, status):
    fake.add(method, WE_PATH, reply(status, {"message": "slow down"}), reply(202, {"job-id": "j-1"}))
    result = make_client().cbs(method, "v1", "backup", "working-environment", "we-1", body={"a": 1})
    assert result == {"job-id": "j-1"}
    assert len(fake.sent(method)) == 2
    assert len(clock.sleeps) == 1


@pytest.mark.parametrize("method", WRITES)
def test_write_is_retried_when_it_never_left(make_client, fake, clock, method):
    fake.add(method, WE_PATH, refused(method, API_URL + WE_PATH), reply(202, {"job-id": "j-1"}))
    assert make_client().cbs(method, "v1", "backup", "working-environment", "we-1") == {"job-id": "j-1"}
    assert len(fake.sent(method)) == 2


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("status", [500, 502, 504])
def test_write_is_not_resent_after_a_5xx(make_client, fake, clock, method, status):
    fake.add(method, WE_PATH, reply(status, {"statusCode": status, "error": "Gateway", "message": "upstream"}),
             reply(202, {"job-id": "must-not-be-reached"}))
    with pytest.raises(ApiError) as info:
        make_client().cbs(method, "v1", "backup", "working-environment", "we-1", body={"a": 1})
    assert len(fake.sent(method)) == 1, "a write that may have been carried out is sent exactly once"
    assert clock.sleeps == []
    exc = info.value
    assert exc.status == status
    assert "not sent again" in exc.msg
    assert "job_info" in exc.msg
    assert exc.to_result()["msg"] == exc.msg
    assert "job_id" not in exc.details


@pytest.mark.parametrize("status", [500, 502, 504])
def test_write_5xx_reports_the_job_id_from_the_body(make_client, fake, status):
    fake.add("POST", WE_PATH, reply(status, {"statusCode": status, "message": "timed out", "job-id": "j-77"}))
    with pytest.raises(ApiError) as info:
        make_client().cbs("POST", "v1", "backup", "working-environment", "we-1", body={})
    assert info.value.details["job_id"] == "j-77"
    assert info.value.to_result()["job_id"] == "j-77"
    assert len(fake.sent("POST")) == 1


@pytest.mark.parametrize("method", WRITES)
@pytest.mark.parametrize("why", ["no answer within the timeout", "connection dropped before the server answered"])
def test_write_is_not_resent_after_a_failure_that_may_have_reached_the_server(make_client, fake, clock, method, why):
    fake.add(method, WE_PATH, maybe_sent(method, API_URL + WE_PATH, why), reply(202, {"job-id": "unreachable"}))
    with pytest.raises(WriteNotResentError) as info:
        make_client().cbs(method, "v1", "backup", "working-environment", "we-1", body={"a": 1})
    assert len(fake.sent(method)) == 1
    assert clock.sleeps == []
    exc = info.value
    assert "not sent again" in exc.msg
    assert why in exc.msg
    assert exc.msg.startswith("{0} {1}".format(method, WE_PATH))
    assert exc.details == {"method": method, "path": WE_PATH}


def test_get_5xx_message_does_not_claim_it_was_not_resent(make_client, fake, clock):
    fake.add("GET", JOB_PATH, reply(500, {"message": "boom"}))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job")
    assert "not sent again" not in info.value.msg


# A write refused with 503 was retried; its final error must not claim it was not sent again.
def test_write_503_exhausted_does_not_claim_it_was_not_resent(make_client, fake, retry_policy):
    fake.add("POST", WE_PATH, reply(503, {"message": "Service Unavailable"}))
    with pytest.raises(ApiError) as info:
        make_client(retry=retry_policy(max_attempts=3)).cbs("POST", "v1", "backup", "working-environment", "we-1",
                                                            body={})
    assert len(fake.sent("POST")) == 3
    assert "not sent again" not in info.value.msg


# --- the same through the real HTTP transport ------------------------------------------------

@pytest.fixture
def http_client(retry_policy):
    return BlueXPClient(client_params(), retry=retry_policy())


def test_real_transport_read_timeout_on_write_is_sent_once(http_client, clock):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API_URL + WE_PATH, body=requests.exceptions.ReadTimeout("read timed out"))
        with pytest.raises(WriteNotResentError) as info:
            http_client.cbs("POST", "v1", "backup", "working-environment", "we-1", body={"a": 1})
        assert len(mocked.calls) == 1
    assert "not sent again" in info.value.msg
    assert "no answer within the timeout" in info.value.msg
    assert clock.sleeps == []


def test_real_transport_dropped_connection_on_write_is_sent_once(http_client):
    dropped = requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104)))
    with responses.RequestsMock() as mocked:
        mocked.add(responses.DELETE, API_URL + WE_PATH, body=dropped)
        with pytest.raises(WriteNotResentError):
            http_client.cbs("DELETE", "v1", "backup", "working-environment", "we-1")
        assert len(mocked.calls) == 1


def test_real_transport_refused_write_is_retried(http_client, clock):
    refused_error = requests.exceptions.ConnectionError(
        MaxRetryError(None, API_URL + WE_PATH, reason=NewConnectionError(None, "Connection refused")))
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, API_URL + WE_PATH, body=refused_error)
        mocked.add(responses.POST, API_URL + WE_PATH, status=202, json={"job-id": "j-1"})
        assert http_client.cbs("POST", "v1", "backup", "working-environment", "we-1", body={}) == {"job-id": "j-1"}
        assert len(mocked.calls) == 2
    assert len(clock.sleeps) == 1


def test_real_transport_write_502_is_sent_once(http_client):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.PUT, API_URL + WE_PATH, status=502, json={"message": "Bad Gateway", "job-id": "j-9"})
        with pytest.raises(ApiError) as info:
            http_client.cbs("PUT", "v1", "backup", "working-environment", "we-1", body={})
        assert len(mocked.calls) == 1
    assert info.value.details["job_id"] == "j-9"
