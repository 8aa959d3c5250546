# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""When to send a request again, and how long to wait first.

Reads (GET) are retried on 429, 502, 503, 504 and on any failure without a response, except
one that waiting cannot cure (a TLS certificate the client does not trust). Any other 5xx
answer to a read is retried once: a single blip must not abort an hour-long job wait, and
a second one in a row is the server's answer.
A write (POST, PUT, DELETE) is retried only when the server certainly did not act on
it: 429 and 503 (the gateway refused it) and connections that never got through.
A 502 or 504 answer, a read timeout or a connection dropped after sending may mean the
Connector already received the write: sending it again could start a second backup
or restore, so the caller is told instead.
"""

from __future__ import annotations

import email.utils
import random
import time
from dataclasses import dataclass, field
from typing import Callable, Mapping

RETRYABLE_STATUS = frozenset((429, 502, 503, 504))
# 5xx that say "never": the server does not implement the method or the HTTP version.
PERMANENT_SERVER_STATUS = frozenset((501, 505))
WRITE_SAFE_STATUS = frozenset((429, 503))
SAFE_METHODS = frozenset(("GET", "HEAD", "OPTIONS"))


@dataclass
class RetryPolicy:
    """Exponential backoff with full jitter inside a total time budget."""

    max_attempts: int = 6
    base_delay: float = 1.0
    max_delay: float = 30.0
    total_budget: float = 120.0
    sleep: Callable[[float], None] = time.sleep
    clock: Callable[[], float] = time.monotonic
    rand: Callable[[], float] = field(default_factory=lambda: random.random)

    def status_is_retryable(self, method: str, status: int, blips_so_far: int = 0) -> bool:
        if method.upper() in SAFE_METHODS:
            return status in RETRYABLE_STATUS or (is_blip(status) and blips_so_far == 0)
        return status in WRITE_SAFE_STATUS

    @staticmethod
    def failure_is_retryable(method: str, maybe_sent: bool) -> bool:
        return method.upper() in SAFE_METHODS or not maybe_sent

    def delay(self, attempt: int, headers: Mapping[str, str] | None = None) -> float:
        """Seconds to wait before attempt number `attempt + 1` (attempt counts from 1)."""
        retry_after = parse_retry_after((headers or {}).get("Retry-After"), self._now_epoch)
        if retry_after is not None:
            return min(retry_after, self.max_delay * 4)
        ceiling = min(self.max_delay, self.base_delay * (2 ** (attempt - 1)))
        # Full jitter spreads a fleet of parallel tasks instead of retrying in lock step.
        return ceiling / 2 + self.rand() * ceiling / 2

    @staticmethod
    def _now_epoch() -> float:
        return time.time()

    def start(self) -> "RetryBudget":
        return RetryBudget(self, self.clock())


@dataclass
class RetryBudget:
    """The state of one logical request across its attempts."""

    policy: RetryPolicy
    started: float
    attempt: int = 1
    blips: int = 0

    def retry_status(self, method: str, status: int, headers: Mapping[str, str] | None = None) -> bool:
        """Sleep and return True when an answer with this status is to be sent again."""
        if not self.policy.status_is_retryable(method, status, self.blips):
            return False
        if is_blip(status):
            self.blips += 1
        return self.wait_before_next(headers)

    def wait_before_next(self, headers: Mapping[str, str] | None = None) -> bool:
        """Sleep before the next attempt; False when attempts or time are used up."""
        if self.attempt >= self.policy.max_attempts:
            return False
        pause = self.policy.delay(self.attempt, headers)
        elapsed = self.policy.clock() - self.started
        if elapsed + pause > self.policy.total_budget:
            return False
        self.policy.sleep(pause)
        self.attempt += 1
        return True


def is_blip(status: int) -> bool:
    """A 5xx that the status table does not retry but one more try may cure (500 above all)."""
    return status >= 500 and status not in RETRYABLE_STATUS and status not in PERMANENT_SERVER_STATUS


def parse_retry_after(value: str | None, now: Callable[[], float] = time.time) -> float | None:
    """Retry-After as seconds: either delta-seconds or an HTTP date (RFC 9110 10.2.3)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    return max(0.0, when.timestamp() - now())
