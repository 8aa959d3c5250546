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
notes:
  - The work is started once. Before it sends its request, the task looks for a job already running in BlueXP
    on the working environment that does the same kind of change (activation, change of the settings, deletion
    of the backups and unregistration), started by an earlier run that did not see it end (O(wait=false),
    O(wait_timeout), a lost answer). With O(wait) it follows that job to its end, reads the settings again and
    sends only what is still needed; without O(wait), and in check mode, it reports that job
    (RV(already_running), RV(jobs)) with no change and sends nothing.
  - What activation needs is checked before anything is sent, also in check mode, and the failure names the
    option. A message of the API that names a field of the request shows the option it comes from beside it.
  - A task that fails once a request was sent reports C(changed=true), and its message says whether the work
    goes on in BlueXP and how to follow it.
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
        description:
          - AWS account ID. Required to activate with V(AWS); for Cloud Volumes ONTAP on AWS it is taken from
            the working environment when not given.
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
        description:
          - Azure subscription ID. Required to activate with V(AZURE); for Cloud Volumes ONTAP on Azure it is
            taken from the working environment when not given.
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
        description:
          - Google Cloud project ID. Required to activate with V(GCP); for Cloud Volumes ONTAP on Google Cloud
            it is taken from the working environment when not given.
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
      - A policy named alone must exist; the task checks that before it sends anything, also in check mode.
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
  description:
    - The backup settings after the task, read again once its job ended (predicted in check mode, and
      without O(wait)). Only RV(activation.active) when backup and recovery is not active.
  returned: always
  type: dict
  contains:
    active:
      description: Whether backup and recovery is active.
      type: bool
      sample: true
    provider:
      description: Object store provider.
      type: str
      sample: AZURE
    bucket:
      description: Bucket or container.
      type: str
      sample: netapp-backup-4c5d6e7f
    region:
      description: Region of the object store.
      type: str
      sample: eastus2
    object_lock:
      description: DataLock mode chosen at activation, V(NONE) without DataLock.
      type: str
      sample: NONE
    ip_space:
      description: ONTAP IP space used to reach the object store.
      type: str
      sample: Default
    max_transfer_rate:
      description: Upload limit per node in kilobytes per second; V(0) means unlimited.
      type: int
      sample: 200
    auto_backup_enabled:
      description: Whether new volumes are backed up automatically.
      type: bool
      sample: true
    archive_storage_class:
      description: Archive storage class (AWS only).
      type: str
      sample: GLACIER
    export_existing_snapshots:
      description: Whether existing Snapshot copies are copied to the object store.
      type: bool
      sample: false
    policy:
      description: Default policy (name, rules, archive_after_days).
      type: dict
      sample: {name: gold, rules: [{label: daily, retention: 30}, {label: weekly, retention: 52}],
               archive_after_days: null}
  sample: {active: true, provider: AZURE, bucket: netapp-backup-4c5d6e7f, region: eastus2, object_lock: NONE,
           ip_space: Default, max_transfer_rate: 0, auto_backup_enabled: true, archive_storage_class: null,
           export_existing_snapshots: false, policy: {name: gold, rules: [{label: daily, retention: 30}],
           archive_after_days: null}}
jobs:
  description:
    - The jobs the task started (deleting the backups, then unregistering, are two).
    - The jobs found already running instead (see RV(already_running)), with their status then (C(PENDING) or
      C(IN_PROGRESS)) or at their end when the task followed them.
  returned: when a write started a job, or a job was found running
  type: list
  elements: dict
  sample: [{id: 3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7, status: COMPLETED, type: backup-working-environment}]
already_running:
  description:
    - True when the work was found already running in BlueXP (RV(jobs)) and was not started again; the task
      then reports no change, and its message says how to follow it.
  returned: when a job was found running
  type: bool
  sample: true
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
  sample: VsaWorkingEnvironment-99hPYEgk
