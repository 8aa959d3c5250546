#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: backup
short_description: Take an on-demand backup of a volume, or delete backups, in BlueXP backup and recovery
version_added: 0.1.0
description:
  - With O(state=present), takes an on-demand (ad-hoc) backup of a protected volume under the given
    name, and waits for it. A rerun that finds a backup of that name reports no change, so a
    runbook step "back up before the upgrade" can be repeated safely.
  - With O(state=absent), deletes the backup of that name, or every backup of the volume with
    O(all_backups=true). Nothing is deleted unless one of the two says so.
notes:
  - The work is started once. Before it sends its request, the task looks for a job of that kind already
    running in BlueXP on the volume (an on-demand backup, or the deletion of every backup with
    O(all_backups=true)) that an earlier run started and did not see end (O(wait=false), O(wait_timeout),
    a lost answer). With O(wait) it follows that job to its end and reads the backups again, taking the
    backup only if it is still missing; without O(wait), and in check mode, it reports that job
    (RV(already_running), RV(job)) with no change and sends nothing.
  - BlueXP's job records name the working environment of an on-demand backup, not its volume. A backup of
    another volume of the same working environment that is running counts as well; with O(wait) the task waits
    for it and then takes its own.
  - A task that fails once its request was sent reports C(changed=true), and its message says whether the
    work goes on in BlueXP and how to follow it.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.WAIT
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  volume:
    description:
      - Name or ID of the volume.
    type: str
    required: true
  svm:
    description:
      - SVM of the volume, needed when its name exists in several SVMs.
    type: str
  name:
    description:
      - Name of the backup. Required with O(state=present), and with O(state=absent) unless
        O(all_backups=true).
    type: str
  label:
    description:
      - SnapMirror label of the on-demand backup, which decides the retention it falls under.
    type: str
  state:
    description:
      - V(present) makes sure a backup of that name exists; V(absent) deletes.
    type: str
    choices: [present, absent]
    default: present
  all_backups:
    description:
      - With O(state=absent), delete every backup of the volume. Required explicitly, as there is no other
        way to delete more than one backup.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.backup_info
  - module: bluexp.cloud_backup.volume_backup
"""

EXAMPLES = r"""
---
- name: Back up a volume before an application upgrade
  bluexp.cloud_backup.backup:
    working_environment_name: prod-east-1
    volume: vol_finance
    name: before-upgrade-2026-11
  register: pre_upgrade

- name: Delete that backup once the upgrade is accepted
  bluexp.cloud_backup.backup:
    working_environment_name: prod-east-1
    volume: vol_finance
    name: before-upgrade-2026-11
    state: absent
"""

RETURN = r"""
backup:
  description:
    - The backup after the task (predicted in check mode, and without O(wait)); null when absent.
    - With O(all_backups=true), the list of the volume's backups after the task, so an empty list.
  returned: always
  type: raw
  sample: {id: 2f1c9a7e-6b0d-4e55-a1c3-7d2e9f0b4a18, name: before-upgrade-2026-11, creation_time: 1795901274394,
           size: 1073741824, archived: false, object_lock: NONE}
deleted:
  description: Names of the backups deleted (or to be deleted in check mode).
  returned: when O(state=absent)
  type: list
  elements: str
  sample: [before-upgrade-2026-11]
job:
  description:
    - The job the task started (the last of RV(jobs)), when it started one.
    - The job found already running instead (see RV(already_running)), with its status then (C(PENDING) or
      C(IN_PROGRESS)) or at its end when the task followed it.
  returned: when a job was started or found running
  type: dict
  sample: {id: 5d0e1c2b-3a4f-4e6d-8c7b-9a0f1e2d3c4b, status: COMPLETED, type: adhoc-backup}
jobs:
  description: Every job the task started, or found already running instead.
  returned: when a job was started or found running
  type: list
  elements: dict
  sample: [{id: 5d0e1c2b-3a4f-4e6d-8c7b-9a0f1e2d3c4b, status: COMPLETED, type: adhoc-backup}]
already_running:
  description:
    - True when the work was found already running in BlueXP (RV(jobs)) and was not started again; the task
      then reports no change, and its message says how to follow it.
  returned: when a job was found running
  type: bool
  sample: true
