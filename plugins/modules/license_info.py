#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: license_info
short_description: Whether backup and recovery is licensed for working environments, and until when
version_added: 0.1.0
description:
  - For each selected working environment, asks BlueXP whether backup and recovery is licensed for its
    object store (C(GET /api/v1/license/working-environment/{id})), and, where the Connector's API has it
    (4.x), which license that is (C(.../validity)). Reports the kind (BYOL, PAYGO marketplace subscription,
    free trial), the end of a free trial and the days left.
  - The object-store provider and cloud account asked about come from the working environment's backup
    activation or, for Cloud Volumes ONTAP, from its own cloud. An on-premises cluster without backup needs
    O(provider). Working environments whose provider is unknown are returned with RV(licenses[].type=unknown)
    and cost no call.
  - Working environments are queried side by side, a few at a time.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  working_environment_ids:
    description:
      - IDs of the working environments to check. Each must exist.
      - Without it and O(names), every working environment of the account is checked.
    type: list
    elements: str
    aliases: [working_environment_id]
  names:
    description:
      - Names of the working environments to check; shell-style patterns such as C(prod-*) are allowed.
    type: list
    elements: str
    aliases: [name]
  provider:
    description:
      - Object-store provider to ask about for every selected working environment, instead of the one its
        backup uses. For example V(SGWS) before activating an on-premises cluster with StorageGRID.
    type: str
    choices: [AWS, AZURE, GCP, SGWS]
  cloud_provider_account_id:
    description:
      - AWS account, Azure subscription or Google Cloud project to ask about, with O(provider). Not needed for V(SGWS).
    type: str
  validity:
    description:
      - Also ask which license covers each working environment (marketplace subscription, BYOL, SnapMirror);
        one more call per working environment. Skipped without error on Connectors whose API lacks it.
    type: bool
    default: true
  fail_if_invalid:
    description:
      - Fail when a checked working environment is not licensed or its free trial has ended, listing them.
        Working environments of RV(licenses[].type=unknown) do not fail the task.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.working_environment_info
"""

EXAMPLES = r"""
---
- name: Stop before protecting clusters that are not licensed
  bluexp.cloud_backup.license_info:
    names: ["prod-*"]
    fail_if_invalid: true

- name: Free trials that end within two weeks
  bluexp.cloud_backup.license_info:
  register: licenses

- name: Show them
  ansible.builtin.debug:
    msg: "{{ licenses.licenses | selectattr('type', '==', 'free_trial') | selectattr('days_left', '<', 14)
             | map(attribute='working_environment_name') | list }}"
"""

RETURN = r"""
licenses:
  description: One entry per checked working environment, in the order the API lists them.
  returned: always
  type: list
  elements: dict
  sample:
    - working_environment_id: VsaWorkingEnvironment-99hPYEgk
      working_environment_name: prod-east-1
      provider: AWS
      cloud_provider_account_id: "123456789012"
      type: free_trial
      eligible: true
      valid: true
      free_trial_end: "2026-12-20T00:00:00Z"
      days_left: 18
  contains:
    working_environment_id:
      description: ID of the working environment.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
    working_environment_name:
      description: Its name.
      type: str
      sample: prod-east-1
    provider:
      description: Object-store provider asked about; null when unknown.
      type: str
      sample: AWS
    cloud_provider_account_id:
      description: Cloud account asked about; null for StorageGRID or when unknown.
      type: str
      sample: "123456789012"
    type:
      description:
        - V(byol), V(paygo), V(free_trial), V(none) (not licensed); V(licensed) when eligible but the
          Connector cannot say which license; V(unknown) when no provider could be asked about.
      type: str
      sample: free_trial
    eligible:
      description: Whether the API reports backup and recovery as licensed.
      type: bool
      sample: true
    valid:
      description: Licensed and not past the end of a free trial.
      type: bool
      sample: true
    free_trial_end:
      description: End of the free trial, ISO 8601 UTC.
      type: str
      sample: "2026-12-20T00:00:00Z"
    days_left:
      description: Whole days left in the free trial; 0 once it has ended.
      type: int
      sample: 18
    validity:
      description: C(marketplace_subscription), C(cloud_backup_license) and C(snapmirror_license) flags, when asked for and available.
      type: dict
      sample:
        marketplace_subscription: false
        cloud_backup_license: false
        snapmirror_license: false
    reason:
      description: Why the license could not be asked about.
      type: str
      returned: when RV(licenses[].type=unknown)
      sample: "no AWS account is known for it: set cloud_provider_account_id"
invalid:
  description: Names of the checked working environments that are not validly licensed.
  returned: always
  type: list
  elements: str
  sample: [lab-onprem-2]
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(not_licensed) (O(fail_if_invalid=true) and a checked working environment is not validly licensed;
      RV(licenses) and RV(invalid) are returned), V(working_environment_not_found) (no working environment
      with an ID of O(working_environment_ids)), V(invalid_option), V(api_error), V(not_found), V(auth_failed),
      V(transport_error), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: not_licensed
"""

import time

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import licenses as lic
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

ARGUMENT_SPEC = dict(
    working_environment_ids=dict(type="list", elements="str", aliases=["working_environment_id"]),
    names=dict(type="list", elements="str", aliases=["name"]),
    provider=dict(type="str", choices=list(lic.LICENSE_PROVIDERS)),
    cloud_provider_account_id=dict(type="str"),
    validity=dict(type="bool", default=True),
    fail_if_invalid=dict(type="bool", default=False),
)


def check(client, params, we, backup, now_ms):
    provider, account, reason = lic.target_of(we, backup, params["provider"], params["cloud_provider_account_id"])
    entry = {"working_environment_id": we["id"], "working_environment_name": we.get("name"),
             "provider": provider, "cloud_provider_account_id": account}
    if reason:
        entry.update(type="unknown", eligible=None, valid=None, free_trial_end=None, days_left=None,
                     validity=None, reason=reason)
        return entry
    entry.update(lic.describe(lic.read(client, we["id"], provider, account, params["validity"]), now_ms))
    return entry


def gather(client, params):
    if params["cloud_provider_account_id"] and not params["provider"]:
        raise ConfigurationError("provider: required with cloud_provider_account_id.", option="provider")
    records = wes.chosen(client, params["working_environment_ids"], params["names"], None)
    backups = wes.backup_status_by_id(client, [r["id"] for r in records]) if records else {}
    now_ms = int(time.time() * 1000)
    return map_concurrently(lambda we: check(client, params, we, backups.get(we["id"]), now_ms), records)


def main():
    module = create_module(ARGUMENT_SPEC)
    try:
        licenses = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    invalid = [e["working_environment_name"] for e in licenses if e["valid"] is False]
    if invalid and module.params["fail_if_invalid"]:
        module.fail_json(msg="Backup and recovery is not validly licensed for {0} working environment(s): {1}."
                         .format(len(invalid), ", ".join(invalid)), error_code="not_licensed",
                         licenses=licenses, invalid=invalid)
    module.exit_json(changed=False, licenses=licenses, invalid=invalid)


if __name__ == "__main__":
    main()
