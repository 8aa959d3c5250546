# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import types
from itertools import pairwise

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _waiter
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, JobTimeoutError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until


class Reader:
    """Answers the scripted values in order (the last one repeats) and notes when it was asked."""

    def __init__(self, clock, *values):
        self.clock = clock
        self.values = list(values)
        self.asked_at = []

    def __call__(self):
        self.asked_at.append(self.clock.now)
        return self.values.pop(0) if len(self.values) > 1 else self.values[0]


def wait(reader, clock, timeout=300, what="grid sg-1 to be listed", **kwargs):
    return wait_until(reader, timeout, what, sleep=clock.sleep, clock=clock.monotonic, **kwargs)


def test_a_value_at_once_is_returned_without_sleeping(clock):
    reader = Reader(clock, {"id": "sg-1"})
    assert wait(reader, clock) == {"id": "sg-1"}
    assert len(reader.asked_at) == 1 and clock.sleeps == []


@pytest.mark.parametrize("falsy", [None, [], {}, 0, "", False])
def test_falsy_answers_are_waited_out_and_the_first_truthy_one_returned(clock, falsy):
    reader = Reader(clock, falsy, falsy, {"id": "first"}, {"id": "second"})
    assert wait(reader, clock) == {"id": "first"}
    assert len(reader.asked_at) == 3
    assert clock.sleeps == [1.0, 1.5]


def test_the_interval_grows_by_half_up_to_the_maximum(clock):
    reader = Reader(clock, *([None] * 10 + ["found"]))
    assert wait(reader, clock, timeout=3600) == "found"
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375, 5.0625, 7.59375, 11.390625, 15.0, 15.0, 15.0]
    gaps = [b - a for a, b in pairwise(reader.asked_at)]
    assert gaps == clock.sleeps, "every answer is read right after a sleep"


def test_first_and_maximum_interval_can_be_chosen(clock):
    reader = Reader(clock, None, None, None, None, "found")
    wait(reader, clock, first_interval=2.0, max_interval=4.0)
    assert clock.sleeps == [2.0, 3.0, 4.0, 4.0]


def test_the_deadline_raises_a_timeout_naming_what_was_awaited(clock):
    reader = Reader(clock, None)
    start = clock.now
    with pytest.raises(JobTimeoutError) as info:
        wait(reader, clock, timeout=10)
    assert clock.now - start == pytest.approx(10), "never sleeps past the deadline"
    assert clock.sleeps == [1.0, 1.5, 2.25, 3.375, pytest.approx(1.875)]
    assert len(reader.asked_at) == 6 and reader.asked_at[-1] == pytest.approx(start + 10)
    assert info.value.msg.startswith("Timed out after 10 s waiting for grid sg-1 to be listed.")
    assert isinstance(info.value, BlueXPError) and info.value.to_result()["msg"] == info.value.msg


def test_a_value_read_at_the_deadline_still_counts(clock):
    reader = Reader(clock, None, None, "just in time")
    assert wait(reader, clock, timeout=2.5) == "just in time"
    assert sum(clock.sleeps) == pytest.approx(2.5)


def test_a_zero_timeout_reads_once_and_does_not_sleep(clock):
    reader = Reader(clock, None)
    with pytest.raises(JobTimeoutError) as info:
        wait(reader, clock, timeout=0)
    assert len(reader.asked_at) == 1 and clock.sleeps == []
    assert "Timed out after 0 s" in info.value.msg


def test_a_fractional_timeout_is_reported_in_whole_seconds(clock):
    with pytest.raises(JobTimeoutError) as info:
        wait(Reader(clock, None), clock, timeout=2.9)
    assert "after 2 s" in info.value.msg


def test_an_error_of_the_reader_is_not_swallowed(clock):
    def read():
        raise BlueXPError("GET api/v1/sg failed with HTTP 500")

    with pytest.raises(BlueXPError) as info:
        wait(read, clock)
    assert "HTTP 500" in info.value.msg and clock.sleeps == []


def test_sleep_and_clock_default_to_the_time_module_looked_up_when_called(monkeypatch, clock):
    monkeypatch.setattr(_waiter, "time", types.SimpleNamespace(sleep=clock.sleep, monotonic=clock.monotonic))
    reader = Reader(clock, None, None, "found")
    assert wait_until(reader, 60, "x") == "found"
    assert clock.sleeps == [1.0, 1.5]


def test_the_default_sleep_is_time_sleep(monkeypatch, clock):
    # conftest makes time.sleep refuse to run: the default must be that very function.
    with pytest.raises(AssertionError, match="called for real"):
        wait_until(Reader(clock, None, "found"), 60, "x", clock=clock.monotonic)
