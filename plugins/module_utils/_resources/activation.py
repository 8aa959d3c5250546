# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Backup and recovery activation of a working environment (Backup category).

Activation (`POST api/v3/backup/working-environment/{id}`) chooses the object store for
good: provider, bucket, region and DataLock cannot change afterwards. What can change goes
through `PUT api/v2/backup/working-environment/{id}`.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import Fields, read_if_found
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field, differences, normalise_rules
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import storagegrid as sg
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int, field

PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS", "ONTAP_S3")
# Option name of each provider's block.
BLOCKS = {"AWS": "aws", "AZURE": "azure", "GCP": "gcp", "SGWS": "sgws", "ONTAP_S3": "ontap_s3"}
# option -> API key inside the provider block; nested keys are dotted.
BLOCK_FIELDS = {
    "aws": {"account_id": "account-id", "access_key": "access-key", "secret_password": "secret-password",
            "kms_key_id": "kms-key-id", "private_endpoint_id": "private-endpoint.id"},
    "azure": {"subscription": "subscription", "resource_group": "resource-group",
              "storage_account": "storage-account", "private_endpoint_subnet": "private-endpoint.subnet",
              "key_vault_id": "key-vault.key-vault-id", "key_name": "key-vault.key-name"},
    "gcp": {"project_id": "project-id", "access_key": "access-key", "secret_password": "secret-password",
            "key_ring_id": "kms.key-ring-id", "crypto_key_id": "kms.crypto-key-id"},
    "sgws": {"storage_grid_id": "storage-grid-id", "storage_server": "storage-server", "access_key": "access-key",
             "secret_password": "secret-password"},
    "ontap_s3": {"storage_server": "storage-server", "access_key": "access-key", "secret_password": "secret-password"},
}
# Top-level fields of the activation body, option -> API key.
TOP_FIELDS = {"region": "region", "bucket": "bucket", "ip_space": "ip-space",
              "auto_backup_enabled": "auto-backup-enabled", "max_transfer_rate": "max-transfer-rate",
              "export_existing_snapshots": "export-existing-snapshots"}
# Fields of `backup-policy`, option (under `policy`) -> API key.
POLICY_FIELDS = {"name": "name", "rules": "rule", "archive_after_days": "archive-after-days",
                 "object_lock": "object-lock"}
# The block that holds the cloud account of each cloud provider, and the API's name for that account.
ACCOUNT_FIELDS = {"AWS": "account_id", "AZURE": "subscription", "GCP": "project_id"}
ACCOUNT_NAMES = {"AWS": "AWS account", "AZURE": "Azure subscription", "GCP": "Google Cloud project"}
# S3 keys a cloud object store needs when the source is on-premises ONTAP (it has no cloud role).
ON_PREMISES_KEYS = {"AWS": ("access_key", "secret_password"), "GCP": ("access_key", "secret_password")}
ON_PREMISES_TARGETS = ("SGWS", "ONTAP_S3")
# The working environment type of Cloud Volumes ONTAP: it backs up to its own cloud, in its own account.
CLOUD_VOLUMES_ONTAP = "VSA"
# Chosen at activation only.
FIXED = ("provider", "bucket", "region", "object_lock")
# Changeable through PUT v2, option -> API key.
MODIFIABLE = {"ip_space": "ip-space", "max_transfer_rate": "max-transfer-rate",
              "auto_backup_enabled": "auto-backup-enabled", "archive_storage_class": "archive-storage-class",
              "export_existing_snapshots": "export-existing-snapshots"}
MODIFIABLE_FIELDS = tuple(Field(option, option=option) for option in MODIFIABLE)
ACTIVE = "ON"
# DataLock (with ransomware protection) modes per provider; none elsewhere.
DATALOCK_MODES = {"AWS": ("GOVERNANCE", "COMPLIANCE"), "SGWS": ("GOVERNANCE", "COMPLIANCE"),
                  "AZURE": ("LOCKED", "UNLOCKED")}


# The fields of a backup record that are compared or looked into (`view`, licenses, StorageGRID).
RECORD = Fields(required={"id": str}, optional={
    "backup-enablement-status": str, "provider": str, "provider-account-id": str, "bucket": str, "region": str,
    "object-lock": str, "storage-grid-id": str, "storage-server": str,
    "backup-policy": Fields(optional={"name": str, "rule": [dict]})})


