# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
import yaml

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_activation
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    install,
    module_args,
    ontap_volume,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    assert_no_secret,
    cbs_path,
    reply,
    run_fail,
    run_module,
    run_ok,
)

main = backup_activation.main

ACTIVATION = cbs_path("v3", "backup", "working-environment", WE_ID)
MODIFY = cbs_path("v2", "backup", "working-environment", WE_ID)
UNREGISTER = cbs_path("v1", "backup", "working-environment", WE_ID)
DELETE_ALL = cbs_path("v2", "backup", "working-environment", WE_ID, "snapshot")
ACTIVE_ID = "we-2"
ACTIVE_NAME = "prod-west"

# Provider secrets: distinctive so that a leak is easy to find.
AWS_SECRET = "aws-SECRET-pw-1c7e"
GCP_SECRET = "gcp-SECRET-hmac-8d2a"
SGWS_SECRET = "sg-SECRET-s3-4b90"
S3_SECRET = "ontaps3-SECRET-77f1"
PROVIDER_SECRETS = (AWS_SECRET, GCP_SECRET, SGWS_SECRET, S3_SECRET)

GOLD = {"name": "gold", "rules": [{"label": "weekly", "retention": 52}, {"label": "daily", "retention": 30}]}


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_a")])
    api.add_environment(ACTIVE_ID, ACTIVE_NAME, volumes=[ontap_volume("vol_x"), ontap_volume("vol_y"),
                                                         ontap_volume("vol_z")])
    api.activate_environment(ACTIVE_ID, **{"max-transfer-rate": 100, "ip-space": "Default",
                                           "archive-storage-class": "GLACIER", "auto-backup-enabled": False,
                                           "export-existing-snapshots": False})
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME)
    base.update(extra)
    return module_args(**base)


def active(**extra):
    base = dict(working_environment_name=ACTIVE_NAME)
    base.update(extra)
    return module_args(**base)


def aws_activation(**extra):
    base = dict(provider="AWS", region="us-east-1", bucket="netapp-backup-prod", ip_space="Default",
                auto_backup_enabled=True, max_transfer_rate=100,
                aws={"account_id": "123456789012", "access_key": "AKIAEXAMPLE", "secret_password": AWS_SECRET,
                     "kms_key_id": "kms-1", "private_endpoint_id": "vpce-1"},
                archive_storage_class="GLACIER",
                policy=dict(GOLD, archive_after_days=180))
    base.update(extra)
    return args(**base)


def gets_only(api):
    return all(c.method == "GET" for c in api.api_calls)


def assert_no_provider_secret(value):
    dumped = json.dumps(value, default=repr)
    for secret in PROVIDER_SECRETS:
        assert secret not in dumped, "a provider secret leaked: " + secret
    assert_no_secret(value)


# --- activation -----------------------------------------------------------------------------------

