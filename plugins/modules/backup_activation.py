#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_activation
short_description: Activate, adjust or unregister BlueXP backup and recovery on a working environment
version_added: 0.1.0
description:
  - With O(state=present), activates backup and recovery on a working environment when it is not active,
    with the object store of the chosen provider (AWS, Azure, Google Cloud, StorageGRID or ONTAP S3) and a
    backup policy. When it is active, changes what can be changed afterwards (policy, IP space, transfer
    rate, automatic backup of new volumes, archive storage class) and fails, naming the option, for what
    can only be chosen at activation (provider, bucket, region, DataLock).
  - With O(state=absent), unregisters the working environment. That needs its backups deleted first, which
    the module only does with O(delete_backups=true); otherwise it fails listing the volumes that have backups.
  - Secrets of the provider blocks are sent at activation only. They cannot be read back, so they are never
    compared and never cause a change on an active working environment.
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
  state:
    description:
      - V(present) activates, or adjusts an active working environment; V(absent) unregisters it.
    type: str
    choices: [present, absent]
    default: present
  provider:
    description:
      - Object store provider. Required to activate.
    type: str
    choices: [AWS, AZURE, GCP, SGWS, ONTAP_S3]
  region:
    description:
      - Region of the object store.
    type: str
  bucket:
    description:
      - Bucket (or container) for the backups. BlueXP creates one when not given.
    type: str
  ip_space:
    description:
      - ONTAP IP space whose intercluster LIFs reach the object store.
    type: str
  aws:
    description:
      - Settings of provider V(AWS).
    type: dict
    suboptions:
      account_id:
        description: AWS account ID.
        type: str
      access_key:
        description: Access key, when BlueXP should not use the Connector's role.
        type: str
      secret_password:
        description: Secret key of O(aws.access_key).
        type: str
      kms_key_id:
        description: Customer-managed KMS key for encryption.
        type: str
      private_endpoint_id:
        description: ID of a VPC endpoint to reach S3 privately.
        type: str
  azure:
    description:
      - Settings of provider V(AZURE).
    type: dict
    suboptions:
      subscription:
        description: Azure subscription ID.
        type: str
      resource_group:
        description: Resource group of the storage account.
        type: str
      storage_account:
        description: Storage account name.
        type: str
      private_endpoint_subnet:
        description: Subnet for a private endpoint.
        type: str
      key_vault_id:
        description: Key vault holding a customer-managed key.
        type: str
      key_name:
        description: Name of that key.
        type: str
  gcp:
    description:
      - Settings of provider V(GCP).
    type: dict
    suboptions:
      project_id:
        description: Google Cloud project ID.
        type: str
      access_key:
        description: HMAC access key of a service account.
        type: str
      secret_password:
        description: HMAC secret of O(gcp.access_key).
        type: str
      key_ring_id:
        description: Cloud KMS key ring for a customer-managed key.
        type: str
      crypto_key_id:
        description: Cloud KMS crypto key.
        type: str
  sgws:
    description:
      - Settings of provider V(SGWS) (StorageGRID).
    type: dict
    suboptions:
      storage_grid_id:
        description:
          - ID of the StorageGRID in BlueXP. Found from O(sgws.storage_server) when not given.
        type: str
      storage_server:
        description:
          - C(fqdn:port) of the grid's S3 endpoint, as RV(bluexp.cloud_backup.storagegrid#module:storagegrid.storage_server)
            returns it. Required to activate with V(SGWS).
          - The grid must be discovered in BlueXP (see M(bluexp.cloud_backup.storagegrid)); the module checks
            that before activating, also in check mode.
        type: str
      access_key:
        description: S3 access key.
        type: str
      secret_password:
        description: S3 secret key.
        type: str
  ontap_s3:
    description:
      - Settings of provider V(ONTAP_S3).
    type: dict
    suboptions:
      storage_server:
        description: C(fqdn:port) of the ONTAP S3 server. Required to activate with V(ONTAP_S3).
        type: str
      access_key:
        description: S3 access key.
        type: str
      secret_password:
        description: S3 secret key.
        type: str
  policy:
    description:
      - Default backup policy of the working environment. An existing policy is used by its name alone;
        with O(policy.rules), a policy of that name is created with these rules when it does not exist.
    type: dict
    suboptions:
      name:
        description: Policy name.
        type: str
        required: true
      rules:
        description: Rules of a new policy.
        type: list
        elements: dict
        suboptions:
          label:
            description: SnapMirror label.
            type: str
            required: true
          retention:
            description: Backups to keep with this label.
            type: int
            required: true
      archive_after_days:
        description: Archive backups after this many days.
        type: int
      object_lock:
        description:
          - DataLock and ransomware protection, chosen at activation only. V(GOVERNANCE) or V(COMPLIANCE)
            on AWS and StorageGRID, V(LOCKED) or V(UNLOCKED) on Azure; not available on Google Cloud and
            ONTAP S3. Needs ONTAP 9.11.1 or later.
          - Cannot be combined with O(policy.archive_after_days).
        type: str
        choices: [NONE, GOVERNANCE, COMPLIANCE, LOCKED, UNLOCKED]
  auto_backup_enabled:
    description:
      - Back up every existing volume, and new volumes as they appear.
    type: bool
  max_transfer_rate:
    description:
      - Upload limit per ONTAP node in kilobytes per second; V(0) means unlimited.
    type: int
  export_existing_snapshots:
    description:
      - Also copy the volumes' existing Snapshot copies to the object store.
    type: bool
  archive_storage_class:
    description:
      - Archive storage class (AWS only).
    type: str
    choices: [GLACIER, DEEP_ARCHIVE]
  delete_backups:
    description:
      - With O(state=absent), delete every backup of the working environment before unregistering it.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.backup_policy
  - module: bluexp.cloud_backup.volume_backup
