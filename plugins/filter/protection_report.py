# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: protection_report
short_description: Compute a fleet backup protection report from the info modules' results
version_added: 0.1.0
description:
  - Turns what M(bluexp.cloud_backup.working_environment_info), M(bluexp.cloud_backup.backup_info) and
    M(bluexp.cloud_backup.license_info) returned into one report - coverage per working environment, the
    age of each volume's newest backup against a recovery point objective (RPO), a histogram of those
    ages, policies that drift from a declared standard, and the license state.
  - Pure computation, no API call. The role P(bluexp.cloud_backup.protection_report#role) gathers the
    input and writes the report as JSON, Markdown and HTML.
  - A volume is B(protected) when it has backup settings (RV(_value.volumes[].protected)); its
    RV(_value.volumes[].rpo_met) is true when its newest backup is at most O(rpo_hours) old, false when it
    is older or there is none, and null for an unprotected volume.
  - The newest backup of a volume comes from O(backups); when that has none for the volume, from the
    volume's C(last_backup_creation_time).
  - Volumes BlueXP cannot back up at all, data-protection (C(dp)) volumes and SnapLock volumes (by the
    C(snaplock_type) newer Connectors report), are no coverage gap. Unless they are protected anyway, they are
    listed under RV(_value.not_protectable) and left out of the coverage, RPO and unprotected counts.
  - B(Drift) is judged per working environment and backup policy. A policy drifts when it protects at
    least one volume, or carries the standard's O(standard.policy_name), and its rules, archiving or
    DataLock differ from O(standard). A working environment with backup active and no policy of that name
    has a V(missing) entry. Only the keys set in O(standard) are compared; an empty standard checks nothing.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The registered result of M(bluexp.cloud_backup.working_environment_info) run with
        O(bluexp.cloud_backup.working_environment_info#module:details=[volumes, backup_policies]), or its
        RV(bluexp.cloud_backup.working_environment_info#module:working_environments) list.
    type: raw
    required: true
  backups:
    description:
      - The registered result of M(bluexp.cloud_backup.backup_info) with
        O(bluexp.cloud_backup.backup_info#module:newest_only=true), a registered loop of such results, or a
        list of backups. Older backups of a volume given as well are ignored.
    type: raw
  licenses:
    description:
      - The registered result of M(bluexp.cloud_backup.license_info), or its
        RV(bluexp.cloud_backup.license_info#module:licenses) list.
    type: raw
  rpo_hours:
    description:
      - Recovery point objective in hours. A newest backup exactly this old still meets it.
    type: float
    default: 24
  standard:
    description:
      - The backup policy every protected volume should have. Keys left out are not compared.
    type: dict
    default: {}
    suboptions:
      policy_name:
        description:
          - Name of the standard policy. A policy of this name that differs from the standard drifts even
            when no volume uses it, and a working environment with backup active but without it is reported.
        type: str
      rules:
        description:
          - Labels and retentions; a policy must have exactly these, in any order. Labels are compared as
            spelled, since ONTAP matches SnapMirror labels exactly (V(Daily) is not V(daily)).
        type: list
        elements: dict
        suboptions:
          label:
            description: SnapMirror label, for example V(daily).
            type: str
            required: true
          retention:
            description: Number of backups kept for the label.
            type: int
            required: true
      archive_after_days:
        description:
          - Days after which backups move to archive storage; V(0) or V(never) means the policy must not archive.
        type: int
      object_lock:
        description:
          - DataLock mode the policy must have; V(NONE) means none.
        type: str
        choices: [NONE, GOVERNANCE, COMPLIANCE, LOCKED, UNLOCKED]
  trial_warning_days:
    description:
      - A free trial that ends within this many days is listed under RV(_value.licenses.trials_ending).
    type: int
    default: 14
  now:
    description:
      - The time to measure ages from, as seconds since the epoch or an ISO 8601 timestamp (UTC unless it
        says otherwise). Defaults to the current time.
    type: raw
"""

EXAMPLES = r"""
---
- name: Compute the report from registered results
  ansible.builtin.set_fact:
    report: >-
      {{ fleet | bluexp.cloud_backup.protection_report(backups=newest, licenses=licenses, rpo_hours=24,
         standard={'rules': [{'label': 'daily', 'retention': 30}, {'label': 'weekly', 'retention': 13}],
                   'archive_after_days': 0}) }}

- name: Working environments below 80 % coverage
  ansible.builtin.debug:
    msg: "{{ report.coverage | selectattr('percent', 'lt', 80) | map(attribute='name') | list }}"
"""

RETURN = r"""
_value:
  description: The report.
  type: dict
  contains:
    generated_at:
      description: The time ages were measured from, ISO 8601 UTC.
      type: str
      sample: "2026-11-29T08:00:00Z"
    rpo_hours:
      description: The RPO used.
      type: float
      sample: 24
    standard:
      description:
        - The standard compared against, in the form policies are compared in (retentions as integers,
          C(archive_after_days) null for never archiving), with C(text), one line that says it; null when empty.
      type: dict
    trial_warning_days:
      description: The trial warning horizon used.
      type: int
    status:
      description: V(ok) when no RV(_value.problems) counter is above zero, else V(attention).
      type: str
      sample: attention
    problems:
      description: Counters of what needs attention, C(rpo), C(drift), C(unprotected) and C(license).
      type: dict
      sample: {rpo: 2, drift: 1, unprotected: 5, license: 0}
    totals:
      description:
        - Fleet counters C(working_environments), C(backup_enabled), C(volumes) (those that can be protected),
          C(not_protectable), C(protected), C(unprotected),
          C(percent_protected), C(rpo_met), C(rpo_missed), C(no_backup), C(drift), C(drifting_volumes),
          C(license_valid), C(license_invalid), C(trials_ending) and C(license_unknown).
      type: dict
    coverage:
      description: One entry per working environment, lowest coverage first.
      type: list
      elements: dict
      contains:
        name:
          description: Working environment name.
          type: str
        id:
          description: Working environment ID.
          type: str
        provider:
          description: Where it runs.
          type: str
        backup_enabled:
          description: Whether backup and recovery is active on it.
          type: bool
        protected:
          description: Protected volumes.
          type: int
        unprotected:
          description: Volumes without backup settings.
          type: int
        total:
          description: All volumes.
          type: int
        percent:
          description: Protected share in percent, one decimal; null without volumes.
          type: float
        rpo_missed:
          description: Protected volumes missing the RPO.
          type: int
        not_protectable:
          description: Volumes BlueXP cannot back up, not counted in RV(_value.coverage[].total).
          type: int
    not_protectable:
      description: Volumes BlueXP cannot back up, with the C(reason) (data-protection or SnapLock volume).
      type: list
      elements: dict
    volumes:
      description: One row per volume, in working environment order.
      type: list
      elements: dict
      contains:
        we:
          description: Working environment name.
          type: str
        we_id:
          description: Working environment ID.
          type: str
        volume:
          description: Volume name.
          type: str
        volume_id:
          description: Volume (file system) ID.
          type: str
        svm:
          description: Storage VM.
          type: str
        protected:
          description: Whether the volume has backup settings.
          type: bool
        backup_status:
          description: V(ON) or V(PAUSED) for a protected volume.
          type: str
        policy:
          description: Name of its backup policy.
          type: str
        newest_backup:
          description: Creation time of its newest backup, ISO 8601 UTC; null without one.
          type: str
        age_hours:
          description: Age of that backup in hours, two decimals.
          type: float
        rpo_met:
          description: True or false for a protected volume, null for an unprotected one.
          type: bool
    rpo_missed:
      description: The RV(_value.volumes) rows with RV(_value.volumes[].rpo_met=false), without a backup first, then oldest first.
      type: list
      elements: dict
    histogram:
      description:
        - Newest-backup age of the protected volumes in buckets V(<1h), V(1-6h), V(6-24h), V(1-3d), V(3-7d),
          V(>7d) and V(none) (no backup yet). Lower bounds are inclusive; the counts add up to C(totals.protected).
      type: list
      elements: dict
      sample: [{label: "<1h", min_hours: 0, max_hours: 1, count: 4}]
    drift:
      description: Policies that differ from the standard.
      type: list
      elements: dict
      contains:
        we:
          description: Working environment name.
          type: str
        we_id:
          description: Working environment ID.
          type: str
        policy:
          description: Policy name.
          type: str
        kind:
          description: V(differs), or V(missing) when the working environment has no policy named like the standard.
          type: str
        named_like_standard:
          description: Whether the policy carries O(standard.policy_name).
          type: bool
        volumes:
          description: Names of the protected volumes that use the policy.
          type: list
          elements: str
        differences:
          description: What differs, each with C(field), C(actual), C(expected) and a readable C(text).
          type: list
          elements: dict
    licenses:
      description: License state.
      type: dict
      contains:
        valid:
          description: Number of working environments validly licensed.
          type: int
        invalid:
          description: Not licensed or past the end of a free trial (C(we), C(we_id), C(type), C(reason)).
          type: list
          elements: dict
        trials_ending:
          description: Free trials ending within O(trial_warning_days) (C(we), C(we_id), C(days_left), C(free_trial_end)).
          type: list
          elements: dict
        unknown:
          description: Working environments whose license could not be asked about (C(we), C(we_id), C(reason)).
          type: list
          elements: dict
"""

import time
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping


from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int, iso_utc
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter

HOUR_S = 3600.0
# (label, lower bound inclusive, upper bound exclusive) in hours; None: no upper bound.
AGE_BUCKETS: tuple[tuple[str, float, float | None], ...] = (
    ("<1h", 0, 1),
    ("1-6h", 1, 6),
    ("6-24h", 6, 24),
    ("1-3d", 24, 72),
    ("3-7d", 72, 168),
    (">7d", 168, None),
)
NO_BACKUP = "none"
# The usual labels in the order people read them; custom labels follow alphabetically.
LABEL_ORDER = ("hourly", "daily", "weekly", "monthly", "yearly")


# ---------------------------------------------------------------------------------------------
# Input shapes


def registered_list(data: Any, key: str) -> list[dict[str, Any]]:
    """A module's list from its registered result, a registered loop of them, or the list itself."""
    if data is None:
        return []
    if isinstance(data, Mapping):
        if "results" in data and key not in data:
            return [r for result in data["results"] or [] for r in registered_list(result, key)]
        return list(data.get(key) or [])
    if isinstance(data, (list, tuple)):
        return list(data)
    raise ValueError("expected a registered result or a list for {0}, got {1}".format(key, type(data).__name__))


def _epoch_seconds(now: Any) -> float:
    if now is None:
        return time.time()
    if isinstance(now, bool):
        raise ValueError("now: expected seconds since the epoch or an ISO 8601 timestamp, got {0!r}".format(now))
    if isinstance(now, (int, float)):
        return float(now)
    if isinstance(now, datetime):
        return now.timestamp()
    text = str(now).strip()
    try:
        return float(text)
    except ValueError:
        pass
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        # The parser's own message adds nothing to this one.
        raise ValueError("now: expected seconds since the epoch or an ISO 8601 timestamp, got {0!r}".format(now)) from None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


# ---------------------------------------------------------------------------------------------
# Policies and the standard


def _label_order(rule: Mapping[str, Any]) -> tuple[int, str]:
    label = str(rule["label"])
    return (LABEL_ORDER.index(label.lower()) if label.lower() in LABEL_ORDER else len(LABEL_ORDER), label)


def _rules_text(rules: Iterable[Mapping[str, Any]]) -> str:
    return ", ".join("{0}={1}".format(r["label"], r["retention"]) for r in sorted(rules, key=_label_order)) or "no rules"


def policy_view(policy: Mapping[str, Any], object_lock: Any = None) -> dict[str, Any]:
    """A policy as the API or the modules return it, in the one form policies are compared in
    (labels as ONTAP spells them, None for never archiving, DataLock in upper case)."""
    return policies.view(dict(policy), object_lock=object_lock) or {}


def normalise_standard(standard: Mapping[str, Any] | None) -> dict[str, Any] | None:
    """Only the keys that are set, in the policy view's form; None when nothing is."""
    standard = standard or {}
    result: dict[str, Any] = {}
    if standard.get("policy_name"):
        result["policy_name"] = str(standard["policy_name"])
    if standard.get("rules") is not None:
        rules = list(standard["rules"])
        if not rules or any(not r.get("label") or as_int(r.get("retention")) is None for r in rules):
            raise ValueError("standard.rules: each rule needs a label and a whole-number retention")
        result["rules"] = normalise_rules(rules)
    if standard.get("archive_after_days") is not None:
        result["archive_after_days"] = policies.archive_days(standard["archive_after_days"])
    if standard.get("object_lock") is not None:
        result["object_lock"] = str(standard["object_lock"]).upper()
    return result or None


def _archive_text(days: int | None) -> str:
    return "after {0} days".format(days) if days else "never"


def differences(view: Mapping[str, Any], standard: Mapping[str, Any]) -> list[dict[str, Any]]:
    """What of a policy differs from the standard (only the standard's keys)."""
    found = []
    if "rules" in standard and view["rules"] != standard["rules"]:
        found.append({"field": "rules", "actual": _rules_text(view["rules"]), "expected": _rules_text(standard["rules"])})
    if "archive_after_days" in standard and view["archive_after_days"] != standard["archive_after_days"]:
        found.append({"field": "archive_after_days", "actual": _archive_text(view["archive_after_days"]),
                      "expected": _archive_text(standard["archive_after_days"])})
    if "object_lock" in standard and view["object_lock"] != standard["object_lock"]:
        found.append({"field": "object_lock", "actual": view["object_lock"], "expected": standard["object_lock"]})
    for item in found:
        item["text"] = "{0}: {1} (standard: {2})".format(item["field"], item["actual"], item["expected"])
    return found


# ---------------------------------------------------------------------------------------------
# Volumes


def _newest_by_volume(backups: Iterable[Mapping[str, Any]]) -> dict[tuple[Any, Any], Mapping[str, Any]]:
    newest: dict[tuple[Any, Any], Mapping[str, Any]] = {}
    for backup in backups:
        key = (backup.get("working_environment_id"), backup.get("volume_id"))
        if key not in newest or (backup.get("creation_time") or 0) > (newest[key].get("creation_time") or 0):
            newest[key] = backup
    return newest


def _newest_ms(we: Mapping[str, Any], volume: Mapping[str, Any], newest: Mapping[tuple[Any, Any], Mapping[str, Any]]) -> float | None:
    backup = newest.get((we.get("id"), volume.get("file_system_id")))
    created = backup.get("creation_time") if backup else (volume.get("backup") or {}).get("last_backup_creation_time")
    return float(created) if isinstance(created, (int, float)) and not isinstance(created, bool) and created > 0 else None


def volume_row(we: Mapping[str, Any], volume: Mapping[str, Any], newest: Mapping[tuple[Any, Any], Mapping[str, Any]],
               now_s: float, rpo_hours: float) -> dict[str, Any]:
    backup = volume.get("backup") or {}
    protected = bool(backup.get("protected"))
    created_ms = _newest_ms(we, volume, newest) if protected else None
    age = None if created_ms is None else max(0.0, (now_s - created_ms / 1000.0) / HOUR_S)
    return {
        "we": we.get("name"),
        "we_id": we.get("id"),
        "volume": volume.get("name"),
        "volume_id": volume.get("file_system_id"),
        "svm": volume.get("svm"),
        "protected": protected,
        "backup_status": backup.get("backup_status") if protected else None,
        "policy": (backup.get("backup_policy") or {}).get("name") if protected else None,
        "newest_backup": iso_utc(created_ms),
        "age_hours": None if age is None else round(age, 2),
        "rpo_met": None if not protected else (age is not None and age <= rpo_hours),
    }


def unsupported_reason(volume: Mapping[str, Any]) -> str | None:
    """Why BlueXP cannot back a volume up at all (such a volume is no coverage gap), or None."""
    if (volume.get("type") or "").lower() == "dp":
        return "data-protection volume"
    snaplock = volume.get("snaplock_type")
    if snaplock and snaplock != "non_snaplock":
        return "SnapLock ({0}) volume".format(snaplock)
    return None


def unsupported_row(we: Mapping[str, Any], volume: Mapping[str, Any], reason: str) -> dict[str, Any]:
    return {"we": we.get("name"), "we_id": we.get("id"), "volume": volume.get("name"),
            "volume_id": volume.get("file_system_id"), "svm": volume.get("svm"), "reason": reason}


def coverage(we: Mapping[str, Any], rows: list[dict[str, Any]], unsupported: int = 0) -> dict[str, Any]:
    protected = sum(1 for r in rows if r["protected"])
    total = len(rows)
    return {
        "name": we.get("name"),
        "id": we.get("id"),
        "provider": we.get("provider"),
        "backup_enabled": bool((we.get("backup") or {}).get("enabled")),
        "protected": protected,
        "unprotected": total - protected,
        "total": total,
        "percent": round(100.0 * protected / total, 1) if total else None,
        "rpo_missed": sum(1 for r in rows if r["rpo_met"] is False),
        "not_protectable": unsupported,
    }


def _worst_first(entry: Mapping[str, Any]) -> tuple[float, int, str]:
    percent = entry["percent"] if entry["percent"] is not None else 101.0
    return (percent, -entry["unprotected"], str(entry["name"] or ""))


def histogram(rows: Iterable[Mapping[str, Any]]) -> list[dict[str, Any]]:
    """Newest-backup ages of the protected volumes; those without a backup count under 'none'."""
    # Counted apart from the bucket dicts, whose values mix labels, bounds and counts.
    counts = [0] * len(AGE_BUCKETS)
    without_backup = 0
    for row in rows:
        if not row["protected"]:
            continue
        age = row["age_hours"]
        if age is None:
            without_backup += 1
            continue
        counts[next(i for i, (_label, _low, high) in enumerate(AGE_BUCKETS) if high is None or age < high)] += 1
    buckets: list[dict[str, Any]] = [{"label": label, "min_hours": low, "max_hours": high, "count": count}
                                     for (label, low, high), count in zip(AGE_BUCKETS, counts)]
    return buckets + [{"label": NO_BACKUP, "min_hours": None, "max_hours": None, "count": without_backup}]


def _rpo_order(row: Mapping[str, Any]) -> tuple[int, float, str, str]:
    age = row["age_hours"]
    return (0 if age is None else 1, -(age or 0), str(row["we"] or ""), str(row["volume"] or ""))


# ---------------------------------------------------------------------------------------------
# Drift


def _policies_in_use(we: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Views of the policies of a working environment, by name, with the protected volumes using each."""
    listed = {p.get("name"): policy_view(p) for p in we.get("backup_policies") or []}
    for view in listed.values():
        view["volumes"] = []
    for volume in we.get("volumes") or []:
        backup = volume.get("backup") or {}
        policy = backup.get("backup_policy") or {}
        if not backup.get("protected") or not policy.get("name"):
            continue
        if policy["name"] not in listed:
            listed[policy["name"]] = dict(policy_view(policy, backup.get("object_lock")), volumes=[])
        listed[policy["name"]]["volumes"].append(volume.get("name"))
    return listed


def drift(we: Mapping[str, Any], standard: Mapping[str, Any] | None) -> list[dict[str, Any]]:
    if not standard:
        return []
    name = standard.get("policy_name")
    base = {"we": we.get("name"), "we_id": we.get("id")}
    found = []
    policies = _policies_in_use(we)
    for view in sorted(policies.values(), key=lambda v: str(v["name"] or "")):
        named = name is not None and view["name"] == name
        if not (view["volumes"] or named):
            continue
        diffs = differences(view, standard)
        if diffs:
            found.append(dict(base, policy=view["name"], kind="differs", named_like_standard=named,
                              volumes=sorted(view["volumes"]), differences=diffs))
    enabled = (we.get("backup") or {}).get("enabled")
    if name is not None and enabled and name not in policies:
        found.append(dict(base, policy=name, kind="missing", named_like_standard=True, volumes=[],
                          differences=[{"field": "policy_name", "actual": None, "expected": name,
                                        "text": "no policy named {0}".format(name)}]))
    return found


# ---------------------------------------------------------------------------------------------
# Licenses


def license_summary(entries: Iterable[Mapping[str, Any]], warning_days: int) -> dict[str, Any]:
    summary: dict[str, Any] = {"valid": 0, "invalid": [], "trials_ending": [], "unknown": []}
    for entry in entries:
        who = {"we": entry.get("working_environment_name"), "we_id": entry.get("working_environment_id")}
        valid = entry.get("valid")
        if valid is None:
            summary["unknown"].append(dict(who, reason=entry.get("reason") or "unknown"))
            continue
        if not valid:
            reason = ("free trial ended {0}".format(entry.get("free_trial_end")) if entry.get("type") == "free_trial"
                      else "not licensed")
            summary["invalid"].append(dict(who, type=entry.get("type"), reason=reason))
            continue
        summary["valid"] += 1
        days_left = entry.get("days_left")
        if entry.get("type") == "free_trial" and days_left is not None and days_left <= warning_days:
            summary["trials_ending"].append(dict(who, days_left=days_left, free_trial_end=entry.get("free_trial_end")))
    summary["trials_ending"].sort(key=lambda t: t["days_left"])
    return summary


# ---------------------------------------------------------------------------------------------
# The report


def _totals(rows: list[dict[str, Any]], cover: list[dict[str, Any]], drifts: list[dict[str, Any]],
            licensing: Mapping[str, Any], unsupported: list[dict[str, Any]]) -> dict[str, Any]:
    protected = sum(1 for r in rows if r["protected"])
    return {
        "not_protectable": len(unsupported),
        "working_environments": len(cover),
        "backup_enabled": sum(1 for c in cover if c["backup_enabled"]),
        "volumes": len(rows),
        "protected": protected,
        "unprotected": len(rows) - protected,
        "percent_protected": round(100.0 * protected / len(rows), 1) if rows else None,
        "rpo_met": sum(1 for r in rows if r["rpo_met"] is True),
        "rpo_missed": sum(1 for r in rows if r["rpo_met"] is False),
        "no_backup": sum(1 for r in rows if r["protected"] and r["age_hours"] is None),
        "drift": len(drifts),
        "drifting_volumes": sum(len(d["volumes"]) for d in drifts),
        "license_valid": licensing["valid"],
        "license_invalid": len(licensing["invalid"]),
        "trials_ending": len(licensing["trials_ending"]),
        "license_unknown": len(licensing["unknown"]),
    }


def protection_report(working_environments: Any, backups: Any = None, licenses: Any = None,
                      rpo_hours: float = 24, standard: Mapping[str, Any] | None = None,
                      trial_warning_days: int = 14, now: Any = None) -> dict[str, Any]:
    try:
        rpo = float(rpo_hours)
    except (TypeError, ValueError):
        raise ValueError("rpo_hours: expected a number of hours, got {0!r}".format(rpo_hours)) from None
    if rpo <= 0:
        raise ValueError("rpo_hours: must be above 0, got {0!r}".format(rpo_hours))
    warning_days = as_int(trial_warning_days)
    if warning_days is None:
        raise ValueError("trial_warning_days: expected a whole number of days, got {0!r}".format(trial_warning_days))
    now_s = _epoch_seconds(now)
    wanted = normalise_standard(standard)
    newest = _newest_by_volume(registered_list(backups, "backups"))

    rows: list[dict[str, Any]] = []
    unsupported: list[dict[str, Any]] = []
    cover: list[dict[str, Any]] = []
    drifts: list[dict[str, Any]] = []
    for we in registered_list(working_environments, "working_environments"):
        we_rows = []
        we_unsupported = []
        for volume in we.get("volumes") or []:
            reason = unsupported_reason(volume)
            if reason and not (volume.get("backup") or {}).get("protected"):
                we_unsupported.append(unsupported_row(we, volume, reason))
            else:
                we_rows.append(volume_row(we, volume, newest, now_s, rpo))
        rows.extend(we_rows)
        unsupported.extend(we_unsupported)
        cover.append(coverage(we, we_rows, len(we_unsupported)))
        drifts.extend(drift(we, wanted))
    licensing = license_summary(registered_list(licenses, "licenses"), warning_days)
    totals = _totals(rows, cover, drifts, licensing, unsupported)
    problems = {"rpo": totals["rpo_missed"], "drift": totals["drift"], "unprotected": totals["unprotected"],
                "license": totals["license_invalid"] + totals["trials_ending"]}
    return {
        "generated_at": iso_utc(now_s, unit="s"),
        "rpo_hours": rpo,
        "standard": None if wanted is None else _standard_out(wanted),
        "trial_warning_days": warning_days,
        "status": "attention" if any(problems.values()) else "ok",
        "problems": problems,
        "totals": totals,
        "coverage": sorted(cover, key=_worst_first),
        "volumes": rows,
        "not_protectable": unsupported,
        "rpo_missed": sorted((r for r in rows if r["rpo_met"] is False), key=_rpo_order),
        "histogram": histogram(rows),
        "drift": drifts,
        "licenses": licensing,
    }


def _standard_out(standard: Mapping[str, Any]) -> dict[str, Any]:
    """The standard as it was compared, rules as a list again, and a line that says it."""
    result = dict(standard)
    parts = [standard["policy_name"]] if "policy_name" in standard else []
    if "rules" in standard:
        result["rules"] = sorted(standard["rules"], key=_label_order)
        parts.append("rules " + _rules_text(standard["rules"]))
    if "archive_after_days" in standard:
        parts.append("archive " + _archive_text(standard["archive_after_days"]))
    if "object_lock" in standard:
        parts.append("DataLock " + standard["object_lock"])
    result["text"] = "; ".join(parts)
    return result


class FilterModule:
    """bluexp.cloud_backup.protection_report."""

    def filters(self) -> dict[str, Any]:
        return {"protection_report": jinja_filter("protection_report", protection_report)}