volume_id:
  description: ID of the volume.
  returned: always
  type: str
  sample: 9c1b2f8e-55aa-11ee-8c99-0242ac120002
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
  sample: VsaWorkingEnvironment-99hPYEgk
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(volume_not_found) when O(volume) matches no volume;
      V(not_protected) when an on-demand backup is asked of a volume that is not protected or is paused;
      V(working_environment_not_found); V(invalid_option) (options that do not go together, a volume name in
      several SVMs without O(svm)); V(job_failed) and V(job_timeout) for the backup or deletion job;
      V(api_error), V(not_found), V(auth_failed), V(transport_error), V(write_not_resent), V(discovery_failed),
      V(unexpected_answer).
  returned: failure
  type: str
  sample: not_protected
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    volume=dict(type="str", required=True),
    svm=dict(type="str"),
    name=dict(type="str"),
    label=dict(type="str"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    all_backups=dict(type="bool", default=False),
)


class Backup(Resource):
    """One named backup of a volume, or with all_backups=true the list of all of them (which must be empty)."""

    result_key = "backup"
    # A backup found by name is the one asked for, whatever its label: a rerun takes no second one.
    fields = (Field("name", option="name"),)

    def validate(self):
        params = self.params
        if params["state"] == "present" and not params["name"]:
            raise ConfigurationError("name: required with state=present, so that a rerun finds the backup it took.",
                                     option="name")
        if params["state"] == "absent" and not params["name"] and not params["all_backups"]:
            raise ConfigurationError("name: give the backup to delete, or all_backups=true to delete every backup "
                                     "of the volume.", option="name")
        if params["state"] == "absent" and params["name"] and params["all_backups"]:
            raise ConfigurationError("name and all_backups: choose one; all_backups=true deletes every backup.",
                                     option="all_backups")
        if params["all_backups"] and params["state"] != "absent":
            raise ConfigurationError("all_backups: only with state=absent.", option="all_backups")

    def locate(self):
        """The working environment and the volume (with its backup settings when it has any), once."""
        we = wes.resolve(self.client, self.params["working_environment_id"], self.params["working_environment_name"])
        ontap = vols.pick(vols.list_ontap_volumes(self.client, we["id"]), [self.params["volume"]],
                          self.params["svm"], option="volume")[0]
        protection = {v.get("file-system-id"): v for v in vols.list_backup_volumes(self.client, we["id"])}
        self.we_id, self.volume_id = we["id"], ontap["file-system-id"]
        self.volume = protection.get(self.volume_id) or ontap
        self.extra.update(working_environment_id=self.we_id, volume_id=self.volume_id)

    def read(self):
        found = backups.list_backups(self.client, self.we_id, self.volume_id)
        # What is deleted is decided by the first read; the read after the deletion must not change it.
        if self.params["all_backups"]:
            self.extra.setdefault("deleted", [b.get("name") for b in found])
            return [snake_keys(b) for b in found]
        match = backups.named(found, self.params["name"])
        if self.params["state"] == "absent":
            self.extra.setdefault("deleted", [match.get("name")] if match else [])
        # Found even when the volume was paused or unprotected since: the backup is there.
        return snake_keys(match) if match else None

    def desired(self, current):
        if self.params["all_backups"]:
            return []
        if self.params["state"] == "absent":
            return None
        return {"name": self.params["name"], "label": self.params["label"]}

    def changes(self, current, desired):
        if self.params["all_backups"]:
            return {"backups": ([b.get("name") for b in current], [])} if current else {}
        return super().changes(current, desired)

    def check(self, current, desired, changes):
        if current is None and desired is not None and vols.protection_of(self.volume)["state"] != "protected":
            raise ConfigurationError("volume: {0} is not protected (or its backups are paused); protect it with "
                                     "bluexp.cloud_backup.volume_backup first.".format(self.volume.get("name")),
                                     option="volume", code="not_protected")

    def create(self, desired):
        return backups.take(self.client, self.we_id, self.volume_id, desired["name"], desired["label"])

    def update(self, current, desired, changes):
        # Only all_backups=true reaches here: every backup of the volume goes in one job.
        return vols.delete_backups(self.client, self.we_id, self.volume_id)

    def delete(self, current):
        return backups.delete(self.client, self.we_id, self.volume_id, current["id"])

    def running(self, current, desired, changes):
        """A backup being taken, or every backup being deleted: an earlier run's job not seen to its end."""
        if desired is None:
            return []  # deleting one backup is answered at once
        kind = jobs.DELETE_VOLUME_BACKUPS if self.params["all_backups"] else jobs.ADHOC_BACKUP
        return jobs.running_jobs(self.client, (kind,), self.we_id, [self.volume_id])

    def found_running(self, found, waited):
        super().found_running(found, waited)
        self.extra["job"] = self.jobs[-1]

    def settle(self, after):
        if self.jobs:
            self.extra["job"] = self.jobs[-1]
        return after


def main():
    run_resource(create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES), Backup)


if __name__ == "__main__":
    main()
