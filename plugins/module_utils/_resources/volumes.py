# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Volumes of a working environment, addressed by name (within an SVM when names repeat) or ID."""

from __future__ import annotations

import difflib
from typing import Any, Iterable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int, field

# What is read of a volume: its ID, and the name and SVM it is chosen by.
VOLUME = Fields(required={"file-system-id": str}, optional={"name": str, "svm": str})
# A backed-up volume adds its protection (`protection_of`).
BACKUP_VOLUME = Fields(required={"file-system-id": str}, optional={
    "name": str, "svm": str, "backup-status": str, "backup-policy": Fields(optional={"name": str})})


def list_ontap_volumes(client: Any, we_id: str) -> list[dict[str, Any]]:
    """All ONTAP volumes of the environment (protected or not)."""
    return read(client, "GET", "v1", "working-environment", we_id, "volume").items("volume", VOLUME)


def list_backup_volumes(client: Any, we_id: str) -> list[dict[str, Any]]:
    """The volumes BlueXP backs up, with their backup settings."""
    return read(client, "GET", "v1", "backup", "working-environment", we_id, "volume").items("volume", BACKUP_VOLUME)


def pick(candidates: list[dict[str, Any]], wanted: Iterable[str], svm: str | None, option: str = "volumes") -> list[dict[str, Any]]:
    """The candidates named by `wanted` (IDs or names), in the order asked for.

    The one place a volume is chosen. Fails with code `volume_not_found` for a name that
    matches nothing (listing close names), and for a name that exists in several SVMs when
    `svm` does not say which.
    """
    by_id = {v.get("file-system-id"): v for v in candidates}
    chosen: list[dict[str, Any]] = []
    for item in wanted:
        if item in by_id:
            chosen.append(by_id[item])
            continue
        matches = [v for v in candidates if v.get("name") == item and (svm is None or v.get("svm") == svm)]
        if len(matches) == 1:
            chosen.append(matches[0])
        elif matches:
            raise ConfigurationError("{0}: volume {1!r} exists in several SVMs ({2}); set svm.".format(
                option, item, ", ".join(sorted(str(v.get("svm")) for v in matches))), option="svm")
        else:
            names = sorted({str(v.get("name")) for v in candidates if svm is None or v.get("svm") == svm})
            close = difflib.get_close_matches(item, names, n=5)
            raise ConfigurationError("{0}: no volume {1!r}{2}{3}.".format(
                option, item, " in SVM {0}".format(svm) if svm else "",
                "; close names: " + ", ".join(close) if close else ""), option=option, missing=item,
                code="volume_not_found")
    return list({v.get("file-system-id"): v for v in chosen}.values())


def pick_backed_up(client: Any, we_id: str, wanted: Iterable[str], svm: str | None,
                   option: str = "volumes") -> list[dict[str, Any]]:
    """`pick` among the volumes BlueXP backs up, as their backup records.

    A volume that exists but was never backed up fails with code `no_backup` instead of
    `volume_not_found`; only then are the environment's ONTAP volumes read to tell the two apart.
    """
    try:
        return pick(list_backup_volumes(client, we_id), wanted, svm, option=option)
    except ConfigurationError as exc:
        if exc.code != "volume_not_found":
            raise
        missing = exc.details.get("missing")
        if not any(missing == v.get("file-system-id") or (missing == v.get("name") and svm in (None, v.get("svm")))
                   for v in list_ontap_volumes(client, we_id)):
            raise
        raise ConfigurationError("{0}: volume {1!r}{2} exists but has no backup (BlueXP does not back it up); "
                                 "protect it with bluexp.cloud_backup.volume_backup.".format(
                                     option, missing, " in SVM {0}".format(svm) if svm else ""),
                                 option=option, missing=missing, code="no_backup") from None


# volume `backup-status` values: "ON" is documented for environments and used for volumes too;
# "PAUSED" is what a paused relationship reports.
ACTIVE = "ON"
PAUSED = "PAUSED"


def protection_of(backup_volume: dict[str, Any] | None) -> dict[str, Any]:
    """A volume's protection in one comparable form: state and policy name.

    Takes a backup volume as the API sends it or as working_environment_info returns it.
    """
    if not backup_volume:
        return {"state": "unprotected", "policy": None, "backups": 0}
    status = field(backup_volume, "backup_status")
    if status in (None, "", "OFF"):
        return {"state": "unprotected", "policy": None, "backups": 0}
    return {
        "state": "paused" if status == PAUSED else "protected",
        "policy": (field(backup_volume, "backup_policy") or {}).get("name"),
        "backups": as_int(field(backup_volume, "snapshot_count")) or 0,
    }


def plan(name: str, current: dict[str, Any], state: str, policy: str | None) -> tuple[str | None, dict[str, Any]]:
    """(action, desired protection) of one volume; action None when it is already as asked.

    The rule of volume_backup and of the protect role's fleet-wide plan.
    """
    if state == "absent":
        if current["state"] == "unprotected":
            return None, current
        return ("delete backups and unprotect" if current["backups"] else "unprotect"), \
            {"state": "unprotected", "policy": None, "backups": 0}
    if current["state"] == "unprotected":
        if state == "paused":
            raise ConfigurationError("volumes: {0} is not protected, so it cannot be paused; protect it with "
                                     "state=present first.".format(name), option="volumes", code="not_protected")
        if not policy:
            raise ConfigurationError("policy: required to protect volume {0}.".format(name), option="policy")
        return "protect", dict(current, state="protected", policy=policy)
    desired = dict(current, state="paused" if state == "paused" else "protected", policy=policy or current["policy"])
    if desired == current:
        return None, current
    if desired["state"] != current["state"]:
        return ("pause" if desired["state"] == "paused" else "resume"), desired
    return "change policy", desired


def enable(client: Any, we_id: str, volume_ids: list[str], policy: str) -> Any:
    """Protect volumes: the single-volume v3 call for one, the multi-volume call for several."""
    if len(volume_ids) == 1:
        return client.cbs("POST", "v3", "backup", "working-environment", we_id, "volume", volume_ids[0],
                          body={"mode": "SCHEDULED", "backup-policy": {"name": policy}})
    return client.cbs("POST", "v2", "backup", "working-environment", we_id, "volume",
                      body={"volume": [{"volume-id": vid, "mode": "SCHEDULED", "backup-policy": {"name": policy}}
                                       for vid in volume_ids]})


def modify(client: Any, we_id: str, changes: list[dict[str, Any]]) -> Any:
    """Pause, resume or change policy: `changes` are {id, state?, policy?}.

    One volume is a synchronous PUT; several are one asynchronous multi-volume PUT.
    """
    def entry(change: dict[str, Any]) -> dict[str, Any]:
        body: dict[str, Any] = {}
        if change.get("state"):
            body["state"] = change["state"]
        if change.get("policy"):
            body["backup-policy"] = {"name": change["policy"]}
        return body

    if len(changes) == 1:
        return client.cbs("PUT", "v1", "backup", "working-environment", we_id, "volume", changes[0]["id"],
                          body=entry(changes[0]))
    return client.cbs("PUT", "v1", "backup", "working-environment", we_id, "volume",
                      body={"volume": [dict(entry(c), **{"file-system-id": c["id"]}) for c in changes]})


def delete_backups(client: Any, we_id: str, volume_id: str) -> Any:
    return client.cbs("DELETE", "v1", "backup", "working-environment", we_id, "volume", volume_id, "snapshot")


def remove_settings(client: Any, we_id: str, volume_id: str) -> Any:
    return client.cbs("DELETE", "v1", "backup", "working-environment", we_id, "volume", volume_id)
