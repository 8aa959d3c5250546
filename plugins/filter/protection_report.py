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
    is older or there is none, and null for an unprotected volume or one awaiting its first backup.
  - A protected volume without any backup B(awaits its first backup), and misses nothing yet, when it was
    protected at most O(rpo_hours) ago. The API gives no protection time of its own, so it is taken from
    O(jobs) - the newest completed job that names the volume with a per-volume success, or the newest
    completed C(backup-working-environment) (or volume enable) job of its working environment when the job
    names no volume. Without such a job the volume misses the RPO.
  - A volume's B(newest backup failed) when a failed job names it as failed and neither a backup nor a
    successful job came after. Working environments also count such volumes themselves
    (C(failed_backup_volume_count)); the larger of the two counts is reported.
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
  jobs:
    description:
      - The registered result of M(bluexp.cloud_backup.job_info) (or a loop of them), or a list of jobs. They
        tell when volumes were protected and which backups failed.
    type: raw
  history:
    description:
      - Earlier snapshots, as the text of the history file (one JSON object a line) or a list. Lines that are
        not a snapshot are skipped.
    type: raw
  history_limit:
    description:
      - How many snapshots RV(_value.history) keeps, newest last.
    type: int
    default: 90
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
      description:
        - Counters of what needs attention, C(rpo), C(drift), C(unprotected), C(license), C(failed) (volumes
          whose newest backup failed) and C(ransomware) (volumes with ransomware detected).
      type: dict
      sample: {rpo: 2, drift: 1, unprotected: 5, license: 0, failed: 1, ransomware: 0}
    totals:
      description:
        - Fleet counters C(working_environments), C(backup_enabled), C(volumes) (those that can be protected),
          C(not_protectable), C(protected), C(unprotected),
          C(percent_protected), C(rpo_met), C(rpo_missed), C(awaiting_first_backup), C(no_backup) (protected,
          without any backup and not awaiting the first), C(backup_failed), C(ransomware_detected),
          C(ransomware_scanned), C(datalock_protected), C(archiving), C(drift), C(drifting_volumes),
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
        anchor:
          description: HTML id of the working environment's section of the report.
          type: str
        awaiting_first_backup:
          description: Protected volumes awaiting their first backup.
          type: int
        backup_failed:
          description: Volumes whose newest backup failed (the larger of the job list's and BlueXP's count).
          type: int
        backup_failed_listed:
          description: Of those, the ones the job list names.
          type: int
        ransomware:
          description: Protected volumes per ransomware scan verdict; volumes never scanned are left out.
          type: dict
        datalock:
          description: Protected volumes per DataLock mode (V(NONE) for none).
          type: dict
        datalock_protected:
          description: Protected volumes under DataLock.
          type: int
        archiving:
          description: Protected volumes whose policy moves backups to archive storage.
          type: int
        archive_storage_class:
          description: The archive storage class of the working environment's backup, when set.
          type: str
        license:
          description: Its license state in words.
          type: str
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
          description: True or false for a protected volume, null for an unprotected one or one awaiting its first backup.
          type: bool
        awaiting_first_backup:
          description: Protected at most one RPO ago and not backed up yet.
          type: bool
        protected_at:
          description: When a job last protected it, ISO 8601 UTC; null when no job says.
          type: str
        last_backup_failed:
          description: Whether its newest backup failed.
          type: bool
        last_failure:
          description: That failure (C(time), C(error), C(job_id)); null without one.
          type: dict
        object_lock:
          description: DataLock mode of its backups (V(NONE) for none); null when unprotected.
          type: str
        archive_after_days:
          description: Days after which its policy archives backups; null when it never does.
          type: int
        ransomware_scan_status:
          description: The scan verdict BlueXP gives, null when no scan ran.
          type: str
        last_ransomware_scan:
          description: Time of the last scan, ISO 8601 UTC.
          type: str
        ransomware_detected_snapshots:
          description: Number of its backups in which ransomware was detected.
          type: int
    awaiting_first_backup:
      description: The RV(_value.volumes) rows awaiting their first backup.
      type: list
      elements: dict
    backup_failed:
      description: The RV(_value.volumes) rows whose newest backup failed.
      type: list
      elements: dict
    ransomware:
      description: The RV(_value.volumes) rows whose scan verdict is not V(PROTECTED) (detected, failed, running).
      type: list
      elements: dict
    snapshot:
      description:
        - This run's counts, one line of the history file - C(generated_at), C(protected), C(volumes),
          C(percent_protected), C(rpo_missed), C(awaiting_first_backup), C(backup_failed), C(unprotected),
          C(ransomware_detected), and C(working_environments) (per name C(protected), C(total), C(rpo_missed),
          C(awaiting_first_backup), C(backup_failed)).
      type: dict
    history:
      description: The earlier snapshots of O(history) and this one, oldest first, at most O(history_limit).
      type: list
      elements: dict
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

