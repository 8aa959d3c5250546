#!/usr/bin/env python
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The collection's playbooks against a hand-written ansible.builtin.uri baseline and a ping floor.

    make bench                                   the default matrix (see --estimate for how long)
    make bench ARGS='--sizes 10 --rounds 1'      a quick look
    .venv/bin/python benchmarks/bench.py --help

Against the repository's emulator (tests/emulator), in this process: one account, the fleet spread
over 3 Connectors, a fixed latency per API request and per token exchange, jobs that take a few
seconds. Workloads: protect (playbooks/protect_fleet.yml), report (playbooks/protection_report.yml)
and restore (restore_volume.yml + restore_files.yml), each run as "converge" (from a fresh,
seeded emulator) and "rerun" (the same playbook again, nothing to change). Variants, run in turn
for every size and round: the collection's playbook (also with a warm inventory cache), the uri
baseline of benchmarks/uri/ polling jobs every 10 s and every 1 s, and a floor of as many
ansible.builtin.ping tasks per host as the uri playbook has tasks. Every run uses the same
inventory (playbooks/inventory/fleet.bluexp.yml) and forks.

Per run: wall time, requests by method, token exchanges, discovery requests, job polls, how long
after each job's end a poll first saw it final (the emulator's job_end_to_seen_s), and the peak
memory of the largest process of the run. Medians and ratios go to stdout and to
docs/performance.md (--output).
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "tests" / "emulator"))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bluexp_emulator import start_server  # noqa: E402
from bluexp_emulator.handle import EmulatorHandle  # noqa: E402

import bench_tables  # noqa: E402

BIN = Path(sys.executable).parent
INVENTORY = REPO / "playbooks" / "inventory" / "fleet.bluexp.yml"
URI = REPO / "benchmarks" / "uri"
DISCOVERY_ROUTES = ("GET /tenancy/account", "GET /occm/list-occms/{accountId}")
JOB_POLL_ROUTES = ("GET /api/v1/job", "GET /api/v1/job/{jobId}")
RESTORE_ROUTES = ("POST /api/v1/restore", "POST /api/v2/restore", "POST /api/v3/restore")
TOKEN_ROUTES = ("POST /oauth/token", "POST /auth/oauth/token")
CLOUD_PROVIDERS = ("AWS", "AZURE", "GCP")
# The file the restore workload brings back, from the root of the volume's newest backup.
RESTORE_FILE = "README.txt"


# ---------------------------------------------------------------------------------------------
# What runs


@dataclass(frozen=True)
class Variant:
    name: str
    label: str
    kind: str  # collection | uri | floor
    poll_delay: int = 0
    warm_cache: bool = False

    @property
    def changes_state(self) -> bool:
        return self.kind != "floor"


VARIANTS = {
    "collection": Variant("collection", "collection", "collection"),
    "uri10": Variant("uri10", "uri, delay 10", "uri", poll_delay=10),
    "uri1": Variant("uri1", "uri, delay 1 (tuned)", "uri", poll_delay=1),
    "floor": Variant("floor", "ping floor", "floor"),
    "warm": Variant("warm", "collection, warm inventory cache", "collection", warm_cache=True),
}


@dataclass
class Fleet:
    """What the playbooks need to know about the seeded fleet of one size."""

    size: int
    acted_on: dict[str, int]  # workload -> working environments its play works on
    restore_host: str
    restore_volume: str
    inventory: dict[str, Any] = field(default_factory=dict)  # the standalone inventory run's figures