"""

EXAMPLES = r"""
---
- name: Activate backup to Azure with a daily/weekly policy
  bluexp.cloud_backup.backup_activation:
    working_environment_name: prod-azure-1
    provider: AZURE
    region: eastus2
    azure:
      subscription: 3beb4dd0-25d4-464f-9bb0-303d7cf5c0c2
      resource_group: rg-backup
    ip_space: Default
    policy:
      name: gold
      rules:
        - {label: daily, retention: 30}
        - {label: weekly, retention: 52}
    auto_backup_enabled: true

- name: Throttle uploads on an active working environment
  bluexp.cloud_backup.backup_activation:
    working_environment_name: prod-azure-1
    max_transfer_rate: 200

- name: Unregister, deleting every backup (explicitly)
  bluexp.cloud_backup.backup_activation:
    working_environment_name: decommissioned-1
    state: absent
    delete_backups: true
"""

RETURN = r"""
activation:
  description: The backup settings after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    active:
      description: Whether backup and recovery is active.
      type: bool
    provider:
      description: Object store provider.
      type: str
    bucket:
      description: Bucket or container.
      type: str
    region:
      description: Region of the object store.
      type: str
    policy:
      description: Default policy (name, rules, archive_after_days).
      type: dict
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
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job

_SECRET = dict(type="str", no_log=True)
ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    provider=dict(type="str", choices=list(act.PROVIDERS)),
    region=dict(type="str"),
    bucket=dict(type="str"),
    ip_space=dict(type="str"),
    aws=dict(type="dict", options=dict(account_id=dict(type="str"), access_key=dict(type="str", no_log=False),
                                       secret_password=_SECRET, kms_key_id=dict(type="str"),
                                       private_endpoint_id=dict(type="str"))),
    azure=dict(type="dict", options=dict(subscription=dict(type="str"), resource_group=dict(type="str"),
                                         storage_account=dict(type="str"), private_endpoint_subnet=dict(type="str"),
                                         key_vault_id=dict(type="str"), key_name=dict(type="str", no_log=False))),
    gcp=dict(type="dict", options=dict(project_id=dict(type="str"), access_key=dict(type="str", no_log=False),
                                       secret_password=_SECRET, key_ring_id=dict(type="str"),
                                       crypto_key_id=dict(type="str", no_log=False))),
    sgws=dict(type="dict", options=dict(storage_grid_id=dict(type="str"), storage_server=dict(type="str"),
                                        access_key=dict(type="str", no_log=False), secret_password=_SECRET)),
    ontap_s3=dict(type="dict", options=dict(storage_server=dict(type="str"), access_key=dict(type="str", no_log=False),
                                            secret_password=_SECRET)),
    policy=dict(type="dict", options=dict(
        name=dict(type="str", required=True),
        rules=dict(type="list", elements="dict", options=dict(
            label=dict(type="str", required=True),
            retention=dict(type="int", required=True),
        )),
        archive_after_days=dict(type="int"),
        object_lock=dict(type="str", choices=["NONE", "GOVERNANCE", "COMPLIANCE", "LOCKED", "UNLOCKED"]),
    )),
    auto_backup_enabled=dict(type="bool"),
    max_transfer_rate=dict(type="int"),
    export_existing_snapshots=dict(type="bool"),
    archive_storage_class=dict(type="str", choices=["GLACIER", "DEEP_ARCHIVE"]),
    delete_backups=dict(type="bool", default=False),
)


