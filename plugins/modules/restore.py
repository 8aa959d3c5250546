#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Not on the state engine: a restore is an action done once (a rerun finds its job and volume), not a state to converge.

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
    already ran, the task reports no change and RV(already_restored) says from which backup and when; when
    a matching restore is still running, the task follows that job instead of starting a second one. A
    target volume that exists for another reason fails the task, unless O(allow_existing_target=true) says
    that the existing volume is acceptable as it is.
  - An earlier restore is recognised by its result, whatever backups have appeared since. It matches when
    its job (completed, or still running) restored the same source volume into exactly this target
    (working environment, SVM, volume name). With O(backup) named, only a restore from that backup
    counts. With the backup chosen implicitly (the newest, or the newest before O(newest_before)), a
    restore from any backup of the volume counts (with O(newest_before), any created before that time),
    so a rerun hours later, after new scheduled backups, finds the restore the first run did.
  - The source volume, the backup and the target (working environment and SVM) are checked before any
    write; each that is missing fails the task naming its option.
notes:
  - A task that fails once its restore request was sent (a lost answer, O(wait_timeout), a failed job) reports
    C(changed=true), and its message says whether the restore goes on in BlueXP and how to follow it; a rerun
    follows a restore that goes on instead of starting it again.
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
      - SVM of the new volume. An SVM the target working environment does not have fails the task before
        any write.
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
  description:
    - The restored volume as the target working environment lists it, keys in snake_case.
    - In check mode, and while the restore job runs (O(wait=false)), only C(name) and C(svm), as predicted.
  returned: success
  type: dict
  sample:
    name: vol_finance_restored
    svm: svm_prod
    file_system_id: 5c2e9a8d-7f3b-4f0e-9a51-2b3c4d5e6f70
    status: online
    type: rw
    capacity: {allocated: 107374182400, used: 52613349376}
  contains:
    name:
      description: Name of the volume.
      type: str
      sample: vol_finance_restored
    svm:
      description: SVM of the volume.
      type: str
      sample: svm_prod
    file_system_id:
      description: The volume's ID, what other modules take as O(bluexp.cloud_backup.backup_info#module:volumes).
      type: str
      returned: when the volume exists
      sample: 5c2e9a8d-7f3b-4f0e-9a51-2b3c4d5e6f70
    status:
      description: Its status as ONTAP reports it.
      type: str
      returned: when the volume exists
      sample: online
    type:
      description: Volume type.
      type: str
      returned: when the volume exists
      sample: rw
    capacity:
      description: C(allocated) and C(used) bytes.
      type: dict
      returned: when the volume exists
      sample: {allocated: 107374182400, used: 52613349376}
source_backup:
  description:
    - The backup restored from, with the API's fields in snake_case (C(id), C(name), C(creation_time) in milliseconds),
      plus C(volume_name), C(volume_id) and C(working_environment_id) of its volume.
  returned: success
  type: dict
  sample:
    id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    name: Daily_20261127_2100
    creation_time: 1795813200000
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
    - The restore job (keys in snake_case), started by this task or found running or completed.
    - With O(wait=false), only C(id) and C(status) C(PENDING).
  returned: when there is one
  type: dict
  sample:
    id: 7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
    type: restore-volume
    status: COMPLETED
    error: ""
already_restored:
  description:
    - The earlier restore this task found done (C(changed=false)); RV(source_backup) is its backup, which
      may be older than the newest one when the backup was chosen implicitly.
  returned: when an earlier restore into the target was found completed
  type: dict
  sample:
    backup: Daily_20261127_2100
    backup_id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    time: "2026-11-28T03:12:40Z"
    job_id: 7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
  contains:
    backup:
      description: Name of the backup restored from (its ID when it is no longer listed).
      type: str
      sample: Daily_20261127_2100
    backup_id:
      description: ID of that backup.
      type: str
      sample: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    time:
      description: When the restore job was created, ISO 8601 UTC.
      type: str
      sample: "2026-11-28T03:12:40Z"
    job_id:
      description: ID of the restore job.
      type: str
      sample: 7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d
