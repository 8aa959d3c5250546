# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The indexed catalog (Search & Restore): indexing per working environment, and searching it."""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import NUMBER, Fields, read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

# What is read of a search: each match's path and what names it when its backups are asked for.
SEARCH = Fields(required={"results": [Fields(required={
    "resourceName": str, "workingEnvironmentId": str, "volumeId": str, "resourceType": str})]},
    optional={"endOfResults": bool})
SNAPSHOTS = Fields(required={"results": Fields(required={
    "snapshots": [Fields(optional={"snapshotCreationTime": NUMBER})]})})


def is_enabled(activation: dict[str, Any] | None) -> bool:
    """Indexing state, as the working environment's backup record reports it."""
    return bool((activation or {}).get("catalog-enabled"))


def setup(client: Any, we_id: str) -> Any:
    """Provision the indexing service (asynchronous: answers with a job)."""
    return client.cbs("POST", "v2", "catalog", "working-environments", we_id, "setup")


def set_indexing(client: Any, we_id: str, enabled: bool) -> Any:
    return client.cbs("PUT", "v1", "catalog", "working-environments", we_id,
                      body={"state": "ENABLE" if enabled else "DISABLE"})


def search_body(kind: str | None = None, we_ids: list[str] | None = None, extensions: list[str] | None = None,
                min_size: int | None = None, max_size: int | None = None, after_ms: float | None = None,
                before_ms: float | None = None, location: str | None = None) -> dict[str, Any]:
    """The filters of a catalog search in the API's terms; a filter not given is left out."""
    body: dict[str, Any] = {}
    if kind:
        body["type"] = kind
    if we_ids:
        body["workingEnvironmentId"] = list(we_ids)
    if extensions:
        body["fileExtension"] = [e.lstrip(".") for e in extensions]
    if min_size is not None or max_size is not None:
        body["size"] = {k: v for k, v in (("from", min_size), ("to", max_size)) if v is not None}
    if after_ms is not None or before_ms is not None:
        body["creationDate"] = {k: int(v) for k, v in (("from", after_ms), ("to", before_ms)) if v is not None}
    if location:
        body["backupLocation"] = location
    return body


def search(client: Any, query: str, body: dict[str, Any]) -> tuple[list[dict[str, Any]], bool]:
    """(matches as the API sends them, whether the catalog holds more than it answered)."""
    answer = read(client, "POST", "v1", "catalog", "search", query={"query": query}, body=body).object(SEARCH)
    return answer["results"], not answer.get("endOfResults", True)


def snapshots_holding(client: Any, match: dict[str, Any]) -> list[dict[str, Any]]:
    """The backups that hold one search match (a read, though sent as POST), newest first."""
    answer = read(client, "POST", "v1", "catalog", "snapshots", body={
        "resourceName": match["resourceName"], "workingEnvironmentId": match["workingEnvironmentId"],
        "volumeId": match["volumeId"], "resourceType": match["resourceType"]})
    found = answer.object(SNAPSHOTS)["results"]["snapshots"]
    return sorted(snake_keys(found), key=lambda s: s.get("snapshot_creation_time") or 0, reverse=True)