import json
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
# Jobs: when volumes were protected, and which backups failed

# Jobs that activate backup on a whole working environment (the one job type the API documents);
# with auto backup they protect every volume of it.
WE_PROTECT_JOB_TYPES = ("backup-working-environment",)
# Jobs that protect volumes without naming them in the job record (a single-volume enable).
VOLUME_PROTECT_JOB_TYPES = ("backup-volume", "backup-volumes")
FAILED = "FAILED"
COMPLETED = "COMPLETED"


def _job_volumes(job: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    """Per-volume results of a multi-volume job, in the API's or the module's spelling."""
    data = job.get("data") or {}
    batch = data.get("multi_volume_backup") or data.get("multi-volume-backup") or {}
    return [v for v in batch.get("volume") or [] if isinstance(v, Mapping)]


class JobHistory:
    """What the job list tells about volumes.

    A completed job that names a volume with a per-volume success protected it then; a completed
    activation or volume-enable job that names no volume counts for every volume of its working
    environment. A failed job that names a volume as failed is a failed backup of that volume.
    """

    def __init__(self, jobs: Iterable[Mapping[str, Any]]) -> None:
        self._protected: dict[tuple[Any, Any], float] = {}
        self._protected_we: dict[Any, float] = {}
        self._failed: dict[tuple[Any, Any], dict[str, Any]] = {}
        for job in jobs:
            self._add(job)

    def _add(self, job: Mapping[str, Any]) -> None:
        time_ms = _positive_ms(job.get("time"))
        we_id = job.get("working_environment_id")
        if time_ms is None or we_id is None:
            return
        volumes = _job_volumes(job)
        status = job.get("status")
        for entry in volumes:
            key = (we_id, entry.get("id"))
            outcome = entry.get("status") or {COMPLETED: "SUCCESS", FAILED: FAILED}.get(str(status))
            if outcome == "SUCCESS":
                self._protected[key] = max(self._protected.get(key, 0.0), time_ms)
            elif outcome == FAILED and (key not in self._failed or self._failed[key]["time_ms"] < time_ms):
                self._failed[key] = {"time_ms": time_ms, "error": entry.get("error") or job.get("error") or None,
                                     "job_id": job.get("id")}
        if not volumes and status == COMPLETED and job.get("type") in WE_PROTECT_JOB_TYPES + VOLUME_PROTECT_JOB_TYPES:
            self._protected_we[we_id] = max(self._protected_we.get(we_id, 0.0), time_ms)

    def protected_at(self, key: tuple[Any, Any]) -> float | None:
        """The newest time a job protected the volume (milliseconds), None when no job says."""
        times = [t for t in (self._protected.get(key), self._protected_we.get(key[0])) if t]
        return max(times) if times else None

    def failure_after(self, key: tuple[Any, Any], newest_ms: float | None) -> dict[str, Any] | None:
        """The volume's newest failed backup when nothing succeeded after it: no newer backup,
        and no newer job that protected the volume."""
        failure = self._failed.get(key)
        if failure is None or failure["time_ms"] <= max(newest_ms or 0.0, self.protected_at(key) or 0.0):
            return None
        return {"time": iso_utc(failure["time_ms"]), "error": failure["error"], "job_id": failure["job_id"]}


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
    return _positive_ms(created)


def _positive_ms(value: Any) -> float | None:
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) and value > 0 else None


