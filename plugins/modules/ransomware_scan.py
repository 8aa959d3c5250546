#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

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
  description: The backup's ransomware scan status after the task; null when it was never scanned (check mode).
  returned: always
  type: str
  sample: PROTECTED
backup:
  description: The backup scanned, with its scan fields (C(ransomware_scan_status), C(last_ransomware_scan)).
  returned: always
  type: dict
job:
  description: The scan job, when the task started one.
  returned: when a scan was started
  type: dict
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
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job

FINAL_VERDICTS = ("PROTECTED", "RANSOMWARE_DETECTED")
DETECTED = "RANSOMWARE_DETECTED"

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    force=dict(type="bool", default=False),
    fail_on_detection=dict(type="bool", default=False),
)


class RansomwareDetected(BlueXPError):
    """The scan found ransomware and the task was asked to fail then."""


def run(client, params, outcome):
    we, volume, backup = backups.resolve_source(client, params)
    verdict = backup.get("ransomware-scan-status")
    outcome.before = {"verdict": verdict}
    if verdict not in FINAL_VERDICTS or params["force"]:
        outcome.changed = True
        if not outcome.check_mode:
            body = client.cbs("POST", "v1", "ransomware", "working-environment", we["id"], "volume",
                              volume["file-system-id"], "snapshot", backup["id"])
            outcome.extra["job"] = follow_job(client, body, params)
            if params["wait"]:
                backup = client.cbs("GET", "v1", "backup", "working-environment", we["id"], "volume",
                                    volume["file-system-id"], "snapshot", backup["id"])
                verdict = backup.get("ransomware-scan-status")
            else:
                verdict = None
        else:
            verdict = None
    outcome.after = {"verdict": verdict}
    outcome.extra.update(verdict=verdict, backup=backups.describe(we, volume, backup))
    if params["fail_on_detection"] and verdict == DETECTED:
        raise RansomwareDetected("Ransomware detected in backup {0} of volume {1} on {2}.".format(
            backup.get("name"), volume.get("name"), we.get("name")), verdict=verdict,
            backup=outcome.extra["backup"], changed=outcome.changed)


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
