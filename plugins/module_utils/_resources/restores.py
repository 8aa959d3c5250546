# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Restores (Restore category): the v3 request body and the restore jobs already known.

A rerun of a restore must not start a second one: the restore jobs of the account tell
whether the same source (the backup named, or with an implicit choice any backup of the volume)
already went, or is going, to the same target.
"""

from __future__ import annotations

from typing import Any, Callable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import iso_utc

RUNNING = ("PENDING", "IN_PROGRESS")


def target_environment(client: Any, params: dict[str, Any], source_we: dict[str, Any]) -> dict[str, Any]:
    """The working environment named by the target_working_environment_* options, else the source."""
    if params.get("target_working_environment_id") or params.get("target_working_environment_name"):
        return wes.resolve(client, params.get("target_working_environment_id"),
                           params.get("target_working_environment_name"), option="target_working_environment")
    return source_we


def target_volume(client: Any, we_id: str, svm: str, name: str) -> dict[str, Any] | None:
    """The volume a volume restore would create, if it exists: same name in the same SVM."""
    return next((v for v in vols.list_ontap_volumes(client, we_id) if v.get("name") == name and v.get("svm") == svm),
                None)


def target_svm(client: Any, we: dict[str, Any], svm: str, option: str = "target_svm") -> None:
    """Fail, naming the option, when the target working environment has no SVM of that name."""
    names = [s.get("name") for s in read(client, "GET", "v2", "working-environment", we["id"], "svm").items(
        "svm", Fields(optional={"name": str}))]
    if svm not in names:
        raise ConfigurationError("{0}: working environment {1} has no SVM {2!r}; its SVMs: {3}. Nothing was "
                                 "restored.".format(option, we.get("name") or we["id"], svm,
                                                    ", ".join(sorted(n for n in names if n)) or "none"),
                                 option=option, code="svm_not_found")


def restore_jobs(client: Any) -> list[dict[str, Any]]:
    return read(client, "GET", "v1", "restore", "status").items("job", jobs.JOB)


class Origin:
    """What an earlier restore must have come from to count as this restore's result: the source volume,
    and a backup the task's selection accepts."""

    def __init__(self, we_id: str, volume: dict[str, Any], accepts: Callable[[Any], bool], exact: bool) -> None:
        self.we_id = we_id
        self.volume_id = volume.get("file-system-id")
        self.volume_name = volume.get("name")
        self.accepts = accepts
        # A backup named explicitly identifies its volume by itself.
        self.exact = exact

    def matches(self, source: dict[str, Any]) -> bool:
        if source.get("working-environment-id") not in (None, self.we_id):
            return False
        if source.get("volume-id"):
            same_volume = source["volume-id"] == self.volume_id
        elif source.get("volume-name"):
            same_volume = source["volume-name"] == self.volume_name
        else:
            same_volume = self.exact
        return same_volume and self.accepts(source.get("snapshot"))


def exactly(we_id: str, volume: dict[str, Any], backup: dict[str, Any]) -> Origin:
    """Only that backup (by its ID or name) of that volume."""
    return Origin(we_id, volume, lambda snapshot: snapshot in (backup.get("id"), backup.get("name")), exact=True)


def origin(we_id: str, volume: dict[str, Any], listed: list[dict[str, Any]], chosen: dict[str, Any],
           params: dict[str, Any]) -> Origin:
    """What the backup selection accepts as the source of an earlier restore.

    A backup named explicitly: that backup only. Chosen implicitly (the newest, or the newest before a
    time): any backup of the volume (created before that time), because a newer scheduled backup since an
    earlier run does not make that run's restore someone else's. A backup no longer listed counts too:
    retention removes the oldest first, so it is older than every listed one.
    """
    if params.get("backup"):
        return exactly(we_id, volume, chosen)
    before_ms = backups.parse_time("newest_before", params.get("newest_before"))
    created = {}
    for backup in listed:
        for key in (backup.get("id"), backup.get("name")):
            created[key] = backup.get("creation-time") or 0

    def accepts(snapshot: Any) -> bool:
        return before_ms is None or snapshot not in created or created[snapshot] < before_ms
    return Origin(we_id, volume, accepts, exact=False)