volumes_with_backups:
  description: Volumes that still have backups, when O(state=absent) is refused without O(delete_backups).
  returned: failure
  type: list
  elements: str
  sample: [vol_finance, vol_hr]
conflicts:
  description: Settings chosen at activation that the options ask to change, as [current, asked for].
  returned: failure
  type: dict
  sample: {provider: [AWS, AZURE]}
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(has_backups) when O(state=absent) finds backups
      and O(delete_backups) is not set (see RV(volumes_with_backups)); V(invalid_option) for options that do not
      go together, O(provider) missing to activate, an undiscovered StorageGRID, a setting chosen at activation
      asked to change (see RV(conflicts)), or what the activation needs and the options do not give (the cloud
      account, the S3 keys, region and IP space of an on-premises cluster, a policy named alone that does not
      exist, O(archive_storage_class) for a policy that archives on AWS), found before anything is sent;
      V(working_environment_not_found); V(job_failed) and V(job_timeout) for the activation, change, deletion or
      unregistration job; V(api_error), V(not_found), V(auth_failed), V(transport_error), V(write_not_resent), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: has_backups
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    INT,
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field, normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import jobs
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource

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
            retention=dict(type=INT, required=True),
        )),
        archive_after_days=dict(type=INT),
        object_lock=dict(type="str", choices=["NONE", "GOVERNANCE", "COMPLIANCE", "LOCKED", "UNLOCKED"]),
    )),
    auto_backup_enabled=dict(type="bool"),
    max_transfer_rate=dict(type=INT),
    export_existing_snapshots=dict(type="bool"),
    archive_storage_class=dict(type="str", choices=["GLACIER", "DEEP_ARCHIVE"]),
    delete_backups=dict(type="bool", default=False),
)


def policy_view(policy):
    """The policy part of the view, as the options ask for it."""
    return {"name": policy.get("name"), "rules": normalise_rules(policy.get("rules")),
            "archive_after_days": policy.get("archive_after_days")}


def predicted_activation(params):
    policy = params["policy"] or {}
    return {"active": True, "provider": params["provider"], "bucket": params["bucket"], "region": params["region"],
            "object_lock": policy.get("object_lock") or "NONE", "ip_space": params["ip_space"],
            "max_transfer_rate": params["max_transfer_rate"], "auto_backup_enabled": params["auto_backup_enabled"],
            "archive_storage_class": params["archive_storage_class"],
            "export_existing_snapshots": params["export_existing_snapshots"],
            "policy": policy_view(policy)}


def fixed_conflicts(current, params):
    """Options that differ from what activation chose and cannot change now."""
    wanted = {"provider": params["provider"], "bucket": params["bucket"], "region": params["region"],
              "object_lock": (params["policy"] or {}).get("object_lock")}
    return {k: (current.get(k), v) for k, v in wanted.items() if v is not None and current.get(k) != v}


