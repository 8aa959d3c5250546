#!/usr/bin/env python
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""How working_environment_info scales with the fleet, and what a shared token saves.

Runs the module's own code in-process against the emulator with a per-request latency
that stands in for the SaaS gateway and the Connector, and prints Markdown tables:

    PYTHONPATH=<dir holding ansible_collections>:tests/emulator python benchmarks/fleet_info.py

Figures are wall-clock on the machine that runs it; docs/benchmarks.md keeps a copy.
"""

from __future__ import annotations

import argparse
import statistics
import time
import tracemalloc
from unittest import mock

from bluexp_emulator import start_server

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _fanout
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
from ansible_collections.bluexp.cloud_backup.plugins.modules import working_environment_info

DETAILS = ["volumes", "svms", "ip_spaces", "backup_policies"]


def params(url: str, **extra):
    base = dict(api_url=url, auth_url=url, refresh_token="emulator-refresh-token", token=None, client_id=None,
                client_secret=None, account_id=None, connector_id=None, validate_certs=True, ca_path=None,
                timeout=60, bypass_cache=False)
    base.update(extra)
    return base


def gather(url: str, workers: int, details: list[str]) -> tuple[float, int, int]:
    """(seconds, environments returned, peak traced KiB) for one module run."""
    module_params = dict(working_environment_ids=None, names=None, providers=None, backup_status=True,
                         details=details)
    with mock.patch.object(_fanout, "MAX_WORKERS", workers), \
            mock.patch.object(_fanout.map_concurrently, "__defaults__", (workers,)):
        tracemalloc.start()
        started = time.perf_counter()
        records = working_environment_info.gather(BlueXPClient(params(url)), module_params)
        elapsed = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
    return elapsed, len(records), peak // 1024


def fleet_table(sizes: list[int], latency_ms: float, repeat: int) -> None:
    print("\n### working_environment_info, all details, {0} ms per request\n".format(latency_ms))
    print("| working environments | requests | one at a time (s) | side by side, {0} threads (s) | peak memory (KiB) |"
          .format(_fanout.MAX_WORKERS))
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        with start_server(seed=42, fleet_size=size, latency_ms=latency_ms) as emulator:
            runs = {}
            for workers in (1, _fanout.MAX_WORKERS):
                times = []
                for _attempt in range(repeat):
                    before = emulator.counters()["requests"]
                    elapsed, count, peak = gather(emulator.url, workers, DETAILS)
                    requests = emulator.counters()["requests"] - before
                    assert count == size
                    times.append(elapsed)
                runs[workers] = statistics.median(times)
            print("| {0} | {1} | {2:.2f} | {3:.2f} | {4} |".format(
                size, requests, runs[1], runs[_fanout.MAX_WORKERS], peak))


def token_table(tasks: int, token_latency_ms: float, latency_ms: float) -> None:
    print("\n### {0} tasks, token exchange {1} ms, API request {2} ms\n".format(tasks, token_latency_ms, latency_ms))
    print("| credential given to each task | token exchanges | time in auth + API calls (s) |")
    print("|---|---:|---:|")
    with start_server(seed=42, fleet_size=tasks, latency_ms=latency_ms, token_latency_ms=token_latency_ms) as emulator:
        state = emulator.state()["accounts"][0]
        ids = [we["id"] for we in state["working_environments"]]
        fixed = dict(account_id=state["id"], connector_id=state["connectors"][0]["agent_id"])
        one = dict(working_environment_ids=None, names=None, providers=None, backup_status=True, details=[])
        for label, shared in (("refresh token (exchanged by every task)", False),
                              ("token from the access_token lookup, once", True)):
            before = emulator.counters()["token_exchanges"]
            started = time.perf_counter()
            token = BlueXPClient(params(emulator.url)).tokens.token() if shared else None
            for we_id in ids:
                extra = dict(fixed, token=token) if shared else dict(fixed)
                working_environment_info.gather(BlueXPClient(params(emulator.url, **extra)),
                                                dict(one, working_environment_ids=[we_id]))
            elapsed = time.perf_counter() - started
            print("| {0} | {1} | {2:.2f} |".format(label, emulator.counters()["token_exchanges"] - before, elapsed))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[24, 100, 300])
    parser.add_argument("--latency-ms", type=float, default=25.0)
    parser.add_argument("--token-latency-ms", type=float, default=400.0)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    fleet_table(args.sizes, args.latency_ms, args.repeat)
    token_table(20, args.token_latency_ms, args.latency_ms)


if __name__ == "__main__":
    main()