def earlier(client: Any, source: Origin, target_we_id: str, target_volume: str,
            paths: list[str] | None = None, target_path: str | None = None,
            target_svm: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(completed, running) restore jobs from that origin to this target, oldest first: what a rerun must
    not repeat."""
    related = [j for j in restore_jobs(client)
               if same_restore(j, source, target_we_id, target_volume, paths, target_path=target_path,
                               target_svm=target_svm)]
    related.sort(key=_started)
    return ([j for j in related if j.get("status") == "COMPLETED"],
            [j for j in related if j.get("status") in RUNNING])


def same_restore(job: dict[str, Any], source: Origin, target_we_id: str, target_volume: str,
                 paths: list[str] | None = None, target_path: str | None = None, target_svm: str | None = None) -> bool:
    """Whether a restore job moved a backup of that origin to this target (and, for files, these paths there)."""
    restore = (job.get("data") or {}).get("restore") or {}
    job_source, target = restore.get("source") or {}, restore.get("target") or {}
    if not source.matches(job_source):
        return False
    if target.get("working-environment-id") != target_we_id or target.get("volume-name") != target_volume:
        return False
    if target_svm and target.get("svm") not in (None, target_svm):
        return False
    kind = (restore.get("type") or "").lower()
    if paths is None:
        return kind == "volume"
    if kind == "volume" or (target.get("path") or None) != (target_path or None):
        return False
    # The spec lists files under restore.file[]; jobs with per-batch results under batch[].file[].
    entries = list(restore.get("file") or [])
    for batch in restore.get("batch") or []:
        entries.extend(batch.get("file") or [])
    return {f.get("path") for f in entries} == set(paths)


def restored_from(job: dict[str, Any], listed: list[dict[str, Any]]) -> dict[str, Any]:
    """The backup an earlier restore job came from: as listed, else (no longer listed) its ID alone."""
    snapshot = (((job.get("data") or {}).get("restore") or {}).get("source") or {}).get("snapshot")
    return next((b for b in listed if snapshot in (b.get("id"), b.get("name"))), {"id": snapshot})


def already_restored(job: dict[str, Any], backup: dict[str, Any]) -> dict[str, Any]:
    """What a rerun reports of the earlier restore it found: the backup, when, and the job."""
    return {"backup": backup.get("name") or backup.get("id"), "backup_id": backup.get("id"),
            "time": iso_utc(job.get("time")), "job_id": job.get("id")}


def already_message(found: dict[str, Any], target: str) -> str:
    return "{0} already restored from {1} at {2} (job {3}); nothing was restored again.".format(
        target, found["backup"], found["time"] or "an unknown time", found["job_id"])


def source_bucket(client: Any, we_id: str) -> str | None:
    """The bucket the working environment's backups are in, which the restore source names."""
    return (act.get(client, we_id) or {}).get("bucket")


def source_block(we: dict[str, Any], volume: dict[str, Any], backup: dict[str, Any], bucket: str) -> dict[str, Any]:
    return {"working-environment-id": we["id"], "working-environment-name": we.get("name") or "",
            "bucket": bucket or "", "volume-name": volume.get("name") or "",
            "volume-id": volume["file-system-id"], "snapshot": backup["id"]}


def target_block(we: dict[str, Any], svm: str, volume_name: str, path: str | None = None,
                 aggregates: list[str] | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {"working-environment-id": we["id"], "working-environment-name": we.get("name") or "",
                             "svm": svm, "volume-name": volume_name}
    if path:
        block["path"] = path
    if aggregates:
        block["aggregates"] = list(aggregates)
    return block


def start(client: Any, body: dict[str, Any]) -> Any:
    return client.cbs("POST", "v3", "restore", body={"restore": body})


def _started(job: dict[str, Any]) -> float:
    """A job's creation time for sorting; a job without one sorts first."""
    time = job.get("time")
    return float(time) if isinstance(time, (int, float)) else 0.0