def predicted_activation(params):
    policy = params["policy"] or {}
    return {"active": True, "provider": params["provider"], "bucket": params["bucket"], "region": params["region"],
            "object_lock": policy.get("object_lock") or "NONE", "ip_space": params["ip_space"],
            "max_transfer_rate": params["max_transfer_rate"], "auto_backup_enabled": params["auto_backup_enabled"],
            "archive_storage_class": params["archive_storage_class"],
            "export_existing_snapshots": params["export_existing_snapshots"],
            "policy": {"name": policy.get("name"), "rules": normalise_rules(policy.get("rules")),
                       "archive_after_days": policy.get("archive_after_days")}}


def fixed_conflicts(current, params):
    """Options that differ from what activation chose and cannot change now."""
    wanted = {"provider": params["provider"], "bucket": params["bucket"], "region": params["region"],
              "object_lock": (params["policy"] or {}).get("object_lock")}
    return {k: (current.get(k), v) for k, v in wanted.items() if v is not None and current.get(k) != v}


def ensure_present(client, we, params, outcome):
    current = outcome.before
    if not current["active"]:
        if not params["provider"]:
            raise ConfigurationError("provider: required to activate backup and recovery on {0}.".format(
                we.get("name")), option="provider")
        act.check_on_premises_target(params)
        if params["provider"] == "SGWS":
            params = act.with_storagegrid(client, params)
        outcome.changed = True
        outcome.after = predicted_activation(params)
        if not outcome.check_mode:
            outcome.extra["jobs"] = [follow_job(client, act.activate(client, we["id"], params), params)]
            outcome.after = act.view(act.get(client, we["id"])) if params["wait"] else outcome.after
        return
    conflicts = fixed_conflicts(current, params)
    if conflicts:
        option = sorted(conflicts)[0]
        raise ConfigurationError("{0}: backup is active on {1} with {0}={2!r}; it is chosen at activation and "
                                 "cannot become {3!r}. Unregister (state=absent) to choose again.".format(
                                     option if option != "object_lock" else "policy.object_lock", we.get("name"),
                                     conflicts[option][0], conflicts[option][1]),
                                 option=option, conflicts={k: list(v) for k, v in conflicts.items()})
    if params["archive_storage_class"] and current.get("provider") != "AWS":
        raise ConfigurationError("archive_storage_class: only for provider AWS; {0} backs up to {1}.".format(
            we.get("name"), current.get("provider")), option="archive_storage_class")
    changes = {k: params[k] for k in act.MODIFIABLE if params[k] is not None and params[k] != current.get(k)}
    policy = params["policy"]
    policy_changes = policy if policy and policy["name"] != (current["policy"] or {}).get("name") else None
    if not changes and not policy_changes:
        outcome.after = current
        return
    outcome.changed = True
    outcome.after = dict(current, **changes)
    if policy_changes:
        outcome.after["policy"] = {"name": policy["name"], "rules": normalise_rules(policy.get("rules")),
                                   "archive_after_days": policy.get("archive_after_days")}
    if not outcome.check_mode:
        outcome.extra["jobs"] = [follow_job(client, act.modify(client, we["id"], changes, policy_changes), params)]
        if params["wait"]:
            outcome.after = act.view(act.get(client, we["id"]))


def ensure_absent(client, we, params, outcome):
    outcome.after = {"active": False}
    if not outcome.before["active"]:
        return
    with_backups = [v.get("name") for v in vols.list_backup_volumes(client, we["id"])
                    if vols.protection_of(v)["backups"]]
    if with_backups and not params["delete_backups"]:
        raise ConfigurationError("{0} has backups of volume(s) {1}; nothing was changed. Set delete_backups=true "
                                 "to delete them and unregister.".format(we.get("name"), ", ".join(with_backups)),
                                 volumes_with_backups=with_backups)
    outcome.changed = True
    if outcome.check_mode:
        return
    jobs = []
    if with_backups:
        # Unregistering needs the deletion finished, whatever `wait` says about the last job.
        jobs.append(follow_job(client, act.delete_all_backups(client, we["id"]), dict(params, wait=True)))
    jobs.append(follow_job(client, act.unregister(client, we["id"]), params))
    outcome.extra["jobs"] = [j for j in jobs if j]


def run(client, params, outcome):
    act.validate(params)
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    outcome.before = act.view(act.get(client, we["id"]))
    if params["state"] == "present":
        ensure_present(client, we, params, outcome)
    else:
        ensure_absent(client, we, params, outcome)


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES)
    outcome = Outcome(module, "activation")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
