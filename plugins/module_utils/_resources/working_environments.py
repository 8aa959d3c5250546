# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Working environments as the Working Environment and Backup categories describe them."""

from __future__ import annotations

import difflib
import fnmatch
from typing import Any, Iterable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import ints, snake_keys

WE_COUNTERS = ("total_volumes_count",)
BACKUP_COUNTERS = ("backed_up_volume_count", "total_volumes_count", "failed_backup_volume_count",
                   "backup_policy_count")
VOLUME_BACKUP_COUNTERS = ("snapshot_count",)
# Identity fields already at the top level of a returned working environment.
_BACKUP_IDENTITY = ("id", "name")
# An access key id is no secret, but it has no place in playbook output either.
_BACKUP_HIDDEN = ("provider_access_key",)
DETAILS = ("volumes", "svms", "ip_spaces", "backup_policies")
BACKUP_ENABLED = "ON"
# The error_code of a working environment that does not exist; the roles branch on it.
NOT_FOUND = "working_environment_not_found"
# What is read of a working environment: its ID, and the name and provider it is chosen by.
WORKING_ENVIRONMENT = Fields(required={"id": str}, optional={"name": str, "provider": str})


def list_working_environments(client: Any) -> list[dict[str, Any]]:
    answer = read(client, "GET", "v1", "working-environment")
    return [_we(record) for record in answer.items("working-environment", WORKING_ENVIRONMENT)]


def get_working_environment(client: Any, we_id: str) -> dict[str, Any] | None:
    answer = read_if_found(client, "GET", "v1", "working-environment", we_id)
    return _we(answer.object(WORKING_ENVIRONMENT)) if answer else None


def resolve(client: Any, we_id: str | None, we_name: str | None,
            option: str = "working_environment") -> dict[str, Any]:
    """The one working environment named by ID or by exact name (options `{option}_id`, `{option}_name`).

    A name that matches none fails listing the close names; one that matches several
    fails listing their IDs, since acting on the wrong cluster is worse than stopping.
    """
    if we_id:
        return chosen(client, [we_id], None, None, option=option + "_id")[0]
    records = list_working_environments(client)
    matches = [r for r in records if r.get("name") == we_name]
    if len(matches) == 1:
        return matches[0]
    if matches:
        ids = ", ".join(r["id"] for r in matches)
        raise ConfigurationError("{0}_name: {1} working environments are named {2!r}: {3}. Use "
                                 "{0}_id.".format(option, len(matches), we_name, ids), option=option + "_name")
    close = difflib.get_close_matches(we_name or "", [r.get("name") or "" for r in records], n=5)
    raise ConfigurationError("{0}_name: no working environment is named {1!r}{2}.".format(
        option, we_name, "; close names: " + ", ".join(close) if close else ""), option=option + "_name",
        code=NOT_FOUND, missing=we_name)


def reference(client: Any, we_id: str | None, we_name: str | None,
              option: str = "working_environment") -> dict[str, Any]:
    """The working environment to act on, without a call when its ID is given.

    For modules whose first read is under the working environment's path: that read says
    whether it exists (turn its 404 into `missing`), so a fleet of per-host runs does not
    pay one more call each to look up what the play already knows. By name it is `resolve`.
    """
    if we_id:
        return {"id": we_id, "name": None}
    return resolve(client, None, we_name, option)


def missing(client: Any, we_id: str, option: str = "working_environment_id") -> ConfigurationError:
    """The error of a working environment ID that does not exist, as `resolve` reports it."""
    return ConfigurationError("{0}: no working environment with ID {1} in account {2}.".format(
        option, we_id, client.account_id), option=option, code=NOT_FOUND, missing=[we_id])


def chosen(client: Any, we_ids: Iterable[str] | None, names: Iterable[str] | None,
           providers: Iterable[str] | None, option: str = "working_environment_ids",
           ignore_missing: bool = False) -> list[dict[str, Any]]:
    """The working environments an info module was asked for: by ID (each must exist unless
    `ignore_missing`) or all, then filtered.

    One ID is read on its own, so that a per-host task does not list the whole fleet; several
    are picked from one listing, so that a fleet-wide read costs one call, not one per ID.
    """
    if not we_ids:
        return select(list_working_environments(client), names, providers)
    we_ids = list(dict.fromkeys(we_ids))
    if len(we_ids) == 1:
        found = {we_ids[0]: get_working_environment(client, we_ids[0])}
    else:
        listed = {record.get("id"): record for record in list_working_environments(client)}
        found = {we_id: listed.get(we_id) for we_id in we_ids}
    missing = [we_id for we_id, record in found.items() if record is None]
    if missing and not ignore_missing:
        raise ConfigurationError("{0}: no working environment with ID {1} in account {2}.".format(
            option, ", ".join(missing), client.account_id), option=option, code=NOT_FOUND,
            missing=missing)
    return select([record for record in found.values() if record is not None], names, providers)


