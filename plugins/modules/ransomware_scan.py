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
notes:
  - The scan is started once. A backup whose scan status is C(IN_PROGRESS) is being scanned, by an earlier run
    that did not see the scan end (O(wait=false), O(wait_timeout), a lost answer) or by anyone else; it is not
    scanned a second time, even with O(force=true). With O(wait) the task follows that scan to its end and
    returns its verdict; without O(wait), and in check mode, it reports it (RV(already_running), RV(job)) with
    no change and sends nothing.
  - Scan jobs name their working environment, not their backup, so RV(job) is returned for a scan found running
    only when it is the one scan job running on the working environment.
  - A task that fails once its request was sent reports C(changed=true), and its message says whether the
    scan goes on in BlueXP and how to follow it.
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
    - Null when a scan was due, or found running, and not awaited (check mode, O(wait=false)).
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
  contains:
    id:
      description: Backup ID.
      type: str
      sample: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    name:
      description: Backup name.
      type: str
      sample: Daily_20261127_2100
    creation_time:
      description: When the backup was taken, in milliseconds since the epoch.
      type: int
      sample: 1795813200000
    ransomware_scan_status:
      description: The scan status, as RV(verdict).
      type: str
      sample: PROTECTED
    last_ransomware_scan:
      description: When the backup was last scanned, in milliseconds since the epoch.
      type: int
      sample: 1795820400000
    volume_name:
      description: Name of the backed-up volume.
      type: str
      sample: vol_finance
    volume_id:
      description: ID of the backed-up volume.
      type: str
      sample: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
    working_environment_id:
      description: Working environment of the backed-up volume.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
job:
  description:
    - The scan job (keys in snake_case), when the task started one.
    - With O(wait=false), only C(id) and C(status) C(PENDING).
    - The scan job found already running instead (see RV(already_running)), with its status then (C(PENDING)
      or C(IN_PROGRESS)) or at its end when the task followed it.
  returned: when a scan was started, or found running
  type: dict
  sample:
    id: 3c4d5e6f-7a8b-4c9d-8e0f-1a2b3c4d5e6f
    type: ransomware-scan
    status: COMPLETED
    error: ""
already_running:
  description:
    - True when a scan of the backup was found already running in BlueXP and was not started again; the task
      then reports no change, and its message says how to follow it.
  returned: when a scan was found running
  type: bool
  sample: true
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
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, JobFailedError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, jobs, ransomware
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job, running_message
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    force=dict(type="bool", default=False),
    fail_on_detection=dict(type="bool", default=False),
)


def run(client, params, outcome):
    we, volume, backup = backups.resolve_source(client, params)
    ids = (we["id"], volume["file-system-id"], backup["id"])
    verdict = ransomware.verdict_of(backup)
    outcome.before = {"verdict": verdict}
    if verdict == ransomware.SCANNING:
        # An earlier run's scan goes on (force or not): follow it, never start a second one.
        followed = follow_running_scan(client, params, outcome, ids)
        backup = followed or backup
        verdict = ransomware.verdict_of(followed) if followed else None
    elif verdict not in ransomware.FINAL_VERDICTS or params["force"]:
        outcome.changed = True
        # Unknown until a scan ends: in check mode, and when the scan is not awaited.
        verdict = None
        if not outcome.check_mode:
            outcome.extra["job"] = follow_job(client, outcome.send(ransomware.start_scan, client, *ids), params)
            if params["wait"]:
                backup = ransomware.scanned_backup(client, *ids)
                verdict = ransomware.verdict_of(backup)
    outcome.after = {"verdict": verdict}
    outcome.extra.update(verdict=verdict, backup=backups.describe(we, volume, backup))
    if params["fail_on_detection"] and verdict == ransomware.DETECTED:
        raise BlueXPError("Ransomware detected in backup {0} of volume {1} on {2}.".format(
            backup.get("name"), volume.get("name"), we.get("name")), code="ransomware_detected", verdict=verdict,
            backup=outcome.extra["backup"], job=outcome.extra.get("job"), changed=outcome.changed)


def follow_running_scan(client, params, outcome, ids):
    """The backup once the scan that goes on has ended (with `wait`), else None with that scan reported.

    The backup's own status tells that its scan goes on. Scan jobs name their working environment, not
    their backup: the one scan job running there is this backup's and is followed and returned; among
    several, the backup's status is followed instead.
    """
    running = jobs.running_jobs(client, (jobs.RANSOMWARE_SCAN,), ids[0], [ids[1]])
    waiting = params["wait"] and not outcome.check_mode
    if len(running) == 1:
        job = (follow_job(client, {"job-id": running[0]["id"]}, params, fail_on_failed=False) if waiting
               else snake_keys(running[0]))
        outcome.extra["job"] = job
        message = running_message([job], waiting)
    else:
        message = "A ransomware scan of backup {0} was already running in BlueXP; none was started a second " \
                  "time.{1}".format(ids[2], "" if waiting else " Run the task again with wait=true to follow it.")
    outcome.extra.update(already_running=True, msg=message)
    if not waiting:
        return None
    backup = ransomware.wait_for_verdict(client, *ids, timeout=params["wait_timeout"])
    if ransomware.verdict_of(backup) == ransomware.FAILED:
        raise JobFailedError("The ransomware scan of backup {0} that was already running failed: {1}".format(
            backup.get("name"), backup.get("ransomware-scan-status-failure") or "no error message was given"),
            job=outcome.extra.get("job"), job_id=(outcome.extra.get("job") or {}).get("id"))
    return backup


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True,
                           **merge_rules(WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES))
    # The verdict is the result; the diff shows it before and after.
    outcome = Outcome(module, None)
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**outcome.failure(exc))
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
