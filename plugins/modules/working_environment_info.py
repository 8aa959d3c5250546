#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: working_environment_info
short_description: List BlueXP working environments with their backup status
version_added: 0.1.0
description:
  - Lists the working environments (Cloud Volumes ONTAP and on-premises ONTAP clusters) of a BlueXP
    account with their backup and recovery status.
  - Optionally adds, per working environment, its volumes (with each volume's backup settings), storage
    VMs, IP spaces and ONTAP backup policies. Details that are not asked for cost no API call.
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
      - IDs of the working environments to return, for example C(VsaWorkingEnvironment-99hPYEgk).
      - Each ID must exist; the module fails naming the IDs that do not, unless O(ignore_missing=true).
      - One ID is read on its own; several are picked from one listing of the account (one call whatever their number).
    type: list
    elements: str
    aliases: [working_environment_id, id, ids]
  working_environment_name:
    description:
      - Exact name of the one working environment to return, as the collection's other modules take it, so that
        one C(module_defaults) entry of the action group names the working environment for all of them.
      - The module fails, listing the IDs, when several working environments have that name, and lists close
        names when none has it (O(ignore_missing) applies to IDs only).
      - Mutually exclusive with O(working_environment_ids), O(names) and O(fleet).
    type: str
  fleet:
    description:
      - Read several accounts and Connectors (Console agents) in one run, side by side over one connection pool
        and with one token. One entry per account and Connector with the IDs of its working environments, as the
        P(bluexp.cloud_backup.fleet_groups#filter) filter makes them from a play's inventory hosts.
      - A working environment is served only through its own Connector, so each entry is read through its own.
        An entry without C(account_id) or C(connector_id) uses the module's own (options or discovery).
      - Each returned working environment then also has C(account_id) and C(connector_id).
      - An empty list returns nothing (it does not mean "all").
    type: list
    elements: dict
    suboptions:
      account_id:
        description: The account of these working environments.
        type: str
      connector_id:
        description: The Connector that serves them.
        type: str
      working_environment_ids:
        description: Their IDs.
        type: list
        elements: str
        required: true
  ignore_missing:
    description:
      - Return the working environments of O(working_environment_ids) that exist and list the others in
        RV(missing_working_environment_ids), instead of failing.
      - For a fleet-wide read on behalf of many hosts, where one host whose working environment is gone should fail
        alone (the C(bluexp.cloud_backup.protect) role reads the fleet this way).
    type: bool
    default: false
  names:
    description:
      - Names to return. Shell-style patterns such as C(prod-*) are allowed.
    type: list
    elements: str
    aliases: [name]
  providers:
    description:
      - Only return working environments of these providers, compared case-insensitively with the
        C(provider) the API reports (for example C(AWS), C(AZURE), C(GCP) or C(ONPREM)).
    type: list
    elements: str
    aliases: [provider]
  backup_status:
    description:
      - Include the backup and recovery configuration of each working environment under RV(working_environments[].backup).
      - One API call for the whole list, or one for a single working environment.
    type: bool
    default: true
  details:
    description:
      - Extra details to fetch for each returned working environment.
      - V(volumes) costs one call per working environment, two when backup is active on it.
        V(svms), V(ip_spaces) and V(backup_policies) cost one call each per working environment.
    type: list
    elements: str
    choices: [volumes, svms, ip_spaces, backup_policies]
    default: []
seealso:
  - module: bluexp.cloud_backup.job_info
  - name: BlueXP backup and recovery API reference
    description: The Working Environment and Backup categories.
    link: https://docs.netapp.com/us-en/bluexp-automation/cbs/overview.html
"""

EXAMPLES = r"""
---
- name: Get one access token for the whole play
  ansible.builtin.set_fact:
    bluexp_token: "{{ lookup('bluexp.cloud_backup.access_token') }}"
  no_log: true

- name: Query BlueXP with the connection set once
  module_defaults:
    group/bluexp.cloud_backup.cloud_backup:
      token: "{{ bluexp_token }}"
      account_id: account-DpTFcxN3
      connector_id: iZwFFeVCZjWnzGlw8RgD0QQNANZvpP7I
  block:
    - name: List every working environment with its backup status
      bluexp.cloud_backup.working_environment_info:
      register: fleet

    - name: Show the environments where backup is not active
      ansible.builtin.debug:
        msg: "{{ fleet.working_environments | rejectattr('backup.enabled') | map(attribute='name') | list }}"

    - name: Volumes and policies of the production clusters on AWS
      bluexp.cloud_backup.working_environment_info:
        names: ["prod-*"]
        providers: [AWS]
        details: [volumes, backup_policies]
      register: prod

    - name: Unprotected volumes of those clusters
      ansible.builtin.debug:
        msg: >-
          {{ prod.working_environments | map(attribute='volumes') | flatten
             | rejectattr('backup.protected') | map(attribute='name') | list }}

- name: One working environment for every module of the group
  module_defaults:
    group/bluexp.cloud_backup.cloud_backup:
      token: "{{ bluexp_token }}"
      working_environment_name: cvo-eu
  block:
    - name: Its backup status
      bluexp.cloud_backup.working_environment_info:
      register: cvo_eu

    - name: Index its backups when backup is active
      bluexp.cloud_backup.catalog:
        state: present
      when: cvo_eu.working_environments[0].backup.enabled
"""

RETURN = r"""
missing_working_environment_ids:
  description: The IDs of O(working_environment_ids) that no working environment has (or that the other filters left out).
  returned: when O(ignore_missing=true)
  type: list
  elements: str
  sample: [VsaWorkingEnvironment-gone1234]
working_environments:
  description: The matching working environments, in the order the API lists them. Always a list.
  returned: always
  type: list
  elements: dict
  sample:
    - id: VsaWorkingEnvironment-99hPYEgk
      name: prod-east-1
      provider: AWS
      region: us-east-1
      status: "ON"
      ontap_version: 9.13.1
      type: VSA
      cluster_uuid: 3f2b6c1e-0d4a-11ef-9a7c-005056a7b1c2
      provider_account_id: "123456789012"
      total_volumes_count: 12
      backup:
        enabled: true
        backup_enablement_status: "ON"
        provider: AWS
        bucket: netapp-backup-99hpyegk
        backed_up_volume_count: 9
        failed_backup_volume_count: 0
  contains:
    id:
      description: The working environment's public ID.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
    account_id:
      description: The account it was read through.
      returned: with O(fleet)
      type: str
      sample: account-NbrnTP3f
    connector_id:
      description: The Connector (Console agent) it was read through.
      returned: with O(fleet)
      type: str
      sample: 4rJp0VYQbq3mTkE5vcHZzHNkl8zEcgwQclients
    name:
      description: Its name.
      type: str
      sample: prod-east-1
    provider:
      description: Where it runs, as the API reports it.
      type: str
      sample: AWS
    region:
      description: Cloud region (empty for on-premises clusters).
      type: str
      sample: us-east-1
    status:
      description: Its status as the API reports it.
      type: str
      sample: "ON"
    ontap_version:
      description: ONTAP version.
      type: str
      sample: 9.13.1
    type:
      description: The kind of working environment.
      type: str
      sample: VSA
    cluster_uuid:
      description: UUID of the ONTAP cluster.
      type: str
      sample: 3f2b6c1e-0d4a-11ef-9a7c-005056a7b1c2
    provider_account_id:
      description: AWS account, Azure subscription or Google Cloud project ID.
      type: str
      sample: "123456789012"
    total_volumes_count:
      description: Number of volumes (an integer; the API sends a string).
      type: int
      sample: 12
    backup:
      description:
        - Backup and recovery configuration from C(GET /api/v1/backup/working-environment), keys in snake_case.
          Counters are integers.
        - Only present with O(backup_status=true).
      type: dict
      returned: when O(backup_status=true)
      sample:
        enabled: true
        backup_enablement_status: "ON"
        provider: AWS
        bucket: netapp-backup-99hpyegk
        backed_up_volume_count: 9
        failed_backup_volume_count: 0
        backup_policy: {name: 1 day, rule: [{label: daily, retention: "30"}]}
      contains:
        enabled:
          description: Whether backup and recovery is active (C(backup_enablement_status) is C(ON)).
          type: bool
          sample: true
        backup_enablement_status:
          description: The status as the API reports it; null when the API does not know the environment.
          type: str
          sample: "ON"
        provider:
          description: Object store provider.
          type: str
          sample: AWS
        bucket:
          description: Bucket or container of the backups.
          type: str
          sample: netapp-backup-99hpyegk
        backed_up_volume_count:
          description: Volumes with backups.
          type: int
          sample: 9
        failed_backup_volume_count:
          description: Volumes whose last backup failed.
          type: int
          sample: 0
        backup_policy:
          description: Default policy of the environment.
          type: dict
          sample:
            name: 1 day
            rule:
              - label: daily
                retention: "30"
    volumes:
      description:
        - ONTAP volumes (C(GET /api/v1/working-environment/{id}/volume)) with, under C(backup), the volume's
          backup settings (C(protected), C(backup_status), C(backup_policy), C(last_backup_creation_time), C(snapshot_count)).
      type: list
      elements: dict
      returned: when O(details) contains V(volumes)
      sample:
        - name: vol_finance
          file_system_id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
          svm: svm_prod
          backup:
            protected: true
            backup_status: "ON"
            snapshot_count: 14
      contains:
        name:
          description: Name of the volume.
          type: str
          sample: vol_finance
        file_system_id:
          description: The volume's ID, what other modules take as a volume.
          type: str
          sample: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
        svm:
          description: SVM of the volume.
          type: str
          sample: svm_prod
        backup:
          description:
            - The volume's backup settings, with the API's fields in snake_case.
            - C(protected) is false and C(backup_status) null for a volume without backup.
          type: dict
          sample: {protected: true, backup_status: "ON", snapshot_count: 14}
          contains:
            protected:
              description: Whether the volume is backed up.
              type: bool
              sample: true
            backup_status:
              description: Its backup status as the API reports it; null when it has no backup.
              type: str
              sample: "ON"
    svms:
      description: Storage VMs with their aggregates (C(GET /api/v2/working-environment/{id}/svm)).
      type: list
      elements: dict
      returned: when O(details) contains V(svms)
      sample:
        - id: 5d0e6a8c-4b1f-11ef-9c3a-005056a7b1c2
          name: svm_prod
          aggregates:
            - id: 8f1a2b3c-4b1f-11ef-9c3a-005056a7b1c2
              name: aggr1
              disktype: ssd
              is_tiered: false
    ip_spaces:
      description: IP spaces (C(GET /api/v1/working-environment/{id}/ip-space)).
      type: list
      elements: dict
      returned: when O(details) contains V(ip_spaces)
      sample:
        - id: 2b7c9d1e-4b1f-11ef-9c3a-005056a7b1c2
          name: Default
    backup_policies:
      description: ONTAP backup policies (C(GET /api/v1/working-environment/{id}/backup-policy)).
      type: list
      elements: dict
      returned: when O(details) contains V(backup_policies)
      sample:
        - name: 1 day
          rule:
            - label: daily
              retention: "30"
          attached_volumes_count: 4
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(working_environment_not_found) (no working environment with an ID of O(working_environment_ids)),
      V(invalid_option), V(api_error), V(not_found), V(auth_failed), V(transport_error), V(discovery_failed),
      V(unexpected_answer).
  returned: failure
  type: str
  sample: working_environment_not_found
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

ARGUMENT_SPEC = dict(
    working_environment_ids=dict(type="list", elements="str", aliases=["working_environment_id", "id", "ids"]),
    working_environment_name=dict(type="str"),
    names=dict(type="list", elements="str", aliases=["name"]),
    providers=dict(type="list", elements="str", aliases=["provider"]),
    backup_status=dict(type="bool", default=True),
    details=dict(type="list", elements="str", default=[], choices=list(wes.DETAILS)),
    ignore_missing=dict(type="bool", default=False),
    fleet=dict(type="list", elements="dict", options=dict(
        account_id=dict(type="str"),
        connector_id=dict(type="str"),
        working_environment_ids=dict(type="list", elements="str", required=True),
    )),
)


def chosen(client, params, we_ids):
    if params["working_environment_name"]:
        # One exact name, as the stateful modules resolve it: none or several fail.
        return wes.select([wes.resolve(client, None, params["working_environment_name"])], None, params["providers"])
    return wes.chosen(client, we_ids, params["names"], params["providers"], ignore_missing=params["ignore_missing"])


def gather(client, params, we_ids):
    records = chosen(client, params, we_ids)
    if params["backup_status"] and records:
        status = wes.backup_status_by_id(client, [r["id"] for r in records])
        for record in records:
            record["backup"] = status.get(record["id"], wes.not_activated())
    if params["details"]:
        details = map_concurrently(lambda record: wes.details_for(client, record, params["details"]), records)
        for record, extra in zip(records, details):
            record.update(extra)
    return records


def gather_fleet(client, params):
    """Every entry of `fleet` through its own account and Connector, side by side."""
    def one(entry):
        if not entry["working_environment_ids"]:
            return []
        scoped = client.scoped(entry["account_id"] or client.account_id, entry["connector_id"] or client.connector_id)
        records = gather(scoped, params, entry["working_environment_ids"])
        for record in records:
            record.update(account_id=scoped.account_id, connector_id=scoped.connector_id)
        return records

    return [record for records in map_concurrently(one, params["fleet"]) for record in records]


def main():
    module = create_module(ARGUMENT_SPEC, mutually_exclusive=[
        ("fleet", "working_environment_ids"), ("working_environment_name", "working_environment_ids"),
        ("working_environment_name", "names"), ("working_environment_name", "fleet")])
    params = module.params
    try:
        client = new_client(module)
        records = gather_fleet(client, params) if params["fleet"] is not None else \
            gather(client, params, params["working_environment_ids"])
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    asked = [we_id for entry in params["fleet"] or [] for we_id in entry["working_environment_ids"]] \
        if params["fleet"] is not None else params["working_environment_ids"] or []
    found = {record["id"] for record in records}
    missing = [we_id for we_id in dict.fromkeys(asked) if we_id not in found]
    module.exit_json(changed=False, working_environments=records,
                     **({"missing_working_environment_ids": missing} if params["ignore_missing"] else {}))


if __name__ == "__main__":
    main()
