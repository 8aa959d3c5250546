# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""ONTAP backup policies of a working environment (Working Environment category)."""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field, differences, normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int, field

# NetApp: at most 1018 retained backups per policy while no volume uses it.
MAX_RETAINED = 1018
# The API's word for "no archiving" in archive-after-days.
NEVER = "never"
OBJECT_LOCK_MODES = ("NONE", "GOVERNANCE", "COMPLIANCE", "LOCKED", "UNLOCKED")
# What is read of a policy: the name it is found by, the ID it is deleted by, its rules and DataLock mode.
POLICY = Fields(optional={"name": str, "id": str, "rule": [dict], "object-lock": str})


def list_policies(client: Any, we_id: str) -> list[dict[str, Any]]:
    return read(client, "GET", "v1", "working-environment", we_id, "backup-policy").items("backup-policy", POLICY)


def find(client: Any, we_id: str, name: str) -> dict[str, Any] | None:
    return next((p for p in list_policies(client, we_id) if p.get("name") == name), None)


def archive_days(value: Any) -> int | None:
    """Days before archiving, or None when the policy never archives.

    The API says "never" by leaving the field out, sending "" or the word "never"; 0 is
    read the same way, since no policy archives after zero days (the API takes 1 and up).
    """
    if value is None or (isinstance(value, str) and value.strip().lower() in ("", NEVER)):
        return None
    days = as_int(value)
    return days or None


# How a declared policy compares with a `view`: rules as a set with retentions as numbers;
# "never" and an absent archive are one value.
FIELDS = (
    Field("rules", option="rules", compare=normalise_rules),
    Field("archive_after_days", option="archive_after_days", compare=archive_days),
    Field("object_lock", option="object_lock"),
)


def view(policy: dict[str, Any] | None, object_lock: str | None = None) -> dict[str, Any] | None:
    """The one form of a backup policy: what backup_policy compares and returns, the policy of
    an activation record, and what the protection report compares with a standard.

    Takes a policy as the API sends it (hyphenated keys, `rule`) or as a module returns it
    (snake_case keys, `rule` or `rules`). The canonical form:

    - `rules`: [{label, retention: int}] sorted by label, labels as the API spells them. ONTAP
      matches SnapMirror labels exactly, so `Daily` and `daily` are two rules; lower-casing
      would hide a real difference and make a module write a label nobody asked for.
    - `archive_after_days`: an int, or None for "never archive" (see `archive_days`). None,
      not 0, because 0 would read as a number of days the API refuses, and because the API
      itself says "never" by leaving the field out; JSON null is what the modules document.
    - `object_lock`: the DataLock mode in upper case, "NONE" when unset. A policy embedded in
      a volume's or an activation's record may not carry it; `object_lock` gives the mode of
      the record around it.
    - `id` (API 4.x) and `attached_volumes_count`, None where the record does not say (a
      policy embedded in another record, or a 2.0.6 listing).
    """
    if policy is None:
        return None
    rules = policy.get("rule") if policy.get("rule") is not None else policy.get("rules")
    return {
        "name": policy.get("name"),
        "id": policy.get("id"),
        "rules": normalise_rules(rules),
        "archive_after_days": archive_days(field(policy, "archive_after_days")),
        "object_lock": str(field(policy, "object_lock") or object_lock or "NONE").upper(),
        "attached_volumes_count": as_int(field(policy, "attached_volumes_count")),
    }


def desired(name: str, rules: Any = None, archive_after_days: Any = None, object_lock: str | None = None) -> dict[str, Any]:
    """A policy as the user declares it; None leaves a field as it is."""
    return {"name": name, "rules": rules, "archive_after_days": archive_after_days, "object_lock": object_lock}


def changes(current: dict[str, Any] | None, wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (current, wanted)} of a declared policy against a `view`: the rule of the
    backup_policy module and of the protect role's fleet-wide plan."""
    return differences(FIELDS, current, wanted)


def validate(rules: list[dict[str, Any]] | None, archive_after_days: Any, object_lock: str | None) -> None:
    """Rules the API states, checked before anything is sent."""
    if rules is not None:
        if not rules:
            raise ConfigurationError("rules: give at least one rule (label and retention).", option="rules")
        labels = [r["label"] for r in rules]
        duplicates = sorted({label for label in labels if labels.count(label) > 1})
        if duplicates:
            raise ConfigurationError("rules: label {0} appears more than once.".format(", ".join(duplicates)),
                                     option="rules")
        for rule in rules:
            if not 1 <= rule["retention"] <= MAX_RETAINED:
                raise ConfigurationError("rules: retention of label {0!r} must be between 1 and {1}, got {2}."
                                         .format(rule["label"], MAX_RETAINED, rule["retention"]), option="rules")
        total = sum(r["retention"] for r in rules)
        if total > MAX_RETAINED:
            raise ConfigurationError("rules: the retentions add up to {0} backups; a policy keeps at most {1}."
                                     .format(total, MAX_RETAINED), option="rules")
    if archive_after_days not in (None, NEVER):
        days = as_int(archive_after_days)
        if days is None:
            raise ConfigurationError("archive_after_days must be a number of days or 'never', got {0!r}."
                                     .format(archive_after_days), option="archive_after_days")
        if days < 1:
            raise ConfigurationError("archive_after_days must be at least 1 (or 'never').", option="archive_after_days")
    if object_lock not in (None, "NONE") and archive_after_days not in (None, NEVER):
        raise ConfigurationError("object_lock (DataLock) cannot be combined with archive_after_days: "
                                 "locked backups are not archived.", option="object_lock")


def wire_rules(rules: list[dict[str, Any]]) -> list[dict[str, str]]:
    """The API types retention as a string."""
    return [{"label": r["label"], "retention": str(r["retention"])} for r in normalise_rules(rules)]


def create(client: Any, we_id: str, name: str, rules: list[dict[str, Any]], archive_after_days: Any,
           object_lock: str | None) -> Any:
    body: dict[str, Any] = {"name": name, "rule": wire_rules(rules)}
    if archive_after_days not in (None, NEVER):
        body["archive-after-days"] = str(archive_after_days)
    if object_lock:
        body["object-lock"] = object_lock
    return client.cbs("POST", "v1", "working-environment", we_id, "backup-policy", body=body)


def update(client: Any, we_id: str, name: str, rules: list[dict[str, Any]], archive_after_days: Any) -> Any:
    body: dict[str, Any] = {"policyName": name, "rule": wire_rules(rules)}
    if archive_after_days is not None:
        body["archive-after-days"] = str(archive_after_days)
    return client.cbs("PUT", "v2", "working-environment", we_id, "backup-policy", body=body)


def delete(client: Any, we_id: str, policy_id: str) -> Any:
    return client.cbs("DELETE", "v1", "working-environment", we_id, "backup-policy", policy_id)
