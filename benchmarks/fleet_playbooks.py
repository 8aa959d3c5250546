#!/usr/bin/env python
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the fleet layer costs: the inventory plugin, the protection report, protect_fleet.yml.

Unlike fleet_info.py, this runs the real commands (ansible-inventory, ansible-playbook), so the
figures include Ansible's own work: a process per task, templating, forks. The emulator adds a
fixed latency per request. Prints Markdown tables:

    ANSIBLE_COLLECTIONS_PATH=<dir holding ansible_collections> PYTHONPATH=tests/emulator \\
        python benchmarks/fleet_playbooks.py

Figures are wall-clock on the machine that runs it; docs/benchmarks.md keeps a copy.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bluexp_emulator import start_server

REPO = Path(__file__).resolve().parents[1]
BIN = Path(sys.executable).parent
INVENTORY = REPO / "playbooks" / "inventory" / "fleet.bluexp.yml"


def environment(url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("BLUEXP_")}
    env.update(BLUEXP_API_URL=url, BLUEXP_AUTH_URL=url, BLUEXP_REFRESH_TOKEN="emulator-refresh-token",
               ANSIBLE_NOCOLOR="1", ANSIBLE_LOCALHOST_WARNING="False")
    env.update(extra)
    return env


def timed(command: list[str], env: dict[str, str]) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit("{0} failed:\n{1}".format(" ".join(command), (done.stdout + done.stderr)[-3000:]))
    return elapsed


def requests_of(server) -> tuple[int, int]:
    counters = server.counters()
    return counters["requests"], counters["token_exchanges"]


def inventory_table(sizes: list[int], latency_ms: float) -> None:
    print("\n### Inventory plugin, `ansible-inventory --list`, {0} ms per request\n".format(latency_ms))
    print("| working environments | first run (s) | requests | token exchanges | cached run (s) | requests |")
    print("|---:|---:|---:|---:|---:|---:|")
    for size in sizes:
        with start_server(fleet_size=size, latency_ms=latency_ms, token_latency_ms=400) as server, \
                tempfile.TemporaryDirectory() as cache:
            source = Path(cache) / "fleet.bluexp.yml"
            source.write_text(INVENTORY.read_text() + "cache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                              "cache_connection: {0}\n".format(Path(cache) / "facts"))
            command = [str(BIN / "ansible-inventory"), "-i", str(source), "--list"]
            env = environment(server.url, ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
            first = timed(command, env)
            requests, exchanges = requests_of(server)
            cached = timed(command, env)
            total_after = requests_of(server)[0]
            print("| {0} | {1:.2f} | {2} | {3} | {4:.2f} | {5} |".format(
                size, first, requests, exchanges, cached, total_after - requests))


def report_table(sizes: list[int], latency_ms: float) -> None:
    print("\n### protection_report.yml over the whole account, {0} ms per request\n".format(latency_ms))
    print("| working environments | volumes | seconds | requests | token exchanges |")
    print("|---:|---:|---:|---:|---:|")
    for size in sizes:
        with start_server(fleet_size=size, latency_ms=latency_ms, token_latency_ms=400) as server, \
                tempfile.TemporaryDirectory() as out:
            volumes = sum(len(we["volume_list"]) for we in server.state()["accounts"][0]["working_environments"])
            seconds = timed([str(BIN / "ansible-playbook"), str(REPO / "playbooks" / "protection_report.yml"),
                             "-e", "protection_report_dir=" + out], environment(server.url))
            requests, exchanges = requests_of(server)
            print("| {0} | {1} | {2:.1f} | {3} | {4} |".format(size, volumes, seconds, requests, exchanges))


def protect_table(size: int, forks: list[int], latency_ms: float) -> None:
    print("\n### protect_fleet.yml over {0} working environments, {1} ms per request\n".format(size, latency_ms))
    print("| forks | first run, converging (s) | requests | second run, unchanged (s) | writes in the second run |")
    print("|---:|---:|---:|---:|---:|")
    for count in forks:
        with start_server(fleet_size=size, latency_ms=latency_ms, token_latency_ms=400) as server:
            command = [str(BIN / "ansible-playbook"), "-i", str(INVENTORY), str(REPO / "playbooks" / "protect_fleet.yml")]
            env = environment(server.url, ANSIBLE_FORKS=str(count), ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
            first = timed(command, env)
            requests = requests_of(server)[0]
            writes_before = _writes(server)
            second = timed(command, env)
            print("| {0} | {1:.1f} | {2} | {3:.1f} | {4} |".format(
                count, first, requests, second, _writes(server) - writes_before))


def _writes(server) -> int:
    return sum(n for route, n in server.counters()["by_route"].items()
               if not route.startswith("GET ") and "oauth/token" not in route)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--latency-ms", type=float, default=25)
    parser.add_argument("--sizes", type=int, nargs="+", default=[100, 300])
    parser.add_argument("--protect-size", type=int, default=36)
    parser.add_argument("--forks", type=int, nargs="+", default=[5, 20])
    args = parser.parse_args()
    inventory_table(args.sizes, args.latency_ms)
    report_table(args.sizes, args.latency_ms)
    protect_table(args.protect_size, args.forks, args.latency_ms)


if __name__ == "__main__":
    main()
