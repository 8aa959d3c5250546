# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

WE = cbs_path("v1", "backup", "working-environment", "we-1")
BLOCK_OPTIONS = ("aws", "azure", "gcp", "sgws", "ontap_s3")


def params(**given):
    """Module parameters as AnsibleModule hands them over: every option present."""
    base = dict.fromkeys(("provider", "region", "bucket", "ip_space", "policy", "auto_backup_enabled",
                          "max_transfer_rate", "export_existing_snapshots", "archive_storage_class") + BLOCK_OPTIONS)
    base.update(given)
    return base


# --- reading --------------------------------------------------------------------------------------

def test_get_not_registered_is_none(make_client, fake):
    fake.add("GET", WE, reply(404, {"message": "not registered"}))
    assert act.get(make_client(), "we-1") is None


def test_get_returns_the_record(make_client, fake):
    fake.add("GET", WE, reply(200, {"id": "we-1", "backup-enablement-status": "ON"}))
    assert act.get(make_client(), "we-1")["id"] == "we-1"


@pytest.mark.parametrize("record, active", [
    (None, False), ({}, False), ({"backup-enablement-status": "OFF"}, False),
    ({"backup-enablement-status": "on"}, False), ({"backup-enablement-status": "ON"}, True),
])
def test_is_active(record, active):
    assert act.is_active(record) is active
    assert act.view(record)["active"] is active


def test_view_of_an_inactive_environment_is_only_inactive():
    assert act.view({"backup-enablement-status": "OFF", "provider": "AWS", "bucket": "b"}) == {"active": False}


def test_view_of_an_active_environment():
    record = {"backup-enablement-status": "ON", "provider": "AWS", "bucket": "netapp-backup-1", "region": "us-east-1",
              "object-lock": "GOVERNANCE", "ip-space": "Default", "max-transfer-rate": "100",
              "auto-backup-enabled": True, "archive-storage-class": "GLACIER", "export-existing-snapshots": False,
              "provider-access-key": "AKIAEXAMPLE",
              "backup-policy": {"name": "gold", "rule": [{"label": "weekly", "retention": "52"},
                                                         {"label": "daily", "retention": "30"}],
                                "archive-after-days": "180"}}
    assert act.view(record) == {
        "active": True, "provider": "AWS", "bucket": "netapp-backup-1", "region": "us-east-1",
        "object_lock": "GOVERNANCE", "ip_space": "Default", "max_transfer_rate": 100, "auto_backup_enabled": True,
        "archive_storage_class": "GLACIER", "export_existing_snapshots": False,
        "policy": {"name": "gold", "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 52}],
                   "archive_after_days": 180, "object_lock": "GOVERNANCE", "id": None,
                   "attached_volumes_count": None}}


def test_view_defaults():
    view = act.view({"backup-enablement-status": "ON"})
    assert view["object_lock"] == "NONE"
    assert view["policy"] == {"name": None, "rules": [], "archive_after_days": None, "object_lock": "NONE", "id": None,
                              "attached_volumes_count": None}
    assert view["max_transfer_rate"] is None


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("given", [
    {},
    {"provider": "AWS", "aws": {"account_id": "1"}, "archive_storage_class": "GLACIER"},
    {"archive_storage_class": "DEEP_ARCHIVE"},
    {"provider": "AZURE", "azure": {"subscription": "s"}},
    {"provider": "GCP", "gcp": {"project_id": "p"}},
    {"provider": "SGWS", "sgws": {"storage_grid_id": "g"}},
    {"provider": "ONTAP_S3", "ontap_s3": {"storage_server": "s"}},
    {"provider": "GCP", "aws": {}},
    {"policy": {"name": "p", "object_lock": "GOVERNANCE"}},
    {"policy": {"name": "p", "object_lock": "NONE", "archive_after_days": 30}},
    {"policy": {"name": "p", "archive_after_days": 30}},
], ids=["nothing", "aws", "storage class alone", "azure", "gcp", "sgws", "ontap_s3", "empty other block", "datalock",
        "lock none with archive", "archive"])
def test_valid_combinations(given):
    act.validate(params(**given))