def test_activation_in_check_mode_sends_no_write_and_predicts(cbs):
    result = run_ok(main, aws_activation(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    after = result["activation"]
    assert after["active"] is True
    assert (after["provider"], after["bucket"], after["region"], after["object_lock"]) == (
        "AWS", "netapp-backup-prod", "us-east-1", "NONE")
    assert after["max_transfer_rate"] == 100 and after["archive_storage_class"] == "GLACIER"
    assert after["policy"]["name"] == "gold" and after["policy"]["archive_after_days"] == 180
    assert result["diff"]["before"] == {"active": False}
    assert result["diff"]["after"] == after
    assert gets_only(cbs)
    assert WE_ID not in cbs.activations
    assert_no_provider_secret(result)


def test_activation_sends_the_v3_body_with_the_kebab_case_provider_block(cbs):
    result = run_ok(main, aws_activation(_ansible_diff=True))
    assert result["changed"] is True
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", ACTIVATION)
    assert write.body == {
        "provider": "AWS", "region": "us-east-1", "bucket": "netapp-backup-prod", "ip-space": "Default",
        "auto-backup-enabled": True, "max-transfer-rate": 100,
        "aws": {"account-id": "123456789012", "access-key": "AKIAEXAMPLE", "secret-password": AWS_SECRET,
                "kms-key-id": "kms-1", "private-endpoint": {"id": "vpce-1"}, "archive-storage-class": "GLACIER"},
        "backup-policy": {"name": "gold", "rule": [{"label": "daily", "retention": "30"},
                                                   {"label": "weekly", "retention": "52"}],
                          "archive-after-days": "180"},
    }
    assert result["jobs"][0]["id"] == "job-1" and result["jobs"][0]["status"] == "COMPLETED"
    assert result["activation"]["active"] is True, "read back after the job"
    assert result["activation"]["policy"]["rules"] == [
        {"label": "daily", "retention": 30}, {"label": "weekly", "retention": 52}]
    assert requests(cbs)[-2:] == [("GET", cbs_path("v1", "job", "job-1")), ("GET", UNREGISTER)]
    assert_no_provider_secret(result)

    cbs.calls.clear()
    again = run_ok(main, aws_activation(_ansible_diff=True))
    assert again["changed"] is False and writes(cbs) == []
    assert again["activation"] == result["activation"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert_no_provider_secret(again)


@pytest.mark.parametrize("provider, option, block, expected", [
    ("AZURE", "azure",
     {"subscription": "3beb4dd0", "resource_group": "rg-backup", "storage_account": "sabackup",
      "private_endpoint_subnet": "subnet-1", "key_vault_id": "kv-1", "key_name": "key-1"},
     {"subscription": "3beb4dd0", "resource-group": "rg-backup", "storage-account": "sabackup",
      "private-endpoint": {"subnet": "subnet-1"}, "key-vault": {"key-vault-id": "kv-1", "key-name": "key-1"}}),
    ("GCP", "gcp",
     {"project_id": "proj-1", "access_key": "GOOG1E", "secret_password": GCP_SECRET, "key_ring_id": "ring-1",
      "crypto_key_id": "key-1"},
     {"project-id": "proj-1", "access-key": "GOOG1E", "secret-password": GCP_SECRET,
      "kms": {"key-ring-id": "ring-1", "crypto-key-id": "key-1"}}),
    ("SGWS", "sgws",
     {"storage_grid_id": "sg-1", "storage_server": "sg.example.test:443", "access_key": "SGKEY",
      "secret_password": SGWS_SECRET},
     {"storage-grid-id": "sg-1", "storage-server": "sg.example.test:443", "access-key": "SGKEY",
      "secret-password": SGWS_SECRET}),
    ("ONTAP_S3", "ontap_s3",
     {"storage_server": "s3.example.test", "access_key": "S3KEY", "secret_password": S3_SECRET},
     {"storage-server": "s3.example.test", "access-key": "S3KEY", "secret-password": S3_SECRET}),
    ("AWS", "aws", {"account_id": "123456789012"}, {"account-id": "123456789012"}),
], ids=["azure", "gcp", "sgws", "ontap_s3", "aws minimal"])
def test_each_provider_block_is_sent_in_kebab_case(cbs, provider, option, block, expected):
    # A StorageGRID target must be discovered: the module reads the grid list first.
    cbs.add("GET", cbs_path("v1", "sg"), reply(200, {"sgws": [{"name": "sg.example.test", "id": "sg-1"}]}))
    result = run_ok(main, args(provider=provider, region="r-1", policy={"name": "gold"}, **{option: block}))
    [write] = writes(cbs)
    assert write.body == {"provider": provider, "region": "r-1", option.replace("_", "-"): expected,
                          "backup-policy": {"name": "gold"}}
    assert_no_provider_secret(result)


def test_activation_with_datalock_sends_object_lock_in_the_policy(cbs):
    result = run_ok(main, args(provider="AWS", aws={"account_id": "1"},
                               policy={"name": "locked", "rules": [{"label": "daily", "retention": 30}],
                                       "object_lock": "COMPLIANCE"}))
    assert writes(cbs)[0].body["backup-policy"] == {"name": "locked", "rule": [{"label": "daily", "retention": "30"}],
                                                    "object-lock": "COMPLIANCE"}
    assert result["activation"]["object_lock"] == "COMPLIANCE"


def test_activation_without_wait_returns_the_job_id_and_the_prediction(cbs, clock):
    cbs.pending_polls = 4
    result = run_ok(main, aws_activation(wait=False))
    assert result["changed"] is True
    assert result["jobs"] == [{"id": "job-1", "status": "PENDING"}]
    assert result["activation"]["provider"] == "AWS" and result["activation"]["active"] is True
    assert not any(c.path.startswith(cbs_path("v1", "job")) for c in cbs.api_calls)
    assert clock.sleeps == []


def test_activation_waits_on_the_fake_clock(cbs, clock):
    cbs.pending_polls = 3
    run_ok(main, aws_activation())
    assert clock.sleeps == [1.0, 1.5, 2.25]


def test_failed_activation_job_fails_with_its_error(cbs):
    cbs.job_failure = "Bucket netapp-backup-prod is owned by another account"
    result = run_fail(main, aws_activation())
    assert "owned by another account" in result["msg"] and result["job_id"] == "job-1"
    assert_no_provider_secret(result)


def test_activation_refused_by_the_api_does_not_echo_secrets(cbs):
    cbs.add("POST", ACTIVATION, reply(400, {"error": "Bad Request", "message": "invalid access key"}))
    result = run_fail(main, aws_activation())
    assert result["status"] == 400 and "invalid access key" in result["msg"]
    assert_no_provider_secret(result)


def test_activation_without_provider_fails_naming_it_and_sends_nothing(cbs):
    result = run_fail(main, args(policy={"name": "gold"}))
    assert result["option"] == "provider" and WE_NAME in result["msg"]
    assert writes(cbs) == []


def test_not_registered_status_off_is_activated(cbs):
    cbs.activations[WE_ID] = {"id": WE_ID, "name": WE_NAME, "backup-enablement-status": "OFF"}
    result = run_ok(main, aws_activation(_ansible_check_mode=True))
    assert result["changed"] is True and gets_only(cbs)


def test_check_mode_prediction_matches_the_state_a_real_run_reports(cbs):
    predicted = run_ok(main, aws_activation(_ansible_check_mode=True))["activation"]
    done = run_ok(main, aws_activation())["activation"]
    assert predicted["policy"] == done["policy"]


# --- changes on an active working environment -----------------------------------------------------

@pytest.mark.parametrize("options, body, field, value", [
    ({"max_transfer_rate": 200}, {"max-transfer-rate": 200}, "max_transfer_rate", 200),
    ({"max_transfer_rate": 0}, {"max-transfer-rate": 0}, "max_transfer_rate", 0),
    ({"ip_space": "Cluster"}, {"ip-space": "Cluster"}, "ip_space", "Cluster"),
    ({"auto_backup_enabled": True}, {"auto-backup-enabled": True}, "auto_backup_enabled", True),
    ({"export_existing_snapshots": True}, {"export-existing-snapshots": True}, "export_existing_snapshots", True),
    ({"archive_storage_class": "DEEP_ARCHIVE"}, {"archive-storage-class": "DEEP_ARCHIVE"}, "archive_storage_class",
     "DEEP_ARCHIVE"),
    ({"policy": {"name": "silver", "rules": [{"label": "daily", "retention": 7}]}},
     {"backup-policy": {"name": "silver", "rule": [{"label": "daily", "retention": "7"}]}}, "policy",
     {"name": "silver", "rules": [{"label": "daily", "retention": 7}], "archive_after_days": None}),
    ({"policy": {"name": "silver"}, "max_transfer_rate": 50},
     {"max-transfer-rate": 50, "backup-policy": {"name": "silver"}}, "max_transfer_rate", 50),
], ids=["rate", "rate unlimited", "ip space", "auto backup", "export snapshots", "storage class", "policy",
        "policy and rate"])
def test_change_on_an_active_environment_sends_put_v2(cbs, options, body, field, value):
    check = run_ok(main, active(_ansible_check_mode=True, _ansible_diff=True, **options))
    assert check["changed"] is True and gets_only(cbs)
    assert check["activation"][field] == value
    assert check["diff"]["before"][field] != value

    cbs.calls.clear()
    result = run_ok(main, active(_ansible_diff=True, **options))
    [write] = writes(cbs)
    assert (write.method, write.path) == ("PUT", cbs_path("v2", "backup", "working-environment", ACTIVE_ID))
    assert write.body == body
    assert result["activation"][field] == value
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert result["diff"]["after"] == result["activation"]

    cbs.calls.clear()
    again = run_ok(main, active(**options))
    assert again["changed"] is False and writes(cbs) == []


def test_change_without_wait_returns_the_job_and_the_prediction(cbs):
    result = run_ok(main, active(max_transfer_rate=300, wait=False))
    assert result["jobs"] == [{"id": "job-1", "status": "PENDING"}]
    assert result["activation"]["max_transfer_rate"] == 300
    assert [m for m, _p in requests(cbs)] == ["GET", "GET", "PUT"]


@pytest.mark.parametrize("options", [
    {},
    {"provider": "AWS", "bucket": "netapp-backup-we-2", "region": "us-east-1"},
    {"max_transfer_rate": 100, "ip_space": "Default", "auto_backup_enabled": False, "archive_storage_class": "GLACIER"},
    {"policy": {"name": "1 day", "rules": [{"label": "hourly", "retention": 24}]}},
    {"policy": {"name": "1 day", "object_lock": "NONE"}},
    {"provider": "AWS", "aws": {"account_id": "1", "access_key": "AKIANEW", "secret_password": AWS_SECRET}},
], ids=["nothing", "fixed settings repeated", "same settings", "same policy name", "no lock", "secrets"])
def test_active_environment_as_asked_is_unchanged(cbs, options):
    result = run_ok(main, active(_ansible_diff=True, **options))
    assert result["changed"] is False and writes(cbs) == []
    assert result["diff"]["before"] == result["diff"]["after"] == result["activation"]
    assert_no_provider_secret(result)


@pytest.mark.parametrize("options, option, current, wanted", [
    ({"provider": "AZURE"}, "provider", "AWS", "AZURE"),
    ({"bucket": "other-bucket"}, "bucket", "netapp-backup-we-2", "other-bucket"),
    ({"region": "eu-west-1"}, "region", "us-east-1", "eu-west-1"),
    ({"policy": {"name": "1 day", "object_lock": "GOVERNANCE"}}, "object_lock", "NONE", "GOVERNANCE"),
], ids=["provider", "bucket", "region", "datalock"])
def test_fixed_setting_of_an_active_environment_cannot_change(cbs, options, option, current, wanted):
    result = run_fail(main, active(max_transfer_rate=999, **options))
    assert result["option"] == option
    named = "policy.object_lock" if option == "object_lock" else option
    assert result["msg"].startswith(named + ":")
    assert current in result["msg"] and wanted in result["msg"]
    assert result["conflicts"][option] == [current, wanted]
    assert writes(cbs) == []


def test_archive_storage_class_on_an_active_non_aws_environment_fails_before_a_write(cbs):
    cbs.activations[ACTIVE_ID]["provider"] = "AZURE"
    cbs.activations[ACTIVE_ID]["archive-storage-class"] = None
    outcome = run_module(main, active(archive_storage_class="DEEP_ARCHIVE"))
    assert writes(cbs) == []
    assert outcome.result.get("option") == "archive_storage_class"


# --- unregister -----------------------------------------------------------------------------------

def test_absent_when_not_active_is_unchanged(cbs):
    result = run_ok(main, args(state="absent", _ansible_diff=True))
    assert result["changed"] is False and writes(cbs) == []
    assert result["activation"] == {"active": False}


def test_absent_without_backups_unregisters(cbs):
    cbs.protect("fs-vol_x", we_id=ACTIVE_ID, backups=0)
    check = run_ok(main, active(state="absent", _ansible_check_mode=True, _ansible_diff=True))
    assert check["changed"] is True and gets_only(cbs)
    assert check["diff"]["before"]["active"] is True and check["diff"]["after"] == {"active": False}

    cbs.calls.clear()
    result = run_ok(main, active(state="absent"))
    assert [(c.method, c.path) for c in writes(cbs)] == [
        ("DELETE", cbs_path("v1", "backup", "working-environment", ACTIVE_ID))]
    assert result["activation"] == {"active": False}
    assert len(result["jobs"]) == 1

    cbs.calls.clear()
    assert run_ok(main, active(state="absent"))["changed"] is False
    assert writes(cbs) == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_absent_with_backups_needs_delete_backups_and_sends_nothing(cbs, check_mode):
    cbs.protect("fs-vol_x", we_id=ACTIVE_ID, backups=2)
    cbs.protect("fs-vol_y", we_id=ACTIVE_ID, backups=0)
    cbs.protect("fs-vol_z", we_id=ACTIVE_ID, status="PAUSED", backups=5)
    result = run_fail(main, active(state="absent", _ansible_check_mode=check_mode))
    assert result["volumes_with_backups"] == ["vol_x", "vol_z"]
    assert "vol_x, vol_z" in result["msg"] and "delete_backups" in result["msg"]
    assert writes(cbs) == []


def test_absent_with_delete_backups_deletes_them_then_unregisters(cbs, clock):
    cbs.protect("fs-vol_x", we_id=ACTIVE_ID, backups=2)
    cbs.pending_polls = 1
    result = run_ok(main, active(state="absent", delete_backups=True, wait=False))
    assert [(c.method, c.path) for c in writes(cbs)] == [
        ("DELETE", cbs_path("v2", "backup", "working-environment", ACTIVE_ID, "snapshot")),
        ("DELETE", cbs_path("v1", "backup", "working-environment", ACTIVE_ID))]
    sent = requests(cbs)
    assert sent.index(("GET", cbs_path("v1", "job", "job-1"))) < sent.index(
        ("DELETE", cbs_path("v1", "backup", "working-environment", ACTIVE_ID))), \
        "unregistering waits for the deletion of the backups, whatever wait says"
    assert ("GET", cbs_path("v1", "job", "job-2")) not in sent
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [("job-1", "COMPLETED"), ("job-2", "PENDING")]
    assert clock.sleeps == [1.0]
    assert ACTIVE_ID not in cbs.activations


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({"provider": "AZURE", "aws": {"account_id": "1"}}, "aws"),
    ({"provider": "AWS", "azure": {"subscription": "s"}}, "azure"),
    ({"gcp": {"project_id": "p"}}, "gcp"),
    ({"provider": "SGWS", "ontap_s3": {"storage_server": "s3"}}, "ontap_s3"),
    ({"provider": "GCP", "archive_storage_class": "GLACIER"}, "archive_storage_class"),
    ({"provider": "AZURE", "archive_storage_class": "DEEP_ARCHIVE"}, "archive_storage_class"),
    ({"provider": "AWS", "policy": {"name": "p", "object_lock": "GOVERNANCE", "archive_after_days": 30}}, "policy"),
], ids=["aws block for azure", "azure block for aws", "gcp block without provider", "ontap_s3 for sgws",
        "storage class gcp", "storage class azure", "datalock with archive"])
def test_bad_input_fails_before_any_request_naming_the_option(cbs, options, option):
    result = run_fail(main, args(**options))
    assert result["option"] == option
    assert result["msg"].startswith(option)
    assert cbs.calls == []


def test_block_mismatch_message_names_both_providers(cbs):
    result = run_fail(main, args(provider="AZURE", aws={"account_id": "1", "secret_password": AWS_SECRET}))
    assert "AWS" in result["msg"] and "AZURE" in result["msg"]
    assert_no_provider_secret(result)


@pytest.mark.parametrize("options", [
    {"provider": "S3_COMPATIBLE"},
    {"archive_storage_class": "COLD"},
    {"policy": {"rules": [{"label": "daily", "retention": 1}]}},
], ids=["unknown provider", "unknown storage class", "policy without name"])
def test_argument_spec_refusals_send_nothing(cbs, options):
    run_fail(main, args(**options))
    assert cbs.calls == []


def test_documented_unit_of_max_transfer_rate_is_the_api_unit():
    doc = yaml.safe_load(backup_activation.DOCUMENTATION)
    text = " ".join(doc["options"]["max_transfer_rate"]["description"])
    assert "Mbps" not in text and ("kbps" in text.lower() or "kilobytes" in text.lower())
