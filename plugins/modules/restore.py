#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: restore
short_description: Restore a volume from a BlueXP backup to a new volume
version_added: 0.1.0
description:
  - Restores a volume from one of its backups (by name or ID, the newest, or the newest before a time) to
    a new volume on a target working environment and SVM, waits for the restore job, and returns the new
    volume and the job.
  - Never overwrites data. The target volume must not exist. When it exists because this same restore
    already ran, the task reports no change; when a matching restore is still running, the task follows
    that job instead of starting a second one. A target volume that exists for another reason fails the
    task, unless O(allow_existing_target=true) says that the existing volume is acceptable as it is.
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
  target_working_environment_id:
    description:
      - ID of the working environment to restore to. Defaults to the source working environment.
    type: str
  target_working_environment_name:
    description:
      - Name of the working environment to restore to.
    type: str
  target_svm:
    description:
      - SVM of the new volume.
    type: str
    required: true
  target_volume:
    description:
      - Name of the new volume.
    type: str
    required: true
  target_aggregates:
    description:
      - Aggregates to place the new volume on; BlueXP chooses when not given.
    type: list
    elements: str
  archive_restore_priority:
    description:
      - Retrieval priority for a backup in archive storage; required to restore such a backup.
    type: str
    choices: [High, Standard, Low]
  skip_ransomware_check:
    description:
      - Skip the ransomware scan BlueXP runs before restoring a DataLock-protected backup.
    type: bool
    default: false
  allow_existing_target:
    description:
      - Accept an existing volume named O(target_volume) that is not the result of this restore, and
        report no change instead of failing. The existing volume is never touched.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.backup_info
  - module: bluexp.cloud_backup.sfr_restore
  - module: bluexp.cloud_backup.job_info
"""

EXAMPLES = r"""
---
- name: Restore the last backup before the incident to a new volume
  bluexp.cloud_backup.restore:
    working_environment_name: prod-east-1
    volume: vol_finance
    newest_before: "2026-11-27T22:00:00Z"
    target_svm: svm_prod
    target_volume: vol_finance_restored
    wait_timeout: 7200
  register: restored

- name: Tell the incident channel
  ansible.builtin.debug:
    msg: "Restored {{ restored.source_backup.name }} to {{ restored.volume.name }} ({{ restored.volume.file_system_id }})"
"""

RETURN = r"""
volume:
  description: The restored volume as the target working environment lists it (predicted in check mode).
  returned: always
  type: dict
source_backup:
  description: The backup restored from.
  returned: always
  type: dict
job:
  description: The restore job, started by this task or found running or completed.
  returned: when there is one
  type: dict
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    BACKUP_SELECTION_RULES,
    WORKING_ENVIRONMENT_RULES,
    backup_selection_argument_spec,
    merge_rules,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, restores
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    target_working_environment_id=dict(type="str"),
    target_working_environment_name=dict(type="str"),
    target_svm=dict(type="str", required=True),
    target_volume=dict(type="str", required=True),
    target_aggregates=dict(type="list", elements="str"),
    archive_restore_priority=dict(type="str", choices=["High", "Standard", "Low"]),
    skip_ransomware_check=dict(type="bool", default=False),
    allow_existing_target=dict(type="bool", default=False),
)


def find_volume(client, we_id, svm, name):
    return next((v for v in vols.list_ontap_volumes(client, we_id)
                 if v.get("name") == name and v.get("svm") == svm), None)


def run(client, params, outcome):
    backups.parse_time("newest_before", params["newest_before"])
    we, volume, backup = backups.resolve_source(client, params)
    target_we = restores.target_environment(client, params, we)
    outcome.extra["source_backup"] = backups.describe(we, volume, backup)
    related = [j for j in restores.restore_jobs(client)
               if restores.same_restore(j, backup, target_we["id"], params["target_volume"],
                                        target_svm=params["target_svm"])]
    existing = find_volume(client, target_we["id"], params["target_svm"], params["target_volume"])
    outcome.before = snake_keys(existing) if existing else None

    done = [j for j in related if j.get("status") == "COMPLETED"]
    running = [j for j in related if j.get("status") in restores.RUNNING]
    if running:
        # Another run started this very restore (its volume may already exist while data is
        # copied): follow it rather than start a second one or refuse the target.
        outcome.after = {"name": params["target_volume"], "svm": params["target_svm"]}
        outcome.extra["job"] = follow_job(client, {"job-id": running[-1]["id"]}, params)
        if params["wait"]:
            found = find_volume(client, target_we["id"], params["target_svm"], params["target_volume"])
            outcome.after = snake_keys(found) if found else outcome.after
        return
    if existing:
        if not done and not params["allow_existing_target"]:
            raise ConfigurationError("target_volume: {0} already exists on SVM {1} of {2} and is not the result of "
                                     "restoring backup {3}; nothing was restored. Choose another name, or set "
                                     "allow_existing_target=true to accept it as it is.".format(
                                         params["target_volume"], params["target_svm"], target_we.get("name"),
                                         backup.get("name")), option="target_volume")
        outcome.after = outcome.before
        if done:
            outcome.extra["job"] = snake_keys(done[-1])
        return
    if backup.get("archived") and not params["archive_restore_priority"]:
        raise ConfigurationError("archive_restore_priority: backup {0} is in archive storage; choose High, Standard "
                                 "or Low retrieval.".format(backup.get("name")), option="archive_restore_priority")
    outcome.changed = True
    outcome.after = {"name": params["target_volume"], "svm": params["target_svm"]}
    if outcome.check_mode:
        return
    bucket = (act.get(client, we["id"]) or {}).get("bucket")
    body = {"type": "volume",
            "source": restores.source_block(we, volume, backup, bucket),
            "target": restores.target_block(target_we, params["target_svm"], params["target_volume"],
                                            aggregates=params["target_aggregates"])}
    if params["archive_restore_priority"]:
        body["archive-restore-priority"] = params["archive_restore_priority"]
    if params["skip_ransomware_check"]:
        body["skip-ransomware-check"] = True
    outcome.extra["job"] = follow_job(client, restores.start(client, body), params)
    if params["wait"]:
        found = find_volume(client, target_we["id"], params["target_svm"], params["target_volume"])
        outcome.after = snake_keys(found) if found else outcome.after


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **merge_rules(
        WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES,
        dict(mutually_exclusive=[("target_working_environment_id", "target_working_environment_name")])))
    outcome = Outcome(module, "volume")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
