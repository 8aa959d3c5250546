#!/usr/bin/env python
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A soak run: the collection's playbooks in a loop against the emulator with injected faults.

    make soak                                    10 minutes, 40 working environments, 5 % of calls faulted
    make soak ARGS='--minutes 2 --size 10'       a quick look
    .venv/bin/python benchmarks/soak.py --help

One emulator in this process, the fleet over several accounts and Connectors. Fault rules with a
seeded generator fail a share of the API calls (--fault-rate): 500, 502, 503, 429 with Retry-After,
connections dropped before the call is served and, on writes, calls served whose answer is lost;
the token endpoint at a lower rate. Now and then a job fails (a job fault). The loop runs, one
ansible-playbook each: protect (playbooks/protect_fleet.yml), report (playbooks/protection_report.yml),
a volume restore (restore_volume.yml) and a file restore (restore_files.yml). A failed run is
recorded, and the next one carries on.

Then, faults off: one clean protect run must change nothing and write nothing, and leave every
working environment protected as a clean converge on a second, fault-free emulator of the same
seed does. The emulator's job list shows duplicate work (a job started for a target that an
earlier one, not failed, already covered); every restore a run reported as started must be a job.
The report (Markdown, --output; JSON, --results) lists tasks, runs, faults met, the failures left
with their explanation, duplicates, lost work and tracebacks.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench import BIN, CLOUD_PROVIDERS, INVENTORY, REPO, RESTORE_FILE, TOKEN_ROUTES, collections_path, restore_source
from bench import reproducing, run_command
from bluexp_emulator import start_server
from bluexp_emulator.handle import EmulatorHandle

CALLBACK_DIR = Path(__file__).resolve().parent / "soak_callback"
WORKLOADS = ("protect", "report", "restore_volume", "restore_files")
PLAYBOOKS = {"protect": "protect_fleet.yml", "report": "protection_report.yml",
             "restore_volume": "restore_volume.yml", "restore_files": "restore_files.yml"}
# Every API call but the token exchange; the token endpoint has rules of its own.
NOT_TOKEN = r"^(?!.*oauth/token)"
TOKEN = r"oauth/token"
WRITE_METHODS = ("POST", "PUT", "DELETE", "PATCH")
# Kinds of fault met, as the report names them (one per rule of fault_rules()).
KINDS = {"500": {"status": 500}, "502": {"status": 502}, "503": {"status": 503},
         "429 + Retry-After": {"status": 429, "retry_after": 2},
         "dropped before apply": {"drop_connection": True}}
LOST_ANSWER = "write applied, answer lost"
RECAP = re.compile(r"^(\S+)\s*:\s*ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", re.M)


# ---------------------------------------------------------------------------------------------
# Faults


def spread(rate: float, kinds: int) -> list[float]:
    """Per-rule probabilities so that each of KINDS rules, rolled in order (the first that fires wins),
    fires on RATE / KINDS of the calls: rule i must fire on q / (1 - (i - 1) q) of the calls that reach it."""
    share = rate / kinds
    return [share / (1 - index * share) for index in range(kinds)]


def fault_rules(rate: float, token_rate: float) -> list[dict[str, Any]]:
    """The rules, most specific first: the token endpoint, then writes (which also lose answers), then reads."""
    rules: list[dict[str, Any]] = []
    for kind, probability in zip(("503", "dropped before apply"), spread(token_rate, 2), strict=True):
        rules.append({"path": TOKEN, "probability": probability, **KINDS[kind], "message": kind})
    write_kinds = [*KINDS, LOST_ANSWER]
    for method in WRITE_METHODS:
        for kind, probability in zip(write_kinds, spread(rate, len(write_kinds)), strict=True):
            shape = {"after_apply": True, "drop_connection": True} if kind == LOST_ANSWER else KINDS[kind]
            rules.append({"method": method, "path": NOT_TOKEN, "probability": probability, **shape, "message": kind})
    for kind, probability in zip(KINDS, spread(rate, len(KINDS)), strict=True):
        rules.append({"method": "GET", "path": NOT_TOKEN, "probability": probability, **KINDS[kind], "message": kind})
    return rules


