# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The Markdown that benchmarks/bench.py prints and writes: medians, ratios, the goals, and how long a matrix takes."""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from pathlib import Path
from collections.abc import Callable, Iterable, Sequence
from typing import Any

# Columns of the per-variant tables: (metric, heading, format).
COLUMNS: list[tuple[str, str, str]] = [
    ("wall_s", "wall (s)", "{:.1f}"),
    ("requests", "requests", "{:.0f}"),
    ("GET", "GET", "{:.0f}"),
    ("POST", "POST", "{:.0f}"),
    ("PUT", "PUT", "{:.0f}"),
    ("DELETE", "DELETE", "{:.0f}"),
    ("writes", "writes", "{:.0f}"),
    ("requests_per_we", "requests / WE", "{:.2f}"),
    ("max_on_one_we", "most on one WE", "{:.0f}"),
    ("token_exchanges", "token exchanges", "{:.0f}"),
    ("discovery_by_modules", "discovery by modules", "{:.0f}"),
    ("job_polls", "job polls", "{:.0f}"),
    ("end_to_seen_s", "job end → seen (s)", "{:.2f}"),
    ("end_to_seen_waited_s", "… if polled while running (s)", "{:.2f}"),
    ("peak_rss_mib", "peak memory (MiB)", "{:.0f}"),
]
RESTORE_COLUMN = ("restores", "restores started", "{:.0f}")
# The ratios each table ends with: the collection against each other variant.
RATIOS = [("uri1", "collection / uri tuned"), ("uri10", "collection / uri delay 10"), ("floor", "collection / ping floor")]

# Rough seconds per run on a 2-core machine at 150 ms per request, 800 ms per token exchange and
# 3 s jobs: (fixed, per working environment) by workload, variant kind and phase. The uri playbook
# polling every 10 s waits about 10 s per job and host, forks side by side.
#
# The fixed parts come from a 10-working-environment run; the per-WE parts are a model checked
# against a 40-working-environment protect run (ping floor and collection): about 0.13 s per
# module run per host (10 forks on 2 cores), collection modules heavier than uri or ping, and,
# when polling every 10 s, about 10 s per job and host, 10 hosts at a time.
ESTIMATE: dict[tuple[str, str, str], tuple[float, float]] = {
    ("protect", "collection", "converge"): (16, 1.9), ("protect", "collection", "rerun"): (4, 1.0),
    ("protect", "uri10", "converge"): (30, 3.0), ("protect", "uri10", "rerun"): (12, 0.5),
    ("protect", "uri1", "converge"): (14, 2.2), ("protect", "uri1", "rerun"): (12, 0.5),
    ("protect", "floor", "converge"): (8, 1.6), ("protect", "floor", "rerun"): (8, 1.6),
    ("report", "collection", "converge"): (9, 0.4), ("report", "collection", "rerun"): (9, 0.4),
    ("report", "uri10", "converge"): (10, 0.6), ("report", "uri10", "rerun"): (10, 0.6),
    ("report", "uri1", "converge"): (10, 0.6), ("report", "uri1", "rerun"): (10, 0.6),
    ("report", "floor", "converge"): (5, 0.8), ("report", "floor", "rerun"): (5, 0.8),
    ("restore", "collection", "converge"): (35, 0.02), ("restore", "collection", "rerun"): (12, 0.02),
    ("restore", "uri10", "converge"): (52, 0.02), ("restore", "uri10", "rerun"): (8, 0.02),
    ("restore", "uri1", "converge"): (29, 0.02), ("restore", "uri1", "rerun"): (9, 0.02),
    ("restore", "floor", "converge"): (8, 0.02), ("restore", "floor", "rerun"): (8, 0.02),
}


def _estimate_key(workload: str, variant: str, phase: str) -> tuple[str, str, str]:
    return workload, "collection" if variant == "warm" else variant, phase


def estimate_seconds(args: argparse.Namespace, sizes: list[int] | None = None) -> float:
    """The matrix as bench.py runs it: measured converges, the converges that prepare later reruns, the reruns."""
    total = 0.0
    rounds = max(args.converge_rounds, args.rerun_rounds)
    for size in sizes or args.sizes:
        total += 5 + 0.02 * size  # the inventory alone
        for workload in args.workloads:
            for variant in args.variants:
                converge = ESTIMATE[_estimate_key(workload, variant, "converge")]
                rerun = ESTIMATE[_estimate_key(workload, variant, "rerun")]
                prepares = workload in ("protect", "restore") and variant != "floor"
                converges = rounds if prepares else args.converge_rounds
                warm = 2 if variant == "warm" else 0  # warming the cache before each run
                total += converges * (converge[0] + converge[1] * size + warm)
                total += args.rerun_rounds * (rerun[0] + rerun[1] * size + warm)
    return total