def _policy_archive_days(backup: Mapping[str, Any]) -> int | None:
    return policies.archive_days((backup.get("backup_policy") or {}).get("archive_after_days"))


def _ransomware(backup: Mapping[str, Any]) -> dict[str, Any]:
    """The volume's scan verdict as BlueXP gives it; null where no scan ever ran."""
    return {
        "ransomware_scan_status": backup.get("ransomware_scan_status") or None,
        "last_ransomware_scan": iso_utc(_positive_ms(backup.get("last_ransomware_scan"))),
        "ransomware_detected_snapshots": len(backup.get("ransomware_detected_snapshots") or []),
    }


def volume_row(we: Mapping[str, Any], volume: Mapping[str, Any], newest: Mapping[tuple[Any, Any], Mapping[str, Any]],
               now_s: float, rpo_hours: float, history: JobHistory | None = None) -> dict[str, Any]:
    backup = volume.get("backup") or {}
    protected = bool(backup.get("protected"))
    created_ms = _newest_ms(we, volume, newest) if protected else None
    age = None if created_ms is None else max(0.0, (now_s - created_ms / 1000.0) / HOUR_S)
    key = (we.get("id"), volume.get("file_system_id"))
    protected_ms = history.protected_at(key) if protected and history else None
    # Protected less than one RPO ago and not backed up yet: its first backup is not due yet.
    awaiting = (protected and created_ms is None and protected_ms is not None
                and (now_s - protected_ms / 1000.0) / HOUR_S <= rpo_hours)
    failure = history.failure_after(key, created_ms) if protected and history else None
    row = {
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
        "rpo_met": None if not protected or awaiting else (age is not None and age <= rpo_hours),
        "awaiting_first_backup": awaiting,
        "protected_at": iso_utc(protected_ms),
        "last_backup_failed": failure is not None,
        "last_failure": failure,
        "object_lock": (str(backup.get("object_lock") or "NONE").upper()) if protected else None,
        "archive_after_days": _policy_archive_days(backup) if protected else None,
    }
    row.update(_ransomware(backup) if protected else
               {"ransomware_scan_status": None, "last_ransomware_scan": None, "ransomware_detected_snapshots": 0})
    return row


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
    protected_rows = [r for r in rows if r["protected"]]
    protected = len(protected_rows)
    total = len(rows)
    backup = we.get("backup") or {}
    listed_failed = sum(1 for r in protected_rows if r["last_backup_failed"])
    reported_failed = as_int(backup.get("failed_backup_volume_count"))
    return {
        "name": we.get("name"),
        "id": we.get("id"),
        "anchor": anchor(we.get("id") or we.get("name")),
        "provider": we.get("provider"),
        "backup_enabled": bool(backup.get("enabled")),
        "protected": protected,
        "unprotected": total - protected,
        "total": total,
        "percent": round(100.0 * protected / total, 1) if total else None,
        "rpo_missed": sum(1 for r in rows if r["rpo_met"] is False),
        "awaiting_first_backup": sum(1 for r in rows if r["awaiting_first_backup"]),
        # BlueXP's own count may know failures the job list no longer shows: the larger one counts.
        "backup_failed": max(listed_failed, reported_failed or 0),
        "backup_failed_listed": listed_failed,
        "ransomware": _count_by(protected_rows, "ransomware_scan_status"),
        "datalock": _count_by(protected_rows, "object_lock"),
        "datalock_protected": sum(1 for r in protected_rows if r["object_lock"] not in (None, "NONE")),
        "archiving": sum(1 for r in protected_rows if r["archive_after_days"]),
        "archive_storage_class": backup.get("archive_storage_class"),
        "not_protectable": unsupported,
    }


def _count_by(rows: Iterable[Mapping[str, Any]], key: str) -> dict[str, int]:
    counts: dict[str, int] = {}
    for row in rows:
        if row[key] is not None:
            counts[row[key]] = counts.get(row[key], 0) + 1
    return dict(sorted(counts.items()))


