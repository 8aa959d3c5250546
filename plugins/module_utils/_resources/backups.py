# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Backups (cloud snapshots) of a volume: the one list, taking and deleting one, and choosing one
by name or ID, the newest, or the newest before a time."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import NUMBER, Fields, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import iso_utc, snake_keys


# What is read of a backup: its ID, the name and creation time it is chosen by, whether it is archived
# and its scan verdict.
BACKUP = Fields(required={"id": str}, optional={"name": str, "creation-time": NUMBER, "archived": bool,
                                                "ransomware-scan-status": str})


def list_backups(client: Any, we_id: str, volume_id: str) -> list[dict[str, Any]]:
    """The volume's backups as the API sends them, newest first.

    The one 404 rule: the API answers 404 when it has no backup record for the volume (never
    protected, or its protection removed), and such a volume has no backups, so the list is empty.
    Every caller has resolved the working environment and the volume before (through
    `working_environments.resolve` and `volumes.pick`), so a 404 here never hides a wrong name.
    """
    answer = read_if_found(client, "GET", "v1", "backup", "working-environment", we_id, "volume", volume_id,
                           "snapshot")
    backups = answer.items("snapshot", BACKUP) if answer else []
    return sorted(backups, key=lambda b: b.get("creation-time") or 0, reverse=True)


def named(backups: list[dict[str, Any]], name: str) -> dict[str, Any] | None:
    """The backup of that exact name (names are unique per volume), or None."""
    return next((b for b in backups if b.get("name") == name), None)


def take(client: Any, we_id: str, volume_id: str, name: str, label: str | None = None) -> Any:
    """Start an on-demand backup of that name (asynchronous: answers with a job).

    `adhoc-backup-details` names the backup (API 4.x); AD_HOC alone would give it a generated name.
    """
    details = {"name": name}
    if label:
        details["snapmirrorLabel"] = label
    return client.cbs("POST", "v3", "backup", "working-environment", we_id, "volume", volume_id,
                      body={"mode": "AD_HOC", "adhoc-backup-details": details})


def delete(client: Any, we_id: str, volume_id: str, backup_id: str) -> Any:
    """Delete one backup (synchronous). Every backup of a volume at once: `volumes.delete_backups`."""
    return client.cbs("DELETE", "v1", "backup", "working-environment", we_id, "volume", volume_id, "snapshot",
                      backup_id)


def parse_time(option: str, value: str | None) -> float | None:
    """Epoch milliseconds from an ISO 8601 time (UTC when no zone is given)."""
    if not value:
        return None
    try:
        text = value.strip()
        if text[-1:] in ("Z", "z"):
            text = text[:-1] + "+00:00"
        when = datetime.fromisoformat(text)
    except ValueError:
        raise ConfigurationError("{0} must be an ISO 8601 time such as 2026-11-27T22:00:00Z, got {1!r}.".format(
            option, value), option=option) from None
    if when.tzinfo is None:
        when = when.replace(tzinfo=timezone.utc)
    return when.timestamp() * 1000


def choose(backups: list[dict[str, Any]], wanted: str | None, before_ms: float | None,
           volume_name: str) -> dict[str, Any]:
    """One backup: `wanted` (name or ID), else the newest created before `before_ms`, else the newest.

    A named backup that does not exist fails with code `backup_not_found`; a volume with no
    backup matching the selection (none at all, or none before the time) with `no_backup`.
    """
    if wanted:
        match = next((b for b in backups if wanted in (b.get("name"), b.get("id"))), None)
        if match is None:
            names = [b.get("name") for b in backups[:5]]
            raise ConfigurationError("backup: volume {0} has no backup named {1!r}; newest: {2}.".format(
                volume_name, wanted, ", ".join(n for n in names if n) or "none"), option="backup",
                code="backup_not_found")
        return match
    candidates = [b for b in backups if before_ms is None or (b.get("creation-time") or 0) < before_ms]
    if not candidates:
        raise ConfigurationError("Volume {0} has no backup{1}.".format(
            volume_name, " created before newest_before" if before_ms is not None else ""),
            option="newest_before" if before_ms is not None else "volume", code="no_backup")
    return candidates[0]


def describe(we: dict[str, Any], volume: dict[str, Any], backup: dict[str, Any]) -> dict[str, Any]:
    """A backup as modules return it: its own fields plus where it comes from."""
    return dict(snake_keys(backup), volume_name=volume.get("name"), volume_id=volume.get("file-system-id"),
                working_environment_id=we["id"])


def listed(we: dict[str, Any], volume: dict[str, Any], backup: dict[str, Any]) -> dict[str, Any]:
    """A backup as backup_info lists it: `describe` plus its ISO creation time, SVM and environment name."""
    record = describe(we, volume, backup)
    record.update(created=iso_utc(record.get("creation_time")), working_environment_name=we.get("name"),
                  svm=volume.get("svm"))
    return record


def resolve_source(client: Any, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(working environment, backed-up volume, backup) named by the backup-selection options."""
    we, volume, _listed, backup = resolve_source_backups(client, params)
    return we, volume, backup


def resolve_source_backups(client: Any, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any],
                                                                         list[dict[str, Any]], dict[str, Any]]:
    """(working environment, backed-up volume, its backups newest first, backup) named by the backup-selection
    options."""
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

    before_ms = parse_time("newest_before", params.get("newest_before"))
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    volume = vols.pick_backed_up(client, we["id"], [params["volume"]], params.get("svm"), option="volume")[0]
    listed = list_backups(client, we["id"], volume["file-system-id"])
    backup = choose(listed, params.get("backup"), before_ms, volume.get("name") or volume["file-system-id"])
    return we, volume, listed, backup