def install_faults(handle: EmulatorHandle, args: argparse.Namespace) -> list[dict[str, Any]]:
    return [handle.control("POST", "faults", rule) for rule in fault_rules(args.fault_rate, args.token_fault_rate)]


def faults_met(handle: EmulatorHandle) -> dict[str, Any]:
    """Fired rules by kind and by where (token, read, write), from the rules' own counters."""
    by_kind: Counter[str] = Counter()
    by_where: Counter[str] = Counter()
    for rule in handle.control("GET", "faults")["faults"]:
        where = "token" if rule["path"] == TOKEN else "read" if rule["method"] == "GET" else "write"
        by_kind[rule["message"]] += rule["fired"]
        by_where[where] += rule["fired"]
    jobs = sum(fault["fired"] for fault in handle.control("GET", "job-faults")["job_faults"])
    return {"by_kind": dict(by_kind), "by_where": dict(by_where), "jobs_failed": jobs}


# ---------------------------------------------------------------------------------------------
# One run


@dataclass
class Run:
    """One ansible-playbook run and what its events say."""

    number: int
    workload: str
    rc: int
    wall_s: float
    log: str
    recap: dict[str, int] = field(default_factory=dict)
    failures: list[dict[str, Any]] = field(default_factory=list)
    restores: list[dict[str, Any]] = field(default_factory=list)
    exceptions: list[str] = field(default_factory=list)
    target: str = ""


@dataclass
class Context:
    """What the runs share: the emulator, where files go, the fleet's restore source."""

    args: argparse.Namespace
    handle: EmulatorHandle
    workdir: Path
    collections: str
    restore_host: str = ""
    restore_volume: str = ""
    runs: list[Run] = field(default_factory=list)

    def env(self, events: Path) -> dict[str, str]:
        env = {k: v for k, v in os.environ.items() if not k.startswith(("BLUEXP_", "ANSIBLE_"))}
        env.update(BLUEXP_API_URL=self.handle.url, BLUEXP_AUTH_URL=self.handle.url, BLUEXP_REFRESH_TOKEN="emulator-refresh-token",
                   ANSIBLE_COLLECTIONS_PATH=self.collections, ANSIBLE_FORKS=str(self.args.forks), ANSIBLE_NOCOLOR="1",
                   ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
                   ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-tmp"), ANSIBLE_RETRY_FILES_ENABLED="false",
                   ANSIBLE_CALLBACK_PLUGINS=str(CALLBACK_DIR), ANSIBLE_CALLBACKS_ENABLED="soak_events", SOAK_EVENTS=str(events))
        return env


def workload_vars(ctx: Context, workload: str, target: str) -> dict[str, str]:
    """The -e variables of a workload; TARGET names the restore's target (a new one once a restore succeeded)."""
    if workload == "report":
        return {"protection_report_hosts": "all", "protection_report_dir": str(ctx.workdir / "report")}
    if workload == "restore_volume":
        return {"restore_volume_hosts": ctx.restore_host, "restore_volume_volume": ctx.restore_volume,
                "restore_volume_target_volume": target}
    if workload == "restore_files":
        return {"restore_files_hosts": ctx.restore_host, "restore_files_volume": ctx.restore_volume,
                "restore_files_path": "/", "restore_files_pattern": RESTORE_FILE, "restore_files_target_path": target}
    return {}


