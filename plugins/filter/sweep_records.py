# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: sweep_records
short_description: One record per backup of a ransomware sweep - its verdict, or why there is none
version_added: 0.1.0
description:
  - Joins what the role P(bluexp.cloud_backup.ransomware_sweep#role) registered - the scans started with
    M(bluexp.cloud_backup.ransomware_scan) and O(bluexp.cloud_backup.ransomware_scan#module:wait=false) in a
    loop over the newest backups, the jobs M(bluexp.cloud_backup.job_info) waited for, and the backups
    M(bluexp.cloud_backup.backup_info) read afterwards - into one record per backup.
  - The verdict of a backup scanned now is the C(ransomware_scan_status) read after its job; a backup that
    already had a final verdict keeps it; a failed job gives V(FAILED) and its error; a scan that could not
    start gives no verdict and its message.
  - A volume without a backup to scan (error code V(no_backup), or V(backup_not_found) when the backup listed
    is gone) is V(skipped), not V(failed).
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The registered loop of M(bluexp.cloud_backup.ransomware_scan) over the backups of
        M(bluexp.cloud_backup.backup_info) (each result's C(item) is the backup listed), or its C(results) list.
    type: raw
    required: true
  jobs:
    description:
      - The registered result of M(bluexp.cloud_backup.job_info) that waited for the scan jobs, or its
        RV(bluexp.cloud_backup.job_info#module:jobs) list; a skipped result when no scan was started.
    type: raw
  after:
    description:
      - The registered (loop) result of M(bluexp.cloud_backup.backup_info) read after the jobs, or a list of
        backups.
    type: raw
"""

EXAMPLES = r"""
---
- name: Record the verdict of each backup
  ansible.builtin.set_fact:
    records: "{{ scans | bluexp.cloud_backup.sweep_records(jobs=scan_jobs, after=backups_after) }}"

- name: The backups with ransomware
  ansible.builtin.debug:
    msg: "{{ records | selectattr('state', 'equalto', 'detected') | map(attribute='label') }}"
"""

RETURN = r"""
_value:
  description: One record per scan result, in the order of the loop.
  type: list
  elements: dict
  contains:
    working_environment_id:
      description: Working environment ID.
      type: str
    working_environment_name:
      description: Working environment name.
      type: str
    volume_id:
      description: Volume (file system) ID.
      type: str
    volume_name:
      description: Volume name.
      type: str
    backup_id:
      description: The backup scanned (or listed, when the scan could not start).
      type: str
    backup_name:
      description: Its name.
      type: str
    backup_created:
      description: Its creation time, ISO 8601 UTC.
      type: str
      sample: "2026-11-29T08:00:00Z"
    scanned:
      description: Whether this run started a scan of it.
      type: bool
    verdict:
      description: V(PROTECTED), V(RANSOMWARE_DETECTED), V(FAILED), or null when there is none.
      type: str
    error:
      description: Why there is no verdict (the scan could not start, or its job failed); empty otherwise.
      type: str
    error_code:
      description: The error code of a scan that could not start; empty otherwise.
      type: str
    label:
      description: C(working environment / volume / backup (ID)), for messages.
      type: str
    state:
      description: V(clean), V(detected), V(failed), V(skipped) (no backup to scan), or V(unknown) (no verdict
        yet, as in check mode).
      type: str
"""

from typing import Any, Mapping


from ansible_collections.bluexp.cloud_backup.plugins.filter.protection_report import registered_list
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import iso_utc
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter

# ransomware_scan could not start because there is no backup to scan: the volume is skipped.
NOTHING_TO_SCAN = ("no_backup", "backup_not_found")
STATES = {"PROTECTED": "clean", "RANSOMWARE_DETECTED": "detected"}


def _scan_results(scans: Any) -> list[dict[str, Any]]:
    if isinstance(scans, Mapping):
        return list(scans.get("results") or [])
    if isinstance(scans, (list, tuple)):
        return list(scans)
    raise ValueError("expected the registered loop of ransomware_scan, got {0}".format(type(scans).__name__))


def record(scan: Mapping[str, Any], jobs: Mapping[Any, Mapping[str, Any]],
           after: Mapping[Any, Mapping[str, Any]]) -> dict[str, Any]:
    listed = scan.get("item") or {}
    backup = scan.get("backup") or listed
    started = "job" in scan
    job = jobs.get((scan.get("job") or {}).get("id")) or {}
    # A result with a message is a scan that could not start (the loop does not fail on it).
    not_started = "msg" in scan
    job_failed = job.get("status") == "FAILED"
    if not_started:
        error, verdict = str(scan["msg"]), None
    elif job_failed:
        error, verdict = job.get("error") or "the scan job failed", "FAILED"
    else:
        error = ""
        verdict = (after.get(backup.get("id")) or {}).get("ransomware_scan_status") if started else scan.get("verdict")
    error_code = str(scan.get("error_code") or "") if not_started else ""
    if not_started and error_code in NOTHING_TO_SCAN:
        state = "skipped"
    elif error:
        state = "failed"
    else:
        state = STATES.get(verdict or "", "unknown")
    return {
        "working_environment_id": listed.get("working_environment_id"),
        "working_environment_name": listed.get("working_environment_name"),
        "volume_id": listed.get("volume_id"),
        "volume_name": listed.get("volume_name"),
        "backup_id": backup.get("id"),
        "backup_name": backup.get("name"),
        "backup_created": iso_utc(backup.get("creation_time")),
        "scanned": started,
        "verdict": verdict,
        "error": error,
        "error_code": error_code,
        "label": "{0} / {1} / {2} ({3})".format(
            listed.get("working_environment_name"), listed.get("volume_name"), backup.get("name"), backup.get("id")),
        "state": state,
    }


def sweep_records(scans: Any, jobs: Any = None, after: Any = None) -> list[dict[str, Any]]:
    jobs_by_id = {job.get("id"): job for job in registered_list(jobs, "jobs")}
    backups_by_id = {backup.get("id"): backup for backup in registered_list(after, "backups")}
    return [record(scan, jobs_by_id, backups_by_id) for scan in _scan_results(scans)]


class FilterModule:
    """bluexp.cloud_backup.sweep_records."""

    def filters(self) -> dict[str, Any]:
        return {"sweep_records": jinja_filter("sweep_records", sweep_records)}
