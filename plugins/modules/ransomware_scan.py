#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Not on the state engine: a scan is an action whose result (the verdict) is only known after it, not a state to converge.

from __future__ import annotations

DOCUMENTATION = r"""
module: ransomware_scan
short_description: Scan a backup for ransomware in BlueXP backup and recovery
version_added: 0.1.0
description:
  - Scans a backup (cloud snapshot) of a volume for ransomware, waits for the scan, and returns the verdict
    from the backup's scan status.
  - A backup that already has a final verdict (C(PROTECTED) or C(RANSOMWARE_DETECTED)) is not scanned again
    unless O(force=true); its verdict is returned and the task reports no change.
  - With O(fail_on_detection=true) a detection fails the task, which is what a restore runbook wants
    before it restores from that backup.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.BACKUP_SELECTION
  - bluexp.cloud_backup.connection.WAIT
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  force:
    description:
      - Scan again even when the backup already has a final verdict.
    type: bool
    default: false
  fail_on_detection:
    description:
      - Fail the task when the verdict is C(RANSOMWARE_DETECTED).
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.backup_info
  - module: bluexp.cloud_backup.restore
"""

EXAMPLES = r"""
---
- name: Make sure the last backup before the incident is clean
  bluexp.cloud_backup.ransomware_scan:
    working_environment_name: prod-east-1
    volume: vol_finance
    newest_before: "2026-11-27T22:00:00Z"
    fail_on_detection: true
  register: scan

- name: Restore from exactly that backup
  bluexp.cloud_backup.restore:
    working_environment_name: prod-east-1
    volume: vol_finance
    backup: "{{ scan.backup.id }}"
    target_svm: svm_prod
    target_volume: vol_finance_restored
"""

RETURN = r"""
verdict:
  description:
    - The backup's ransomware scan status after the task (C(PROTECTED), C(RANSOMWARE_DETECTED), or another
      status the API reports).
    - Null when a scan was due and not awaited (check mode, O(wait=false)).
  returned: success, and with error_code V(ransomware_detected)
  type: str
  sample: PROTECTED
backup:
  description:
    - The backup scanned, with the API's fields in snake_case, its scan fields (C(ransomware_scan_status),
      C(last_ransomware_scan)) included, plus C(volume_name), C(volume_id) and C(working_environment_id).
  returned: success, and with error_code V(ransomware_detected)
  type: dict
  sample:
    id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    name: Daily_20261127_2100
    creation_time: 1795813200000
    ransomware_scan_status: PROTECTED
    last_ransomware_scan: 1795820400000
    volume_name: vol_finance
    volume_id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
    working_environment_id: VsaWorkingEnvironment-99hPYEgk
job:
  description:
    - The scan job (keys in snake_case), when the task started one.
    - With O(wait=false), only C(id) and C(status) C(PENDING).
  returned: when a scan was started
  type: dict
  sample:
    id: 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f
    type: ransomware-scan
    status: COMPLETED
    error: ""
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(ransomware_detected) (the verdict is C(RANSOMWARE_DETECTED) and O(fail_on_detection=true); RV(verdict)
      and RV(backup) are returned), V(working_environment_not_found),
      V(volume_not_found) (no such volume among the backed-up ones),
      V(no_backup) (the volume has no backup, or none before O(newest_before)),
      V(backup_not_found) (no backup of that name or ID), V(job_failed), V(job_timeout) (the scan goes on;
      follow it with M(bluexp.cloud_backup.job_info)), V(invalid_option), V(not_found), V(api_error),
      V(auth_failed), V(transport_error), V(write_not_resent), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: ransomware_detected
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    BACKUP_SELECTION_RULES,
    WORKING_ENVIRONMENT_RULES,
    backup_selection_argument_spec,
    merge_rules,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, ransomware
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    force=dict(type="bool", default=False),
    fail_on_detection=dict(type="bool", default=False),
)


def run(client, params, outcome):
    we, volume, backup = backups.resolve_source(client, params)
    verdict = ransomware.verdict_of(backup)
    outcome.before = {"verdict": verdict}
    if verdict not in ransomware.FINAL_VERDICTS or params["force"]:
        outcome.changed = True
        # Unknown until a scan ends: in check mode, and when the scan is not awaited.
        verdict = None
        if not outcome.check_mode:
            ids = (we["id"], volume["file-system-id"], backup["id"])
            outcome.extra["job"] = follow_job(client, ransomware.start_scan(client, *ids), params)
            if params["wait"]:
                backup = ransomware.scanned_backup(client, *ids)
                verdict = ransomware.verdict_of(backup)
    outcome.after = {"verdict": verdict}
    outcome.extra.update(verdict=verdict, backup=backups.describe(we, volume, backup))
    if params["fail_on_detection"] and verdict == ransomware.DETECTED:
        raise BlueXPError("Ransomware detected in backup {0} of volume {1} on {2}.".format(
            backup.get("name"), volume.get("name"), we.get("name")), code="ransomware_detected", verdict=verdict,
            backup=outcome.extra["backup"], job=outcome.extra.get("job"), changed=outcome.changed)


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True,
                           **merge_rules(WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES))
    # The verdict is the result; the diff shows it before and after.
    outcome = Outcome(module, None)
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