def run_playbook(ctx: Context, workload: str, target: str = "") -> Run:
    """One ansible-playbook run; its callback events make the recap, the failures and the restores."""
    number = len(ctx.runs) + 1
    log = ctx.workdir / "logs" / f"{number:04d}-{workload}.log"
    events = log.with_suffix(".events")
    log.parent.mkdir(exist_ok=True)
    extra = [arg for key, value in workload_vars(ctx, workload, target).items() for arg in ("-e", f"{key}={value}")]
    command = [str(BIN / "ansible-playbook"), "-i", str(INVENTORY), str(REPO / "playbooks" / PLAYBOOKS[workload]), *extra]
    wall, rc, _rss = run_command(command, ctx.env(events), log)
    run = Run(number=number, workload=workload, rc=rc, wall_s=wall, log=str(log), target=target)
    read_events(run, events)
    if rc and not run.recap:
        run.failures.append(no_recap_failure(log))
    ctx.runs.append(run)
    return run


def read_events(run: Run, events: Path) -> None:
    """Recap, restores, and per host that failed the failure it was left with."""
    recap: Counter[str] = Counter()
    failed_hosts: set[str] = set()
    by_host: dict[str, list[dict[str, Any]]] = defaultdict(list)
    lines = events.read_text(encoding="utf-8").splitlines() if events.exists() else []
    for event in map(json.loads, lines):
        if event["event"] == "recap":
            recap.update({key: value for key, value in event.items() if isinstance(value, int)})
            if event.get("failures"):
                failed_hosts.add(event["host"])
        elif event["event"] == "restore_started":
            run.restores.append(event)
        else:
            by_host[event["host"]].append(event)
            if event["exception"]:
                run.exceptions.append(f"{event['action']} on {event['host']}: {event['msg'][:200]}")
    run.recap = dict(recap)
    run.failures = [left_failure(by_host[host]) for host in sorted(failed_hosts) if by_host[host]]


def left_failure(events: list[dict[str, Any]]) -> dict[str, Any]:
    """The host's last failed task with its cause: the failed items of a loop, or the module answer that
    the play turned into ok (failed_when false) to fail afterwards in its own words (ansible.builtin.fail).
    Earlier failures of the host were rescued, so they are not left."""
    last = max(i for i, e in enumerate(events) if e["event"] == "failed")
    failure = dict(events[last])
    before = events[:last]
    items = [e for e in before if e["event"] == "item_failed" and e["task"] == failure["task"]]
    causes = [e for e in before if e["event"] == "module_error"]
    cause = items[0] if items else causes[-1] if causes and not failure["action"].startswith("bluexp.") else None
    if cause:
        failure.update(action=cause["action"], error_code=cause["error_code"], msg=cause["msg"],
                       reported_by=failure["task"], items_failed=len(items))
    return failure


def no_recap_failure(log: Path) -> dict[str, Any]:
    """A run that ended before its recap (the inventory failed, most likely): its last error line."""
    text = log.read_text(encoding="utf-8", errors="replace")
    errors = [line for line in text.splitlines() if "ERROR" in line or "Failed to parse" in line]
    return {"host": "", "task": "(no play ran)", "action": "ansible-inventory" if "inventory" in text.lower() else "?",
            "ignore_errors": False, "error_code": None, "msg": (errors[-1] if errors else text[-300:]).strip()[:600],
            "exception": False}


def traceback_lines(run: Run) -> list[str]:
    """Lines of the run's output that show a Python traceback or a module that died without an answer."""
    text = Path(run.log).read_text(encoding="utf-8", errors="replace")
    return [line.strip()[:200] for line in text.splitlines()
            if "Traceback" in line or "MODULE FAILURE" in line or "An exception occurred during task execution" in line]


# ---------------------------------------------------------------------------------------------
# The loop