def select(records: list[dict[str, Any]], names: Iterable[str] | None, providers: Iterable[str] | None) -> list[dict[str, Any]]:
    """Filter by name (exact or shell pattern) and provider (case-insensitive)."""
    names = list(names or [])
    wanted_providers = {p.upper() for p in providers or []}
    selected = []
    for record in records:
        if names and not any(fnmatch.fnmatchcase(record.get("name") or "", n) for n in names):
            continue
        if wanted_providers and (record.get("provider") or "").upper() not in wanted_providers:
            continue
        selected.append(record)
    return selected


def backup_status_by_id(client: Any, we_ids: list[str], listing: bool = False) -> dict[str, dict[str, Any]]:
    """Backup configuration per working environment, in as few calls as possible.

    One list call serves any number of environments; a single environment is read
    on its own so that a per-host task does not fetch the whole fleet, unless `listing`
    asks for the list call whatever the count (an inventory of the whole account).
    """
    if len(we_ids) == 1 and not listing:
        record = act.get(client, we_ids[0])
        records = [record] if record else []
    else:
        records = read(client, "GET", "v1", "backup", "working-environment").items("working-environment", act.RECORD)
    return {r["id"]: _backup(r) for r in records if r.get("id") in we_ids}


def not_activated() -> dict[str, Any]:
    return {"enabled": False, "backup_enablement_status": None}


def details_for(client: Any, record: dict[str, Any], details: Iterable[str]) -> dict[str, Any]:
    """Only the details asked for are fetched: each costs one or two calls per environment."""
    we_id = record["id"]
    result: dict[str, Any] = {}
    for detail in details:
        if detail == "volumes":
            # Without backup_status the environment's backup state is unknown: ask anyway.
            enabled = record["backup"].get("enabled", False) if "backup" in record else None
            result["volumes"] = volumes(client, we_id, enabled)
        elif detail == "svms":
            result["svms"] = snake_keys(read(client, "GET", "v2", "working-environment", we_id, "svm").items("svm"))
        elif detail == "ip_spaces":
            answer = read(client, "GET", "v1", "working-environment", we_id, "ip-space")
            result["ip_spaces"] = snake_keys(answer.items("ip-space"))
        elif detail == "backup_policies":
            answer = read(client, "GET", "v1", "working-environment", we_id, "backup-policy")
            result["backup_policies"] = [ints(p, ("attached_volumes_count", "archive_after_days"))
                                         for p in snake_keys(answer.items("backup-policy"))]
        else:
            raise ConfigurationError("details: unknown value {0!r}; choose from {1}".format(detail, ", ".join(DETAILS)))
    return result


def volumes(client: Any, we_id: str, backup_enabled: bool | None) -> list[dict[str, Any]]:
    """ONTAP volumes, each with its backup settings when backup is (or may be) active."""
    result = snake_keys(vols.list_ontap_volumes(client, we_id))
    backed_up: dict[str, Any] = {}
    if backup_enabled or backup_enabled is None:
        # Backup state unknown: a 404 says that nothing is backed up.
        reader = read_if_found if backup_enabled is None else read
        answer = reader(client, "GET", "v1", "backup", "working-environment", we_id, "volume")
        for vol in snake_keys(answer.items("volume", vols.BACKUP_VOLUME) if answer else []):
            backed_up[vol.get("file_system_id")] = ints(vol, VOLUME_BACKUP_COUNTERS)
    for vol in result:
        backup = backed_up.get(vol.get("file_system_id"))
        vol["backup"] = _volume_backup(backup)
    return result


def _volume_backup(record: dict[str, Any] | None) -> dict[str, Any]:
    if not record:
        return {"protected": False, "backup_status": None}
    keep = {k: v for k, v in record.items() if k not in ("file_system_id", "name", "svm", "type", "style")}
    keep["protected"] = True
    return keep


def _we(record: dict[str, Any]) -> dict[str, Any]:
    return ints(snake_keys(record), WE_COUNTERS)


def _backup(record: dict[str, Any]) -> dict[str, Any]:
    backup = ints(snake_keys(record), BACKUP_COUNTERS)
    for key in _BACKUP_IDENTITY + _BACKUP_HIDDEN:
        backup.pop(key, None)
    backup["enabled"] = backup.get("backup_enablement_status") == BACKUP_ENABLED
    return backup
