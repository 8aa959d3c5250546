#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: cloud_info
short_description: Cloud accounts, regions, keys and networks BlueXP sees for backup targets
version_added: 0.1.0
description:
  - Returns the AWS, Azure and Google Cloud resources that BlueXP backup and recovery can use as, or for,
    a backup target, as the Connector sees them with its cloud credentials. Use it to choose the values of
    M(bluexp.cloud_backup.backup_activation) (account, region, KMS key, private endpoint, key vault...).
  - Each subset in O(gather_subset) costs one API call. The options a subset needs are checked before the
    first call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  gather_subset:
    description:
      - What to return, each under the same key in RV(cloud).
      - V(aws_accounts), V(aws_regions) (subscribed regions), V(aws_archive_storage_classes),
        V(azure_subscriptions) and V(gcp_projects) need no other option.
      - V(aws_kms_keys) and V(aws_private_links) need O(aws_account_id) and O(aws_region).
      - V(azure_regions), V(azure_resource_groups), V(azure_vaults) and V(azure_vnets) need
        O(azure_subscription); V(azure_vault_keys) also O(azure_vault).
      - V(gcp_regions) needs O(gcp_project); V(gcp_key_rings) also O(gcp_region); V(gcp_crypto_keys) also
        O(gcp_key_ring).
    type: list
    elements: str
    choices: [aws_accounts, aws_regions, aws_archive_storage_classes, aws_kms_keys, aws_private_links,
              azure_subscriptions, azure_regions, azure_resource_groups, azure_vaults, azure_vault_keys,
              azure_vnets, gcp_projects, gcp_regions, gcp_key_rings, gcp_crypto_keys]
    default: [aws_accounts, azure_subscriptions, gcp_projects]
  aws_account_id:
    description: AWS account ID (12 digits).
    type: str
  aws_region:
    description: AWS region code, for example V(us-east-1).
    type: str
  azure_subscription:
    description: Azure subscription ID.
    type: str
  azure_region:
    description: Only return resource groups and virtual networks of this Azure region, for example V(eastus2).
    type: str
  azure_vault:
    description: Name of an Azure key vault.
    type: str
  gcp_project:
    description: Google Cloud project ID.
    type: str
  gcp_region:
    description: Google Cloud location, for example V(us-east1).
    type: str
  gcp_key_ring:
    description: Cloud KMS key ring, by name or by full resource name (C(projects/P/locations/L/keyRings/NAME)).
    type: str
seealso:
  - module: bluexp.cloud_backup.backup_activation
  - module: bluexp.cloud_backup.azure_resource_group
"""

EXAMPLES = r"""
---
- name: Where could this cluster back up to on AWS?
  bluexp.cloud_backup.cloud_info:
    gather_subset: [aws_accounts, aws_regions, aws_archive_storage_classes]
  register: aws

- name: Customer-managed keys and private endpoints of one account and region
  bluexp.cloud_backup.cloud_info:
    gather_subset: [aws_kms_keys, aws_private_links]
    aws_account_id: "123456789012"
    aws_region: eu-west-1
  register: aws_eu

- name: Activate with the first customer-managed key
  bluexp.cloud_backup.backup_activation:
    working_environment_name: cvo-eu
    provider: AWS
    region: eu-west-1
    aws:
      account_id: "123456789012"
      kms_key_id: "{{ aws_eu.cloud.aws_kms_keys[0].id }}"

- name: Key vaults and their keys in an Azure subscription
  bluexp.cloud_backup.cloud_info:
    gather_subset: [azure_vaults, azure_vault_keys]
    azure_subscription: 6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f
    azure_vault: backup-keys
