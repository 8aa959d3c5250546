# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Run independent read calls side by side.

Per-environment details over a fleet are many small GETs whose time is spent waiting on
the Connector; a few threads sharing the one HTTP session cut that wait without
opening more connections than the session's pool holds.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from typing import Callable, Iterable, TypeVar

T = TypeVar("T")
R = TypeVar("R")

# At most the default connection pool size of a requests session (10).
MAX_WORKERS = 8


def map_concurrently(func: Callable[[T], R], items: Iterable[T], workers: int = MAX_WORKERS) -> list[R]:
    """`[func(i) for i in items]`, in order; the first error raised is raised again here."""
    items = list(items)
    if len(items) < 2 or workers < 2:
        return [func(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(workers, len(items))) as pool:
        return list(pool.map(func, items))