def estimate_text(args: argparse.Namespace) -> str:
    minutes = estimate_seconds(args) / 60
    by_size = ", ".join(f"{size} WEs {estimate_seconds(args, [size]) / 60:.0f} min" for size in args.sizes)
    return (f"Matrix: workloads {' '.join(args.workloads)}, sizes {' '.join(map(str, args.sizes))}, variants "
            f"{' '.join(args.variants)}, {args.converge_rounds} converge and {args.rerun_rounds} rerun round(s), "
            f"{args.latency_ms:g} ms per request, {args.token_latency_ms:g} ms per token exchange, {args.job_duration_s:g} s jobs, "
            f"forks {args.forks}.\nEstimated time on a 2-core machine: about {minutes:.0f} min "
            f"({minutes / 60:.1f} h: {by_size}); a machine shared with other work takes longer.")


# ---------------------------------------------------------------------------------------------
# Aggregation


def _median(values: Iterable[float | None]) -> float | None:
    found = [v for v in values if v is not None]
    return statistics.median(found) if found else None


def group(runs: list[Any], workload: str, size: int, phase: str, variant: str) -> list[Any]:
    return [r for r in runs if (r.workload, r.size, r.phase, r.variant) == (workload, size, phase, variant)]


def median_of(runs: list[Any], metric: str) -> float | None:
    """Median over the successful runs; job end → seen pools every job of every run."""
    ok = [r for r in runs if r.ok]
    if metric in ("end_to_seen_s", "end_to_seen_waited_s"):
        return _median([value for r in ok for value in r.counters.get("job_" + metric) or []])
    return _median(r.metric(metric) for r in ok)


def _fmt(value: float | None, pattern: str) -> str:
    return "-" if value is None else pattern.format(value)


def _ratio(a: float | None, b: float | None) -> float | None:
    return None if a is None or not b else a / b


# ---------------------------------------------------------------------------------------------
# Tables


def variant_table(runs: list[Any], workload: str, size: int, phase: str, variants: list[str], labels: dict[str, str]) -> str:
    columns = COLUMNS + ([RESTORE_COLUMN] if workload == "restore" else [])
    lines = ["| variant | runs | " + " | ".join(heading for _m, heading, _f in columns) + " |",
             "|---|---:|" + "---:|" * len(columns)]
    for variant in variants:
        found = group(runs, workload, size, phase, variant)
        if not found:
            continue
        ok = [r for r in found if r.ok]
        walls = [r.wall_s for r in ok]
        cells = []
        for metric, _heading, pattern in columns:
            cell = _fmt(median_of(found, metric), pattern)
            if metric == "wall_s" and len(walls) > 1:
                cell += f" ({min(walls):.1f}-{max(walls):.1f})"
            cells.append(cell)
        runs_cell = f"{len(ok)}" if len(ok) == len(found) else f"{len(ok)} of {len(found)} ok"
        lines.append(f"| {labels[variant]} | {runs_cell} | " + " | ".join(cells) + " |")
    ratios = []
    for other, label in RATIOS:
        wall = _ratio(median_of(group(runs, workload, size, phase, "collection"), "wall_s"),
                      median_of(group(runs, workload, size, phase, other), "wall_s"))
        requests = _ratio(median_of(group(runs, workload, size, phase, "collection"), "requests"),
                          median_of(group(runs, workload, size, phase, other), "requests"))
        if wall is not None:
            ratios.append(f"{label}: wall time {wall:.2f}x" + (f", requests {requests:.2f}x" if requests is not None else ""))
    return "\n".join(lines) + ("\n\n" + "; ".join(ratios) + "." if ratios else "")


def inventory_table(fleets: list[Any]) -> str:
    lines = ["| working environments | wall (s) | requests | token exchanges | discovery requests |", "|---:|---:|---:|---:|---:|"]
    for fleet in fleets:
        inv = fleet.inventory
        lines.append(f"| {fleet.size} | {inv['wall_s']:.1f} | {inv['requests']} | {inv['token_exchanges']} | {inv['discovery']} |")
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# Goals


