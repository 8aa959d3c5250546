# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Restores (Restore category): the v3 request body and the restore jobs already known.

A rerun of a restore must not start a second one: the restore jobs of the account tell
whether the same source backup already went, or is going, to the same target.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

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


def restore_jobs(client: Any) -> list[dict[str, Any]]:
    return read(client, "GET", "v1", "restore", "status").items("job", jobs.JOB)


def earlier(client: Any, backup: dict[str, Any], target_we_id: str, target_volume: str,
            paths: list[str] | None = None, target_path: str | None = None,
            target_svm: str | None = None) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """(completed, running) restore jobs of this backup to this target: what a rerun must not repeat."""
    related = [j for j in restore_jobs(client)
               if same_restore(j, backup, target_we_id, target_volume, paths, target_path=target_path,
                               target_svm=target_svm)]
    return ([j for j in related if j.get("status") == "COMPLETED"],
            [j for j in related if j.get("status") in RUNNING])


def same_restore(job: dict[str, Any], backup: dict[str, Any], target_we_id: str, target_volume: str,
                 paths: list[str] | None = None, target_path: str | None = None, target_svm: str | None = None) -> bool:
    """Whether a restore job moved this backup to this target (and, for files, these paths there)."""
    restore = (job.get("data") or {}).get("restore") or {}
    source, target = restore.get("source") or {}, restore.get("target") or {}
    if source.get("snapshot") not in (backup.get("id"), backup.get("name")):
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