@dataclass(frozen=True)
class Workload:
    name: str
    stateful: bool
    collection_playbooks: tuple[str, ...]
    uri_playbook: str

    def collection_vars(self, fleet: Fleet, out: Path) -> dict[str, str]:
        if self.name == "report":
            return {"protection_report_hosts": "all", "protection_report_dir": str(out / "report")}
        if self.name == "restore":
            return {"restore_volume_hosts": fleet.restore_host, "restore_volume_volume": fleet.restore_volume,
                    "restore_volume_target_volume": fleet.restore_volume + "_restored",
                    "restore_files_hosts": fleet.restore_host, "restore_files_volume": fleet.restore_volume,
                    "restore_files_path": "/", "restore_files_pattern": RESTORE_FILE}
        return {}

    def uri_vars(self, fleet: Fleet, out: Path) -> dict[str, str]:
        if self.name == "report":
            return {"uri_report_dir": str(out / "report")}
        if self.name == "restore":
            return {"uri_restore_host": fleet.restore_host, "uri_restore_volume": fleet.restore_volume,
                    "uri_restore_target_volume": fleet.restore_volume + "_restored", "uri_restore_file": RESTORE_FILE}
        return {}


WORKLOADS = {
    "protect": Workload("protect", True, ("protect_fleet.yml",), "protect.yml"),
    "report": Workload("report", False, ("protection_report.yml",), "report.yml"),
    "restore": Workload("restore", True, ("restore_volume.yml", "restore_files.yml"), "restore.yml"),
}


# ---------------------------------------------------------------------------------------------
# The ping floor: as many ping tasks per host as the uri playbook has tasks


