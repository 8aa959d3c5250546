#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: volume_backup
short_description: Protect, pause, resume or unprotect volumes in BlueXP backup and recovery
version_added: 0.1.0
description:
  - Brings the backup settings of one volume, or of a list of volumes in one task, to a declared state,
    protected with a backup policy, paused, or not protected.
  - Several volumes are sent in one multi-volume request; the task reports the result of each volume,
    and fails when any of them failed, listing which succeeded and which did not.
  - Backup and recovery must be active on the working environment (M(bluexp.cloud_backup.backup_activation)).
notes:
  - The work is started once. Before it sends its requests, the task looks for a job already running in
    BlueXP that does one of its changes (protecting, changing, deleting the backups of or unprotecting one of
    the volumes), started by an earlier run that did not see it end (O(wait=false), O(wait_timeout), a lost
    answer). With O(wait) it follows that job to its end, reads the volumes again and sends only what is still
    needed; without O(wait), and in check mode, it reports that job (RV(already_running), RV(jobs)) with no
    change and sends nothing.
  - BlueXP's job records name the volumes of a multi-volume job, but not the volume of a single-volume job. A
    single-volume job of the same kind on another volume of the working environment counts as well; with
    O(wait) the task waits for it and then does its own work.
  - A task that fails once a request was sent reports C(changed=true), and its message says whether the work
    goes on in BlueXP and how to follow it.
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
  volumes:
    description:
      - Names or IDs of the volumes. A name that does not exist fails with the close names that do.
    type: list
    elements: str
    required: true
    aliases: [volume]
  svm:
    description:
      - SVM of the volumes, needed when a name exists in several SVMs.
    type: str
  state:
    description:
      - V(present) protects the volumes with O(policy) (and resumes paused ones).
      - V(paused) pauses the backups of protected volumes; their existing backups are kept.
      - V(absent) removes the volumes' backup settings. Volumes that still have backups are only
        unprotected with O(delete_backups=true), which deletes those backups first.
    type: str
    choices: [present, paused, absent]
    default: present
  policy:
    description:
      - Name of the backup policy (M(bluexp.cloud_backup.backup_policy)). Required to protect a volume
        that is not protected yet; when given for a protected volume, its policy is changed to this one.
      - The policy must exist in the working environment; the task checks that before it sends anything, also
        in check mode.
    type: str
  delete_backups:
    description:
      - With O(state=absent), delete all backups of the volumes before removing their settings.
      - Without it, a volume that has backups is not touched and the task fails listing those volumes.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.backup_policy
  - module: bluexp.cloud_backup.backup_info
"""

EXAMPLES = r"""
---
- name: Protect three volumes with the gold policy, in one request
  bluexp.cloud_backup.volume_backup:
    working_environment_name: prod-east-1
    volumes: [vol_finance, vol_hr, vol_sales]
    policy: gold

- name: Pause the backups of a volume during a migration
  bluexp.cloud_backup.volume_backup:
    working_environment_name: prod-east-1
    volume: vol_sales
    state: paused

- name: Stop protecting a volume and delete its backups (explicitly)
  bluexp.cloud_backup.volume_backup:
    working_environment_name: prod-east-1
    volume: vol_scratch
    state: absent
    delete_backups: true
"""

RETURN = r"""
volumes:
  description:
    - Each volume after the task, read again once its jobs ended (predicted in check mode, and without O(wait)).
    - Also returned when the task fails because some volumes failed.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Volume ID (file system ID).
      type: str
      sample: 9c1b2f8e-55aa-11ee-8c99-0242ac120002
    name:
      description: Volume name.
      type: str
      sample: vol_finance
    svm:
      description: SVM of the volume.
      type: str
      sample: svm_prod
    state:
      description: V(protected), V(paused) or V(unprotected).
      type: str
      sample: protected
    policy:
      description: Backup policy name; null when unprotected.
      type: str
      sample: gold
    action:
      description: What the task did to the volume (C(protect), C(pause), C(resume), C(change policy),
        C(delete backups and unprotect), C(unprotect)), or null.
      type: str
      sample: protect
    result:
      description: Per-volume result of the API (C(SUCCESS) or C(FAILED)), when it reported one.
      type: str
      sample: SUCCESS
    error:
      description: The API's error for this volume, when it failed.
      type: str
      sample: "SnapMirror quiesce failed: transfer in progress"
  sample:
    - {id: 9c1b2f8e-55aa-11ee-8c99-0242ac120002, name: vol_finance, svm: svm_prod, state: protected, policy: gold,
       action: protect, result: SUCCESS, error: null}
