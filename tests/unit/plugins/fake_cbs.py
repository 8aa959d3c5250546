# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""A small stateful model of the cloudmanager_cbs operations that the protection modules use.

FakeCbs is a FakeTransport: every request is recorded in `calls` exactly as sent, routes
added with `add()` answer first (to inject a fault), and everything else is answered from
the model, so that a second run of a module sees the state its first run left behind.

Writes change the model at once; the job they start answers IN_PROGRESS `pending_polls`
times, then COMPLETED (or FAILED, see `volume_failures` and `job_failure`).
"""

from __future__ import annotations

import copy
import dataclasses
import functools
import re
import threading
from typing import Any
from urllib.parse import unquote, urlsplit

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _runner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    API_URL,
    AUTH_URL,
    CONNECTOR,
    STATIC_TOKEN,
    Call,
    FakeTransport,
    _matches,
    cbs_path,
    reply,
)

WE_ID = "we-1"
WE_NAME = "prod-east"
PREFIX = cbs_path("v1").rsplit("/v1", 1)[0] + "/"
WRITES = ("POST", "PUT", "DELETE", "PATCH")


def module_args(**extra: Any) -> dict[str, Any]:
    """Connection options of a module run against the fake, plus `extra`."""
    base = {"token": STATIC_TOKEN, "account_id": ACCOUNT, "connector_id": CONNECTOR, "api_url": API_URL,
            "auth_url": AUTH_URL}
    base.update(extra)
    return base


def environment(we_id: str = WE_ID, name: str = WE_NAME, provider: str = "AWS") -> dict[str, Any]:
    return {"id": we_id, "cluster-uuid": "uuid-" + we_id, "name": name, "region": "us-east-1", "status": "ON",
            "ontap-version": "9.13.1", "type": "VSA", "provider": provider, "provider-account-id": "1234",
            "total-volumes-count": "4"}


def ontap_volume(name: str, svm: str = "svm1", vol_id: str | None = None) -> dict[str, Any]:
    return {"name": name, "file-system-id": vol_id or "fs-" + name, "svm": svm, "status": "online",
            "type": "rw", "style": "flexvol"}


def policy(name: str, rules: dict[str, int], archive: Any = None, object_lock: str = "NONE",
           attached: int = 0, policy_id: str | None = "auto") -> dict[str, Any]:
    """A policy as GET backup-policy reports it: retention and counters as strings."""
    record: dict[str, Any] = {"name": name, "rule": [{"label": k, "retention": str(v)} for k, v in rules.items()],
                              "object-lock": object_lock, "attached-volumes-count": str(attached)}
    if archive is not None:
        record["archive-after-days"] = str(archive)
    if policy_id == "auto":
        record["id"] = "pol-" + name
    elif policy_id is not None:
        record["id"] = policy_id
    return record


def snapshot(name: str, creation_ms: int, snap_id: str | None = None, **extra: Any) -> dict[str, Any]:
    record = {"id": snap_id or "snap-" + name, "name": name, "creation-time": creation_ms, "size": 1073741824,
              "archived": False, "object-lock": "NONE"}
    record.update(extra)
    return record


def writes(transport: FakeTransport) -> list[Call]:
    return [c for c in transport.api_calls if c.method in WRITES]


def requests(transport: FakeTransport) -> list[tuple[str, str]]:
    return [(c.method, c.path) for c in transport.api_calls]


class FakeCbs(FakeTransport):
    def __init__(self) -> None:
        super().__init__()
        self.environments: list[dict[str, Any]] = []
        self.activations: dict[str, dict[str, Any]] = {}
        self.policies: dict[str, list[dict[str, Any]]] = {}
        self.volumes: dict[str, list[dict[str, Any]]] = {}
        self.protected: dict[str, dict[str, dict[str, Any]]] = {}
        self.snapshots: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.jobs: dict[str, dict[str, Any]] = {}
        self.polls: dict[str, int] = {}
        self.pending_polls = 0
        self.volume_failures: dict[str, str] = {}
        self.job_failure: str | None = None
        self._lock = threading.Lock()
        self._routes_table = [(method, re.compile(pattern + "$"), handler) for method, pattern, handler in (
            ("GET", r"v1/working-environment", self._we_list),
            ("GET", r"v1/working-environment/([^/]+)", self._we_get),
            ("GET", r"v1/working-environment/([^/]+)/volume", self._ontap_volumes),
            ("GET", r"v1/working-environment/([^/]+)/backup-policy", self._policy_list),
            ("POST", r"v1/working-environment/([^/]+)/backup-policy", self._policy_create),
            ("PUT", r"v2/working-environment/([^/]+)/backup-policy", self._policy_update),
            ("DELETE", r"v1/working-environment/([^/]+)/backup-policy/([^/]+)", self._policy_delete),
            ("GET", r"v1/backup/working-environment", self._activation_list),
            ("GET", r"v1/backup/working-environment/([^/]+)", self._activation_get),
            ("POST", r"v3/backup/working-environment/([^/]+)", self._activate),
            ("PUT", r"v2/backup/working-environment/([^/]+)", self._activation_modify),
            ("DELETE", r"v1/backup/working-environment/([^/]+)", self._unregister),
            ("DELETE", r"v2/backup/working-environment/([^/]+)/snapshot", self._delete_all_backups),
            ("GET", r"v1/backup/working-environment/([^/]+)/volume", self._backup_volumes),
            ("POST", r"v2/backup/working-environment/([^/]+)/volume", self._protect_many),
            ("PUT", r"v1/backup/working-environment/([^/]+)/volume", self._modify_many),
            ("POST", r"v3/backup/working-environment/([^/]+)/volume/([^/]+)", self._volume_post),
            ("PUT", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)", self._modify_one),
            ("DELETE", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)", self._unprotect),
            ("GET", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)/snapshot", self._snapshot_list),
            ("DELETE", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)/snapshot", self._delete_backups),
            ("DELETE", r"v1/backup/working-environment/([^/]+)/volume/([^/]+)/snapshot/([^/]+)",
             self._delete_snapshot),
            ("GET", r"v1/job/([^/]+)", self._job_get),
        )]

    # --- seeding -------------------------------------------------------------------------

    def add_environment(self, we_id: str = WE_ID, name: str = WE_NAME, provider: str = "AWS",
                        volumes: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        record = environment(we_id, name, provider)
        self.environments.append(record)
        self.policies.setdefault(we_id, [])
        self.volumes[we_id] = list(volumes or [])
        self.protected.setdefault(we_id, {})
        return record

    def activate_environment(self, we_id: str = WE_ID, **fields: Any) -> dict[str, Any]:
        we = self._environment(we_id)
        record = {"id": we_id, "name": we["name"], "backup-enablement-status": "ON", "provider": "AWS",
                  "bucket": "netapp-backup-" + we_id, "region": "us-east-1", "object-lock": "NONE",
                  "ip-space": "Default", "max-transfer-rate": 0, "auto-backup-enabled": False,
                  "export-existing-snapshots": False, "provider-access-key": "AKIAEXAMPLE",
                  "backup-policy": {"name": "1 day", "rule": [{"label": "daily", "retention": "30"}]}}
        record.update(fields)
        self.activations[we_id] = record
        return record

    def protect(self, vol_id: str, policy_name: str = "gold", status: str = "ON", backups: int = 0,
                we_id: str = WE_ID) -> None:
        volume = self._ontap(we_id, vol_id)
        self.protected[we_id][vol_id] = {"file-system-id": vol_id, "name": volume["name"], "svm": volume["svm"],
                                         "backup-status": status, "backup-policy": {"name": policy_name}}
        self.snapshots[(we_id, vol_id)] = [snapshot("{0}.daily.{1}".format(volume["name"], i),
                                                    1700000000000 + i * 86400000)
                                           for i in range(backups)]

    # --- transport -----------------------------------------------------------------------

    def send(self, method: str, url: str, headers: Any = None, json_body: Any = None,
             timeout: float = 60) -> Any:
        if any(m == method and _matches(target, url) for m, target, _a in self._routes):
            return super().send(method, url, headers, json_body, timeout)
        call = Call(method, url, dict(headers or {}), copy.deepcopy(json_body), timeout)
        self.calls.append(call)
        path = urlsplit(url).path
        assert path.startswith(PREFIX), "unexpected request: {0} {1}".format(method, url)
        rest = path[len(PREFIX):]
        with self._lock:
            for route_method, pattern, handler in self._routes_table:
                match = pattern.match(rest)
                if route_method == method and match:
                    answer = handler(call, *[unquote(g) for g in match.groups()])
                    if answer is None or isinstance(answer, dict):
                        answer = reply(200, copy.deepcopy(answer))
                    return dataclasses.replace(answer, url=url)
        raise AssertionError("unexpected request: {0} {1}".format(method, url))

    # --- model ---------------------------------------------------------------------------

    def _environment(self, we_id: str) -> dict[str, Any]:
        return next(w for w in self.environments if w["id"] == we_id)

    def _ontap(self, we_id: str, vol_id: str) -> dict[str, Any]:
        return next(v for v in self.volumes[we_id] if v["file-system-id"] == vol_id)

    def _start_job(self, job_type: str, we_id: str, data: dict[str, Any] | None = None,
                   error: str | None = None) -> Any:
        job_id = "job-{0}".format(len(self.jobs) + 1)
        if error is None and self.job_failure:
            error, self.job_failure = self.job_failure, None
        record: dict[str, Any] = {"id": job_id, "type": job_type, "status": "FAILED" if error else "COMPLETED",
                                  "error": error or "", "time": 1700000000000, "working-environment-id": we_id}
        if data is not None:
            record["data"] = data
        self.jobs[job_id] = record
        self.polls[job_id] = 0
        return reply(202, {"job-id": job_id})

    def _job_get(self, call: Call, job_id: str) -> Any:
        if job_id not in self.jobs:
            return reply(404, {"message": "no job " + job_id})
        self.polls[job_id] += 1
        record = dict(self.jobs[job_id])
        if self.polls[job_id] <= self.pending_polls:
            record["status"], record["error"] = "IN_PROGRESS", ""
            record.pop("data", None)
        return {"job": [record]}

    def _we_list(self, call: Call) -> Any:
        return {"working-environment": self.environments}

    def _we_get(self, call: Call, we_id: str) -> Any:
        found = [w for w in self.environments if w["id"] == we_id]
        return found[0] if found else reply(404, {"message": "not found"})

    def _ontap_volumes(self, call: Call, we_id: str) -> Any:
        return {"volume": self.volumes.get(we_id, [])}

    # policies

    def _policy_list(self, call: Call, we_id: str) -> Any:
        return {"backup-policy": self.policies.get(we_id, [])}

    def _policy_create(self, call: Call, we_id: str) -> Any:
        body = call.body
        record = {"name": body["name"], "rule": copy.deepcopy(body["rule"]), "id": "pol-" + body["name"],
                  "object-lock": body.get("object-lock", "NONE"), "attached-volumes-count": "0"}
        if "archive-after-days" in body:
            record["archive-after-days"] = body["archive-after-days"]
        self.policies[we_id].append(record)
        return {"name": body["name"]}

    def _policy_update(self, call: Call, we_id: str) -> Any:
        body = call.body
        record = next(p for p in self.policies[we_id] if p["name"] == body["policyName"])
        record["rule"] = copy.deepcopy(body["rule"])
        archive = body.get("archive-after-days")
        if archive == "never":
            record.pop("archive-after-days", None)
        elif archive is not None:
            record["archive-after-days"] = archive
        return {"name": body["policyName"]}

    def _policy_delete(self, call: Call, we_id: str, policy_id: str) -> Any:
        self.policies[we_id] = [p for p in self.policies[we_id] if p.get("id") != policy_id]
        return reply(200)

    # activation

    def _activation_list(self, call: Call) -> Any:
        return {"working-environment": list(self.activations.values())}

    def _activation_get(self, call: Call, we_id: str) -> Any:
        record = self.activations.get(we_id)
        return record if record else reply(404, {"message": "working environment is not registered"})

    def _activate(self, call: Call, we_id: str) -> Any:
        body = call.body
        policy_body = body.get("backup-policy") or {}
        block = body.get("aws") or {}
        record = {"id": we_id, "name": self._environment(we_id)["name"], "backup-enablement-status": "ON",
                  "provider": body["provider"], "bucket": body.get("bucket") or "netapp-backup-" + we_id,
                  "region": body.get("region"), "object-lock": policy_body.get("object-lock", "NONE"),
                  "ip-space": body.get("ip-space"), "max-transfer-rate": body.get("max-transfer-rate"),
                  "auto-backup-enabled": body.get("auto-backup-enabled"),
                  "archive-storage-class": block.get("archive-storage-class"),
                  "export-existing-snapshots": body.get("export-existing-snapshots"),
                  "backup-policy": {k: v for k, v in policy_body.items() if k in ("name", "rule", "archive-after-days")}}
        self.activations[we_id] = record
        return self._start_job("backup-working-environment", we_id)

    def _activation_modify(self, call: Call, we_id: str) -> Any:
        record = self.activations[we_id]
        for key, value in call.body.items():
            if key == "backup-policy":
                record["backup-policy"] = {k: v for k, v in value.items()
                                           if k in ("name", "rule", "archive-after-days")}
            else:
                record[key] = value
        return self._start_job("update-working-environment", we_id)

    def _unregister(self, call: Call, we_id: str) -> Any:
        if any(self.snapshots.get((we_id, vid)) for vid in self.protected.get(we_id, {})):
            return reply(400, {"message": "delete the backups first"})
        self.activations.pop(we_id, None)
        self.protected[we_id] = {}
        return self._start_job("unregister-working-environment", we_id)

    def _delete_all_backups(self, call: Call, we_id: str) -> Any:
        for vid in self.protected.get(we_id, {}):
            self.snapshots[(we_id, vid)] = []
        return self._start_job("delete-all-backups", we_id)

    # volumes

    def _backup_volumes(self, call: Call, we_id: str) -> Any:
        result = []
        for vid, record in self.protected.get(we_id, {}).items():
            record = dict(record, **{"snapshot-count": str(len(self.snapshots.get((we_id, vid), [])))})
            result.append(record)
        return {"volume": result}

    def _set_protection(self, we_id: str, vid: str, policy_name: str | None, state: str | None) -> None:
        current = self.protected[we_id].get(vid)
        if current is None:
            volume = self._ontap(we_id, vid)
            current = {"file-system-id": vid, "name": volume["name"], "svm": volume["svm"],
                       "backup-status": "ON", "backup-policy": {"name": policy_name}}
            self.protected[we_id][vid] = current
            self.snapshots.setdefault((we_id, vid), [])
        if policy_name:
            current["backup-policy"] = {"name": policy_name}
        if state == "PAUSE":
            current["backup-status"] = "PAUSED"
        elif state == "RESUME":
            current["backup-status"] = "ON"

    def _per_volume(self, we_id: str, entries: list[tuple[str, str | None, str | None]]) -> dict[str, Any]:
        results = []
        for vid, policy_name, state in entries:
            error = self.volume_failures.get(vid)
            if error:
                results.append({"id": vid, "status": "FAILED", "error": error})
            else:
                self._set_protection(we_id, vid, policy_name, state)
                results.append({"id": vid, "status": "SUCCESS", "error": ""})
        return {"multi-volume-backup": {"volume": results}}

    def _protect_many(self, call: Call, we_id: str) -> Any:
        data = self._per_volume(we_id, [(v["volume-id"], v["backup-policy"]["name"], None)
                                        for v in call.body["volume"]])
        failed = [v for v in data["multi-volume-backup"]["volume"] if v["status"] == "FAILED"]
        error = "{0} volume(s) failed".format(len(failed)) if failed else None
        return self._start_job("backup-multiple-volumes", we_id, data, error)

    def _modify_many(self, call: Call, we_id: str) -> Any:
        data = self._per_volume(we_id, [(v["file-system-id"], (v.get("backup-policy") or {}).get("name"),
                                         v.get("state")) for v in call.body["volume"]])
        failed = [v for v in data["multi-volume-backup"]["volume"] if v["status"] == "FAILED"]
        error = "{0} volume(s) failed".format(len(failed)) if failed else None
        return self._start_job("update-multiple-volumes", we_id, data, error)

    def _volume_post(self, call: Call, we_id: str, vid: str) -> Any:
        body = call.body
        if body.get("mode") == "AD_HOC":
            details = body.get("adhoc-backup-details") or {}
            name = details.get("name") or "adhoc-generated"
            self.snapshots.setdefault((we_id, vid), []).append(
                snapshot(name, 1800000000000, snap_id="snap-new"))
            return self._start_job("backup-volume-adhoc", we_id)
        error = self.volume_failures.get(vid)
        if not error:
            self._set_protection(we_id, vid, body["backup-policy"]["name"], None)
        return self._start_job("backup-volume", we_id, error=error)

    def _modify_one(self, call: Call, we_id: str, vid: str) -> Any:
        self._set_protection(we_id, vid, (call.body.get("backup-policy") or {}).get("name"), call.body.get("state"))
        return {"state": "SUCCESS"}

    def _unprotect(self, call: Call, we_id: str, vid: str) -> Any:
        if self.snapshots.get((we_id, vid)):
            return reply(400, {"message": "the volume still has backups"})
        self.protected[we_id].pop(vid, None)
        return self._start_job("delete-volume-backup-settings", we_id)

    def _snapshot_list(self, call: Call, we_id: str, vid: str) -> Any:
        return {"snapshot": self.snapshots.get((we_id, vid), [])}

    def _delete_backups(self, call: Call, we_id: str, vid: str) -> Any:
        self.snapshots[(we_id, vid)] = []
        return self._start_job("delete-volume-backups", we_id)

    def _delete_snapshot(self, call: Call, we_id: str, vid: str, snap_id: str) -> Any:
        self.snapshots[(we_id, vid)] = [s for s in self.snapshots.get((we_id, vid), []) if s["id"] != snap_id]
        return {"state": "SUCCESS"}


def install(monkeypatch: Any, retry_policy: Any, clock: Any) -> FakeCbs:
    """Make every client a module builds talk to a new FakeCbs, jobs polled on the fake clock."""
    cbs = FakeCbs()
    monkeypatch.setattr(_api, "HttpTransport", lambda **kwargs: cbs)
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    monkeypatch.setattr(_runner, "JobWaiter", functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic))
    return cbs
