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
  description: Each volume after the task (predicted in check mode).
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Volume ID (file system ID).
      type: str
    name:
      description: Volume name.
      type: str
    svm:
      description: SVM of the volume.
      type: str
    state:
      description: V(protected), V(paused) or V(unprotected).
      type: str
    policy:
      description: Backup policy name; null when unprotected.
      type: str
    action:
      description: What the task did to the volume (C(protect), C(pause), C(resume), C(change policy),
        C(delete backups and unprotect), C(unprotect)), or null.
      type: str
    result:
      description: Per-volume result of the API (C(SUCCESS) or C(FAILED)), when it reported one.
      type: str
    error:
      description: The API's error for this volume, when it failed.
      type: str
jobs:
  description: The jobs the task started.
  returned: when a write started a job
  type: list
  elements: dict
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import job_failed

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    volumes=dict(type="list", elements="str", required=True, aliases=["volume"]),
    svm=dict(type="str"),
    state=dict(type="str", choices=["present", "paused", "absent"], default="present"),
    policy=dict(type="str"),
    delete_backups=dict(type="bool", default=False),
)


class PartialFailure(BlueXPError):
    """Some volumes failed; the others are done."""


def plan(volume, current, params):
    """(action, desired) for one volume; action None when it is already as asked."""
    state, policy = params["state"], params["policy"]
    if state == "absent":
        if current["state"] == "unprotected":
            return None, current
        return ("delete backups and unprotect" if current["backups"] else "unprotect"), \
            {"state": "unprotected", "policy": None, "backups": 0}
    if current["state"] == "unprotected":
        if state == "paused":
            raise ConfigurationError("volumes: {0} is not protected, so it cannot be paused; protect it with "
                                     "state=present first.".format(volume["name"]), option="volumes")
        if not policy:
            raise ConfigurationError("policy: required to protect volume {0}.".format(volume["name"]),
                                     option="policy")
        return "protect", dict(current, state="protected", policy=policy)
    desired = dict(current, state="paused" if state == "paused" else "protected", policy=policy or current["policy"])
    if desired == current:
        return None, current
    if desired["state"] != current["state"]:
        return ("pause" if desired["state"] == "paused" else "resume"), desired
    return "change policy", desired


def per_volume_results(job):
    data = (job or {}).get("data") or {}
    return {v.get("id"): v for v in (data.get("multi_volume_backup") or {}).get("volume") or []}


def apply(client, we_id, planned, params, outcome):
    """Send the writes: one request per kind of change, each covering all its volumes."""
    jobs = []
    protect = [vid for vid, (action, _desired) in planned.items() if action == "protect"]
    changes = [{"id": vid,
                "state": {"pause": "PAUSE", "resume": "RESUME"}.get(action),
                "policy": params["policy"] if params["policy"] and action in ("resume", "change policy", "pause")
                else None}
               for vid, (action, _desired) in planned.items() if action in ("pause", "resume", "change policy")]
    removals = [(vid, action) for vid, (action, _desired) in planned.items()
                if action in ("unprotect", "delete backups and unprotect")]
    # Multi-volume jobs report each volume; a FAILED one is read, not raised at once.
    if protect:
        jobs.append(follow_job(client, vols.enable(client, we_id, protect, params["policy"]), params,
                               fail_on_failed=False))
    if changes:
        jobs.append(follow_job(client, vols.modify(client, we_id, changes), params, fail_on_failed=False))
    for vid, action in removals:
        if action == "delete backups and unprotect":
            # Removing the settings needs the deletion finished, whatever `wait` says.
            jobs.append(follow_job(client, vols.delete_backups(client, we_id, vid), dict(params, wait=True)))
        jobs.append(follow_job(client, vols.remove_settings(client, we_id, vid), params))
    return [j for j in jobs if j]


def run(client, params, outcome):
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    chosen = vols.pick(vols.list_ontap_volumes(client, we["id"]), params["volumes"], params["svm"])
    protection = {v.get("file-system-id"): v for v in vols.list_backup_volumes(client, we["id"])}
    planned, before, after = {}, [], []
    for volume in chosen:
        vid = volume["file-system-id"]
        current = vols.protection_of(protection.get(vid))
        action, desired = plan(volume, current, params)
        planned[vid] = (action, desired)
        identity = {"id": vid, "name": volume.get("name"), "svm": volume.get("svm")}
        before.append(dict(identity, state=current["state"], policy=current["policy"]))
        after.append(dict(identity, state=desired["state"], policy=desired["policy"], action=action))

    blocked = [a["name"] for a in after if a["action"] == "delete backups and unprotect"]
    if blocked and not params["delete_backups"]:
        raise ConfigurationError("Volume(s) {0} still have backups; nothing was changed. Set delete_backups=true "
                                 "to delete their backups and unprotect them.".format(", ".join(blocked)),
                                 volumes_with_backups=blocked)
    outcome.before, outcome.after = before, after
    outcome.changed = any(a["action"] for a in after)
    if not outcome.changed or outcome.check_mode:
        return
    jobs = apply(client, we["id"], {vid: p for vid, p in planned.items() if p[0]}, params, outcome)
    outcome.extra["jobs"] = jobs
    results = {}
    for job in jobs:
        results.update(per_volume_results(job))
        if job.get("status") == "FAILED" and not per_volume_results(job):
            raise job_failed(job)
    previous = {b["id"]: b for b in before}
    for record in after:
        if record["id"] in results:
            record["result"] = results[record["id"]].get("status")
            record["error"] = results[record["id"]].get("error") or None
            if record["result"] == "FAILED":
                # The volume stays as it was; report that, not the state asked for.
                record.update(state=previous[record["id"]]["state"], policy=previous[record["id"]]["policy"])
    failed = [r for r in after if r.get("result") == "FAILED"]
    if failed:
        done = [r["name"] for r in after if r["action"] and r.get("result") != "FAILED"]
        raise PartialFailure("{0} of {1} volume(s) failed: {2}. Succeeded: {3}.".format(
            len(failed), len([r for r in after if r["action"]]),
            "; ".join("{0}: {1}".format(r["name"], r.get("error") or "no error given") for r in failed),
            ", ".join(done) or "none"), volumes=after, jobs=jobs, changed=bool(done))


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES)
    outcome = Outcome(module, "volumes")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