jobs:
  description:
    - The jobs the task started; empty when its writes were answered at once.
    - The jobs found already running instead (see RV(already_running)), with their status then (C(PENDING) or
      C(IN_PROGRESS)) or at their end when the task followed them.
  returned: when the task sent a write, or found a job running
  type: list
  elements: dict
  sample: [{id: 0b7c6d5e-4f3a-4b2c-9d1e-8f7a6b5c4d3e, status: COMPLETED, type: backup-volumes}]
already_running:
  description:
    - True when the work was found already running in BlueXP (RV(jobs)) and was not started again; the task
      then reports no change, and its message says how to follow it.
  returned: when a job was found running
  type: bool
  sample: true
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
  sample: VsaWorkingEnvironment-99hPYEgk
volumes_succeeded:
  description: Names of the volumes whose change succeeded, when others failed.
  returned: failure
  type: list
  elements: str
  sample: [vol_finance]
volumes_failed:
  description: Names of the volumes whose change failed (C(failed) is Ansible's own key).
  returned: failure
  type: list
  elements: str
  sample: [vol_hr]
volumes_with_backups:
  description: Volumes not unprotected because they have backups and O(delete_backups) is not set.
  returned: failure
  type: list
  elements: str
  sample: [vol_scratch]
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(partial_failure) when some volumes failed and others
      succeeded (see RV(volumes_succeeded), RV(volumes_failed) and RV(volumes)); V(volume_not_found) when a name in O(volumes)
      matches no volume; V(not_protected) when O(state=paused) names a volume that is not protected;
      V(has_backups) when O(state=absent) names volumes with backups without O(delete_backups) (see
      RV(volumes_with_backups)); V(working_environment_not_found); V(invalid_option) (O(policy) missing to
      protect a volume or naming no policy of the working environment, a volume name in several SVMs without O(svm)); V(job_failed) and
      V(job_timeout) for a job; V(api_error), V(not_found), V(auth_failed), V(transport_error),
      V(write_not_resent), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: partial_failure
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    NotFoundError,
    PartialFailure,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs, policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import job_failed

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    volumes=dict(type="list", elements="str", required=True, aliases=["volume"]),
    svm=dict(type="str"),
    state=dict(type="str", choices=["present", "paused", "absent"], default="present"),
    policy=dict(type="str"),
    delete_backups=dict(type="bool", default=False),
)

REMOVALS = ("unprotect", "delete backups and unprotect")
# The jobs that do each action: an earlier run's job of these is followed or reported, not started again.
ACTION_JOBS = {
    "protect": (jobs.BACKUP_VOLUME, jobs.BACKUP_VOLUMES),
    "pause": (jobs.MODIFY_VOLUMES,),
    "resume": (jobs.MODIFY_VOLUMES,),
    "change policy": (jobs.MODIFY_VOLUMES,),
    "unprotect": (jobs.REMOVE_VOLUME_BACKUP,),
    "delete backups and unprotect": (jobs.DELETE_VOLUME_BACKUPS, jobs.REMOVE_VOLUME_BACKUP),
}


def per_volume_results(job):
    data = (job or {}).get("data") or {}
    return {v.get("id"): v for v in (data.get("multi_volume_backup") or {}).get("volume") or []}