def soak(ctx: Context) -> None:
    """Workloads in turn until the time is up; a restore keeps its target until one of its runs succeeds,
    so that a rerun after a failure is where a second restore of the same target would show."""
    deadline = time.monotonic() + ctx.args.minutes * 60
    chooser = random.Random(ctx.args.seed)
    targets = {"restore_volume": 1, "restore_files": 1}
    while time.monotonic() < deadline:
        for workload in WORKLOADS:
            if time.monotonic() >= deadline:
                break
            if chooser.random() < ctx.args.job_fault_rate:
                ctx.handle.control("POST", "job-faults", {"outcome": "fail", "error": "Injected job failure", "count": 1})
            run = run_playbook(ctx, workload, target_name(ctx, workload, targets.get(workload, 0)))
            if workload in targets and run.rc == 0:
                targets[workload] += 1
            left = max(0.0, deadline - time.monotonic()) / 60
            print(f"  run {run.number:3d} {workload:<15} rc {run.rc}  {run.wall_s:6.1f} s  {recap_text(run.recap)}"
                  f"  ({left:.1f} min left)", flush=True)


def target_name(ctx: Context, workload: str, index: int) -> str:
    if workload == "restore_volume":
        return f"{ctx.restore_volume}_soak{index}"
    if workload == "restore_files":
        return f"/soak{index}"
    return ""


def recap_text(recap: dict[str, int]) -> str:
    return f"ok={recap.get('ok', 0)} changed={recap.get('changed', 0)} failed={recap.get('failures', 0)}" if recap else "no recap"


# ---------------------------------------------------------------------------------------------
# After the soak: what the emulator holds


def protection_state(handle: EmulatorHandle, hosts: set[str]) -> dict[str, Any]:
    """Per protected-by-the-play working environment (by name): backup, default policy, policies, and each
    seeded volume's protection. Restored volumes are left out: the reference never restored any."""
    emulator = handle.emulator
    state = {}
    with emulator.lock:
        for account in emulator.tenancy.accounts:
            for we in emulator.working_environments.list_working_environments(account.id):
                if we.name not in hosts:
                    continue
                volumes = {f"{v.svm}/{v.name}": [v.backup.status if v.backup else "", v.backup.policy_name if v.backup else ""]
                           for v in we.volumes if "_soak" not in v.name}
                state[we.name] = {"backup": f"on, {we.backup.provider}" if we.backup else "off", "policy": we.backup.policy_name if we.backup else "",
                                  "policies": sorted(p.name for p in we.policies), "volumes": volumes}
    return state


def protect_hosts(handle: EmulatorHandle) -> set[str]:
    """The working environments protect_fleet.yml acts on by default (backup on, or in a cloud)."""
    state = handle.state()
    return {we["name"] for account in state["accounts"] for we in account["working_environments"]
            if we["backup_enabled"] or we["provider"] in CLOUD_PROVIDERS}


def state_differences(reference: dict[str, Any], soaked: dict[str, Any]) -> list[str]:
    differences = []
    for name in sorted(set(reference) | set(soaked)):
        want, have = reference.get(name), soaked.get(name)
        if want == have:
            continue
        if want is None or have is None:
            differences.append(f"{name}: only in {'the soaked' if want is None else 'the reference'} fleet")
            continue
        for key in ("backup", "policy", "policies"):
            if want[key] != have[key]:
                differences.append(f"{name}: {key} is {have[key]!r}, a clean converge gives {want[key]!r}")
        for volume in sorted(set(want["volumes"]) | set(have["volumes"])):
            if want["volumes"].get(volume) != have["volumes"].get(volume):
                differences.append(f"{name} {volume}: {have['volumes'].get(volume)}, a clean converge gives "
                                   f"{want['volumes'].get(volume)}")
    return differences


def duplicate_jobs(jobs: list[dict[str, Any]], known: set[str]) -> dict[str, list[str]]:
    """Per kind of work, each job started for a target that an earlier job of the soak, not failed, covered.

    A job that failed leaves the work undone, so starting it again is right; an earlier job that was
    running or completed means the second one is the same work twice."""
    earlier: dict[tuple[str, str], list[dict[str, Any]]] = defaultdict(list)
    found: dict[str, list[str]] = defaultdict(list)
    for job in sorted((j for j in jobs if j["id"] not in known), key=lambda j: j["time"]):
        for kind, target in job_targets(job):
            covered = [j["id"] for j in earlier[(kind, target)] if j["status"] != "FAILED"]
            if covered:
                found[kind].append(f"{job['id']} ({job['status']}) for {target}, after {', '.join(covered)}")
            earlier[(kind, target)].append(job)
    return dict(found)


