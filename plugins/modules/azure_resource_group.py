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
    id:
      description: Azure resource ID; null in check mode before creation.
      type: str
    region:
      description: Region code.
      type: str
  sample: {name: rg-netapp-backup-eastus2, region: eastus2,
           id: /subscriptions/6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f/resourceGroups/rg-netapp-backup-eastus2}
state:
  description: The C(state) the API answered on creation.
  returned: when the group was created
  type: str
"""

import difflib
import re

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until

ARGUMENT_SPEC = dict(
    azure_subscription=dict(type="str", required=True),
    name=dict(type="str", required=True),
    region=dict(type="str", required=True),
    state=dict(type="str", choices=["present"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)
# Azure's rule for resource group names.
GROUP_NAME = re.compile(r"^[-\w().]{0,89}[-\w()]$")


def validate(params):
    cloud.validate(["azure_resource_groups"], params)
    if not GROUP_NAME.match(params["name"]):
        raise ConfigurationError("name: {0!r} is not an Azure resource group name (1-90 letters, digits, "
                                 "_ ( ) - . and not ending with a period).".format(params["name"]), option="name")


def find(groups, name):
    return next((g for g in groups if (g.get("name") or "").lower() == name.lower()), None)


def list_groups(client, params):
    return cloud.gather(client, "azure_resource_groups", dict(params, azure_region=None))


def check_region(client, params):
    regions = [r.get("code") or "" for r in cloud.gather(client, "azure_regions", params)]
    if params["region"].lower() not in [r.lower() for r in regions]:
        close = difflib.get_close_matches(params["region"], regions, n=5)
        raise ConfigurationError("region: {0!r} is not a region of subscription {1}{2}.".format(
            params["region"], params["azure_subscription"], "; close codes: " + ", ".join(close) if close else ""),
            option="region")


def run(client, params, outcome):
    validate(params)
    group = find(list_groups(client, params), params["name"])
    if group:
        if (group.get("region") or "").lower() != params["region"].lower():
            raise ConfigurationError("region: resource group {0} exists in region {1}; a resource group cannot move "
                                     "to {2}.".format(group.get("name"), group.get("region"), params["region"]),
                                     option="region")
        outcome.before = outcome.after = group
        return
    check_region(client, params)
    outcome.before = {}
    outcome.after = {"name": params["name"], "id": None, "region": params["region"]}
    outcome.changed = True
    if outcome.check_mode:
        return
    body = client.cbs("POST", "v1", "azure", "subscription", params["azure_subscription"], "resource-group",
                      body={"name": params["name"], "region": params["region"]})
    outcome.extra["state"] = (body or {}).get("state")
    if params["wait"]:
        outcome.after = wait_until(lambda: find(list_groups(client, params), params["name"]),
                                   params["wait_timeout"], "resource group {0} to be listed".format(params["name"]))


def main():
    module = create_module(ARGUMENT_SPEC)
    outcome = Outcome(module, "resource_group")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