class VolumeBackups(Resource):
    """The protection of the chosen volumes: a list of {id, name, svm, state, policy}, one per volume."""

    result_key = "volumes"

    def locate(self):
        we = wes.reference(self.client, self.params["working_environment_id"], self.params["working_environment_name"])
        self.we_id = self.extra["working_environment_id"] = we["id"]
        try:
            ontap_volumes = vols.list_ontap_volumes(self.client, we["id"])
        except NotFoundError:
            raise wes.missing(self.client, we["id"]) from None
        self.chosen = vols.pick(ontap_volumes, self.params["volumes"], self.params["svm"])

    def read(self):
        records = {v.get("file-system-id"): v for v in vols.list_backup_volumes(self.client, self.we_id)}
        self.protection = {}
        view = []
        for volume in self.chosen:
            vid = volume["file-system-id"]
            self.protection[vid] = vols.protection_of(records.get(vid))
            view.append({"id": vid, "name": volume.get("name"), "svm": volume.get("svm"),
                         "state": self.protection[vid]["state"], "policy": self.protection[vid]["policy"]})
        return view

    def desired(self, current):
        self.actions = {}
        view = []
        for record in current:
            action, wanted = vols.plan(record["name"], self.protection[record["id"]], self.params["state"],
                                       self.params["policy"])
            self.actions[record["id"]] = action
            view.append(dict(record, state=wanted["state"], policy=wanted["policy"], action=action))
        return view

    def changes(self, current, desired):
        return {after["id"]: (before, after) for before, after in zip(current, desired) if after["action"]}

    def unchanged(self, current, desired):
        return [dict(record, action=None) for record in current]

    def check(self, current, desired, changes):
        self.check_policy(desired)
        blocked = [after["name"] for after in desired if after["action"] == "delete backups and unprotect"]
        if blocked and not self.params["delete_backups"]:
            raise ConfigurationError("Volume(s) {0} still have backups; nothing was changed. Set delete_backups=true "
                                     "to delete their backups and unprotect them.".format(", ".join(blocked)),
                                     option="delete_backups", code="has_backups", volumes_with_backups=blocked)

    def check_policy(self, desired):
        """The policy the writes would send must exist: one read, found before anything is sent."""
        policy = self.params["policy"]
        if not policy or not any(after["action"] in ("protect", "change policy", "pause", "resume")
                                 for after in desired):
            return
        names = [p.get("name") for p in policies.list_policies(self.client, self.we_id)]
        if policy not in names and self.check_mode:
            self.warnings.append("policy: working environment {0} has no backup policy {1!r} yet; a real run fails "
                                 "unless an earlier task creates it.".format(self.we_id, policy))
        elif policy not in names:
            raise ConfigurationError("policy: working environment {0} has no backup policy {1!r} (policies: {2}); "
                                     "nothing was changed. Create it with bluexp.cloud_backup.backup_policy.".format(
                                         self.we_id, policy, ", ".join(sorted(n or "" for n in names)) or "none"),
                                     option="policy")

    def running(self, current, desired, changes):
        planned = [after for after in desired if after["action"]]
        kinds = [kind for after in planned for kind in ACTION_JOBS[after["action"]]]
        return jobs.running_jobs(self.client, kinds, self.we_id, [after["id"] for after in planned])

    def update(self, current, desired, changes):
        """One request per kind of change, each covering all its volumes.

        Multi-volume jobs report each volume: a FAILED one is read in `settle`, not raised at once.
        """
        policy = self.params["policy"]
        planned = [(after["id"], after["action"]) for after in desired if after["action"]]
        protect = [vid for vid, action in planned if action == "protect"]
        modify = [{"id": vid, "state": {"pause": "PAUSE", "resume": "RESUME"}.get(action),
                   "policy": policy if policy and action in ("resume", "change policy", "pause") else None}
                  for vid, action in planned if action in ("pause", "resume", "change policy")]
        if protect:
            self.follow(vols.enable(self.client, self.we_id, protect, policy), fail_on_failed=False)
        if modify:
            self.follow(vols.modify(self.client, self.we_id, modify), fail_on_failed=False)
        for vid, action in planned:
            if action == "delete backups and unprotect":
                # Removing the settings needs the deletion finished, whatever `wait` says.
                self.follow(vols.delete_backups(self.client, self.we_id, vid), wait=True)
            if action in REMOVALS:
                self.follow(vols.remove_settings(self.client, self.we_id, vid))
        # Every job is followed above; a synchronous answer starts none, and `jobs` says so.
        self.extra["jobs"] = self.jobs
        return None

    def settle(self, after):
        results = {}
        for job in self.jobs:
            results.update(per_volume_results(job))
            if job.get("status") == "FAILED" and not per_volume_results(job):
                raise job_failed(job)
        view = []
        for current in after:
            record = dict(current, action=self.actions[current["id"]])
            if record["id"] in results:
                record.update(result=results[record["id"]].get("status"),
                              error=results[record["id"]].get("error") or None)
            view.append(record)
        failed = [r for r in view if r.get("result") == "FAILED"]
        if failed:
            done = [r["name"] for r in view if r["action"] and r.get("result") != "FAILED"]
            raise PartialFailure("{0} of {1} volume(s) failed: {2}. Succeeded: {3}.".format(
                len(failed), len([r for r in view if r["action"]]),
                "; ".join("{0}: {1}".format(r["name"], r.get("error") or "no error given") for r in failed),
                ", ".join(done) or "none"),
                volumes=view, volumes_succeeded=done, volumes_failed=[r["name"] for r in failed], changed=bool(done))
        return view


def main():
    run_resource(create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES), VolumeBackups)


if __name__ == "__main__":
    main()