def get(client: Any, we_id: str) -> dict[str, Any] | None:
    answer = read_if_found(client, "GET", "v1", "backup", "working-environment", we_id)
    return answer.object(RECORD) if answer else None


def is_active(record: dict[str, Any] | None) -> bool:
    return bool(record and field(record, "backup_enablement_status") == ACTIVE)


def view(record: dict[str, Any] | None) -> dict[str, Any]:
    """The managed settings in the module's own names; also the diff and the return value.

    Takes the record as the API sends it or as working_environment_info returns it (`backup`).
    """
    if record is None or not is_active(record):
        return {"active": False}
    object_lock = field(record, "object_lock")
    return {
        "active": True,
        "provider": record.get("provider"),
        "bucket": record.get("bucket"),
        "region": record.get("region"),
        "object_lock": object_lock or "NONE",
        "ip_space": field(record, "ip_space"),
        "max_transfer_rate": as_int(field(record, "max_transfer_rate")),
        "auto_backup_enabled": field(record, "auto_backup_enabled"),
        "archive_storage_class": field(record, "archive_storage_class"),
        "export_existing_snapshots": field(record, "export_existing_snapshots"),
        "policy": policies.view(field(record, "backup_policy") or {}, object_lock=object_lock),
    }


def modifiable_changes(current: dict[str, Any], wanted: dict[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{option: (current, wanted)} among what can change once backup is active (None: leave as it is)."""
    return differences(MODIFIABLE_FIELDS, current, wanted)


def validate(params: dict[str, Any]) -> None:
    """Combinations the API rejects, found before anything is sent."""
    provider = params.get("provider")
    for name in BLOCKS.values():
        if params.get(name) and BLOCKS.get(provider or "") != name:
            raise ConfigurationError("{0}: this block belongs to provider {1}, but provider is {2}.".format(
                name, next(p for p, b in BLOCKS.items() if b == name), provider or "not set"), option=name)
    if params.get("archive_storage_class") and provider not in (None, "AWS"):
        raise ConfigurationError("archive_storage_class: only for provider AWS (GLACIER or DEEP_ARCHIVE).",
                                 option="archive_storage_class")
    policy = params.get("policy") or {}
    lock = policy.get("object_lock") or "NONE"
    if lock != "NONE" and provider and lock not in DATALOCK_MODES.get(provider, ()):
        allowed = DATALOCK_MODES.get(provider)
        raise ConfigurationError("policy.object_lock: {0} {1}.".format(
            provider, "takes DataLock mode " + " or ".join(allowed) if allowed else "has no DataLock"),
            option="policy")
    if lock != "NONE" and policy.get("archive_after_days"):
        raise ConfigurationError("policy.object_lock (DataLock) cannot be combined with policy.archive_after_days: "
                                 "locked backups are not archived.", option="policy")


def check_on_premises_target(params: dict[str, Any]) -> None:
    """An on-premises object store is reached by address and S3 keys; all three are needed to activate."""
    block = BLOCKS.get(params.get("provider") or "")
    if block not in ("sgws", "ontap_s3"):
        return
    values = params.get(block) or {}
    missing = [f for f in ("storage_server", "access_key", "secret_password") if not values.get(f)]
    if missing:
        raise ConfigurationError("{0}.{1}: required to activate with provider {2}.".format(
            block, missing[0], params["provider"]), option=block)


def for_environment(params: dict[str, Any], we: dict[str, Any]) -> dict[str, Any]:
    """Params to activate `we` with, checked against it before anything is sent.

    Cloud Volumes ONTAP backs up to its own cloud, whose account the working environment
    record gives (`provider-account-id`): the provider block's account is taken from it when
    not set. On-premises ONTAP names the account, its S3 keys, the region and the IP space.
    """
    provider = params["provider"]
    name = we.get("name") or we.get("id")
    if we.get("type") == CLOUD_VOLUMES_ONTAP:
        own = (we.get("provider") or "").upper()
        if provider != own:
            raise ConfigurationError("provider: {0} is Cloud Volumes ONTAP on {1}, which backs up to {1} only, not "
                                     "{2}.".format(name, own, provider), option="provider")
        params = with_environment_account(params, we)
    block = BLOCKS[provider]
    values = params.get(block) or {}
    account = ACCOUNT_FIELDS.get(provider)
    if account and not values.get(account):
        raise ConfigurationError("{0}.{1}: the {2} to back up {3} to is required with provider {4}.".format(
            block, account, ACCOUNT_NAMES[provider], name, provider), option=block + "." + account)
    if we.get("type") != CLOUD_VOLUMES_ONTAP:
        for key in ON_PREMISES_KEYS.get(provider, ()):
            if not values.get(key):
                raise ConfigurationError("{0}.{1}: required to back up on-premises {2} to {3}.".format(
                    block, key, name, provider), option=block + "." + key)
        for option in ("region", "ip_space"):
            if not params.get(option) and not (option == "region" and provider in ON_PREMISES_TARGETS):
                raise ConfigurationError("{0}: required to activate backup of on-premises {1}.".format(
                    option, name), option=option)
    return params


def with_environment_account(params: dict[str, Any], we: dict[str, Any]) -> dict[str, Any]:
    """The provider block with the working environment's cloud account filled in when not set."""
    provider = params["provider"]
    account = ACCOUNT_FIELDS.get(provider)
    block = dict(params.get(BLOCKS[provider]) or {})
    if not account or block.get(account) or not we.get("provider_account_id"):
        return params
    block[account] = we["provider_account_id"]
    return dict(params, **{BLOCKS[provider]: block})


def check_policy(client: Any, we: dict[str, Any], policy: dict[str, Any] | None) -> dict[str, Any] | None:
    """The existing policy a `policy` named without rules designates; it must exist (one read).

    With rules, a policy of that name is created or revised, and nothing needs to exist.
    """
    if not policy or policy.get("rules"):
        return None
    found = policies.list_policies(client, we["id"])
    existing = next((p for p in found if p.get("name") == policy["name"]), None)
    if existing is None:
        known = ", ".join(sorted(p.get("name") or "" for p in found)) or "none"
        raise ConfigurationError("policy.name: {0} has no backup policy {1!r} (policies: {2}). Give policy.rules to "
                                 "create it, or create it with bluexp.cloud_backup.backup_policy.".format(
                                     we.get("name") or we["id"], policy["name"], known), option="policy.name")
    return existing


def check_archive_class(we: dict[str, Any], provider: str | None, policy: dict[str, Any] | None,
                        existing: dict[str, Any] | None, storage_class: str | None) -> None:
    """A policy that archives on AWS needs an archive storage class, given or already set."""
    days = (policy or {}).get("archive_after_days")
    if days is None and existing is not None:
        days = policies.archive_days(existing.get("archive-after-days"))
    if provider == "AWS" and days and not storage_class:
        raise ConfigurationError("archive_storage_class: {0} backs up to AWS, where a policy that archives (after {1} "
                                 "days) needs GLACIER or DEEP_ARCHIVE.".format(we.get("name") or we["id"], days),
                                 option="archive_storage_class")


def with_storagegrid(client: Any, params: dict[str, Any]) -> dict[str, Any]:
    """Params whose SGWS block names a grid BlueXP has discovered, with its ID filled in.

    Checked before activating, since the API only says so after the job starts.
    """
    block = dict(params.get("sgws") or {})
    grids = sg.list_grids(client)
    grid = sg.find_grid(grids, name=sg.host_of(block.get("storage_server")))
    if grid is None:
        known = ", ".join(g.get("name") or "" for g in grids) or "none"
        raise ConfigurationError("sgws.storage_server: StorageGRID {0} is not discovered in BlueXP (discovered: {1}). "
                                 "Register it with bluexp.cloud_backup.storagegrid.".format(
                                     block.get("storage_server"), known), option="sgws")
    if block.get("storage_grid_id") and block["storage_grid_id"] != grid.get("id"):
        raise ConfigurationError("sgws.storage_grid_id: {0} is not the ID of {1} ({2}); leave it out to have it "
                                 "filled in.".format(block["storage_grid_id"], grid["name"], grid.get("id")),
                                 option="sgws")
    block["storage_grid_id"] = grid["id"]
    return dict(params, sgws=block)


def _nest(target: dict[str, Any], dotted: str, value: Any) -> None:
    head, _sep, rest = dotted.partition(".")
    if rest:
        _nest(target.setdefault(head, {}), rest, value)
    else:
        target[head] = value


def block_key(option: str) -> str:
    """The body key of a provider block option (`ontap_s3` -> `ontap-s3`)."""
    return option.replace("_", "-")


def provider_block(params: dict[str, Any]) -> tuple[str, dict[str, Any]] | None:
    option = BLOCKS.get(params.get("provider") or "")
    values = params.get(option) if option else None
    if not option or not values:
        return None
    block: dict[str, Any] = {}
    for name, api_key in BLOCK_FIELDS[option].items():
        if values.get(name) is not None:
            _nest(block, api_key, values[name])
    return block_key(option), block


def policy_body(policy: dict[str, Any] | None) -> dict[str, Any] | None:
    if not policy:
        return None
    body: dict[str, Any] = {}
    if policy.get("name"):
        body[POLICY_FIELDS["name"]] = policy["name"]
    if policy.get("rules"):
        body[POLICY_FIELDS["rules"]] = [{"label": r["label"], "retention": str(r["retention"])}
                                        for r in normalise_rules(policy["rules"])]
    if policy.get("archive_after_days"):
        body[POLICY_FIELDS["archive_after_days"]] = str(policy["archive_after_days"])
    if policy.get("object_lock"):
        body[POLICY_FIELDS["object_lock"]] = policy["object_lock"]
    return body


def body_options() -> dict[str, str]:
    """API field path -> option, for the activation and modification bodies.

    Made from the same tables the bodies are built with, so that a server message naming
    `aws.account-id` is shown with `aws.account_id` beside it.
    """
    options = {"provider": "provider", "archive-storage-class": "archive_storage_class",
               "aws.archive-storage-class": "archive_storage_class"}
    options.update((key, option) for option, key in dict(TOP_FIELDS, **MODIFIABLE).items())
    for block, fields in BLOCK_FIELDS.items():
        options.update((block_key(block) + "." + key, block + "." + option) for option, key in fields.items())
    options.update(("backup-policy." + key, "policy." + option) for option, key in POLICY_FIELDS.items())
    options.update({"backup-policy": "policy", "backup-policy.rule.label": "policy.rules.label",
                    "backup-policy.rule.retention": "policy.rules.retention"})
    return options


BODY_OPTIONS = body_options()


def activation_body(params: dict[str, Any]) -> dict[str, Any]:
    body: dict[str, Any] = {"provider": params["provider"]}
    for option, key in TOP_FIELDS.items():
        if params.get(option) is not None:
            body[key] = params[option]
    block = provider_block(params)
    if block:
        body[block[0]] = block[1]
    if params.get("archive_storage_class"):
        # At activation the storage class lives in the AWS block; later it is a top-level field.
        body.setdefault("aws", {})["archive-storage-class"] = params["archive_storage_class"]
    policy = policy_body(params.get("policy"))
    if policy:
        body["backup-policy"] = policy
    return body


def activate(client: Any, we_id: str, params: dict[str, Any]) -> Any:
    return client.cbs("POST", "v3", "backup", "working-environment", we_id, body=activation_body(params),
                      options=BODY_OPTIONS)


def modify(client: Any, we_id: str, changes: dict[str, Any], policy: dict[str, Any] | None) -> Any:
    body = {MODIFIABLE[k]: v for k, v in changes.items() if k in MODIFIABLE}
    if policy:
        body["backup-policy"] = policy_body(policy)
    return client.cbs("PUT", "v2", "backup", "working-environment", we_id, body=body, options=BODY_OPTIONS)


def delete_all_backups(client: Any, we_id: str) -> Any:
    return client.cbs("DELETE", "v2", "backup", "working-environment", we_id, "snapshot")


def unregister(client: Any, we_id: str) -> Any:
    return client.cbs("DELETE", "v1", "backup", "working-environment", we_id)
