# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Injectable clocks: job progress and token expiry read time only through these."""
from __future__ import annotations

import threading
import time


class Clock:
    """Base clock with an offset that tests or the control API can push forward."""

    def __init__(self) -> None:
        self._offset = 0.0
        self._lock = threading.Lock()

    def _base(self) -> float:
        raise NotImplementedError

    def now(self) -> float:
        """Current time in epoch seconds."""
        return self._base() + self._offset

    def now_ms(self) -> int:
        return int(self.now() * 1000)

    def advance(self, seconds: float) -> None:
        with self._lock:
            self._offset += seconds


class SystemClock(Clock):
    """Wall-clock time (plus any advance)."""

    def _base(self) -> float:
        return time.time()


class ManualClock(Clock):
    """Frozen time that only moves with ``advance()``; makes job tests sleep-free."""

    def __init__(self, start: float = 1_700_000_000.0) -> None:
        super().__init__()
        self._start = start

    def _base(self) -> float:
        return self._start