"""

RETURN = r"""
cloud:
  description: One key per asked subset, each a list as the API returns it, keys in snake_case.
  returned: always
  type: dict
  sample:
    aws_kms_keys: [{name: alias/netapp-backup, id: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d, origin: AWS_KMS}]
    aws_private_links:
      - {vpc_name: backup-vpc, vpc_id: vpc-0a1b2c3d4e5f60718, private_endpoint_id: vpce-0123456789abcdef0,
         private_endpoint_name: s3-endpoint}
  contains:
    aws_accounts:
      description: AWS account IDs.
      type: list
      elements: str
      returned: when asked for
      sample: ["123456789012"]
    aws_regions:
      description: Subscribed AWS regions, C(name) and C(code).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: US East (N. Virginia), code: us-east-1}]
    aws_archive_storage_classes:
      description: Storage classes for archived backups.
      type: list
      elements: str
      returned: when asked for
      sample: [GLACIER, DEEP_ARCHIVE]
    aws_kms_keys:
      description: KMS keys (C(name), C(id), C(origin)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: alias/netapp-backup, id: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d, origin: AWS_KMS}]
      contains:
        name:
          description: Alias of the key.
          type: str
          sample: alias/netapp-backup
        id:
          description: Key ID, the C(kms_key_id) of backup activation.
          type: str
          sample: 1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d
        origin:
          description: Where the key material comes from, as AWS reports it.
          type: str
          sample: AWS_KMS
    aws_private_links:
      description: Private endpoints (C(vpc_name), C(vpc_id), C(private_endpoint_id), C(private_endpoint_name)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{vpc_name: backup-vpc, vpc_id: vpc-0a1b2c3d4e5f60718, private_endpoint_id: vpce-0123456789abcdef0, private_endpoint_name: s3-endpoint}]
    azure_subscriptions:
      description: Subscriptions (C(name), C(id)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: Backup Production, id: 6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f}]
    azure_regions:
      description: Regions (C(name), C(code)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: East US 2, code: eastus2}]
    azure_resource_groups:
      description: Resource groups (C(name), C(id), C(region)).
      type: list
      elements: dict
      returned: when asked for
      sample:
        - name: rg-netapp-backup-eastus2
          region: eastus2
          id: /subscriptions/6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f/resourceGroups/rg-netapp-backup-eastus2
    azure_vaults:
      description: Key vaults (C(name), C(id), C(region)).
      type: list
      elements: dict
      returned: when asked for
      sample:
        - name: kv-backup
          region: eastus2
          id: /subscriptions/6c1a4a9e-2f3b-4d5c-8e7f-9a0b1c2d3e4f/resourceGroups/rg-keys/providers/Microsoft.KeyVault/vaults/kv-backup
    azure_vault_keys:
      description: Keys of O(azure_vault) (C(name), C(id)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: backup-key, id: https://kv-backup.vault.azure.net/keys/backup-key}]
    azure_vnets:
      description: Virtual networks (C(name), C(id), C(region), C(subnet)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: vnet-backup, region: eastus2, id: vnet-backup-id, subnet: [{name: default, id: subnet-id}]}]
    gcp_projects:
      description: Projects (C(name), C(id)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: Backup, id: proj-backup-1}]
    gcp_regions:
      description: Regions (C(name), C(code)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: South Carolina, code: us-east1}]
    gcp_key_rings:
      description: Key rings (C(id), C(name)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: ring-1, id: projects/proj-backup-1/locations/us-east1/keyRings/ring-1}]
    gcp_crypto_keys:
      description: Crypto keys of O(gcp_key_ring) (C(id), C(name)).
      type: list
      elements: dict
      returned: when asked for
      sample: [{name: backup-key, id: projects/proj-backup-1/locations/us-east1/keyRings/ring-1/cryptoKeys/backup-key}]
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(invalid_option) when an option a subset needs is
      missing or malformed (the message names it), V(not_found) when the API does not know a subscription,
      project, account, vault or key ring given, V(api_error), V(auth_failed), V(transport_error), V(unexpected_answer).
  returned: failure
  type: str
  sample: invalid_option
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud

ARGUMENT_SPEC = dict(
    gather_subset=dict(type="list", elements="str", choices=list(cloud.SUBSETS),
                       default=list(cloud.DEFAULT_SUBSETS)),
    aws_account_id=dict(type="str"),
    aws_region=dict(type="str"),
    azure_subscription=dict(type="str"),
    azure_region=dict(type="str"),
    azure_vault=dict(type="str"),
    gcp_project=dict(type="str"),
    gcp_region=dict(type="str"),
    gcp_key_ring=dict(type="str", no_log=False),
)


def gather(client, params):
    subsets = list(dict.fromkeys(params["gather_subset"]))
    values = cloud.normalise(params)
    cloud.validate(subsets, values)
    answers = map_concurrently(lambda subset: cloud.gather(client, subset, values), subsets)
    return dict(zip(subsets, answers))


def main():
    module = create_module(ARGUMENT_SPEC)
    try:
        result = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, cloud=result)


if __name__ == "__main__":
    main()