def anchor(text: Any) -> str:
    """An HTML id for a working environment's section: letters, digits and dashes only."""
    return "we-" + "".join(c if c.isalnum() else "-" for c in str(text or "unnamed")).strip("-")


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


# License reasons the modules give in their terms, said in an admin's words.
PLAIN_REASONS = (
    ("set provider", "provider unknown: backup is not active and it runs on premises, so there is no cloud "
                     "license to ask about until backup is activated"),
    ("set cloud_provider_account_id", "cloud account unknown: backup is not active, so there is no cloud account "
                                      "to ask about until backup is activated"),
)


def plain_reason(reason: Any) -> str:
    text = str(reason or "unknown")
    for marker, plain in PLAIN_REASONS:
        if marker in text:
            return plain
    return text


def license_state(entry: Mapping[str, Any] | None) -> str:
    """One line on a working environment's license."""
    if entry is None:
        return "not read"
    if entry.get("valid") is None:
        return "not checked: " + plain_reason(entry.get("reason"))
    kinds = {"free_trial": "free trial", "byol": "BYOL", "paygo": "pay as you go"}
    kind = kinds.get(str(entry.get("type")), entry.get("type"))
    if not entry["valid"]:
        return "not valid" + (" ({0})".format(kind) if kind else "")
    days_left = entry.get("days_left")
    if entry.get("type") == "free_trial" and days_left is not None:
        return "valid, free trial, {0} days left".format(days_left)
    return "valid" + (" ({0})".format(kind) if kind else "")


def license_summary(entries: Iterable[Mapping[str, Any]], warning_days: int) -> dict[str, Any]:
    summary: dict[str, Any] = {"valid": 0, "invalid": [], "trials_ending": [], "unknown": []}
    for entry in entries:
        who = {"we": entry.get("working_environment_name"), "we_id": entry.get("working_environment_id")}
        valid = entry.get("valid")
        if valid is None:
            summary["unknown"].append(dict(who, reason=plain_reason(entry.get("reason"))))
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
    protected = [r for r in rows if r["protected"]]
    return {
        "not_protectable": len(unsupported),
        "working_environments": len(cover),
        "backup_enabled": sum(1 for c in cover if c["backup_enabled"]),
        "volumes": len(rows),
        "protected": len(protected),
        "unprotected": len(rows) - len(protected),
        "percent_protected": round(100.0 * len(protected) / len(rows), 1) if rows else None,
        "rpo_met": sum(1 for r in rows if r["rpo_met"] is True),
        "rpo_missed": sum(1 for r in rows if r["rpo_met"] is False),
        "awaiting_first_backup": sum(1 for r in rows if r["awaiting_first_backup"]),
        "no_backup": sum(1 for r in protected if r["age_hours"] is None and not r["awaiting_first_backup"]),
        "backup_failed": sum(c["backup_failed"] for c in cover),
        "ransomware_detected": sum(1 for r in protected if r["ransomware_scan_status"] == "RANSOMWARE_DETECTED"),
        "ransomware_scanned": sum(1 for r in protected if r["ransomware_scan_status"] is not None),
        "datalock_protected": sum(c["datalock_protected"] for c in cover),
        "archiving": sum(c["archiving"] for c in cover),
        "drift": len(drifts),
        "drifting_volumes": sum(len(d["volumes"]) for d in drifts),
        "license_valid": licensing["valid"],
        "license_invalid": len(licensing["invalid"]),
        "trials_ending": len(licensing["trials_ending"]),
        "license_unknown": len(licensing["unknown"]),
    }


def _check_options(rpo_hours: Any, trial_warning_days: Any) -> tuple[float, int]:
    try:
        rpo = float(rpo_hours)
    except (TypeError, ValueError):
        raise ValueError("rpo_hours: expected a number of hours, got {0!r}".format(rpo_hours)) from None
    if rpo <= 0:
        raise ValueError("rpo_hours: must be above 0, got {0!r}".format(rpo_hours))
    warning_days = as_int(trial_warning_days)
    if warning_days is None:
        raise ValueError("trial_warning_days: expected a whole number of days, got {0!r}".format(trial_warning_days))
    return rpo, warning_days