def _per_size(sizes: list[int], value: Callable[[int], float | None], pattern: str) -> tuple[str, list[float]]:
    found = [(size, value(size)) for size in sizes]
    text = ", ".join(f"{size}: {_fmt(v, pattern)}" for size, v in found)
    return text, [v for _s, v in found if v is not None]


def goals(runs: list[Any], sizes: list[int], plays: dict[str, int]) -> list[tuple[str, str, str]]:
    """(goal, measured, verdict) rows; a verdict is "met", "not met" or "not measured". PLAYS: plays per workload."""

    def med(workload: str, size: int, phase: str, variant: str, metric: str) -> float | None:
        return median_of(group(runs, workload, size, phase, variant), metric)

    def of_collection(workload: str, phase: str, metric: str) -> Callable[[int], float | None]:
        return lambda size: med(workload, size, phase, "collection", metric)

    def against(workload: str, phase: str, metric: str, other: str) -> Callable[[int], float | None]:
        """The collection's median over OTHER's, per size."""
        return lambda size: _ratio(med(workload, size, phase, "collection", metric), med(workload, size, phase, other, metric))

    def verdict(values: Sequence[float], ok: Callable[[float], bool]) -> str:
        if not values:
            return "not measured"
        return "met" if all(map(ok, values)) else "not met"

    def constancy(values: list[float]) -> str:
        if len(values) < 2:
            return ""
        return ", constant" if max(values) - min(values) <= 0.1 * max(values) else ", not constant"

    rows = []
    text, values = _per_size(sizes, against("protect", "converge", "wall_s", "uri1"), "{:.2f}x")
    rows.append(("Protect converge: at most 0.5x the tuned uri playbook's wall time", text, verdict(values, lambda v: v <= 0.5)))
    text, values = _per_size(sizes, against("protect", "rerun", "wall_s", "uri1"), "{:.2f}x")
    rows.append(("Protect rerun: at most 0.5x the uri rerun's wall time", text, verdict(values, lambda v: v <= 0.5)))
    text, values = _per_size(sizes, against("protect", "rerun", "wall_s", "floor"), "{:.2f}x")
    rows.append(("Protect rerun: below the ping floor of the uri playbook's task count", text, verdict(values, lambda v: v < 1)))

    def marginal(workload: str, phase: str) -> str:
        """Requests per additional working environment between the smallest and the largest fleet: the cost
        that grows with the fleet, without what a run pays once (token, listings per Connector)."""
        points = []
        for size in (min(sizes), max(sizes)) if len(sizes) > 1 else ():
            chosen = [r for r in group(runs, workload, size, phase, "collection") if r.ok and r.acted_on]
            if chosen:
                points.append((chosen[0].acted_on, _median(r.requests_per_we * r.acted_on for r in chosen)))
        if len(points) < 2 or points[1][0] == points[0][0]:
            return ""
        (a1, r1), (a2, r2) = points
        return f"; {(r2 - r1) / (a2 - a1):.2f} per additional working environment from {min(sizes)} to {max(sizes)}"

    for workload in ("protect", "report"):
        text, values = _per_size(sizes, of_collection(workload, "rerun", "requests_per_we"), "{:.2f}")
        rows.append((f"Requests per working environment, {workload} rerun: at most 2, constant from the smallest to the largest fleet",
                     text + marginal(workload, "rerun"), verdict(values, lambda v: v <= 2) + constancy(values)))
    text, values = _per_size(sizes, against("protect", "converge", "requests_per_we", "uri1"), "{:.2f}x")
    absolute, absolute_values = _per_size(sizes, of_collection("protect", "converge", "requests_per_we"), "{:.2f}")
    rows.append(("Requests per working environment, protect converge: at most the uri playbook's, constant",
                 f"{text} of the uri playbook's ({absolute} per WE{marginal('protect', 'converge')})",
                 verdict(values, lambda v: v <= 1) + constancy(absolute_values)))
    collection = [r for r in runs if r.variant == "collection" and r.ok]
    warm = [r for r in runs if r.variant == "warm" and r.ok]
    discovery = [r.discovery_by_modules for r in collection + warm]
    rows.append(("Discovery requests on inventory hosts: 0", f"at most {max(discovery)} in {len(discovery)} runs" if discovery else "-",
                 verdict(discovery, lambda v: v == 0)))
    # One exchange per play (the restore workload runs two playbooks), and one for the inventory unless cached.
    for label, chosen, inventory in (("Token exchanges per run: at most 2 (inventory and play)", collection, 1),
                                     ("Token exchanges per run with a warm inventory cache: 1", warm, 0)):
        most: dict[str, int] = {}
        for run in chosen:
            most[run.workload] = max(most.get(run.workload, 0), run.counters["token_exchanges"])
        text = ", ".join(f"{w}: at most {n}" + (f" ({plays[w]} plays)" if plays[w] > 1 else "") for w, n in most.items()) or "-"
        excess = [n - plays[w] - inventory for w, n in most.items()]
        several = excess and any(plays[w] > 1 for w in most)
        rows.append((label, text, verdict(excess, lambda v: v <= 0) + (", counting one per play" if several else "")))
    text, values = _per_size(sizes, lambda s: median_of(group(runs, "protect", s, "converge", "collection")
                                                        + group(runs, "restore", s, "converge", "collection"),
                                                        "end_to_seen_waited_s"), "{:.2f} s")
    every, _values = _per_size(sizes, lambda s: median_of(group(runs, "protect", s, "converge", "collection")
                                                          + group(runs, "restore", s, "converge", "collection"),
                                                          "end_to_seen_s"), "{:.2f} s")
    rows.append(("Median time from a job's end to the module's return: at most 0.5 s (measured: from the end of a "
                 "job that was being polled to the first poll that saw it final, protect and restore converges; "
                 "over every job, including those first asked about after their end: " + every + ")",
                 text, verdict(values, lambda v: v <= 0.5)))
    return rows


