#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_policy
short_description: Manage the ONTAP backup policies of a BlueXP working environment
version_added: 0.1.0
description:
  - Creates, updates or deletes an ONTAP backup policy of a working environment, with its rules
    (SnapMirror label and how many backups of that label to keep), archiving after a number of days,
    and DataLock.
  - Rules are compared as a set (order does not matter) and retention as a number, whatever form the
    API reports them in, so a rerun with the same options reports no change and sends no write.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  name:
    description:
      - Name of the policy.
    type: str
    required: true
  state:
    description:
      - V(present) creates the policy or brings it to the given options.
      - V(absent) deletes it. A policy that volumes still use is not deleted; the module fails and
        says how many volumes use it.
    type: str
    choices: [present, absent]
    default: present
  rules:
    description:
      - The policy's rules. Required to create a policy; when given for an existing one, the rules are
        replaced by exactly these.
      - Each retention is between 1 and 1018, and all retentions together at most 1018 backups.
    type: list
    elements: dict
    suboptions:
      label:
        description:
          - SnapMirror label, for example V(hourly), V(daily), V(weekly), V(monthly) or V(yearly).
        type: str
        required: true
      retention:
        description:
          - How many backups with this label to keep.
        type: int
        required: true
  archive_after_days:
    description:
      - Move backups to the archive storage class after this many days, or V(never) to stop archiving.
      - Not set means leave it as it is.
    type: str
  object_lock:
    description:
      - DataLock mode of the policy. Chosen when the policy is created; the module fails, naming this
        option, when it differs on an existing policy.
      - Cannot be combined with O(archive_after_days).
    type: str
    choices: [NONE, GOVERNANCE, COMPLIANCE, LOCKED, UNLOCKED]
seealso:
  - module: bluexp.cloud_backup.working_environment_info
    description: Lists the policies with O(bluexp.cloud_backup.working_environment_info#module:details=backup_policies).
"""

EXAMPLES = r"""
---
- name: A 30-day daily, 12-week weekly policy archived after 90 days
  bluexp.cloud_backup.backup_policy:
    working_environment_name: prod-east-1
    name: gold
    rules:
      - {label: daily, retention: 30}
      - {label: weekly, retention: 12}
    archive_after_days: 90

- name: Preview a change without sending it
  bluexp.cloud_backup.backup_policy:
    working_environment_name: prod-east-1
    name: gold
    rules:
      - {label: daily, retention: 14}
      - {label: weekly, retention: 12}
  check_mode: true
  diff: true

- name: Remove a policy no volume uses any more
  bluexp.cloud_backup.backup_policy:
    working_environment_id: VsaWorkingEnvironment-99hPYEgk
    name: bronze
    state: absent
"""

RETURN = r"""
policy:
  description: The policy after the task (predicted in check mode); null when absent.
  returned: always
  type: dict
  contains:
    name:
      description: Policy name.
      type: str
      sample: gold
    id:
      description: Policy ID, when the API reports one.
      type: str
    rules:
      description: Rules sorted by label, retention as an integer.
      type: list
      elements: dict
      sample: [{label: daily, retention: 30}, {label: weekly, retention: 12}]
    archive_after_days:
      description: Days before backups are archived; null when they are not archived.
      type: int
      sample: 90
    object_lock:
      description: DataLock mode.
      type: str
      sample: NONE
    attached_volumes_count:
      description: Volumes that use the policy.
      type: int
      sample: 4
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    rules=dict(type="list", elements="dict", options=dict(
        label=dict(type="str", required=True),
        retention=dict(type="int", required=True),
    )),
    archive_after_days=dict(type="str"),
    object_lock=dict(type="str", choices=list(policies.OBJECT_LOCK_MODES)),
)


def desired_view(params, current):
    """The policy as it should be: the user's options over what exists."""
    archive = params["archive_after_days"]
    if archive is None:
        archive_days = current["archive_after_days"] if current else None
    else:
        archive_days = None if archive == policies.NEVER else as_int(archive)
    return {
        "name": params["name"],
        "id": current["id"] if current else None,
        "rules": normalise_rules(params["rules"]) if params["rules"] is not None else current["rules"],
        "archive_after_days": archive_days,
        "object_lock": params["object_lock"] or (current["object_lock"] if current else "NONE"),
        "attached_volumes_count": current["attached_volumes_count"] if current else 0,
    }


def ensure_present(client, we_id, params, outcome):
    current = outcome.before
    if current is None and params["rules"] is None:
        raise ConfigurationError("rules: required to create policy {0!r}.".format(params["name"]), option="rules")
    if current is not None and params["object_lock"] and params["object_lock"] != current["object_lock"]:
        raise ConfigurationError("object_lock: policy {0!r} has DataLock {1}; it is chosen when a policy is created "
                                 "and cannot be changed to {2}.".format(params["name"], current["object_lock"],
                                                                        params["object_lock"]), option="object_lock")
    archive = params["archive_after_days"]
    if current is not None and current["object_lock"] != "NONE" and archive not in (None, policies.NEVER):
        raise ConfigurationError("archive_after_days: policy {0!r} has DataLock {1}, and locked backups are not "
                                 "archived.".format(params["name"], current["object_lock"]),
                                 option="archive_after_days")
    desired = desired_view(params, current)
    outcome.after = desired
    if desired == current:
        return
    outcome.changed = True
    if outcome.check_mode:
        return
    if current is None:
        policies.create(client, we_id, params["name"], params["rules"], params["archive_after_days"],
                        params["object_lock"])
    else:
        archive = params["archive_after_days"]
        if archive is None and current["archive_after_days"] is not None:
            archive = str(current["archive_after_days"])
        policies.update(client, we_id, params["name"], desired["rules"], archive)
    outcome.after = policies.view(policies.find(client, we_id, params["name"])) or desired


def ensure_absent(client, we_id, params, outcome):
    current = outcome.before
    if current is None:
        return
    if current["attached_volumes_count"]:
        raise ConfigurationError("Policy {0!r} is used by {1} volume(s); give them another policy with "
                                 "bluexp.cloud_backup.volume_backup before deleting it."
                                 .format(params["name"], current["attached_volumes_count"]))
    if not current["id"]:
        raise ConfigurationError("Policy {0!r} cannot be deleted: the API does not report policy IDs on this "
                                 "Connector.".format(params["name"]))
    outcome.changed = True
    if not outcome.check_mode:
        policies.delete(client, we_id, current["id"])


def run(client, params, outcome):
    policies.validate(params["rules"], params["archive_after_days"], params["object_lock"])
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    outcome.before = policies.view(policies.find(client, we["id"], params["name"]))
    if params["state"] == "present":
        ensure_present(client, we["id"], params, outcome)
    else:
        ensure_absent(client, we["id"], params, outcome)


def main():
    module = create_module(ARGUMENT_SPEC, **WORKING_ENVIRONMENT_RULES)
    outcome = Outcome(module, "policy")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