def job_targets(job: dict[str, Any]) -> list[tuple[str, str]]:
    """The (kind of work, target) pairs a job stands for."""
    data = job.get("data") or {}
    we = job["working-environment-id"]
    if job["type"] == "backup-working-environment":
        return [("activation", we)]
    if job["type"] in ("backup-volumes", "backup-volume"):
        # The API's record names the volumes of a multi-volume job only; the emulator's control API
        # adds what each job worked on, so that single-volume jobs are told apart.
        volumes = [entry.get("id") for entry in ((data.get("multi-volume-backup") or {}).get("volume")) or []]
        return [("volume enable", f"{we} {volume}") for volume in volumes or job.get("volume-ids") or ["?"]]
    restore = data.get("restore") or {}
    target = restore.get("target") or {}
    if job["type"] == "restore-volume":
        return [("volume restore", f"{we} {target.get('volume-name') or json.dumps(target, sort_keys=True)}")]
    if job["type"] == "restore-files":
        files = [entry.get("path") for entry in restore.get("file") or []] or ["?"]
        where = target.get("path") or target.get("volume-name") or json.dumps(target, sort_keys=True)
        return [("file restore", f"{we} {where} {path}") for path in files]
    return []


def duplicate_policies(handle: EmulatorHandle) -> list[str]:
    """Working environments holding two policies of one name."""
    emulator = handle.emulator
    found = []
    with emulator.lock:
        for account in emulator.tenancy.accounts:
            for we in emulator.working_environments.list_working_environments(account.id):
                counts = Counter(p.name for p in we.policies)
                found += [f"{we.name}: {name} x{count}" for name, count in counts.items() if count > 1]
    return found


def missing_restores(runs: list[Run], jobs: list[dict[str, Any]]) -> list[str]:
    ids = {job["id"] for job in jobs}
    return [f"run {run.number} ({run.workload}): job {restore['job_id']!r}" for run in runs for restore in run.restores
            if restore["job_id"] not in ids]


def writes_in(counters: dict[str, Any]) -> int:
    return sum(n for route, n in counters["by_route"].items() if not route.startswith("GET ") and route not in TOKEN_ROUTES)


# ---------------------------------------------------------------------------------------------
# Explaining the failures left


def failure_class(failure: dict[str, Any]) -> str:
    """The message without its URLs, paths, IDs and numbers, so that the same failure groups."""
    message = re.sub(r"\(?https?://\S+\)?", "", failure["msg"])
    message = re.sub(r"/account/\S+", "<path>", message)
    message = re.sub(r"[0-9a-f]{8}-[0-9a-f-]{27,}|[A-Za-z]+-[A-Za-z0-9]{6,}|\d+", "N", message)
    return re.sub(r"'[^']*'|\"[^\"]*\"", "'…'", message)[:140]


def explain(failure: dict[str, Any]) -> str:
    """Why a failure the soak met is what the collection means to do, or that it is not."""
    msg, code = failure["msg"], failure["error_code"] or ""
    if failure["exception"]:
        return "a module died with a Python exception: a defect"
    if failure["task"] == "(no play ran)":
        return "the inventory could not be read (its calls failed past the retries): nothing ran; the next run reads it again"
    if "Injected job failure" in msg:
        return "a job failed (job fault): reported with the job's error; the rerun starts it again"
    if code == "write_not_resent":
        return "a write sent without an answer (dropped, or applied and its answer lost): not resent, reported; the rerun finds what was applied"
    if re.search(r"^(POST|PUT|DELETE|PATCH) .*HTTP (500|502|504)", msg):
        return "a write answered 500/502/504 (it may have been applied): not resent, reported; the rerun finds what was applied"
    if re.search(r"^GET .*HTTP 500", msg):
        return "a 500 twice in a row on a read: reported; the rerun converges"
    if re.search(r"HTTP (429|503)|\b(429|503)\b", msg):
        return "429/503 past the retry budget: reported; the rerun converges"
    if code == "transport_error":
        return "a read's connection dropped past the retries: reported; the rerun converges"
    return "not explained: see the run's log"