def protection_report(working_environments: Any, backups: Any = None, licenses: Any = None,
                      rpo_hours: float = 24, standard: Mapping[str, Any] | None = None,
                      trial_warning_days: int = 14, now: Any = None, jobs: Any = None,
                      history: Any = None, history_limit: int = 90) -> dict[str, Any]:
    rpo, warning_days = _check_options(rpo_hours, trial_warning_days)
    now_s = _epoch_seconds(now)
    wanted = normalise_standard(standard)
    newest = _newest_by_volume(registered_list(backups, "backups"))
    job_history = JobHistory(registered_list(jobs, "jobs"))
    license_entries = registered_list(licenses, "licenses")
    license_by_we = {e.get("working_environment_id"): e for e in license_entries}

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
                we_rows.append(volume_row(we, volume, newest, now_s, rpo, job_history))
        rows.extend(we_rows)
        unsupported.extend(we_unsupported)
        entry = coverage(we, we_rows, len(we_unsupported))
        entry["license"] = license_state(license_by_we.get(we.get("id")))
        cover.append(entry)
        drifts.extend(drift(we, wanted))
    licensing = license_summary(license_entries, warning_days)
    totals = _totals(rows, cover, drifts, licensing, unsupported)
    problems = {"rpo": totals["rpo_missed"], "drift": totals["drift"], "unprotected": totals["unprotected"],
                "license": totals["license_invalid"] + totals["trials_ending"],
                "failed": totals["backup_failed"], "ransomware": totals["ransomware_detected"]}
    generated_at = iso_utc(now_s, unit="s")
    snapshot = history_snapshot(generated_at, totals, cover)
    return {
        "generated_at": generated_at,
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
        "awaiting_first_backup": [r for r in rows if r["awaiting_first_backup"]],
        "backup_failed": sorted((r for r in rows if r["last_backup_failed"]),
                                key=lambda r: (str(r["we"] or ""), str(r["volume"] or ""))),
        "ransomware": [r for r in rows if r["ransomware_scan_status"] not in (None, "PROTECTED")],
        "histogram": histogram(rows),
        "drift": drifts,
        "licenses": licensing,
        "snapshot": snapshot,
        "history": (read_history(history) + [snapshot])[-max(1, as_int(history_limit) or 1):],
    }


# ---------------------------------------------------------------------------------------------
# History: one line of JSON per run


def history_snapshot(generated_at: str | None, totals: Mapping[str, Any], cover: Iterable[Mapping[str, Any]]) -> dict[str, Any]:
    """The counts of one run, as appended to the history file."""
    keys = ("protected", "volumes", "percent_protected", "rpo_missed", "awaiting_first_backup", "backup_failed",
            "unprotected", "ransomware_detected")
    per_we = {c["name"]: {"protected": c["protected"], "total": c["total"], "rpo_missed": c["rpo_missed"],
                          "awaiting_first_backup": c["awaiting_first_backup"], "backup_failed": c["backup_failed"]}
              for c in cover}
    return dict({"generated_at": generated_at}, **{k: totals[k] for k in keys}, working_environments=per_we)


def read_history(history: Any) -> list[dict[str, Any]]:
    """Earlier snapshots: the history file's text (JSON lines), or a list of them. Lines that are not a
    snapshot (a torn write, an edit) are skipped rather than losing the report."""
    if history is None:
        return []
    if isinstance(history, (list, tuple)):
        lines: Iterable[Any] = history
    else:
        lines = str(history).splitlines()
    found = []
    for line in lines:
        if isinstance(line, Mapping):
            record: Any = line
        else:
            try:
                record = json.loads(line)
            except ValueError:
                continue
        if isinstance(record, Mapping) and record.get("generated_at") and "protected" in record:
            found.append(dict(record))
    return sorted(found, key=lambda r: str(r["generated_at"]))


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