@pytest.mark.parametrize("given, option, text", [
    ({"provider": "AZURE", "aws": {"account_id": "1"}}, "aws", "provider AWS, but provider is AZURE"),
    ({"aws": {"account_id": "1"}}, "aws", "provider is not set"),
    ({"provider": "AWS", "azure": {"subscription": "s"}}, "azure", "provider AZURE"),
    ({"provider": "AWS", "gcp": {"project_id": "p"}}, "gcp", "provider GCP"),
    ({"provider": "ONTAP_S3", "sgws": {"storage_grid_id": "g"}}, "sgws", "provider SGWS"),
    ({"provider": "SGWS", "ontap_s3": {"storage_server": "s"}}, "ontap_s3", "provider ONTAP_S3"),
    ({"provider": "AZURE", "archive_storage_class": "GLACIER"}, "archive_storage_class", "AWS"),
    ({"provider": "SGWS", "archive_storage_class": "GLACIER"}, "archive_storage_class", "AWS"),
    ({"policy": {"name": "p", "object_lock": "COMPLIANCE", "archive_after_days": 30}}, "policy", "DataLock"),
], ids=["aws for azure", "aws without provider", "azure for aws", "gcp for aws", "sgws for ontap_s3",
        "ontap_s3 for sgws", "class azure", "class sgws", "datalock archive"])
def test_invalid_combinations_name_the_option(given, option, text):
    with pytest.raises(ConfigurationError) as info:
        act.validate(params(**given))
    assert info.value.details["option"] == option
    assert text in info.value.msg


def test_secret_is_not_in_a_validation_message():
    with pytest.raises(ConfigurationError) as info:
        act.validate(params(provider="GCP", aws={"access_key": "AK", "secret_password": "pw-SECRET-0"}))
    assert "pw-SECRET-0" not in info.value.msg and "pw-SECRET-0" not in repr(info.value.details)


# --- bodies ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("provider, option, values, expected", [
    ("AWS", "aws", {"account_id": "1", "access_key": "AK", "secret_password": "pw", "kms_key_id": "k",
                    "private_endpoint_id": "vpce"},
     {"account-id": "1", "access-key": "AK", "secret-password": "pw", "kms-key-id": "k", "private-endpoint": {"id": "vpce"}}),
    ("AZURE", "azure", {"subscription": "s", "resource_group": "rg", "storage_account": "sa",
                        "private_endpoint_subnet": "sn", "key_vault_id": "kv", "key_name": "kn"},
     {"subscription": "s", "resource-group": "rg", "storage-account": "sa", "private-endpoint": {"subnet": "sn"},
      "key-vault": {"key-vault-id": "kv", "key-name": "kn"}}),
    ("GCP", "gcp", {"project_id": "p", "access_key": "AK", "secret_password": "pw", "key_ring_id": "r",
                    "crypto_key_id": "c"},
     {"project-id": "p", "access-key": "AK", "secret-password": "pw", "kms": {"key-ring-id": "r", "crypto-key-id": "c"}}),
    ("SGWS", "sgws", {"storage_grid_id": "g", "storage_server": "s", "access_key": "AK", "secret_password": "pw"},
     {"storage-grid-id": "g", "storage-server": "s", "access-key": "AK", "secret-password": "pw"}),
    ("ONTAP_S3", "ontap_s3", {"storage_server": "s", "access_key": "AK", "secret_password": "pw"},
     {"storage-server": "s", "access-key": "AK", "secret-password": "pw"}),
    ("AZURE", "azure", {"subscription": "s", "resource_group": None, "key_vault_id": None, "key_name": "kn"},
     {"subscription": "s", "key-vault": {"key-name": "kn"}}),
])
def test_provider_block_in_kebab_case(provider, option, values, expected):
    assert act.provider_block(params(provider=provider, **{option: values})) == (option.replace("_", "-"), expected)


@pytest.mark.parametrize("given", [{}, {"provider": "AWS"}, {"provider": "AWS", "aws": {}},
                                   {"provider": "AWS", "gcp": {"project_id": "p"}}])
def test_no_provider_block(given):
    assert act.provider_block(params(**given)) is None


@pytest.mark.parametrize("policy, body", [
    (None, None),
    ({}, None),
    ({"name": "gold"}, {"name": "gold"}),
    ({"name": "gold", "rules": [{"label": "weekly", "retention": 52}, {"label": "daily", "retention": 30}],
      "archive_after_days": 180, "object_lock": None},
     {"name": "gold", "rule": [{"label": "daily", "retention": "30"}, {"label": "weekly", "retention": "52"}],
      "archive-after-days": "180"}),
    ({"name": "locked", "rules": None, "archive_after_days": None, "object_lock": "GOVERNANCE"},
     {"name": "locked", "object-lock": "GOVERNANCE"}),
])
def test_policy_body(policy, body):
    assert act.policy_body(policy) == body


