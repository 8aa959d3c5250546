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
  description: The backup after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
  sample: {id: 2f1c..., name: before-upgrade-2026-11, creation_time: 1795901274394, size: 1073741824}
deleted:
  description: Names of the backups deleted (or to be deleted in check mode).
  returned: when O(state=absent)
  type: list
  elements: str
job:
  description: The job the task started, when it started one.
  returned: when a job was started
  type: dict
volume_id:
  description: ID of the volume.
  returned: always
  type: str
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


def list_backups(client, we_id, volume_id):
    """The volume's backups; none (the API says 404) for a volume that was never backed up."""
    body = client.cbs("GET", "v1", "backup", "working-environment", we_id, "volume", volume_id, "snapshot",
                      not_found_ok=True)
    return list((body or {}).get("snapshot") or [])


def validate(params):
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


def ensure_present(client, we_id, volume, params, outcome):
    existing = next((b for b in list_backups(client, we_id, volume["file-system-id"])
                     if b.get("name") == params["name"]), None)
    if existing:
        # Found even when the volume was paused or unprotected since: the backup is there.
        outcome.before = outcome.after = snake_keys(existing)
        return
    if vols.protection_of(volume)["state"] != "protected":
        raise ConfigurationError("volume: {0} is not protected (or its backups are paused); protect it with "
                                 "bluexp.cloud_backup.volume_backup first.".format(volume.get("name")),
                                 option="volume")
    outcome.changed = True
    outcome.after = {"name": params["name"], "label": params["label"]}
    if outcome.check_mode:
        return
    details = {"name": params["name"]}
    if params["label"]:
        details["snapmirrorLabel"] = params["label"]
    # `adhoc-backup-details` names the backup (API 4.x); AD_HOC alone would give it a generated name.
    body = client.cbs("POST", "v3", "backup", "working-environment", we_id, "volume", volume["file-system-id"],
                      body={"mode": "AD_HOC", "adhoc-backup-details": details})
    job = follow_job(client, body, params)
    outcome.extra["job"] = job
    if params["wait"]:
        created = next((b for b in list_backups(client, we_id, volume["file-system-id"])
                        if b.get("name") == params["name"]), None)
        outcome.after = snake_keys(created) if created else outcome.after


def ensure_absent(client, we_id, volume, params, outcome):
    backups = list_backups(client, we_id, volume["file-system-id"])
    doomed = backups if params["all_backups"] else [b for b in backups if b.get("name") == params["name"]]
    outcome.before = [snake_keys(b) for b in doomed] if params["all_backups"] else (
        snake_keys(doomed[0]) if doomed else None)
    outcome.after = [] if params["all_backups"] else None
    outcome.extra["deleted"] = [b.get("name") for b in doomed]
    if not doomed:
        return
    outcome.changed = True
    if outcome.check_mode:
        return
    if params["all_backups"]:
        outcome.extra["job"] = follow_job(client, vols.delete_backups(client, we_id, volume["file-system-id"]),
                                          params)
    else:
        client.cbs("DELETE", "v1", "backup", "working-environment", we_id, "volume", volume["file-system-id"],
                   "snapshot", doomed[0]["id"])


def run(client, params, outcome):
    validate(params)
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    ontap = vols.pick(vols.list_ontap_volumes(client, we["id"]), [params["volume"]], params["svm"], option="volume")[0]
    outcome.extra["volume_id"] = ontap["file-system-id"]
    protection = {v.get("file-system-id"): v for v in vols.list_backup_volumes(client, we["id"])}
    volume = protection.get(ontap["file-system-id"]) or ontap
    if params["state"] == "present":
        ensure_present(client, we["id"], volume, params, outcome)
    else:
        ensure_absent(client, we["id"], volume, params, outcome)


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES)
    outcome = Outcome(module, "backup")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