def _tasks(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Every task of a task list, blocks opened."""
    found = []
    for item in items or []:
        if "block" in item:
            found += _tasks(item["block"]) + _tasks(item.get("rescue") or []) + _tasks(item.get("always") or [])
        else:
            found.append(item)
    return found


def floor_playbook(uri_playbook: Path, dest: Path) -> tuple[Path, int]:
    """Write the floor of a uri playbook: per play, the same hosts, one ping per task (run_once kept)."""
    plays = yaml.safe_load(uri_playbook.read_text(encoding="utf-8"))
    floor, count = [], 0
    for play in plays:
        tasks = _tasks(play.get("pre_tasks") or []) + _tasks(play.get("tasks") or [])
        count += len(tasks)
        pings = [{"name": f"Ping {i}", "ansible.builtin.ping": None, **({"run_once": True} if t.get("run_once") else {})}
                 for i, t in enumerate(tasks, 1)]
        floor.append({"name": f"Floor of {uri_playbook.name}", "hosts": play["hosts"], "connection": "local",
                      "gather_facts": False, "tasks": pings})
    dest.write_text(yaml.safe_dump(floor, sort_keys=False), encoding="utf-8")
    return dest, count


# ---------------------------------------------------------------------------------------------
# Running one command and what the emulator saw


@dataclass
class Run:
    workload: str
    size: int
    variant: str
    phase: str  # converge | rerun
    round: int
    wall_s: float
    rc: int
    peak_rss_kib: int
    counters: dict[str, Any]
    requests_per_we: float
    max_on_one_we: int | None
    discovery_by_modules: int
    fingerprint: str = ""
    # The working environments the play works on (the divisor of requests_per_we).
    acted_on: int = 0

    @property
    def ok(self) -> bool:
        return self.rc == 0

    def metric(self, name: str) -> float | None:
        seen = self.counters.get("job_end_to_seen_s") or []
        waited = self.counters.get("job_end_to_seen_waited_s") or []
        values: dict[str, float | None] = {
            "wall_s": self.wall_s,
            "requests": self.counters["requests"],
            "GET": self.routes(lambda route: route.startswith("GET ")),
            "POST": self.routes(lambda route: route.startswith("POST ")),
            "PUT": self.routes(lambda route: route.startswith("PUT ")),
            "DELETE": self.routes(lambda route: route.startswith("DELETE ")),
            "writes": self.routes(lambda route: not route.startswith("GET ") and route not in TOKEN_ROUTES),
            "requests_per_we": self.requests_per_we,
            "max_on_one_we": self.max_on_one_we,
            "token_exchanges": self.counters["token_exchanges"],
            "discovery": self.routes(DISCOVERY_ROUTES.__contains__),
            "discovery_by_modules": self.discovery_by_modules,
            "job_polls": self.routes(JOB_POLL_ROUTES.__contains__),
            "end_to_seen_s": statistics.median(seen) if seen else None,
            "end_to_seen_waited_s": statistics.median(waited) if waited else None,
            "restores": self.routes(RESTORE_ROUTES.__contains__),
            "peak_rss_mib": self.peak_rss_kib / 1024,
        }
        return values[name]

    def routes(self, wanted: Callable[[str], bool]) -> int:
        """Requests of the routes (by_route keys: METHOD template) that WANTED accepts."""
        return sum(count for route, count in self.counters["by_route"].items() if wanted(route))


def run_command(command: list[str], env: dict[str, str], log: Path) -> tuple[float, int, int]:
    """(wall seconds, exit code, peak RSS in KiB of the largest process of the command's tree).

    wait4() gives the child's resource usage including the descendants it waited for, and
    ru_maxrss of that is the largest of them: the ansible-playbook process, or a fork or module."""
    with log.open("w", encoding="utf-8") as out:
        started = time.perf_counter()
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.STDOUT)  # noqa: S603
        _pid, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    return elapsed, process.returncode, int(usage.ru_maxrss)


def fingerprint(handle: EmulatorHandle) -> str:
    """What a converge leaves behind (activation, policies, each volume's protection, restored files
    and volumes), by names, so that runs of different variants compare."""
    emulator = handle.emulator
    rows = []
    with emulator.lock:
        for account in emulator.tenancy.accounts:
            for we in emulator.working_environments.list_working_environments(account.id):
                volumes = sorted((v.svm, v.name, v.backup.status if v.backup else "", v.backup.policy_name if v.backup else "",
                                  sorted(v.files)) for v in we.volumes)
                rows.append([we.name, we.backup.policy_name if we.backup else "", sorted(p.name for p in we.policies), volumes])
    return json.dumps(sorted(rows, key=lambda row: str(row[0])))


# ---------------------------------------------------------------------------------------------
# The bench


class Bench:
    def __init__(self, args: argparse.Namespace, handle: EmulatorHandle, workdir: Path, collections: str) -> None:
        self.args = args
        self.handle = handle
        self.workdir = workdir
        self.collections = collections
        self.runs: list[Run] = []
        self.notes: list[str] = []
        self.started = time.time()
        self.cached_inventory = workdir / "cached.bluexp.yml"
        self.cached_inventory.write_text(INVENTORY.read_text(encoding="utf-8") + "cache: true\ncache_plugin: ansible.builtin.jsonfile\n"
                                         f"cache_connection: {workdir / 'inventory-cache'}\ncache_timeout: 86400\n", encoding="utf-8")
        self.floors = {name: floor_playbook(URI / w.uri_playbook, workdir / f"floor-{name}.yml") for name, w in WORKLOADS.items()}
        self.sequence = 0

    # -- environment and commands --------------------------------------------------------------
    def env(self) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BLUEXP_", "ANSIBLE_"))}
        env.update(BLUEXP_API_URL=self.handle.url, BLUEXP_AUTH_URL=self.handle.url, BLUEXP_REFRESH_TOKEN="emulator-refresh-token",
                   ANSIBLE_COLLECTIONS_PATH=self.collections, ANSIBLE_FORKS=str(self.args.forks), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
                   ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-tmp"), ANSIBLE_RETRY_FILES_ENABLED="false")
        return env

    def command(self, workload: Workload, variant: Variant, fleet: Fleet) -> list[str]:
        inventory = self.cached_inventory if variant.warm_cache else INVENTORY
        base = [str(BIN / "ansible-playbook"), "-i", str(inventory)]
        out = self.workdir / "out"
        if variant.kind == "collection":
            return base + [str(REPO / "playbooks" / p) for p in workload.collection_playbooks] + _extra(workload.collection_vars(fleet, out))
        extra = workload.uri_vars(fleet, out)
        if variant.kind == "uri":
            return base + [str(URI / workload.uri_playbook)] + _extra({**extra, "uri_poll_delay": str(variant.poll_delay)})
        return base + [str(self.floors[workload.name][0])] + _extra(extra)

    # -- emulator ------------------------------------------------------------------------------
    def fresh(self, size: int) -> None:
        self.handle.reset(seed=self.args.seed, fleet_size=size, accounts=1, connectors=self.args.connectors)

    def zero_counters(self) -> None:
        self.handle.control("DELETE", "counters")
        self.handle.control("DELETE", "requests")

    def warm_inventory_cache(self) -> None:
        log = self.workdir / "warm-inventory.log"
        _wall, rc, _rss = run_command([str(BIN / "ansible-inventory"), "-i", str(self.cached_inventory), "--list", "--flush-cache"],
                                      self.env(), log)
        if rc:
            raise SystemExit("warming the inventory cache failed:\n" + log.read_text(encoding="utf-8")[-3000:])

    # -- one size ------------------------------------------------------------------------------
    def fleet(self, size: int) -> Fleet:
        """Seed the fleet of this size, read it as the inventory does (measured alone), pick the restore source."""
        self.fresh(size)
        state = self.handle.state()
        wes = [we for account in state["accounts"] for we in account["working_environments"]]
        log = self.workdir / f"inventory-{size}.log"
        started = time.perf_counter()
        done = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(INVENTORY), "--list"], env=self.env(),  # noqa: S603
                              capture_output=True, text=True, check=False)
        wall = time.perf_counter() - started
        log.write_text(done.stderr, encoding="utf-8")
        if done.returncode:
            raise SystemExit("ansible-inventory failed:\n" + done.stderr[-3000:])
        counters = self.handle.counters()
        # ansible-inventory marks values from a plugin as unsafe: {"__ansible_unsafe": value}.
        listing = json.loads(done.stdout, object_hook=lambda d: d["__ansible_unsafe"] if set(d) == {"__ansible_unsafe"} else d)
        hostvars = listing["_meta"]["hostvars"]
        host_of = {variables["bluexp_id"]: host for host, variables in hostvars.items()}
        we, volume = restore_source(wes)
        return Fleet(size=size, restore_host=host_of[we["id"]], restore_volume=volume["name"],
                     acted_on={"protect": sum(1 for w in wes if w["backup_enabled"] or w["provider"] in CLOUD_PROVIDERS),
                               "report": len(wes), "restore": 1},
                     inventory={"wall_s": wall, "requests": counters["requests"], "token_exchanges": counters["token_exchanges"],
                                "discovery": sum(counters["by_route"].get(r, 0) for r in DISCOVERY_ROUTES)})

    def measure(self, workload: Workload, variant: Variant, fleet: Fleet, phase: str, round_: int, record: bool) -> Run:
        if variant.warm_cache:
            self.warm_inventory_cache()
        self.zero_counters()
        self.sequence += 1
        log = self.workdir / "logs" / f"{self.sequence:04d}-{workload.name}-{fleet.size}-{variant.name}-{phase}-{round_}.log"
        log.parent.mkdir(exist_ok=True)
        wall, rc, rss = run_command(self.command(workload, variant, fleet), self.env(), log)
        counters = self.handle.counters()
        inventory_requests = 0 if variant.warm_cache else fleet.inventory["requests"]
        inventory_discovery = 0 if variant.warm_cache else fleet.inventory["discovery"]
        run = Run(workload=workload.name, size=fleet.size, variant=variant.name, phase=phase, round=round_, wall_s=wall, rc=rc,
                  peak_rss_kib=rss, counters=counters,
                  requests_per_we=(counters["requests"] - inventory_requests) / max(1, fleet.acted_on[workload.name]),
                  acted_on=fleet.acted_on[workload.name],
                  max_on_one_we=self.max_on_one_we(counters),
                  discovery_by_modules=sum(counters["by_route"].get(r, 0) for r in DISCOVERY_ROUTES) - inventory_discovery)
        if phase == "converge" and variant.changes_state:
            run.fingerprint = fingerprint(self.handle)
        what = "" if record else " (prepares a rerun, not counted)"
        print(f"  {workload.name:<8} {fleet.size:>4} WEs  {phase:<8} round {round_}  {variant.label:<34} "
              f"{wall:7.1f} s  {counters['requests']:5d} requests  rc {rc}{what}", flush=True)
        if rc:
            print(f"    FAILED, last lines of {log}:\n" + _tail(log), flush=True)
            self.notes.append(f"{workload.name}, {fleet.size} working environments, {variant.label}, {phase} round {round_}: "
                              f"ansible-playbook exited with {rc}.")
        if record:
            self.runs.append(run)
        return run

    def max_on_one_we(self, counters: dict[str, Any]) -> int | None:
        """The most requests whose path named one working environment (None if the request log overflowed)."""
        log = self.handle.requests()
        if len(log) < counters["requests"]:
            return None
        counts: dict[str, int] = {}
        for entry in log:
            for part in entry["path"].split("/"):
                if "WorkingEnvironment-" in part:
                    counts[part] = counts.get(part, 0) + 1
                    break
        return max(counts.values(), default=0)

    def workload_at_size(self, workload: Workload, fleet: Fleet, variants: list[Variant]) -> None:
        converge_rounds, rerun_rounds = self.args.converge_rounds, self.args.rerun_rounds
        for round_ in range(1, max(converge_rounds, rerun_rounds) + 1):
            for variant in variants:
                measured = round_ <= converge_rounds
                # A rerun needs the state this variant's own converge leaves; the floor changes nothing.
                if measured or (workload.stateful and variant.changes_state):
                    self.fresh(fleet.size)
                    self.measure(workload, variant, fleet, "converge", round_, record=measured)
                if round_ <= rerun_rounds:
                    self.measure(workload, variant, fleet, "rerun", round_, record=True)

    def run(self) -> list[Fleet]:
        variants = [VARIANTS[name] for name in self.args.variants]
        fleets = []
        for size in self.args.sizes:
            fleet = self.fleet(size)
            fleets.append(fleet)
            print(f"\n{size} working environments: the inventory alone took {fleet.inventory['wall_s']:.1f} s, "
                  f"{fleet.inventory['requests']} requests; restore source {fleet.restore_volume} of {fleet.restore_host}", flush=True)
            for name in self.args.workloads:
                self.workload_at_size(WORKLOADS[name], fleet, variants)
                print(f"  ({(time.time() - self.started) / 60:.1f} min so far)", flush=True)
        self.check_same_work()
        return fleets

    def check_same_work(self) -> None:
        """Every variant's converge must leave the fleet as the collection's does, or the comparison is unfair."""
        reference = {(r.workload, r.size): r.fingerprint for r in self.runs if r.variant == "collection" and r.fingerprint and r.ok}
        for run in self.runs:
            expected = reference.get((run.workload, run.size))
            if run.fingerprint and run.ok and expected and run.fingerprint != expected:
                self.notes.append(f"{run.workload}, {run.size} working environments: the converge of {VARIANTS[run.variant].label} "
                                  f"(round {run.round}) left the fleet in another state than the collection's.")


def restore_source(wes: list[dict[str, Any]]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The first working environment by name with backup active and a read-write volume with backups
    (not SnapLock, no folder of thousands of files): what restore_volume and restore_files act on."""
    for we in sorted(wes, key=lambda w: w["name"]):
        if not we["backup_enabled"]:
            continue
        for volume in we["volume_list"]:
            if volume["backups"] and volume["type"] == "rw" and not volume["snaplock"] and not volume["large_directory"]:
                return we, volume
    raise SystemExit("no working environment of the seeded fleet has a volume to restore")


def _extra(variables: dict[str, str]) -> list[str]:
    return [arg for key, value in variables.items() for arg in ("-e", f"{key}={value}")]


def _tail(log: Path, lines: int = 40) -> str:
    return "\n".join("    " + line for line in log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])


# ---------------------------------------------------------------------------------------------
# Command line


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter,
                                     epilog="Variants: " + ", ".join(f"{v.name} ({v.label})" for v in VARIANTS.values()))
    parser.add_argument("--workloads", nargs="+", choices=list(WORKLOADS), default=list(WORKLOADS))
    parser.add_argument("--sizes", nargs="+", type=int, default=[10, 40, 160], help="working environments (default 10 40 160)")
    parser.add_argument("--variants", nargs="+", choices=list(VARIANTS), default=list(VARIANTS))
    parser.add_argument("--rounds", type=int, help="rounds of converge and of rerun alike")
    parser.add_argument("--converge-rounds", type=int, default=3)
    parser.add_argument("--rerun-rounds", type=int, default=5)
    parser.add_argument("--latency-ms", type=float, default=150, help="per API request (default 150)")
    parser.add_argument("--token-latency-ms", type=float, default=800, help="per token exchange (default 800)")
    parser.add_argument("--job-duration-s", type=float, default=3)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--connectors", type=int, default=3)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--backup-interval-s", type=float, default=0,
                        help="the emulator's scheduled backups (0, the default: none, so that a rerun finds the same newest backup)")
    parser.add_argument("--collections-path", help="where Ansible finds bluexp.cloud_backup (default: this checkout)")
    parser.add_argument("--output", type=Path, default=REPO / "docs" / "performance.md", help="Markdown file to write")
    parser.add_argument("--no-write", action="store_true", help="print the tables only")
    parser.add_argument("--results", type=Path, default=REPO / "tests" / "output" / "bench" / "results.json",
                        help="where the raw figures of every run go (JSON)")
    parser.add_argument("--render", type=Path, nargs="+", metavar="RESULTS",
                        help="make the page again from saved results, run nothing; several files make one page "
                             "(for example a small matrix and a large fleet run apart)")
    parser.add_argument("--keep-logs", action="store_true", help="keep the working directory with every run's output")
    parser.add_argument("--estimate", action="store_true", help="print how long the matrix would take, and stop")
    args = parser.parse_args(argv)
    if args.rounds is not None:
        args.converge_rounds = args.rerun_rounds = args.rounds
    args.variants = list(dict.fromkeys(args.variants))
    given = reproducing(sys.argv[1:] if argv is None else argv)
    args.command = "make bench" + (f" ARGS='{' '.join(given)}'" if given else "")
    return args