def test_activation_body_with_everything():
    body = act.activation_body(params(
        provider="AWS", region="us-east-1", bucket="b", ip_space="Default", auto_backup_enabled=False,
        max_transfer_rate=0, export_existing_snapshots=True, archive_storage_class="DEEP_ARCHIVE",
        aws={"account_id": "1", "access_key": None, "secret_password": None, "kms_key_id": None,
             "private_endpoint_id": None},
        policy={"name": "gold", "rules": [{"label": "daily", "retention": 30}], "archive_after_days": None,
                "object_lock": None}))
    assert body == {"provider": "AWS", "region": "us-east-1", "bucket": "b", "ip-space": "Default",
                    "auto-backup-enabled": False, "max-transfer-rate": 0, "export-existing-snapshots": True,
                    "aws": {"account-id": "1", "archive-storage-class": "DEEP_ARCHIVE"},
                    "backup-policy": {"name": "gold", "rule": [{"label": "daily", "retention": "30"}]}}


def test_activation_body_minimal():
    assert act.activation_body(params(provider="GCP")) == {"provider": "GCP"}


def test_archive_storage_class_goes_into_the_aws_block_even_without_one():
    body = act.activation_body(params(provider="AWS", archive_storage_class="GLACIER"))
    assert body == {"provider": "AWS", "aws": {"archive-storage-class": "GLACIER"}}


def test_activate_posts_v3(make_client, fake):
    path = cbs_path("v3", "backup", "working-environment", "we-1")
    fake.add("POST", path, reply(202, {"job-id": "j-1"}))
    assert act.activate(make_client(), "we-1", params(provider="AZURE", azure={"subscription": "s"})) == {"job-id": "j-1"}
    [call] = fake.calls
    assert (call.method, call.path, call.body) == ("POST", path, {"provider": "AZURE", "azure": {"subscription": "s"}})


@pytest.mark.parametrize("changes, policy, body", [
    ({"max_transfer_rate": 200}, None, {"max-transfer-rate": 200}),
    ({"ip_space": "c", "auto_backup_enabled": False, "archive_storage_class": "GLACIER",
      "export_existing_snapshots": True},
     None, {"ip-space": "c", "auto-backup-enabled": False, "archive-storage-class": "GLACIER",
            "export-existing-snapshots": True}),
    ({}, {"name": "silver", "rules": [{"label": "daily", "retention": 7}]},
     {"backup-policy": {"name": "silver", "rule": [{"label": "daily", "retention": "7"}]}}),
    ({"provider": "AZURE", "bucket": "x", "max_transfer_rate": 1}, None, {"max-transfer-rate": 1}),
], ids=["rate", "several", "policy", "fixed settings never sent"])
def test_modify_puts_v2_with_only_modifiable_fields(make_client, fake, changes, policy, body):
    path = cbs_path("v2", "backup", "working-environment", "we-1")
    fake.add("PUT", path, reply(202, {"job-id": "j-1"}))
    act.modify(make_client(), "we-1", changes, policy)
    [call] = fake.calls
    assert (call.method, call.path, call.body) == ("PUT", path, body)


def test_delete_all_backups_then_unregister_paths(make_client, fake):
    fake.add("DELETE", cbs_path("v2", "backup", "working-environment", "we-1", "snapshot"), reply(202, {"job-id": "a"}))
    fake.add("DELETE", WE, reply(202, {"job-id": "b"}))
    client = make_client()
    assert act.delete_all_backups(client, "we-1") == {"job-id": "a"}
    assert act.unregister(client, "we-1") == {"job-id": "b"}
    assert [(c.method, c.path) for c in fake.calls] == [
        ("DELETE", cbs_path("v2", "backup", "working-environment", "we-1", "snapshot")), ("DELETE", WE)]


@pytest.mark.parametrize("provider, lock, ok", [
    ("AWS", "GOVERNANCE", True), ("AWS", "COMPLIANCE", True), ("AWS", "LOCKED", False),
    ("SGWS", "COMPLIANCE", True), ("AZURE", "LOCKED", True), ("AZURE", "UNLOCKED", True),
    ("AZURE", "GOVERNANCE", False), ("GCP", "GOVERNANCE", False), ("ONTAP_S3", "COMPLIANCE", False),
    ("GCP", "NONE", True),
])
def test_datalock_modes_depend_on_the_provider(provider, lock, ok):
    params = {"provider": provider, "policy": {"name": "p", "object_lock": lock}}
    if ok:
        act.validate(params)
    else:
        with pytest.raises(ConfigurationError, match="object_lock"):
            act.validate(params)
