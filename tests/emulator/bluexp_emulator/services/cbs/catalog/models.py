# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The indexed catalog: which WEs are indexed, and searches over their backups' file trees.

Per WE (backup must be active): ``PUT .../catalog/working-environments/{id}`` ENABLE turns
``catalog-enabled`` on at once and starts an indexing job (``catalog-index``); the WE is
searchable once it completes. DISABLE drops the index at once. ``setup`` (v1 / v2) is a job
(``catalog-setup``) that configures the indexing service and leaves the WE enabled and
indexed. Seeded WEs with ``catalog-enabled`` were indexed long ago. New backups of an indexed
WE are searchable as soon as they exist.

Search is synchronous (2.0.6): one answer with at most ``SEARCH_LIMIT`` results and
``endOfResults: false`` when more matched (narrow the query to see them). A result is one
file, folder or volume, with the number of backups that hold it and the newest of them.
"""
from __future__ import annotations

import fnmatch
from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.services.cbs.backup.state import CloudSnapshot
from bluexp_emulator.services.cbs.filetree import DIRECTORY, FILE, Entry, normalise
from bluexp_emulator.services.cbs.jobs import models as jobs
from bluexp_emulator.services.cbs.jobs.models import Job, JobFailed, JobsBackend
from bluexp_emulator.services.cbs.working_environments.models import (
    Volume,
    WorkingEnvironment,
    WorkingEnvironmentsBackend,
)

ENABLE, DISABLE = "ENABLE", "DISABLE"
RESOURCE_FILE, RESOURCE_DIRECTORY, RESOURCE_VOLUME = "FILE", "DIRECTORY", "VOLUME"
RESOURCE_TYPES = (RESOURCE_FILE, RESOURCE_DIRECTORY, RESOURCE_VOLUME)
_ENTRY_TYPE = {FILE: RESOURCE_FILE, DIRECTORY: RESOURCE_DIRECTORY}
LOCAL, CLOUD = "LOCAL", "CLOUD"
SEARCH_LIMIT = 100


@dataclass
class SearchRequest:
    query: str
    type: str | None = None
    working_environment_ids: list[str] | None = None
    extensions: list[str] | None = None
    size_from: float | None = None
    size_to: float | None = None
    date_from: float | None = None
    date_to: float | None = None
    location: str | None = None
    volume_id: str | None = None  # 4.x


@dataclass
class SnapshotsRequest:
    resource_name: str
    working_environment_id: str
    volume_id: str
    resource_type: str
    inode: int | None = None  # 4.x
    mtime: float | None = None  # 4.x


@dataclass
class _Hit:
    """One resource across the backups that hold it (the newest copy describes it)."""

    path: str
    entry: Entry
    count: int = 0
    latest_ms: int = 0
    snapshots: list[CloudSnapshot] = field(default_factory=list)


def _pattern(query: str) -> str:
    """Case-insensitive glob: the query itself when it has wildcards, else "contains"."""
    text = query.strip().lower()
    return text if any(char in text for char in "*?[") else f"*{text}*"


def _snapshot_dict(snapshot: CloudSnapshot) -> dict[str, Any]:
    data: dict[str, Any] = {"snapshotId": snapshot.id, "snapshotName": snapshot.name,
                            "snapshotSize": snapshot.size_bytes, "snapshotCreationTime": snapshot.creation_time_ms,
                            "location": CLOUD, "archived": snapshot.archived, "object-lock": snapshot.object_lock}
    if snapshot.ransomware_scan_status is not None:
        data["ransomware-scan-status"] = snapshot.ransomware_scan_status
    if snapshot.last_ransomware_scan_ms is not None:
        data["last-ransomware-scan"] = snapshot.last_ransomware_scan_ms
    if snapshot.ransomware_scan_failure:
        data["ransomware-scan-status-failure"] = snapshot.ransomware_scan_failure
    return data


def _backups(volume: Volume) -> list[CloudSnapshot]:
    """Oldest first."""
    return sorted(volume.backup.snapshots if volume.backup else [], key=lambda s: s.creation_time_ms)


class CatalogBackend:
    def __init__(self, working_environments: WorkingEnvironmentsBackend, jobs_backend: JobsBackend) -> None:
        self.working_environments = working_environments
        self.jobs = jobs_backend

    # -- indexing ----------------------------------------------------------------------------------
    def _active(self, account_id: str, we_id: str) -> WorkingEnvironment:
        we = self.working_environments.get_working_environment(account_id, we_id)
        if we.backup is None:
            raise BadRequest(f"Backup is not active on working environment {we_id}; the catalog indexes backups")
        return we

    def set_state(self, account_id: str, we_id: str, state: str | None) -> Job | None:
        """ENABLE / DISABLE; answers the indexing job ENABLE started, if any."""
        if state not in (ENABLE, DISABLE):
            raise BadRequest(f"state: must be {ENABLE} or {DISABLE}")
        we = self._active(account_id, we_id)
        config = we.backup
        assert config is not None
        if state == DISABLE:
            config.catalog_enabled = config.catalog_indexed = False
            return None
        config.catalog_enabled = True
        if config.catalog_indexed or self.jobs.unfinished(account_id, we_id, (jobs.CATALOG_INDEX,)):
            return None

        def indexed(_job: Job) -> None:
            if we.backup is config and config.catalog_enabled:
                config.catalog_indexed = True

        return self.jobs.create(account_id, we_id, jobs.CATALOG_INDEX, on_complete=indexed)

    def setup(self, account_id: str, we_id: str) -> Job:
        we = self._active(account_id, we_id)

        def configured(_job: Job) -> None:
            if we.backup is None:
                raise JobFailed(f"Backup is no longer active on working environment {we_id}")
            we.backup.catalog_enabled = we.backup.catalog_indexed = True

        return self.jobs.create(account_id, we_id, jobs.CATALOG_SETUP, on_complete=configured)

    def _indexed(self, account_id: str, we_ids: list[str] | None) -> list[WorkingEnvironment]:
        if we_ids:
            wes = [self.working_environments.get_working_environment(account_id, we_id) for we_id in we_ids]
            for we in wes:
                self._require_indexed(we)
            return wes
        wes = [we for we in self.working_environments.list_working_environments(account_id)
               if we.backup is not None and we.backup.catalog_indexed]
        if not wes:
            raise BadRequest(f"No working environment of account {account_id} has an indexed catalog; enable it first")
        return wes

    @staticmethod
    def _require_indexed(we: WorkingEnvironment) -> None:
        if we.backup is None or not we.backup.catalog_enabled:
            raise BadRequest(f"The indexed catalog is not enabled on working environment {we.id}")
        if not we.backup.catalog_indexed:
            raise BadRequest(f"The catalog of working environment {we.id} is not indexed yet")

    # -- search ------------------------------------------------------------------------------------
    def search(self, account_id: str, request: SearchRequest) -> tuple[list[dict[str, Any]], bool]:
        if not request.query.strip():
            raise BadRequest("query parameter 'query': must not be empty")
        kinds = {request.type.upper()} if request.type else set(RESOURCE_TYPES)
        if not kinds <= set(RESOURCE_TYPES):
            raise BadRequest(f"type: must be one of {', '.join(RESOURCE_TYPES)}")
        pattern = _pattern(request.query)
        results: list[dict[str, Any]] = []
        if request.location == LOCAL:
            return results, True  # only cloud backups are modelled
        for we in sorted(self._indexed(account_id, request.working_environment_ids), key=lambda w: w.name):
            for volume in sorted(we.volumes, key=lambda v: v.name):
                backups = _backups(volume)
                if not backups or (request.volume_id and volume.file_system_id != request.volume_id):
                    continue
                if RESOURCE_VOLUME in kinds and fnmatch.fnmatchcase(volume.name.lower(), pattern) \
                        and self._volume_matches(volume, backups, request):
                    results.append(self._volume_result(we, volume, backups))
                if kinds & {RESOURCE_FILE, RESOURCE_DIRECTORY}:
                    hits = self._hits(volume, backups, pattern, kinds)
                    results.extend(self._file_result(we, volume, hit) for hit in hits
                                   if self._entry_matches(hit.entry, request))
        return results[:SEARCH_LIMIT], len(results) <= SEARCH_LIMIT

    @staticmethod
    def _hits(volume: Volume, backups: list[CloudSnapshot], pattern: str, kinds: set[str]) -> list[_Hit]:
        hits: dict[str, _Hit] = {}
        for snapshot in backups:
            for path, entry in volume.snapshot_tree(snapshot).find(pattern):
                if _ENTRY_TYPE[entry.type] not in kinds:
                    continue
                hit = hits.setdefault(path, _Hit(path, entry))
                hit.entry, hit.count, hit.latest_ms = entry, hit.count + 1, snapshot.creation_time_ms
        return sorted(hits.values(), key=lambda hit: hit.path)

    @staticmethod
    def _entry_matches(entry: Entry, request: SearchRequest) -> bool:
        if request.extensions and (entry.type != FILE or not any(
                entry.name.lower().endswith("." + ext.lower().lstrip(".")) for ext in request.extensions)):
            return False
        if request.size_from is not None and entry.size < request.size_from:
            return False
        if request.size_to is not None and entry.size > request.size_to:
            return False
        if request.date_from is not None and entry.mtime < request.date_from:
            return False
        return request.date_to is None or entry.mtime <= request.date_to

    @staticmethod
    def _volume_matches(volume: Volume, backups: list[CloudSnapshot], request: SearchRequest) -> bool:
        if request.extensions:
            return False
        size = volume.used_bytes
        created = backups[-1].creation_time_ms
        return ((request.size_from is None or size >= request.size_from)
                and (request.size_to is None or size <= request.size_to)
                and (request.date_from is None or created >= request.date_from)
                and (request.date_to is None or created <= request.date_to))

    @staticmethod
    def _base(we: WorkingEnvironment, volume: Volume) -> dict[str, Any]:
        return {"workingEnvironmentId": we.id, "workingEnvironmentName": we.name, "svmName": volume.svm,
                "volumeId": volume.file_system_id, "volumeName": volume.name}

    def _volume_result(self, we: WorkingEnvironment, volume: Volume, backups: list[CloudSnapshot]) -> dict[str, Any]:
        return {"resourceName": volume.name, "resourceType": RESOURCE_VOLUME, **self._base(we, volume),
                "resourceSize": volume.used_bytes, "latestSnapshotCreationTime": backups[-1].creation_time_ms,
                "snapshotsCount": len(backups)}

    def _file_result(self, we: WorkingEnvironment, volume: Volume, hit: _Hit) -> dict[str, Any]:
        return {"resourceName": hit.path, "resourceType": _ENTRY_TYPE[hit.entry.type], **self._base(we, volume),
                "resourceSize": hit.entry.size, "inode": hit.entry.inode, "mtime": hit.entry.mtime,
                "latestSnapshotCreationTime": hit.latest_ms, "snapshotsCount": hit.count}

    # -- snapshots of one resource -----------------------------------------------------------------
    def snapshots(self, account_id: str, request: SnapshotsRequest) -> dict[str, Any]:
        """The backups of a volume that hold one file or folder (all of them for a volume).
        ``resourceName`` is the path search answered; a bare name matches that name anywhere
        (narrowed by the 4.x ``inode`` / ``mtime`` when sent)."""
        kind = request.resource_type.upper()
        if kind not in RESOURCE_TYPES:
            raise BadRequest(f"resourceType: must be one of {', '.join(RESOURCE_TYPES)}")
        we, volume = self.working_environments.get_volume(account_id, request.working_environment_id,
                                                          request.volume_id)
        self._require_indexed(we)
        if volume.backup is None:
            raise NotFound(f"Volume {volume.name} has no backup in working environment {we.id}")
        holding = [s for s in reversed(_backups(volume))
                   if kind == RESOURCE_VOLUME or self._holds(volume, s, request, kind)]
        return {"workingEnvironmentId": we.id, "workingEnvironmentName": we.name, "volumeName": volume.name,
                "volumeId": volume.file_system_id, "snapshots": [_snapshot_dict(s) for s in holding]}

    @staticmethod
    def _holds(volume: Volume, snapshot: CloudSnapshot, request: SnapshotsRequest, kind: str) -> bool:
        tree = volume.snapshot_tree(snapshot)
        name = request.resource_name
        if name.startswith("/"):
            entry = tree.entry(normalise(name))
            candidates = [entry] if entry is not None else []
        else:
            candidates = [entry for _path, entry in tree.find(name.lower()) if entry.name == name]
        return any(_ENTRY_TYPE[entry.type] == kind and (request.inode is None or entry.inode == request.inode)
                   and (request.mtime is None or entry.mtime == request.mtime) for entry in candidates)