# ---------------------------------------------------------------------------------------------
# Report


def summary(ctx: Context, met: dict[str, Any], after: dict[str, Any], jobs: list[dict[str, Any]], known: set[str],
            reference: dict[str, Any], elapsed: float) -> dict[str, Any]:
    """Every figure of the report, as one JSON-able dict."""
    soak_runs = [r for r in ctx.runs if r.workload != "clean protect"]
    tasks: Counter[str] = Counter()
    for run in soak_runs:
        tasks.update({k: v for k, v in run.recap.items() if k in ("ok", "changed", "failures", "skipped", "rescued", "ignored")})
    failures = [dict(f, run=r.number, workload=r.workload, explained=explain(f), message_class=failure_class(f))
                for r in soak_runs for f in r.failures if not f.get("ignore_errors")]
    grouped: Counter[tuple[str, str, str, str]] = Counter(
        (f["action"], str(f["error_code"]), f["message_class"], f["explained"]) for f in failures)
    clean = ctx.runs[-1]
    return {
        "args": {k: str(v) if isinstance(v, Path) else v for k, v in vars(ctx.args).items()},
        "elapsed_s": elapsed, "load": os.getloadavg(),
        "runs": {"total": len(soak_runs), "failed": sum(1 for r in soak_runs if r.rc),
                 "by_workload": {w: [sum(1 for r in soak_runs if r.workload == w), sum(1 for r in soak_runs if r.workload == w and r.rc)]
                                 for w in WORKLOADS}},
        "tasks": dict(tasks),
        "requests": after["requests"], "faults": {**met, "faults_fired_counter": after["faults_fired"]},
        "failures": [{"count": n, "module": a, "error_code": e, "message_class": m, "explained": x}
                     for (a, e, m, x), n in grouped.most_common()],
        "duplicates": {**duplicate_jobs(jobs, known), "policy created twice": duplicate_policies(ctx.handle)},
        "lost_work": {"clean_rerun": {"rc": clean.rc, "changed": clean.recap.get("changed", 0), "failed": clean.recap.get("failures", 0),
                                      "writes": after["clean_writes"]},
                      "not_as_asked": state_differences(reference, protection_state(ctx.handle, set(reference))),
                      "restores_reported_not_jobs": missing_restores(soak_runs, jobs),
                      "restores_reported": sum(len(r.restores) for r in soak_runs)},
        "tracebacks": [f"run {r.number} ({r.workload}): {line}" for r in ctx.runs for line in traceback_lines(r)]
        + [f"run {r.number} ({r.workload}) {line}" for r in ctx.runs for line in r.exceptions],
        "run_list": [asdict(r) for r in ctx.runs],
    }


