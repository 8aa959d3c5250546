#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: azure_resource_group
short_description: Create the Azure resource group that holds backups, through BlueXP
version_added: 0.1.0
description:
  - Makes sure an Azure resource group exists in a subscription, created through the Connector's Azure
    credentials (C(POST /api/v1/azure/subscription/{subscriptionId}/resource-group)), for example to hold the
    storage account of M(bluexp.cloud_backup.backup_activation) with O(bluexp.cloud_backup.backup_activation#module:provider=AZURE).
  - The group is looked up by name first (case-insensitively, as Azure names are), so a rerun reports no change
    and sends no write. A group of that name in another region is an error, since a group cannot move.
  - Only creation is offered; the API has no operation to delete a resource group.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  azure_subscription:
    description: Azure subscription ID (see M(bluexp.cloud_backup.cloud_info), V(azure_subscriptions)).
    type: str
    required: true
  name:
    description:
      - Name of the resource group, 1 to 90 letters, digits, and C(_ ( ) - .), not ending with a period.
    type: str
    required: true
  region:
    description:
      - Azure region code of the group, for example V(eastus2); one of the subscription's regions
        (checked before the group is created).
    type: str
    required: true
  state:
    description:
      - Only V(present); there is no API to delete a resource group.
    type: str
    choices: [present]
    default: present
  wait:
    description:
      - After creating the group, wait until the subscription lists it.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the group to be listed.
    type: int
    default: 300
seealso:
  - module: bluexp.cloud_backup.cloud_info
"""

EXAMPLES = r"""
---
- name: Resource group for the backup storage account
  bluexp.cloud_backup.azure_resource_group:
    azure_subscription: 6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f
    name: rg-netapp-backup-eastus2
    region: eastus2
"""

RETURN = r"""
resource_group:
  description: The resource group after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    name:
      description: Name, as Azure spells it.
      type: str
      sample: rg-netapp-backup-eastus2
    id:
      description: Azure resource ID; null in check mode before creation.
      type: str
      sample: /subscriptions/6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f/resourceGroups/rg-netapp-backup-eastus2
    region:
      description: Region code.
      type: str
      sample: eastus2
  sample: {name: rg-netapp-backup-eastus2, region: eastus2,
           id: /subscriptions/6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f/resourceGroups/rg-netapp-backup-eastus2}
state:
  description: The C(state) the API answered on creation.
  returned: when the group was created
  type: str
  sample: Succeeded
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(region_not_found) when O(region) is not a region of
      the subscription, V(region_mismatch) when a group of that name exists in another region (a group cannot
      move), V(invalid_option) for a malformed option (the message names it), V(job_timeout) when the group is
      not listed within O(wait_timeout), V(api_error), V(auth_failed), V(transport_error), V(write_not_resent),
      V(unexpected_answer).
  returned: failure
  type: str
  sample: region_not_found
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import SECONDS
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until

ARGUMENT_SPEC = dict(
    azure_subscription=dict(type="str", required=True),
    name=dict(type="str", required=True),
    region=dict(type="str", required=True),
    state=dict(type="str", choices=["present"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type=SECONDS, default=300),
)


class ResourceGroup(Resource):
    """An Azure resource group, found by name; created, never changed or deleted."""

    result_key = "resource_group"
    # Azure treats names and region codes case-insensitively.
    fields = (Field("name", option="name", compare="casefold"), Field("region", option="region", compare="casefold"))

    def validate(self):
        cloud.validate(["azure_resource_groups"], self.params)
        cloud.check_resource_group_name(self.params["name"])

    # The group as the wait after creating found it listed: the read after the write.
    listed = None

    def read(self):
        if self.listed is not None:
            return self.listed
        return cloud.resource_group(self.client, self.params["azure_subscription"], self.params["name"])

    def desired(self, current):
        return {"name": self.params["name"], "region": self.params["region"]}

    def check(self, current, desired, changes):
        if current is None:
            cloud.check_azure_region(self.client, self.params["azure_subscription"], desired["region"])
        elif "region" in changes:
            raise ConfigurationError("region: resource group {0} exists in region {1}; a resource group cannot move "
                                     "to {2}.".format(current.get("name"), current.get("region"), desired["region"]),
                                     option="region", code="region_mismatch")

    def predict(self, current, desired):
        return dict(desired, id=None)

    def create(self, desired):
        body = cloud.create_resource_group(self.client, self.params["azure_subscription"], desired["name"],
                                           desired["region"])
        self.extra["state"] = (body or {}).get("state")
        if self.params["wait"]:
            # The API answers before the group is listed.
            self.listed = wait_until(self.read, self.params["wait_timeout"],
                                     "resource group {0} to be listed".format(desired["name"]))
        else:
            # Not awaited: the prediction is the answer, as with a job that is not followed.
            self.waited = False
        return body


def main():
    run_resource(create_module(ARGUMENT_SPEC), ResourceGroup)


if __name__ == "__main__":
    main()