def goals_table(runs: list[Any], sizes: list[int], plays: dict[str, int]) -> str:
    lines = ["| goal | measured (per fleet size, where it depends on it) | verdict |", "|---|---|---|"]
    lines += [f"| {goal} | {measured} | {verdict} |" for goal, measured, verdict in goals(runs, sizes, plays)]
    return "\n".join(lines)


# ---------------------------------------------------------------------------------------------
# The page


def findings(runs: list[Any], notes: list[str], labels: dict[str, str]) -> list[str]:
    found = list(notes)
    for run in runs:
        if run.phase == "rerun" and run.ok and run.variant != "floor":
            writes, restores = run.metric("writes"), run.metric("restores")
            if restores:
                found.append(f"{run.workload}, {run.size} working environments, {labels[run.variant]}: the rerun (round {run.round}) "
                             f"started {restores:.0f} restore(s) again.")
            elif writes:
                found.append(f"{run.workload}, {run.size} working environments, {labels[run.variant]}: the rerun (round {run.round}) "
                             f"sent {writes:.0f} write(s).")
    return found


def _versions() -> str:
    try:
        from ansible.release import __version__ as ansible_version
    except ImportError:  # pragma: no cover - the bench runs from the venv that holds ansible-core
        ansible_version = "unknown"
    return f"{os.cpu_count()} cores, Python {platform.python_version()}, ansible-core {ansible_version}"


# What the figures mean, the goals missed and why: written by hand, kept beside the script.
READING = Path(__file__).resolve().parent / "reading.md"


def render(args: argparse.Namespace, runs: list[Any], fleets: list[Any], notes: list[str], floor_tasks: dict[str, int],
           elapsed_s: float, labels: dict[str, str], load: tuple[float, ...], plays: dict[str, int]) -> str:
    """The whole page; LABELS names the variants, LOAD is the load average when the bench started, PLAYS counts
    the plays of each workload's collection run."""
    sizes = [fleet.size for fleet in fleets]
    out = [
        "# Performance",
        "",
        "<!-- Generated by benchmarks/bench.py (make bench): edit the script, not this page. -->",
        "",
        f"Measured on {time.strftime('%Y-%m-%d')} ({_versions()}; load average {load[0]:.1f} at the start, "
        f"{os.getloadavg()[0]:.1f} at the end) in {elapsed_s / 60:.0f} min with",
        "",
        "```console",
        args.command,
        "```",
        "",
        f"Against the repository's emulator: one account, the fleet spread over {args.connectors} Connectors, "
        f"{args.latency_ms:g} ms per API request, {args.token_latency_ms:g} ms per token exchange, {args.job_duration_s:g} s jobs, "
        f"forks {args.forks}, seed {args.seed}, "
        + ("no scheduled backups" if not args.backup_interval_s else f"a scheduled backup every {args.backup_interval_s:g} s")
        + f". Medians of {args.converge_rounds} converge and {args.rerun_rounds} rerun round(s), the variants taking turns "
        "in every round. See [How the figures are taken](#how-the-figures-are-taken).",
        "",
        "## Goals",
        "",
        goals_table(runs, sizes, plays),
        "",
        READING.read_text(encoding="utf-8").rstrip() if READING.exists() else "",
        "",
        "## Findings",
        "",
    ]
    found = findings(runs, notes, labels)
    out += [f"- {line}" for line in found] if found else ["None: every run succeeded, no rerun wrote anything, and every "
                                                          "variant's converge left the fleet as the collection's did."]
    out += ["", "## The inventory alone", "", "`ansible-inventory --list` over the seeded fleet, once per size, without a cache: "
            "every variant but the warm-cache one pays this at the start of its run.", "", inventory_table(fleets), ""]
    for workload in args.workloads:
        out += [f"## {workload}", "", WORKLOAD_TEXT[workload].format(floor=floor_tasks.get(workload, 0)), ""]
        for size in sizes:
            if not any(r.workload == workload and r.size == size for r in runs):
                continue
            out += [f"### {workload}, {size} working environments", ""]
            for phase in ("converge", "rerun"):
                if any(r.workload == workload and r.size == size and r.phase == phase for r in runs):
                    out += [f"#### {phase}", "", variant_table(runs, workload, size, phase, args.variants, labels), ""]
    out += ["## How the figures are taken", "", HOW]
    return "\n".join(out) + "\n"


