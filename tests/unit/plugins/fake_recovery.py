# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""FakeCbs plus the recovery operations: restore, Browse & Restore (SFR), catalog and ransomware scan.

Shapes follow cbs-2.0.6.json:
- `POST api/v3/restore` is checked for the fields the spec requires and answers 400 when one is missing;
  the job it starts carries `data.restore{type, source, target, batch[]}` (batches for a file restore).
- `GET api/v1/restore/status` lists the restore jobs as the spec declares them:
  `{id, status, error, time, data{restore{type, source, target, file[]}}}`; with `status_batches`
  it also carries the batches of the job data.
- `GET .../file-explore/list` answers 400 until the explore of that volume was started, and pages with
  `pageConfig.next{page, limit}` (pages numbered from 1; no `next` on the last page). `page_limit`
  caps the page size the client asks for, so that a few entries span several pages.
- the ransomware scan sets the backup's `ransomware-scan-status` to `scan_results[id]` (default PROTECTED).

A job started while `pending_polls` is N answers IN_PROGRESS N times; restore/status shows a job as
IN_PROGRESS until it was polled that many times.
"""

from __future__ import annotations

import copy
import functools
import importlib
import importlib.util
import json
import posixpath
import re
import types
from datetime import datetime, timezone
from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _runner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import sfr
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import WE_ID, FakeCbs, snapshot
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import Call, cbs_path, reply

SOURCE_REQUIRED = ("working-environment-id", "working-environment-name", "bucket", "volume-name", "volume-id",
                   "snapshot")
TARGET_REQUIRED = ("working-environment-id", "working-environment-name", "svm", "volume-name")
FILE_REQUIRED = ("inode", "path", "type", "size", "mtime")
SCAN_TIME = 1800000000000
MODULES = "ansible_collections.bluexp.cloud_backup.plugins.modules."


def load_module(name: str) -> types.ModuleType:
    """plugins/modules/<name>.py."""
    return importlib.import_module(MODULES + name)


def ms(iso: str) -> int:
    """Epoch milliseconds of an ISO 8601 time with a zone."""
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


def restore_path() -> str:
    return cbs_path("v3", "restore")


def explore_start_path(vol_id: str, we_id: str = WE_ID) -> str:
    return cbs_path("v1", "sfr", "working-environment", we_id, "volume", vol_id, "file-explore", "start")


def explore_list_path(vol_id: str, snap_id: str, we_id: str = WE_ID) -> str:
    return cbs_path("v1", "sfr", "working-environment", we_id, "volume", vol_id, "snapshot", snap_id,
                    "file-explore", "list")


def job_path(job_id: str) -> str:
    return cbs_path("v1", "job", job_id)


class FakeRecovery(FakeCbs):
    def __init__(self) -> None:
        super().__init__()
        # (we, volume, backup id) -> {directory: [entries]}
        self.trees: dict[tuple[str, str, str], dict[str, list[dict[str, Any]]]] = {}
        self.explored: set[tuple[str, str]] = set()
        self.explore_returns_job = True
        self.page_limit: int | None = None
        self.restores: list[str] = []
        self.restore_files: dict[str, list[dict[str, Any]]] = {}
        self.file_failures: dict[str, str] = {}
        self.restore_failure: str | None = None
        self.status_batches = False
        self.job_pending: dict[str, int] = {}
        self.on_complete: dict[str, Any] = {}
        self.catalog_setups: list[str] = []
        self.catalog_setup_returns_job = True
        self.catalog_results: list[dict[str, Any]] = []
        self.end_of_results = True
        self.catalog_snapshots: dict[str, list[dict[str, Any]]] = {}
        self.scan_results: dict[str, str] = {}
        self._routes_table.extend((method, re.compile(pattern + "$"), handler) for method, pattern, handler in (
            ("POST", r"v1/sfr/working-environment/([^/]+)/volume/([^/]+)/file-explore/start", self._explore_start),
            ("GET", r"v2/sfr/volume/([^/]+)/file-explore/status", self._explore_status),
            ("GET", r"v1/sfr/working-environment/([^/]+)/volume/([^/]+)/snapshot/([^/]+)/file-explore/list",
             self._explore_list),
            ("POST", r"v3/restore", self._restore),
            ("GET", r"v1/restore/status", self._restore_status),
            ("POST", r"v2/catalog/working-environments/([^/]+)/setup", self._catalog_setup),
            ("PUT", r"v1/catalog/working-environments/([^/]+)", self._catalog_state),
            ("POST", r"v1/catalog/search", self._catalog_search),
            ("POST", r"v1/catalog/snapshots", self._catalog_snapshot_list),
            ("POST", r"v1/ransomware/working-environment/([^/]+)/volume/([^/]+)/snapshot/([^/]+)", self._scan),
            ("GET", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)/snapshot/([^/]+)", self._snapshot_get),
        ))

    # --- seeding -------------------------------------------------------------------------

    def set_backups(self, vol_id: str, times: dict[str, str], we_id: str = WE_ID, **extra: Any) -> None:
        """The volume's backups, {name: ISO time}; ids are "snap-" + name."""
        self.snapshots[(we_id, vol_id)] = [snapshot(name, ms(when), **extra) for name, when in times.items()]

    def backup(self, vol_id: str, name: str, we_id: str = WE_ID) -> dict[str, Any]:
        return next(s for s in self.snapshots[(we_id, vol_id)] if s["name"] == name)

    def add_files(self, vol_id: str, snap_id: str, paths: list[str], we_id: str = WE_ID) -> None:
        """Entries of a backup; a path ending with / is a directory. Parents are made as needed."""
        tree = self.trees.setdefault((we_id, vol_id, snap_id), {"/": []})
        for raw in paths:
            is_dir = raw.endswith("/")
            path = posixpath.normpath("/" + raw.strip("/"))
            parts = path.strip("/").split("/")
            for depth in range(1, len(parts) + 1):
                current = "/" + "/".join(parts[:depth])
                directory = depth < len(parts) or is_dir
                parent = posixpath.dirname(current)
                if any(e["path"] == current for e in tree.setdefault(parent, [])):
                    continue
                inode = sum(len(v) for v in tree.values()) + 100
                tree[parent].append({"inode": inode, "name": parts[depth - 1], "path": current,
                                     "type": "DIRECTORY" if directory else "FILE",
                                     "size": 4096 if directory else 1000 + inode, "mtime": 1700000000000 + inode})
                if directory:
                    tree.setdefault(current, [])

    def entry(self, vol_id: str, snap_id: str, path: str, we_id: str = WE_ID) -> dict[str, Any]:
        tree = self.trees[(we_id, vol_id, snap_id)]
        return next(e for e in tree[posixpath.dirname(path)] if e["path"] == path)

    def seed_restore(self, kind: str, source: dict[str, Any], target: dict[str, Any],
                     paths: list[str] | None = None, status: str = "COMPLETED", pending: int = 0,
                     error: str = "", volume_early: bool = False) -> str:
        """A restore that some earlier run started: a job, listed by restore/status.

        A volume restore that completes makes its volume, at once or when the job is polled to its end;
        with `volume_early` the volume exists from the start, as BlueXP creates it before copying data.
        """
        job_id = "job-{0}".format(len(self.jobs) + 1)
        restore: dict[str, Any] = {"type": kind, "source": dict(source), "target": dict(target)}
        files = [{"inode": 1, "path": p, "type": "FILE", "size": 1, "mtime": 1} for p in paths or []]
        if paths is not None:
            restore["batch"] = [{"id": "batch-1", "status": "SUCCESS" if status == "COMPLETED" else status,
                                 "error": "", "time": 1700000000000, "file": files}]
        self.jobs[job_id] = {"id": job_id, "type": "restore-" + kind, "status": status, "error": error,
                             "time": 1700000000000, "working-environment-id": target["working-environment-id"],
                             "data": {"restore": restore}}
        self.polls[job_id] = 0
        self.job_pending[job_id] = pending
        self.restores.append(job_id)
        self.restore_files[job_id] = files
        if kind == "volume" and (status == "COMPLETED" or volume_early):
            make = functools.partial(self.add_volume, target["working-environment-id"], target["volume-name"],
                                     target["svm"])
            if pending and not volume_early:
                self.on_complete[job_id] = make
            else:
                make()
        return job_id

    def add_volume(self, we_id: str, name: str, svm: str) -> None:
        if not any(v["name"] == name and v["svm"] == svm for v in self.volumes.setdefault(we_id, [])):
            self.volumes[we_id].append({"name": name, "file-system-id": "fs-" + name, "svm": svm,
                                        "status": "online", "type": "rw", "style": "flexvol"})

    # --- jobs ----------------------------------------------------------------------------

    def _start_job(self, job_type: str, we_id: str, data: dict[str, Any] | None = None,
                   error: str | None = None) -> Any:
        answer = super()._start_job(job_type, we_id, data, error)
        self.job_pending[json.loads(answer.content)["job-id"]] = self.pending_polls
        return answer

    def _job_get(self, call: Call, job_id: str) -> Any:
        if job_id not in self.jobs:
            return reply(404, {"message": "no job " + job_id})
        self.polls[job_id] += 1
        record = copy.deepcopy(self.jobs[job_id])
        if self.polls[job_id] <= self.job_pending.get(job_id, self.pending_polls):
            record["status"], record["error"] = "IN_PROGRESS", ""
            record.pop("data", None)
        elif job_id in self.on_complete:
            self.on_complete.pop(job_id)()
        return {"job": [record]}

    def running(self, job_id: str) -> bool:
        return self.polls[job_id] < self.job_pending.get(job_id, self.pending_polls)

    # --- SFR -----------------------------------------------------------------------------

    def _explore_start(self, call: Call, we_id: str, vol_id: str) -> Any:
        self.explored.add((we_id, vol_id))
        if not self.explore_returns_job:
            return reply(202)
        return self._start_job("sfr-file-explore", we_id)

    def _explore_status(self, call: Call, vol_id: str) -> Any:
        """READY once the explore of the volume was started (its job is followed by the start)."""
        started = any(volume == vol_id for _we, volume in self.explored)
        return reply(200, {"status": "READY" if started else "NOT_STARTED"})

    def _explore_list(self, call: Call, we_id: str, vol_id: str, snap_id: str) -> Any:
        if (we_id, vol_id) not in self.explored:
            return reply(400, {"message": "file explore is not started for volume " + vol_id})
        tree = self.trees.get((we_id, vol_id, snap_id)) or {"/": []}
        path = call.query.get("path", "/")
        if path not in tree:
            return reply(404, {"message": "no such directory: " + path})
        limit = int(call.query.get("limit") or 100)
        if self.page_limit:
            limit = min(limit, self.page_limit)
        page = int(call.query.get("page") or 1)
        entries = tree[path]
        start = (page - 1) * limit
        config: dict[str, Any] = {"startIndex": start, "endIndex": min(start + limit, len(entries)) - 1}
        if page > 1:
            config["previous"] = {"page": page - 1, "limit": limit}
        if start + limit < len(entries):
            config["next"] = {"page": page + 1, "limit": limit}
        return {"pageConfig": config, "context": copy.deepcopy(entries[start:start + limit])}

    # --- restore -------------------------------------------------------------------------

    def _restore(self, call: Call) -> Any:
        body = (call.body or {}).get("restore")
        problems = []
        if not isinstance(body, dict):
            problems.append("restore")
            body = {}
        for key in ("type", "source", "target"):
            if key not in body:
                problems.append("restore." + key)
        problems += ["restore.source." + k for k in SOURCE_REQUIRED if k not in (body.get("source") or {})]
        problems += ["restore.target." + k for k in TARGET_REQUIRED if k not in (body.get("target") or {})]
        for index, item in enumerate(body.get("file") or []):
            problems += ["restore.file[{0}].{1}".format(index, k) for k in FILE_REQUIRED if k not in item]
        if problems:
            return reply(400, {"statusCode": 400, "error": "Bad Request",
                               "message": "missing: " + ", ".join(problems)})
        source, target = body["source"], body["target"]
        restore: dict[str, Any] = {"type": body["type"], "source": copy.deepcopy(source),
                                   "target": copy.deepcopy(target)}
        error = self.restore_failure
        self.restore_failure = None
        if body["type"] == "volume" and not error:
            self.add_volume(target["working-environment-id"], target["volume-name"], target["svm"])
        if body.get("file") and not error:
            ok = [f for f in body["file"] if f["path"] not in self.file_failures]
            bad = [f for f in body["file"] if f["path"] in self.file_failures]
            batches = []
            if ok:
                batches.append({"id": "batch-1", "status": "SUCCESS", "error": "", "time": 1700000000000,
                                "file": copy.deepcopy(ok)})
            for f in bad:
                batches.append({"id": "batch-{0}".format(len(batches) + 1), "status": "FAILED",
                                "error": self.file_failures[f["path"]], "time": 1700000000000,
                                "file": [copy.deepcopy(f)]})
            restore["batch"] = batches
            if bad:
                error = "{0} of {1} batch(es) failed".format(len(bad), len(batches))
        answer = self._start_job("restore-" + body["type"], target["working-environment-id"],
                                 {"restore": restore}, error)
        job_id = json.loads(answer.content)["job-id"]
        self.restores.append(job_id)
        self.restore_files[job_id] = copy.deepcopy(body.get("file") or [])
        return answer

    def _restore_status(self, call: Call) -> Any:
        listed = []
        for job_id in self.restores:
            job = self.jobs[job_id]
            restore = job["data"]["restore"]
            shown: dict[str, Any] = {"type": restore["type"], "source": restore["source"],
                                     "target": restore["target"]}
            if self.restore_files[job_id]:
                shown["file"] = self.restore_files[job_id]
            if self.status_batches and "batch" in restore:
                shown["batch"] = restore["batch"]
            running = self.running(job_id)
            listed.append({"id": job_id, "status": "IN_PROGRESS" if running else job["status"],
                           "error": "" if running else job["error"], "time": job["time"],
                           "data": {"restore": copy.deepcopy(shown)}})
        return {"job": listed}

    # --- catalog -------------------------------------------------------------------------

    def _catalog_setup(self, call: Call, we_id: str) -> Any:
        self.catalog_setups.append(we_id)
        if not self.catalog_setup_returns_job:
            return reply(202)
        return self._start_job("catalog-setup", we_id)

    def _catalog_state(self, call: Call, we_id: str) -> Any:
        state = (call.body or {}).get("state")
        if state not in ("ENABLE", "DISABLE"):
            return reply(400, {"message": "state must be ENABLE or DISABLE"})
        self.activations[we_id]["catalog-enabled"] = state == "ENABLE"
        return reply(200)

    def _catalog_search(self, call: Call) -> Any:
        text = call.query.get("query")
        if not text:
            return reply(400, {"message": "query is required"})
        found = [r for r in self.catalog_results if text.lower() in r["resourceName"].lower()]
        return {"results": copy.deepcopy(found), "endOfResults": self.end_of_results}

    def _catalog_snapshot_list(self, call: Call) -> Any:
        body = call.body or {}
        missing = [k for k in ("resourceName", "workingEnvironmentId", "volumeId", "resourceType") if not body.get(k)]
        if missing:
            return reply(400, {"message": "missing: " + ", ".join(missing)})
        return {"results": {"workingEnvironmentId": body["workingEnvironmentId"], "volumeId": body["volumeId"],
                            "snapshots": copy.deepcopy(self.catalog_snapshots.get(body["resourceName"], []))},
                "endOfResults": True}

    # --- ransomware ----------------------------------------------------------------------

    def _find_snapshot(self, we_id: str, vol_id: str, snap_id: str) -> dict[str, Any] | None:
        return next((s for s in self.snapshots.get((we_id, vol_id), []) if s["id"] == snap_id), None)

    def _scan(self, call: Call, we_id: str, vol_id: str, snap_id: str) -> Any:
        record = self._find_snapshot(we_id, vol_id, snap_id)
        if record is None:
            return reply(404, {"message": "no snapshot " + snap_id})
        record["ransomware-scan-status"] = self.scan_results.get(snap_id, "PROTECTED")
        record["last-ransomware-scan"] = SCAN_TIME
        return self._start_job("ransomware-scan", we_id)

    def _snapshot_get(self, call: Call, we_id: str, vol_id: str, snap_id: str) -> Any:
        record = self._find_snapshot(we_id, vol_id, snap_id)
        return record if record is not None else reply(404, {"message": "no snapshot " + snap_id})


def install(monkeypatch: Any, retry_policy: Any, clock: Any) -> FakeRecovery:
    """Make every client a module builds talk to a new FakeRecovery; every job waiter uses the fake clock."""
    cbs = FakeRecovery()
    waiter = functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic)
    monkeypatch.setattr(_api, "HttpTransport", lambda **kwargs: cbs)
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    monkeypatch.setattr(_runner, "JobWaiter", waiter)
    monkeypatch.setattr(sfr, "JobWaiter", waiter)
    return cbs