def markdown(figures: dict[str, Any]) -> str:
    args, runs, tasks, faults = figures["args"], figures["runs"], figures["tasks"], figures["faults"]
    lost = figures["lost_work"]
    lines = [f"## Soak: {args['minutes']} minutes, {args['size']} working environments, {args['fault_rate']:.0%} of API calls faulted",
             "", f"`{args['command']}`: {figures['elapsed_s'] / 60:.1f} min in all, load {figures['load'][0]:.1f} at the end; "
             f"{args['accounts']} accounts, {args['connectors']} Connectors each, seed {args['seed']}, forks {args['forks']}, "
             f"{args['latency_ms']:g} ms per request.", "",
             "| figure | value |", "|---|---:|",
             f"| runs (failed) | {runs['total']} ({runs['failed']}) |"]
    lines += [f"| &nbsp; {w} runs (failed) | {n} ({failed}) |" for w, (n, failed) in runs["by_workload"].items()]
    lines += [f"| tasks ok / changed / failed | {tasks.get('ok', 0)} / {tasks.get('changed', 0)} / {tasks.get('failures', 0)} |",
              f"| tasks rescued / ignored | {tasks.get('rescued', 0)} / {tasks.get('ignored', 0)} |",
              f"| API requests | {figures['requests']} |",
              f"| faults met (emulator `faults_fired`) | {faults['faults_fired_counter']} |"]
    lines += [f"| &nbsp; {kind} | {n} |" for kind, n in sorted(faults["by_kind"].items())]
    lines += [f"| &nbsp; on token / read / write calls | {faults['by_where'].get('token', 0)} / {faults['by_where'].get('read', 0)}"
              f" / {faults['by_where'].get('write', 0)} |",
              f"| jobs failed by job faults | {faults['jobs_failed']} |",
              f"| duplicate writes | {sum(len(v) for v in figures['duplicates'].values())} |",
              f"| lost work: clean protect rerun changed / writes / failed | {lost['clean_rerun']['changed']} / "
              f"{lost['clean_rerun']['writes']} / {lost['clean_rerun']['failed']} |",
              f"| lost work: working environments not protected as asked | {len(lost['not_as_asked'])} |",
              f"| lost work: restores reported started, no job ({lost['restores_reported']} reported) | "
              f"{len(lost['restores_reported_not_jobs'])} |",
              f"| tracebacks, MODULE FAILURE | {len(figures['tracebacks'])} |", ""]
    lines += failure_table(figures["failures"])
    for title, items in (("Duplicate writes", [f"{kind}: {item}" for kind, found in figures["duplicates"].items() for item in found]),
                         ("Lost work", lost["not_as_asked"] + lost["restores_reported_not_jobs"]),
                         ("Tracebacks", figures["tracebacks"])):
        if items:
            lines += [f"### {title}", ""] + [f"- {item}" for item in items[:40]] + [""]
    return "\n".join(lines) + "\n"


def failure_table(failures: list[dict[str, Any]]) -> list[str]:
    if not failures:
        return ["No task failure left.", ""]
    lines = ["### Failures left (task failures, not ignored)", "",
             "| count | module | error_code | message (IDs and numbers as N) | why |", "|---:|---|---|---|---|"]
    for f in failures:
        message = f["message_class"].replace("|", "\\|")
        lines.append(f"| {f['count']} | {f['module']} | {f['error_code'] or ''} | {message} | {f['explained']} |")
    return lines + [""]


# ---------------------------------------------------------------------------------------------
# Setting up


def reference_protection(args: argparse.Namespace, workdir: Path, collections: str) -> dict[str, Any]:
    """protect_fleet.yml on a fault-free emulator of the same seed: what "protected as asked" means."""
    with emulator(args) as handle:
        ctx = Context(args, handle, workdir / "reference", collections)
        ctx.workdir.mkdir()
        run = run_playbook(ctx, "protect")
        if run.rc:
            raise SystemExit(f"the fault-free reference protect run failed, see {run.log}")
        return protection_state(handle, protect_hosts(handle))


def emulator(args: argparse.Namespace) -> Any:
    return start_server(seed=args.seed, fleet_size=args.size, accounts=args.accounts, connectors=args.connectors,
                        latency_ms=args.latency_ms, token_latency_ms=args.token_latency_ms, job_duration_s=args.job_duration_s,
                        backup_interval_s=0)