# Options that change where output goes, not what is measured.
NOT_REPRODUCING = {"--keep-logs": 0, "--no-write": 0, "--estimate": 0, "--output": 1, "--collections-path": 1, "--results": 1,
                   "--render": 1}


def reproducing(argv: list[str]) -> list[str]:
    """The arguments that matter to the figures, for the command a page shows."""
    kept, skip = [], 0
    for arg in argv:
        name = arg.split("=", 1)[0]
        if skip:
            skip -= 1
        elif name in NOT_REPRODUCING:
            skip = NOT_REPRODUCING[name] if "=" not in arg else 0
        else:
            kept.append(arg)
    return kept


def collections_path(workdir: Path, given: str | None) -> str:
    """--collections-path when given; else a link to this checkout as bluexp.cloud_backup, so that
    the playbooks run the collection as it is here and no other installed copy."""
    if given:
        return given
    link = workdir / "collections" / "ansible_collections" / "bluexp" / "cloud_backup"
    link.parent.mkdir(parents=True)
    link.symlink_to(REPO)
    return str(workdir / "collections")


def save_results(path: Path, args: argparse.Namespace, bench: Bench, fleets: list[Fleet], load: tuple[float, ...]) -> None:
    """Everything the page is made of, so that --render can make it again without running anything."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps({
        "args": {key: str(value) if isinstance(value, Path) else value for key, value in vars(args).items()},
        "runs": [asdict(run) for run in bench.runs], "fleets": [asdict(fleet) for fleet in fleets], "notes": bench.notes,
        "floor_tasks": {name: count for name, (_path, count) in bench.floors.items()},
        "elapsed_s": time.time() - bench.started, "load": load}, indent=1), encoding="utf-8")


def merged(results: list[dict[str, Any]]) -> dict[str, Any]:
    """Several saved results as one: their runs and fleets together, the commands one after the other."""
    if len(results) == 1:
        return results[0]
    first = results[0]
    args = dict(first["args"])
    args["command"] = "\n".join(r["args"]["command"] for r in results)
    for key in ("workloads", "variants"):
        args[key] = list(dict.fromkeys(item for r in results for item in r["args"][key]))
    args["sizes"] = sorted({size for r in results for size in r["args"]["sizes"]})
    args["converge_rounds"] = max(r["args"]["converge_rounds"] for r in results)
    args["rerun_rounds"] = max(r["args"]["rerun_rounds"] for r in results)
    fleets = {fleet["size"]: fleet for r in results for fleet in r["fleets"]}
    return {"args": args, "runs": [run for r in results for run in r["runs"]],
            "fleets": [fleets[size] for size in sorted(fleets)], "notes": [n for r in results for n in r["notes"]],
            "floor_tasks": {k: v for r in results for k, v in r["floor_tasks"].items()},
            "elapsed_s": sum(r["elapsed_s"] for r in results), "load": first["load"]}


def render(results: dict[str, Any], output: Path | None) -> str:
    """The page from saved results; written to OUTPUT unless None."""
    fleets = [Fleet(**fleet) for fleet in results["fleets"]]
    acted_on = {(fleet.size, workload): count for fleet in fleets for workload, count in fleet.acted_on.items()}
    runs = [Run(**dict({"acted_on": acted_on.get((run["size"], run["workload"]), 0)}, **run)) for run in results["runs"]]
    text = bench_tables.render(argparse.Namespace(**results["args"]), runs, fleets, results["notes"], results["floor_tasks"],
                               results["elapsed_s"], {name: variant.label for name, variant in VARIANTS.items()},
                               tuple(results["load"]), {name: len(w.collection_playbooks) for name, w in WORKLOADS.items()})
    print("\n" + text)
    if output is not None:
        output.write_text(text, encoding="utf-8")
        print(f"Written to {output}")
    return text


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    output = None if args.no_write else args.output
    if args.render:
        render(merged([json.loads(path.read_text(encoding="utf-8")) for path in args.render]), output)
        return 0
    print(bench_tables.estimate_text(args), flush=True)
    if args.estimate:
        return 0
    load = os.getloadavg()
    workdir = Path(tempfile.mkdtemp(prefix="bluexp-bench."))
    try:
        with start_server(seed=args.seed, fleet_size=args.sizes[0], accounts=1, connectors=args.connectors,
                          latency_ms=args.latency_ms, token_latency_ms=args.token_latency_ms, job_duration_s=args.job_duration_s,
                          backup_interval_s=args.backup_interval_s) as handle:
            bench = Bench(args, handle, workdir, collections_path(workdir, args.collections_path))
            fleets = bench.run()
        save_results(args.results, args, bench, fleets, load)
        render(json.loads(args.results.read_text(encoding="utf-8")), output)
        print(f"Results in {args.results} (make bench ARGS='--render {args.results}' makes the page again)")
        return 1 if any(not run.ok for run in bench.runs) else 0
    finally:
        if args.keep_logs:
            print(f"Logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
