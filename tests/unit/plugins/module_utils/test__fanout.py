# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import threading

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently


def test_results_keep_the_order_of_the_items():
    assert map_concurrently(lambda n: n * n, range(20)) == [n * n for n in range(20)]


def test_items_run_side_by_side():
    """Four items that each wait for the others can only finish when they run together."""
    barrier = threading.Barrier(4, timeout=5)
    assert map_concurrently(lambda n: barrier.wait() is not None and n, range(4)) == [0, 1, 2, 3]


@pytest.mark.parametrize("items", [[], [1]])
def test_zero_or_one_item_runs_in_the_calling_thread(items):
    caller = threading.get_ident()
    assert map_concurrently(lambda n: threading.get_ident() == caller, items) == [True] * len(items)


def test_the_first_error_is_raised():
    def boom(n):
        if n == 3:
            raise ValueError("item 3")
        return n

    with pytest.raises(ValueError, match="item 3"):
        map_concurrently(boom, range(6))