def pick_restore_source(ctx: Context) -> None:
    """The source bench.py restores from, and the inventory host that stands for its working environment."""
    wes = [we for account in ctx.handle.state()["accounts"] for we in account["working_environments"]]
    done = subprocess.run([str(BIN / "ansible-inventory"), "-i", str(INVENTORY), "--list"],  # noqa: S603
                          env=ctx.env(ctx.workdir / "inventory.events"), capture_output=True, text=True, check=True)
    # ansible-inventory marks values from a plugin as unsafe: {"__ansible_unsafe": value}.
    listing = json.loads(done.stdout, object_hook=lambda d: d["__ansible_unsafe"] if set(d) == {"__ansible_unsafe"} else d)
    hostvars = listing["_meta"]["hostvars"]
    host_of = {variables["bluexp_id"]: host for host, variables in hostvars.items()}
    we, volume = restore_source(wes)
    ctx.restore_host, ctx.restore_volume = host_of[we["id"]], volume["name"]


def after_soak(ctx: Context) -> dict[str, Any]:
    """Faults off, counters read, then the clean protect rerun with its writes counted."""
    counters = ctx.handle.counters()
    ctx.handle.control("DELETE", "faults")
    ctx.handle.control("DELETE", "job-faults")
    ctx.handle.control("DELETE", "counters")
    run = run_playbook(ctx, "protect")
    run.workload = "clean protect"
    print(f"  clean protect rerun: rc {run.rc}, {recap_text(run.recap)}", flush=True)
    return {"requests": counters["requests"], "faults_fired": counters["faults_fired"],
            "clean_writes": writes_in(ctx.handle.counters())}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0], formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10, help="how long the loop runs (default 10)")
    parser.add_argument("--size", type=int, default=40, help="working environments (default 40)")
    parser.add_argument("--fault-rate", type=float, default=0.05, help="share of API calls faulted (default 0.05)")
    parser.add_argument("--token-fault-rate", type=float, default=0.01, help="share of token exchanges faulted (default 0.01)")
    parser.add_argument("--job-fault-rate", type=float, default=0.1, help="share of runs before which the next job is made to fail")
    parser.add_argument("--accounts", type=int, default=2)
    parser.add_argument("--connectors", type=int, default=2, help="per account (default 2)")
    parser.add_argument("--latency-ms", type=float, default=20, help="per API request (default 20)")
    parser.add_argument("--token-latency-ms", type=float, default=100)
    parser.add_argument("--job-duration-s", type=float, default=2)
    parser.add_argument("--forks", type=int, default=10)
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--output", type=Path, help="Markdown file to write (also printed)")
    parser.add_argument("--results", type=Path, default=REPO / "tests" / "output" / "soak" / "results.json")
    parser.add_argument("--keep-logs", action="store_true", help="keep the working directory with every run's output")
    args = parser.parse_args(argv)
    given = reproducing(sys.argv[1:] if argv is None else argv)
    args.command = "make soak" + (f" ARGS='{' '.join(given)}'" if given else "")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="bluexp-soak."))
    started = time.time()
    try:
        collections = collections_path(workdir, None)
        print("A clean protect run on a fault-free emulator, for reference ...", flush=True)
        reference = reference_protection(args, workdir, collections)
        with emulator(args) as handle:
            ctx = Context(args, handle, workdir, collections)
            pick_restore_source(ctx)
            known = {job["id"] for job in handle.control("GET", "jobs")["jobs"]}
            install_faults(handle, args)
            print(f"Soak: {args.minutes:g} min, {args.size} working environments, restore source {ctx.restore_volume} "
                  f"of {ctx.restore_host}", flush=True)
            soak(ctx)
            met = faults_met(handle)
            after = after_soak(ctx)
            figures = summary(ctx, met, after, handle.control("GET", "jobs")["jobs"], known, reference, time.time() - started)
        text = markdown(figures)
        print("\n" + text)
        if args.output:
            args.output.write_text(text, encoding="utf-8")
        args.results.parent.mkdir(parents=True, exist_ok=True)
        args.results.write_text(json.dumps(figures, indent=1, default=str), encoding="utf-8")
        print(f"Results in {args.results}")
        return 0
    finally:
        if args.keep_logs:
            print(f"Logs kept in {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