msg:
  description: What was found, when an earlier restore was found completed.
  returned: when RV(already_restored) is returned
  type: str
  sample: >-
    vol_finance_restored already restored from Daily_20261127_2100 at 2026-11-28T03:12:40Z
    (job 7d1c2b3a-4e5f-4a6b-8c7d-9e0f1a2b3c4d); nothing was restored again.
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(working_environment_not_found) (no such source or target working environment, the option is named),
      V(volume_not_found) (no such volume), V(no_backup) (the volume exists but has no backup, or none before
      O(newest_before)), V(backup_not_found) (no backup of that name or ID), V(svm_not_found) (no
      O(target_svm) in the target working environment), V(target_exists) (O(target_volume) exists and is not
      the result of this restore), V(job_failed), V(job_timeout) (the job goes on; follow it with
      M(bluexp.cloud_backup.job_info)), V(invalid_option), V(not_found), V(api_error), V(auth_failed),
      V(transport_error), V(write_not_resent), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: target_exists
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
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, restores
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


def run(client, params, outcome):
    we, volume, listed, backup = backups.resolve_source_backups(client, params)
    target_we = restores.target_environment(client, params, we)
    svm, name = params["target_svm"], params["target_volume"]
    restores.target_svm(client, target_we, svm)
    outcome.extra["source_backup"] = backups.describe(we, volume, backup)
    origin = restores.origin(we["id"], volume, listed, backup, params)
    done, running = restores.earlier(client, origin, target_we["id"], name, target_svm=svm)
    existing = restores.target_volume(client, target_we["id"], svm, name)
    outcome.before = snake_keys(existing) if existing else None
    outcome.after = {"name": name, "svm": svm}

    if running:
        # Another run started this restore (its volume may already exist while data is copied):
        # follow it rather than start a second one or refuse the target.
        job = follow_job(client, {"job-id": running[-1]["id"]}, params)
        report_earlier(outcome, we, volume, listed, dict(running[-1], status=(job or {}).get("status")), name)
        outcome.extra["job"] = job
    elif existing:
        if not done and not params["allow_existing_target"]:
            raise ConfigurationError("target_volume: {0} already exists on SVM {1} of {2} and is not the result of "
                                     "restoring {3}; nothing was restored. Choose another name, or set "
                                     "allow_existing_target=true to accept it as it is.".format(
                                         name, svm, target_we.get("name"), restored_what(params, volume, backup)),
                                     option="target_volume", code="target_exists")
        outcome.after = outcome.before
        if done:
            report_earlier(outcome, we, volume, listed, done[-1], name)
            outcome.extra["job"] = snake_keys(done[-1])
        return
    else:
        if backup.get("archived") and not params["archive_restore_priority"]:
            raise ConfigurationError("archive_restore_priority: backup {0} is in archive storage; choose High, "
                                     "Standard or Low retrieval.".format(backup.get("name")),
                                     option="archive_restore_priority")
        outcome.changed = True
        if outcome.check_mode:
            return
        body = {"type": "volume",
                "source": restores.source_block(we, volume, backup, restores.source_bucket(client, we["id"])),
                "target": restores.target_block(target_we, svm, name, aggregates=params["target_aggregates"])}
        if params["archive_restore_priority"]:
            body["archive-restore-priority"] = params["archive_restore_priority"]
        if params["skip_ransomware_check"]:
            body["skip-ransomware-check"] = True
        outcome.extra["job"] = follow_job(client, outcome.send(restores.start, client, body), params)
    if params["wait"]:
        found = restores.target_volume(client, target_we["id"], svm, name)
        outcome.after = snake_keys(found) if found else outcome.after


def restored_what(params, volume, backup):
    """What the target would have to be the result of: the backup named, else any backup of the volume."""
    if params["backup"]:
        return "backup {0}".format(backup.get("name"))
    return "a backup of volume {0}{1}".format(volume.get("name"), " created before {0}".format(
        params["newest_before"]) if params["newest_before"] else "")


def report_earlier(outcome, we, volume, listed, job, name):
    """The earlier restore found: its backup is the source, and a completed one is reported as such."""
    backup = restores.restored_from(job, listed)
    outcome.extra["source_backup"] = backups.describe(we, volume, backup)
    if job.get("status") == "COMPLETED":
        found = restores.already_restored(job, backup)
        outcome.extra.update(already_restored=found, msg=restores.already_message(found, name))


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **merge_rules(
        WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES,
        dict(mutually_exclusive=[("target_working_environment_id", "target_working_environment_name")])))
    outcome = Outcome(module, "volume")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**outcome.failure(exc))
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