class Activation(Resource):
    """The backup settings of a working environment: always there, active or not.

    Activating, changing and unregistering are all changes of this one view, so all three run
    through `update`; what can change once active is compared through the field table.
    """

    result_key = "activation"
    # A policy is compared by name: an existing policy is used by its name alone, and rules given
    # for a policy of that name only matter when it is created.
    fields = (Field("active", option="state"),) + act.MODIFIABLE_FIELDS + (
        Field("policy", option="policy", compare=lambda policy: policy.get("name")),)

    def validate(self):
        act.validate(self.params)

    def locate(self):
        self.we = wes.resolve(self.client, self.params["working_environment_id"],
                              self.params["working_environment_name"])
        self.extra["working_environment_id"] = self.we["id"]

    def read(self):
        return act.view(act.get(self.client, self.we["id"]))

    def desired(self, current):
        params = self.params
        if params["state"] == "absent":
            return {"active": False}
        if not current["active"]:
            if not params["provider"]:
                raise ConfigurationError("provider: required to activate backup and recovery on {0}.".format(
                    self.we.get("name")), option="provider")
            act.check_on_premises_target(params)
            params = act.for_environment(params, self.we)
            if params["provider"] == "SGWS":
                # The grid must be discovered: checked before activating (and in check mode), since the API
                # only says so after the job started.
                params = act.with_storagegrid(self.client, params)
            self.activation_params = params
            return predicted_activation(params)
        conflicts = fixed_conflicts(current, params)
        if conflicts:
            option = sorted(conflicts)[0]
            raise ConfigurationError("{0}: backup is active on {1} with {0}={2!r}; it is chosen at activation and "
                                     "cannot become {3!r}. Unregister (state=absent) to choose again.".format(
                                         option if option != "object_lock" else "policy.object_lock",
                                         self.we.get("name"), conflicts[option][0], conflicts[option][1]),
                                     option=option, conflicts={k: list(v) for k, v in conflicts.items()})
        if params["archive_storage_class"] and current.get("provider") != "AWS":
            raise ConfigurationError("archive_storage_class: only for provider AWS; {0} backs up to {1}.".format(
                self.we.get("name"), current.get("provider")), option="archive_storage_class")
        desired = {"active": True, "policy": policy_view(params["policy"]) if params["policy"] else None}
        desired.update((option, params[option]) for option in act.MODIFIABLE)
        return desired

    def predict(self, current, desired):
        if current["active"] != desired["active"]:
            return desired
        return dict(current, **{key: desired[key] for key in self.changes(current, desired)})

    def check(self, current, desired, changes):
        if desired["active"]:
            self.check_policy(current, changes)
            return
        self.with_backups = [v.get("name") for v in vols.list_backup_volumes(self.client, self.we["id"])
                             if vols.protection_of(v)["backups"]]
        if self.with_backups and not self.params["delete_backups"]:
            raise ConfigurationError("{0} has backups of volume(s) {1}; nothing was changed. Set delete_backups=true "
                                     "to delete them and unregister.".format(self.we.get("name"),
                                                                             ", ".join(self.with_backups)),
                                     option="delete_backups", code="has_backups",
                                     volumes_with_backups=self.with_backups)

    def check_policy(self, current, changes):
        """The policy sent (at activation, or when it changes) must exist when named alone, and archive on AWS
        only with a storage class: both found before the write, which the API would refuse."""
        if current["active"] and "policy" not in changes:
            return
        params = self.params
        existing = act.check_policy(self.client, self.we, params["policy"])
        provider = current.get("provider") if current["active"] else params["provider"]
        act.check_archive_class(self.we, provider, params["policy"], existing,
                                params["archive_storage_class"] or current.get("archive_storage_class"))

    def running(self, current, desired, changes):
        if desired["active"] and not current["active"]:
            kinds = (jobs.BACKUP_WORKING_ENVIRONMENT,)
        elif not desired["active"]:
            kinds = (jobs.DELETE_WORKING_ENVIRONMENT_BACKUPS, jobs.UNREGISTER_WORKING_ENVIRONMENT)
        else:
            kinds = (jobs.MODIFY_WORKING_ENVIRONMENT,)
        return jobs.running_jobs(self.client, kinds, self.we["id"])

    def update(self, current, desired, changes):
        we_id = self.we["id"]
        if desired["active"] and not current["active"]:
            return act.activate(self.client, we_id, self.activation_params)
        if not desired["active"]:
            if self.with_backups:
                # Unregistering needs the deletion finished, whatever `wait` says about the last job.
                self.follow(act.delete_all_backups(self.client, we_id), wait=True)
            return act.unregister(self.client, we_id)
        modified = {option: desired[option] for option in changes if option in act.MODIFIABLE}
        return act.modify(self.client, we_id, modified, self.params["policy"] if "policy" in changes else None)


def main():
    run_resource(create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES), Activation)


if __name__ == "__main__":
    main()
