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
      - Move backups to the archive storage class after this many days (a whole number, at least 1), or V(never)
        to stop archiving.
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
  sample:
    name: gold
    id: 5b2f4c1e-8d7a-4e3b-9f60-1a2b3c4d5e6f
    rules: [{label: daily, retention: 30}, {label: weekly, retention: 12}]
    archive_after_days: 90
    object_lock: NONE
    attached_volumes_count: 4
  contains:
    name:
      description: Policy name.
      type: str
      sample: gold
    id:
      description: Policy ID, when the API reports one (API 4.x).
      type: str
      sample: 5b2f4c1e-8d7a-4e3b-9f60-1a2b3c4d5e6f
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
      description: Volumes that use the policy; null when the API does not report it.
      type: int
      sample: 4
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
  sample: VsaWorkingEnvironment-99hPYEgk
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(policy_in_use) when volumes still use the policy
      to be deleted (the message says how many), V(not_supported) when the Connector's API does not report
      policy IDs so that it cannot delete one, V(invalid_option) for options the API would refuse (the
      message names the option), V(working_environment_not_found), V(api_error), V(auth_failed),
      V(transport_error), V(write_not_resent), V(unexpected_answer).
  returned: failure
  type: str
  sample: policy_in_use
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    INT,
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError, NotFoundError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    name=dict(type="str", required=True),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    rules=dict(type="list", elements="dict", options=dict(
        label=dict(type="str", required=True),
        retention=dict(type=INT, required=True),
    )),
    archive_after_days=dict(type="str"),
    object_lock=dict(type="str", choices=list(policies.OBJECT_LOCK_MODES)),
)


class Policy(Resource):
    """One ONTAP backup policy of a working environment, found by its exact name."""

    result_key = "policy"
    fields = policies.FIELDS

    def validate(self):
        policies.validate(self.params["rules"], self.params["archive_after_days"], self.params["object_lock"])

    def locate(self):
        self.we = wes.reference(self.client, self.params["working_environment_id"],
                                self.params["working_environment_name"])
        self.extra["working_environment_id"] = self.we["id"]

    def read(self):
        try:
            return policies.view(policies.find(self.client, self.we["id"], self.params["name"]))
        except NotFoundError:
            raise wes.missing(self.client, self.we["id"]) from None

    def desired(self, current):
        """The options the user set; None leaves a field as it is."""
        if self.params["state"] == "absent":
            return None
        archive = self.params["archive_after_days"]
        if archive not in (None, policies.NEVER):
            archive = str(as_int(archive))  # validated: "90.0" or " 90 " is sent as "90"
        return policies.desired(self.params["name"], self.params["rules"], archive, self.params["object_lock"])

    def check(self, current, desired, changes):
        name = self.params["name"]
        if desired is None:
            if current["attached_volumes_count"]:
                raise ConfigurationError("Policy {0!r} is used by {1} volume(s); give them another policy with "
                                         "bluexp.cloud_backup.volume_backup before deleting it."
                                         .format(name, current["attached_volumes_count"]), code="policy_in_use",
                                         attached_volumes_count=current["attached_volumes_count"])
            if not current["id"]:
                raise ConfigurationError("Policy {0!r} cannot be deleted: the API does not report policy IDs on this "
                                         "Connector.".format(name), code="not_supported")
        elif current is None:
            if desired["rules"] is None:
                raise ConfigurationError("rules: required to create policy {0!r}.".format(name), option="rules")
        elif "object_lock" in changes:
            raise ConfigurationError("object_lock: policy {0!r} has DataLock {1}; it is chosen when a policy is "
                                     "created and cannot be changed to {2}.".format(
                                         name, current["object_lock"], desired["object_lock"]),
                                     option="object_lock")
        elif current["object_lock"] != "NONE" and "archive_after_days" in changes:
            raise ConfigurationError("archive_after_days: policy {0!r} has DataLock {1}, and locked backups are not "
                                     "archived.".format(name, current["object_lock"]), option="archive_after_days")

    def predict(self, current, desired):
        new = {"name": desired["name"], "object_lock": "NONE", "attached_volumes_count": 0}
        return policies.view(dict(current or new, **{k: v for k, v in desired.items() if v is not None}))

    def create(self, desired):
        return policies.create(self.client, self.we["id"], desired["name"], desired["rules"],
                               desired["archive_after_days"], desired["object_lock"])

    def update(self, current, desired, changes):
        # The PUT replaces the whole policy: fields the user left out are sent as they are.
        archive = desired["archive_after_days"]
        if archive is None and current["archive_after_days"] is not None:
            archive = str(current["archive_after_days"])
        rules = desired["rules"] if desired["rules"] is not None else current["rules"]
        return policies.update(self.client, self.we["id"], desired["name"], rules, archive)

    def delete(self, current):
        return policies.delete(self.client, self.we["id"], current["id"])


def main():
    run_resource(create_module(ARGUMENT_SPEC, **WORKING_ENVIRONMENT_RULES), Policy)


if __name__ == "__main__":
    main()