WORKLOAD_TEXT = {
    "protect": ("`playbooks/protect_fleet.yml` over the inventory: activate backup where it is off, the standard policy of "
                "`playbooks/vars/protection.yml`, protect the selected volumes with it. Baseline: `benchmarks/uri/protect.yml`; "
                "floor: {floor} ping tasks per host."),
    "report": ("`playbooks/protection_report.yml` with `protection_report_hosts=all` (read only; converge and rerun do the "
               "same). Baseline: `benchmarks/uri/report.yml`, which reads each working environment's backup view, volumes, "
               "backed-up volumes and license and writes report.json and report.md; floor: {floor} ping tasks per host."),
    "restore": ("`playbooks/restore_volume.yml` and `playbooks/restore_files.yml` in one `ansible-playbook` run, on one "
                "inventory host: the newest backup of a volume scanned and restored to a new volume, and one file "
                "(`README.txt`, found by browsing `/` of that backup) restored to its original place. A rerun must restore "
                "nothing again. Baseline: `benchmarks/uri/restore.yml`; floor: {floor} ping tasks."),
}

HOW = """- Every run is one `ansible-playbook` command with the inventory `playbooks/inventory/fleet.bluexp.yml`
  (the collection's inventory plugin, without a cache, unless the variant says warm cache: then a
  jsonfile cache filled by `ansible-inventory --list` just before the run). A converge starts from a
  freshly seeded emulator; a rerun follows the same variant's converge (rerun rounds beyond the
  converge rounds converge first, unmeasured).
- **Variants.** *collection*: the playbooks of `playbooks/`. *uri*: the playbooks of
  `benchmarks/uri/`, written with `ansible.builtin.uri` as a competent user writes them from NetApp's
  API documentation: one token exchange (`run_once`), per-host reads, a write only when the read says
  so, `until:` polling of each job every 10 s (as NetApp's Terraform provider polls) or every 1 s
  (tuned). *ping floor*: one play per uri play, with the same hosts and as many `ansible.builtin.ping`
  tasks as the uri play has tasks (`run_once` kept): what Ansible alone costs for that many tasks.
- **wall**: the command's elapsed time, median (min-max over the runs).
- **requests**, by method: every API request the emulator received, the inventory's included;
  **writes**: the requests that are not GETs, token exchanges left out.
- **requests / WE**: the run's requests less what the inventory alone sends (none with a warm
  cache), divided by the working environments the play works on (protect: the cloud ones and those
  with backup active; report: all; restore: the one).
- **most on one WE**: the most requests whose path names one working environment.
- **discovery by modules**: `GET /tenancy/account` and `GET /occm/list-occms/{accountId}` beyond those
  the inventory sends.
- **job polls**: `GET /api/v1/job` and `GET /api/v1/job/{jobId}`.
- **job end → seen**: per job, the emulator time from its end to the first answer that showed it
  final (a job GET, the restore status, or the file-explore status); the median over every job of
  the runs. The module returns a little later than that.
- **peak memory**: the largest maximum resident set size among the processes of the run
  (`wait4()` on the `ansible-playbook` process: it and every process it waited for).
- Ratios divide the collection's median by the other variant's median.
"""
