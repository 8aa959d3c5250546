# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Browsing files inside a backup (SFR category, working-environment-scoped endpoints).

The flow is: start the explore operation (a job), then list directories page by page,
following `pageConfig.next` so that the page numbering is the server's own.
"""

from __future__ import annotations

import difflib
import fnmatch
import posixpath
from typing import Any, Iterator

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import NUMBER, Fields, read, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError, NotFoundError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter, job_id_of

DIRECTORY_TYPES = ("DIRECTORY", "DIR", "FOLDER")
PAGE_SIZE = 500
# The explore status that means the backups can be listed (the values are not documented).
EXPLORE_READY = "READY"
NOTHING_RESTORED = "nothing_restored"
# What is read of a directory page: each entry's name, path and type, and where the next page starts.
LISTING = Fields(required={"context": [Fields(optional={"name": str, "path": str, "type": str})]}, optional={
    "pageConfig": Fields(optional={"next": Fields(optional={"page": NUMBER, "limit": NUMBER})})})


def is_directory(entry: dict[str, Any]) -> bool:
    return str(entry.get("type") or "").upper() in DIRECTORY_TYPES


def explore_ready(client: Any, volume_id: str) -> bool:
    """Whether the volume's backups are mounted for browsing already (a rerun needs no new start).

    Only READY, what the start leads to, skips the start; any other or no answer starts again.
    """
    answer = read_if_found(client, "GET", "v2", "sfr", "volume", volume_id, "file-explore", "status")
    status = answer.object(Fields(optional={"status": str})).get("status") if answer else None
    return (status or "").upper() == EXPLORE_READY


def start_explore(client: Any, we_id: str, volume_id: str, timeout: float) -> None:
    """Mount the volume's backups for browsing, unless they are, and wait until they can be listed."""
    if explore_ready(client, volume_id):
        return
    body = client.cbs("POST", "v1", "sfr", "working-environment", we_id, "volume", volume_id, "file-explore", "start")
    job_id = job_id_of(body)
    if job_id:
        JobWaiter(client).wait([job_id], timeout)


def list_directory(client: Any, we_id: str, volume_id: str, backup_id: str, path: str) -> Iterator[dict[str, Any]]:
    """Every entry of one directory, across pages."""
    query: dict[str, Any] = {"path": path, "limit": PAGE_SIZE}
    while True:
        body = read(client, "GET", "v1", "sfr", "working-environment", we_id, "volume", volume_id, "snapshot",
                    backup_id, "file-explore", "list", query=query).object(LISTING)
        entries = body["context"]
        for listed in entries:
            entry = dict(listed)
            entry.setdefault("path", posixpath.join(path, entry.get("name") or ""))
            yield entry
        following = (body.get("pageConfig") or {}).get("next") or {}
        if not entries or following.get("page") is None:
            return
        query = {"path": path, "page": following["page"], "limit": following.get("limit") or PAGE_SIZE}


def browse(client: Any, we_id: str, volume_id: str, backup_id: str, path: str, recursive: bool,
           max_entries: int, pattern: str | None) -> tuple[list[dict[str, Any]], bool]:
    """(entries, truncated): a directory, or a tree breadth first, up to `max_entries` matches."""
    found: list[dict[str, Any]] = []
    pending = [path]
    while pending:
        directory = pending.pop(0)
        for entry in list_directory(client, we_id, volume_id, backup_id, directory):
            if recursive and is_directory(entry):
                pending.append(entry["path"])
            if pattern and not fnmatch.fnmatchcase(entry.get("name") or "", pattern):
                continue
            if len(found) >= max_entries:
                return found, True
            found.append(snake_keys(entry))
    return found, False


def find_entries(client: Any, we_id: str, volume_id: str, backup_id: str, paths: list[str]) -> list[dict[str, Any]]:
    """The backup's entries for these paths (the restore API needs inode, type, size and mtime).

    Every path must be in the backup: a restore of part of a selection is not started, and the
    error says so with code `nothing_restored`.
    """
    by_directory: dict[str, list[str]] = {}
    for path in paths:
        normal = posixpath.normpath("/" + path.lstrip("/"))
        by_directory.setdefault(posixpath.dirname(normal), []).append(normal)
    found: dict[str, dict[str, Any]] = {}
    for directory, wanted in by_directory.items():
        try:
            listing = {e["path"]: e for e in list_directory(client, we_id, volume_id, backup_id, directory)}
        except NotFoundError:
            raise ConfigurationError("files: folder {0} (of {1}) is not in the backup.".format(directory, wanted[0]),
                                     option="files", missing=wanted[0], code=NOTHING_RESTORED) from None
        for path in wanted:
            if path not in listing:
                names = sorted(posixpath.basename(p) for p in listing)
                close = difflib.get_close_matches(posixpath.basename(path), names, n=5) or names[:5]
                raise ConfigurationError("files: {0} is not in the backup{1}.".format(
                    path, "; in that folder: " + ", ".join(close) if close else ""), option="files", missing=path,
                    code=NOTHING_RESTORED)
            found[path] = listing[path]
    return [found[posixpath.normpath("/" + p.lstrip("/"))] for p in paths]
