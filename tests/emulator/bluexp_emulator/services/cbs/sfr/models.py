# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Browsing the files of cloud backups (single file restore, "SFR").

NetApp's flow: start the file explore of a volume (the Connector deploys a restore
container and mounts the backup), poll its status, then list directories of a backup. The
explore is a job (``file-explore``) whichever start route is used (v1 answers no job id);
its status is ``NOT_STARTED`` before any start, ``IN_PROGRESS`` while the first explore
runs, then ``READY`` (or ``FAILED``). A volume stays explorable once ready: starting again
runs a new job without taking the volume out of ``READY``. Listing before ``READY`` is a
400. Pages (v2 and the WE-scoped list) are 1-based, ``limit`` entries each (default 100).
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from bluexp_emulator.core.clock import Clock
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

NOT_STARTED = "NOT_STARTED"
IN_PROGRESS = "IN_PROGRESS"
READY = "READY"
FAILED = "FAILED"
DEFAULT_PAGE_LIMIT = 100
CLOUD = "CLOUD"
FILE_TYPES = {"FILE": FILE, "DIRECTORY": DIRECTORY}
SORT_KEYS: dict[str, Callable[[tuple[str, Entry]], Any]] = {
    "name": lambda item: item[1].name, "size": lambda item: item[1].size, "mtime": lambda item: item[1].mtime}


@dataclass
class ListFilters:
    """The 4.x filters of the WE-scoped list (``None``: not sent)."""

    file_type: str | None = None  # FILE | DIRECTORY | ALL
    name: str | None = None
    sort_by: str | None = None  # name | size | mtime
    order_by: str | None = None  # ASC | DESC
    location: str | None = None  # LOCAL | CLOUD


@dataclass
class _Explore:
    we_id: str
    job_id: str
    ready: bool = False


def page_of(items: list[Any], page: int, limit: int) -> tuple[list[Any], dict[str, Any]]:
    """One page and its ``pageConfig``: ``startIndex`` is the 0-based index of its first
    entry, ``endIndex`` the index after its last (so ``endIndex - startIndex`` entries);
    ``next`` / ``previous`` only when such a page exists."""
    if page < 1 or limit < 1:
        raise BadRequest("query parameters 'page' and 'limit' must be integers >= 1")
    start = (page - 1) * limit
    chunk = items[start:start + limit]
    config: dict[str, Any] = {"startIndex": min(start, len(items)), "endIndex": min(start, len(items)) + len(chunk)}
    if start + limit < len(items):
        config["next"] = {"page": page + 1, "limit": limit}
    if page > 1:
        config["previous"] = {"page": page - 1, "limit": limit}
    return chunk, config


class SfrBackend:
    def __init__(self, working_environments: WorkingEnvironmentsBackend, jobs_backend: JobsBackend,
                 clock: Clock) -> None:
        self.working_environments = working_environments
        self.jobs = jobs_backend
        self.clock = clock
        self._explores: dict[tuple[str, str], _Explore] = {}

    def reset(self) -> None:
        self._explores = {}

    def _volume(self, account_id: str, volume_id: str, we_id: str | None) -> tuple[WorkingEnvironment, Volume]:
        if we_id is None:
            return self.working_environments.find_volume(account_id, volume_id)
        return self.working_environments.get_volume(account_id, we_id, volume_id)

    @staticmethod
    def _snapshot(volume: Volume, snapshot_id: str) -> CloudSnapshot:
        snapshot = volume.backup.snapshot(snapshot_id) if volume.backup is not None else None
        if snapshot is None:
            raise NotFound(f"Backup {snapshot_id} not found for volume {volume.name}")
        return snapshot

    @staticmethod
    def _check_location(location: str | None) -> None:
        if location not in (None, CLOUD):
            raise BadRequest(f"query parameter 'snapshotLocation': only {CLOUD} backups can be explored here")

    def start(self, account_id: str, volume_id: str, we_id: str | None = None, snapshot_id: str | None = None,
              location: str | None = None) -> Job:
        self._check_location(location)
        we, volume = self._volume(account_id, volume_id, we_id)
        if volume.backup is None or not volume.backup.snapshots:
            raise BadRequest(f"Volume {volume.name} has no backups to explore")
        if snapshot_id is not None:
            self._snapshot(volume, snapshot_id)
        key = (account_id, volume.file_system_id)
        current = self._explores.get(key)
        if current is not None:
            running = self.jobs.get_job(account_id, current.job_id)
            if running.final_status is None:
                return running  # the explore already under way

        def mounted(job: Job) -> None:
            if volume.backup is None or not volume.backup.snapshots:
                raise JobFailed(f"Volume {volume.name} has no backups to explore")
            self._explores.setdefault(key, _Explore(we.id, job.id)).ready = True

        job = self.jobs.create(account_id, we.id, jobs.FILE_EXPLORE, on_complete=mounted,
                               volume_ids=[volume.file_system_id])
        self._explores.setdefault(key, _Explore(we.id, job.id)).job_id = job.id
        return job

    def status(self, account_id: str, volume_id: str) -> str:
        _we, volume = self._volume(account_id, volume_id, None)
        explore = self._explores.get((account_id, volume.file_system_id))
        if explore is None:
            return NOT_STARTED
        if explore.ready:
            return READY
        job = self.jobs.get_job(account_id, explore.job_id)
        return FAILED if job.final_status == jobs.FAILED else IN_PROGRESS

    def explore_job(self, account_id: str, volume_id: str) -> Job | None:
        """The volume's latest explore job, if one was started."""
        _we, volume = self._volume(account_id, volume_id, None)
        explore = self._explores.get((account_id, volume.file_system_id))
        return None if explore is None else self.jobs.get_job(account_id, explore.job_id)

    def list_directory(self, account_id: str, volume_id: str, snapshot_id: str, path: str | None,
                       we_id: str | None = None, filters: ListFilters | None = None) -> list[tuple[str, Entry]]:
        """A directory of a backup, as (path, entry), in listing order."""
        filters = filters or ListFilters()
        self._check_location(filters.location)
        _we, volume = self._volume(account_id, volume_id, we_id)
        snapshot = self._snapshot(volume, snapshot_id)
        status = self.status(account_id, volume.file_system_id)
        if status != READY:
            raise BadRequest(f"File explore of volume {volume.name} is not ready (status {status}); start it with "
                             "file-explore/start and wait until its status is READY")
        items = volume.snapshot_tree(snapshot).items(path)
        if items is None:
            raise NotFound(f"Path {normalise(path)} not found in backup {snapshot.name} of volume {volume.name}")
        wanted = FILE_TYPES.get((filters.file_type or "ALL").upper())
        if wanted is not None:
            items = [item for item in items if item[1].type == wanted]
        if filters.name:
            needle = filters.name.lower()
            items = [item for item in items if needle in item[1].name.lower()]
        if filters.sort_by in SORT_KEYS or filters.order_by:
            key = SORT_KEYS.get(filters.sort_by or "name", SORT_KEYS["name"])
            items = sorted(items, key=key, reverse=(filters.order_by or "ASC").upper() == "DESC")
        return items
