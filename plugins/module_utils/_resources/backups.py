# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Choosing one backup (cloud snapshot) of a volume: by name or ID, the newest, or the newest before a time."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys


def list_backups(client: Any, we_id: str, volume_id: str) -> list[dict[str, Any]]:
    """The volume's backups, newest first; none (the API says 404) for a volume never backed up."""
    body = client.cbs("GET", "v1", "backup", "working-environment", we_id, "volume", volume_id, "snapshot",
                      not_found_ok=True)
    backups = list((body or {}).get("snapshot") or [])
    return sorted(backups, key=lambda b: b.get("creation-time") or 0, reverse=True)


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
    """One backup: `wanted` (name or ID), else the newest created before `before_ms`, else the newest."""
    if wanted:
        match = next((b for b in backups if wanted in (b.get("name"), b.get("id"))), None)
        if match is None:
            names = [b.get("name") for b in backups[:5]]
            raise ConfigurationError("backup: volume {0} has no backup named {1!r}; newest: {2}.".format(
                volume_name, wanted, ", ".join(n for n in names if n) or "none"), option="backup")
        return match
    candidates = [b for b in backups if before_ms is None or (b.get("creation-time") or 0) < before_ms]
    if not candidates:
        raise ConfigurationError("Volume {0} has no backup{1}.".format(
            volume_name, " created before newest_before" if before_ms is not None else ""),
            option="newest_before" if before_ms is not None else "volume")
    return candidates[0]


def describe(we: dict[str, Any], volume: dict[str, Any], backup: dict[str, Any]) -> dict[str, Any]:
    """A backup as modules return it: its own fields plus where it comes from."""
    return dict(snake_keys(backup), volume_name=volume.get("name"), volume_id=volume.get("file-system-id"),
                working_environment_id=we["id"])


def resolve_source(client: Any, params: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
    """(working environment, backed-up volume, backup) named by the backup-selection options."""
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

    before_ms = parse_time("newest_before", params.get("newest_before"))
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    volume = vols.pick(vols.list_backup_volumes(client, we["id"]), [params["volume"]], params.get("svm"),
                       option="volume")[0]
    backup = choose(list_backups(client, we["id"], volume["file-system-id"]), params.get("backup"), before_ms,
                    volume.get("name") or volume["file-system-id"])
    return we, volume, backup
