# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.backup_activation against the emulator: activate, modify, unregister."""

from __future__ import annotations

import json
import types

import pytest
import yaml

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_activation
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

# No scheduled backup lands while a test moves the clock.
pytestmark = pytest.mark.emulator(backup_interval_s=0)

# Provider secrets: distinctive so that a leak is easy to find.
AWS_SECRET = "aws-SECRET-pw-1c7e"
GCP_SECRET = "gcp-SECRET-hmac-8d2a"
SGWS_SECRET = "sg-SECRET-s3-4b90"
S3_SECRET = "ontaps3-SECRET-77f1"
PROVIDER_SECRETS = (AWS_SECRET, GCP_SECRET, SGWS_SECRET, S3_SECRET)

GOLD = {"name": "gold", "rules": [{"label": "weekly", "retention": 52}, {"label": "daily", "retention": 30}]}
ACTIVE_BUCKET = "netapp-backup-onprem"
ACTIVE_REGION = "us-east-1"


@pytest.fixture
def fleet(emulator):
    """The on-premises working environment, not yet backed up (it may back up to any provider), the
    AWS one backed up with volumes that have backups, and the GCP one backed up."""
    state = emulator.account
    return types.SimpleNamespace(
        onprem=emulator.working_environment(provider="ONPREM", backup_enabled=False),
        aws=emulator.working_environment(provider="AWS", backup_enabled=True),
        gcp=emulator.working_environment(provider="GCP", backup_enabled=True),
        aws_account=state["cloud"]["aws_accounts"][0],
        azure_subscription=state["cloud"]["azure_subscriptions"][0],
        gcp_project=state["cloud"]["gcp_projects"][0],
        grid=next(g for g in state["storagegrids"] if g["discovered"]),
        seeded={j["id"] for j in emulator.control("GET", "jobs")["jobs"]},
    )


@pytest.fixture
def active(emulator, fleet):
    """The on-premises working environment, activated by another tool to AWS with known settings."""
    emulator.api("POST", "v3", "backup", "working-environment", fleet.onprem["id"], json={
        "provider": "AWS", "region": ACTIVE_REGION, "bucket": ACTIVE_BUCKET, "ip-space": "Default",
        "max-transfer-rate": 100, "auto-backup-enabled": False, "export-existing-snapshots": False,
        "aws": {"account-id": fleet.aws_account, "access-key": "AKIAEXAMPLE", "secret-password": AWS_SECRET,
                "archive-storage-class": "GLACIER"},
        "backup-policy": {"name": "1 day", "rule": [{"label": "daily", "retention": "30"}]}})
    emulator.advance(60)
    return fleet.onprem


def onprem(fleet, **extra):
    return dict(working_environment_name=fleet.onprem["name"], **extra)


def aws_activation(fleet, **extra):
    base = dict(provider="AWS", region="us-east-1", bucket="netapp-backup-prod", ip_space="Default",
                auto_backup_enabled=True, max_transfer_rate=100,
                aws={"account_id": fleet.aws_account, "access_key": "AKIAEXAMPLE", "secret_password": AWS_SECRET,
                     "kms_key_id": "kms-1", "private_endpoint_id": "vpce-1"},
                archive_storage_class="GLACIER",
                policy=dict(GOLD, archive_after_days=180))
    base.update(extra)
    return onprem(fleet, **base)


def backup_path(emulator, we_id, *rest, version="v1"):
    return emulator.cbs_path(version, "backup", "working-environment", we_id, *rest)


def write_paths(emulator):
    return [(w["method"], w["path"]) for w in emulator.writes()]


def new_jobs(emulator, fleet, job_type):
    """Jobs of that type started since the fleet was seeded, oldest first."""
    return [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == job_type and j["id"] not in fleet.seeded]


def backup_enabled(emulator, we_id):
    return next(we["backup_enabled"] for we in emulator.working_environments() if we["id"] == we_id)


def assert_no_provider_secret(emulator, value):
    dumped = json.dumps(value, default=repr)
    for secret in PROVIDER_SECRETS + (emulator.token,):
        assert secret not in dumped, "a secret leaked: " + secret


# --- activation -----------------------------------------------------------------------------------

def test_activation_in_check_mode_sends_no_write_and_predicts(emulator, fleet):
    result = emulator.run_ok("backup_activation", **aws_activation(fleet, _ansible_check_mode=True,
                                                                   _ansible_diff=True))
    assert result["changed"] is True
    after = result["activation"]
    assert after["active"] is True
    assert (after["provider"], after["bucket"], after["region"], after["object_lock"]) == (
        "AWS", "netapp-backup-prod", "us-east-1", "NONE")
    assert after["max_transfer_rate"] == 100 and after["archive_storage_class"] == "GLACIER"
    assert after["policy"]["name"] == "gold" and after["policy"]["archive_after_days"] == 180
    assert result["diff"]["before"] == {"active": False}
    assert result["diff"]["after"] == after
    assert emulator.writes() == []
    assert backup_enabled(emulator, fleet.onprem["id"]) is False
    assert_no_provider_secret(emulator, result)


def test_activation_sends_the_v3_body_with_the_kebab_case_provider_block(emulator, fleet):
    result = emulator.run_ok("backup_activation", **aws_activation(fleet, _ansible_diff=True))
    assert result["changed"] is True
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", backup_path(emulator, fleet.onprem["id"], version="v3"))
    # The request log keeps no secret: a secret sent shows as <redacted>.
    assert write["body"] == {
        "provider": "AWS", "region": "us-east-1", "bucket": "netapp-backup-prod", "ip-space": "Default",
        "auto-backup-enabled": True, "max-transfer-rate": 100,
        "aws": {"account-id": fleet.aws_account, "access-key": "AKIAEXAMPLE", "secret-password": "<redacted>",
                "kms-key-id": "kms-1", "private-endpoint": {"id": "vpce-1"}, "archive-storage-class": "GLACIER"},
        "backup-policy": {"name": "gold", "rule": [{"label": "daily", "retention": "30"},
                                                   {"label": "weekly", "retention": "52"}],
                          "archive-after-days": "180"},
    }
    [job] = new_jobs(emulator, fleet, "backup-working-environment")[-1:]
    assert result["jobs"][0]["id"] == job["id"] and result["jobs"][0]["status"] == "COMPLETED"
    assert result["activation"]["active"] is True, "read back after the job"
    assert backup_enabled(emulator, fleet.onprem["id"]) is True
    assert result["activation"]["policy"]["rules"] == [
        {"label": "daily", "retention": 30}, {"label": "weekly", "retention": 52}]
    assert emulator.calls()[-2:] == [("GET", emulator.cbs_path("v1", "job", job["id"])),
                                     ("GET", backup_path(emulator, fleet.onprem["id"]))]
    assert_no_provider_secret(emulator, result)

    emulator.clear_requests()
    again = emulator.run_ok("backup_activation", **aws_activation(fleet, _ansible_diff=True))
    assert again["changed"] is False and emulator.writes() == []
    assert again["activation"] == result["activation"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert_no_provider_secret(emulator, again)


@pytest.mark.parametrize("provider, option", [
    ("AZURE", "azure"), ("GCP", "gcp"), ("SGWS", "sgws"), ("ONTAP_S3", "ontap_s3"), ("AWS", "aws"),
], ids=["azure", "gcp", "sgws", "ontap_s3", "aws"])
def test_each_provider_block_is_sent_in_kebab_case(emulator, fleet, provider, option):
    block, expected = {
        "AZURE": ({"subscription": fleet.azure_subscription, "resource_group": "rg-backup",
                   "storage_account": "sabackup", "private_endpoint_subnet": "subnet-1", "key_vault_id": "kv-1",
                   "key_name": "key-1"},
                  {"subscription": fleet.azure_subscription, "resource-group": "rg-backup",
                   "storage-account": "sabackup", "private-endpoint": {"subnet": "subnet-1"},
                   "key-vault": {"key-vault-id": "kv-1", "key-name": "key-1"}}),
        "GCP": ({"project_id": fleet.gcp_project, "access_key": "GOOG1E", "secret_password": GCP_SECRET,
                 "key_ring_id": "ring-1", "crypto_key_id": "key-1"},
                {"project-id": fleet.gcp_project, "access-key": "GOOG1E", "secret-password": "<redacted>",
                 "kms": {"key-ring-id": "ring-1", "crypto-key-id": "key-1"}}),
        "SGWS": ({"storage_grid_id": fleet.grid["id"], "storage_server": fleet.grid["name"] + ":10443",
                  "access_key": "SGKEY", "secret_password": SGWS_SECRET},
                 {"storage-grid-id": fleet.grid["id"], "storage-server": fleet.grid["name"] + ":10443",
                  "access-key": "SGKEY", "secret-password": "<redacted>"}),
        "ONTAP_S3": ({"storage_server": "s3.example.test", "access_key": "S3KEY", "secret_password": S3_SECRET},
                     {"storage-server": "s3.example.test", "access-key": "S3KEY", "secret-password": "<redacted>"}),
        "AWS": ({"account_id": fleet.aws_account, "access_key": "AKIAEXAMPLE", "secret_password": AWS_SECRET},
                {"account-id": fleet.aws_account, "access-key": "AKIAEXAMPLE", "secret-password": "<redacted>"}),
    }[provider]
    # A policy of the environment, named alone.
    policy = emulator.api("GET", "v1", "working-environment", fleet.onprem["id"], "backup-policy")["backup-policy"][0]
    result = emulator.run_ok("backup_activation", **onprem(fleet, provider=provider, region="r-1", ip_space="Default",
                                                           bucket="netapp-backup-x", policy={"name": policy["name"]},
                                                           **{option: block}))
    [write] = [w for w in emulator.writes() if w["method"] == "POST"]
    assert write["body"] == {"provider": provider, "region": "r-1", "ip-space": "Default", "bucket": "netapp-backup-x",
                             option.replace("_", "-"): expected, "backup-policy": {"name": policy["name"]}}
    assert result["activation"]["provider"] == provider
    assert_no_provider_secret(emulator, result)


def test_activation_with_datalock_sends_object_lock_in_the_policy(emulator, fleet):
    result = emulator.run_ok("backup_activation", **aws_activation(
        fleet, archive_storage_class=None,
        policy={"name": "locked", "rules": [{"label": "daily", "retention": 30}], "object_lock": "COMPLIANCE"}))
    assert emulator.writes()[0]["body"]["backup-policy"] == {
        "name": "locked", "rule": [{"label": "daily", "retention": "30"}], "object-lock": "COMPLIANCE"}
    assert result["activation"]["object_lock"] == "COMPLIANCE"


def test_activation_without_wait_returns_the_job_id_and_the_prediction(emulator, fleet):
    result = emulator.run_ok("backup_activation", **aws_activation(fleet, wait=False))
    assert result["changed"] is True
    [job] = new_jobs(emulator, fleet, "backup-working-environment")[-1:]
    assert result["jobs"] == [{"id": job["id"], "status": "PENDING"}]
    assert result["activation"]["provider"] == "AWS" and result["activation"]["active"] is True
    assert not any(p.startswith(emulator.cbs_path("v1", "job") + "/") for _m, p in emulator.calls())
    assert emulator.sleeps == []


def test_activation_waits_on_the_emulator_clock(emulator, fleet):
    emulator.run_ok("backup_activation", **aws_activation(fleet))
    assert_waited_for(emulator.sleeps, 2)  # the default 2-second job


def test_failed_activation_job_fails_with_its_error(emulator, fleet):
    emulator.add_job_fault(job_type="backup-working-environment",
                           error="Bucket netapp-backup-prod is owned by another account")
    result = emulator.run_fail("backup_activation", **aws_activation(fleet))
    [job] = new_jobs(emulator, fleet, "backup-working-environment")[-1:]
    assert result["error_code"] == "job_failed"
    assert "owned by another account" in result["msg"] and result["job_id"] == job["id"]
    assert_no_provider_secret(emulator, result)


def test_activation_refused_by_the_api_does_not_echo_secrets(emulator, fleet):
    emulator.add_fault(method="POST", path="/api/v3/backup/working-environment/", status=400,
                       message="invalid access key")
    result = emulator.run_fail("backup_activation", **aws_activation(fleet))
    assert result["status"] == 400 and "invalid access key" in result["msg"]
    assert result["method"] == "POST" and result["path"] == backup_path(emulator, fleet.onprem["id"], version="v3")
    assert_no_provider_secret(emulator, result)


def test_activation_without_provider_fails_naming_it_and_sends_nothing(emulator, fleet):
    result = emulator.run_fail("backup_activation", **onprem(fleet, policy={"name": "gold"}))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "provider" and fleet.onprem["name"] in result["msg"]
    assert emulator.writes() == []


def test_an_environment_unregistered_since_is_activated_again(emulator, fleet, active):
    emulator.api("DELETE", "v1", "backup", "working-environment", active["id"])
    emulator.advance(60)
    assert backup_enabled(emulator, active["id"]) is False
    result = emulator.run_ok("backup_activation", **aws_activation(fleet, _ansible_check_mode=True))
    assert result["changed"] is True and emulator.writes() == []


def test_check_mode_prediction_matches_the_state_a_real_run_reports(emulator, fleet):
    predicted = emulator.run_ok("backup_activation", **aws_activation(fleet, _ansible_check_mode=True))["activation"]
    done = emulator.run_ok("backup_activation", **aws_activation(fleet))["activation"]
    # What check mode cannot know (the policy's id, its volume count) it leaves out.
    assert predicted["policy"] == {key: done["policy"][key] for key in predicted["policy"]}


# --- preconditions found before the write, naming the option ---------------------------------------

NO_SUCH_POLICY = {"name": "no-such-policy"}


@pytest.mark.parametrize("options, option", [
    ({"aws": {"access_key": "AKIAEXAMPLE", "secret_password": AWS_SECRET}}, "aws.account_id"),
    ({"aws": None}, "aws.account_id"),
    ({"aws": {"account_id": "123456789012", "secret_password": AWS_SECRET}}, "aws.access_key"),
    ({"aws": {"account_id": "123456789012", "access_key": "AKIAEXAMPLE"}}, "aws.secret_password"),
    ({"provider": "AZURE", "aws": None, "archive_storage_class": None, "azure": {"resource_group": "rg"}},
     "azure.subscription"),
    ({"provider": "GCP", "aws": None, "archive_storage_class": None, "gcp": {"access_key": "GOOG1E"}},
     "gcp.project_id"),
    ({"region": None}, "region"),
    ({"ip_space": None}, "ip_space"),
    ({"policy": NO_SUCH_POLICY}, "policy.name"),
    ({"archive_storage_class": None}, "archive_storage_class"),
], ids=["aws account", "no aws block", "aws access key", "aws secret", "azure subscription", "gcp project", "region",
        "ip space", "policy that does not exist", "archive without storage class"])
@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_activation_precondition_fails_before_the_write_naming_the_option(emulator, fleet, options, option,
                                                                          check_mode):
    result = emulator.run_fail("backup_activation", **aws_activation(fleet, _ansible_check_mode=check_mode,
                                                                     **options))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == option and result["msg"].startswith(option + ":")
    assert fleet.onprem["name"] in result["msg"]
    assert emulator.writes() == []
    assert_no_provider_secret(emulator, result)


def test_policy_that_does_not_exist_lists_the_policies_of_the_environment(emulator, fleet):
    names = sorted(p["name"] for p in emulator.api("GET", "v1", "working-environment", fleet.onprem["id"],
                                                   "backup-policy")["backup-policy"])
    result = emulator.run_fail("backup_activation", **aws_activation(fleet, policy=NO_SUCH_POLICY))
    assert "'no-such-policy'" in result["msg"] and ", ".join(names) in result["msg"]
    assert "policy.rules" in result["msg"]


def test_cloud_volumes_ontap_backs_up_to_its_own_account_without_a_provider_block(emulator):
    we = emulator.working_environment(provider="AZURE", backup_enabled=False)
    result = emulator.run_ok("backup_activation", working_environment_name=we["name"], provider="AZURE",
                             policy={"name": "gold", "rules": [{"label": "daily", "retention": 7}]})
    [write] = emulator.writes()
    assert write["body"]["azure"] == {"subscription": we["provider_account_id"]}
    assert result["activation"]["active"] is True


def test_cloud_volumes_ontap_backs_up_to_its_own_cloud_only(emulator):
    we = emulator.working_environment(provider="AZURE", backup_enabled=False)
    result = emulator.run_fail("backup_activation", working_environment_name=we["name"], provider="AWS",
                               aws={"account_id": "123456789012"})
    assert result["option"] == "provider" and "AZURE" in result["msg"] and we["name"] in result["msg"]
    assert emulator.writes() == []


def test_policy_change_to_one_that_does_not_exist_fails_before_the_write(emulator, active):
    result = emulator.run_fail("backup_activation", working_environment_name=active["name"], policy=NO_SUCH_POLICY,
                               max_transfer_rate=999)
    assert result["option"] == "policy.name" and result["msg"].startswith("policy.name:")
    assert emulator.writes() == []


def test_server_message_naming_a_field_shows_the_option(emulator, fleet):
    message = "aws.kms-key-id: key kms-1 is not usable in region us-east-1; see backup-policy.archive-after-days"
    emulator.add_fault(method="POST", path="/api/v3/backup/working-environment/", status=400, message=message)
    result = emulator.run_fail("backup_activation", **aws_activation(fleet))
    assert result["status"] == 400 and result["server_message"] == message
    assert "aws.kms-key-id (option aws.kms_key_id): key kms-1" in result["msg"]
    assert "backup-policy.archive-after-days (option policy.archive_after_days)" in result["msg"]
    assert result["msg"].startswith("POST " + backup_path(emulator, fleet.onprem["id"], version="v3"))
    assert "us-east-1;" in result["msg"], "a value that is no field is left as it is"


# --- changes on an active working environment -----------------------------------------------------

@pytest.mark.parametrize("options, body, field, value", [
    ({"max_transfer_rate": 200}, {"max-transfer-rate": 200}, "max_transfer_rate", 200),
    ({"max_transfer_rate": 0}, {"max-transfer-rate": 0}, "max_transfer_rate", 0),
    ({"ip_space": "ips_backup"}, {"ip-space": "ips_backup"}, "ip_space", "ips_backup"),
    ({"auto_backup_enabled": True}, {"auto-backup-enabled": True}, "auto_backup_enabled", True),
    ({"export_existing_snapshots": True}, {"export-existing-snapshots": True}, "export_existing_snapshots", True),
    ({"archive_storage_class": "DEEP_ARCHIVE"}, {"archive-storage-class": "DEEP_ARCHIVE"}, "archive_storage_class",
     "DEEP_ARCHIVE"),
    ({"policy": {"name": "silver", "rules": [{"label": "daily", "retention": 7}]}},
     {"backup-policy": {"name": "silver", "rule": [{"label": "daily", "retention": "7"}]}}, "policy",
     {"name": "silver", "rules": [{"label": "daily", "retention": 7}], "archive_after_days": None}),
    ({"policy": {"name": "existing"}, "max_transfer_rate": 50},
     {"max-transfer-rate": 50, "backup-policy": {"name": "existing"}}, "max_transfer_rate", 50),
], ids=["rate", "rate unlimited", "ip space", "auto backup", "export snapshots", "storage class", "policy",
        "existing policy and rate"])
def test_change_on_an_active_environment_sends_put_v2(emulator, active, options, body, field, value):
    if options.get("policy", {}).get("name") == "existing":
        # A policy the environment has besides its default, named alone.
        existing = next(p["name"] for p in emulator.api("GET", "v1", "working-environment", active["id"],
                                                        "backup-policy")["backup-policy"] if p["name"] != "1 day")
        options = dict(options, policy={"name": existing})
        body = dict(body, **{"backup-policy": {"name": existing}})
    given = dict(working_environment_name=active["name"], **options)
    check = emulator.run_ok("backup_activation", _ansible_check_mode=True, _ansible_diff=True, **given)
    assert check["changed"] is True and emulator.writes() == []
    assert check["activation"][field] == value
    assert check["diff"]["before"][field] != value

    result = emulator.run_ok("backup_activation", _ansible_diff=True, **given)
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("PUT", backup_path(emulator, active["id"], version="v2"))
    assert write["body"] == body
    read_back = result["activation"][field]
    if isinstance(value, dict):
        read_back = {key: read_back[key] for key in value}
    assert read_back == value, "read back after the job"
    assert result["jobs"][0]["status"] == "COMPLETED"
    assert result["diff"]["after"] == result["activation"]

    emulator.clear_requests()
    again = emulator.run_ok("backup_activation", **given)
    assert again["changed"] is False and emulator.writes() == []


def test_change_without_wait_returns_the_job_and_the_prediction(emulator, fleet, active):
    result = emulator.run_ok("backup_activation", working_environment_name=active["name"], max_transfer_rate=300,
                             wait=False)
    [job] = new_jobs(emulator, fleet, "modify-working-environment")
    assert result["jobs"] == [{"id": job["id"], "status": "PENDING"}]
    assert result["activation"]["max_transfer_rate"] == 300
    # The working environment, its settings, the job list (no change of them running), the change.
    assert [m for m, _p in emulator.calls()] == ["GET", "GET", "GET", "PUT"]


@pytest.mark.parametrize("options", [
    {},
    {"provider": "AWS", "bucket": ACTIVE_BUCKET, "region": ACTIVE_REGION},
    {"max_transfer_rate": 100, "ip_space": "Default", "auto_backup_enabled": False, "archive_storage_class": "GLACIER"},
    {"policy": {"name": "1 day", "rules": [{"label": "hourly", "retention": 24}]}},
    {"policy": {"name": "1 day", "object_lock": "NONE"}},
    {"provider": "AWS", "aws": {"account_id": "1", "access_key": "AKIANEW", "secret_password": AWS_SECRET}},
], ids=["nothing", "fixed settings repeated", "same settings", "same policy name", "no lock", "secrets"])
def test_active_environment_as_asked_is_unchanged(emulator, active, options):
    result = emulator.run_ok("backup_activation", working_environment_name=active["name"], _ansible_diff=True,
                             **options)
    assert result["changed"] is False and emulator.writes() == []
    assert result["diff"]["before"] == result["diff"]["after"] == result["activation"]
    assert_no_provider_secret(emulator, result)


@pytest.mark.parametrize("options, option, current, wanted", [
    ({"provider": "AZURE"}, "provider", "AWS", "AZURE"),
    ({"bucket": "other-bucket"}, "bucket", ACTIVE_BUCKET, "other-bucket"),
    ({"region": "eu-west-1"}, "region", ACTIVE_REGION, "eu-west-1"),
    ({"policy": {"name": "1 day", "object_lock": "GOVERNANCE"}}, "object_lock", "NONE", "GOVERNANCE"),
], ids=["provider", "bucket", "region", "datalock"])
def test_fixed_setting_of_an_active_environment_cannot_change(emulator, active, options, option, current, wanted):
    result = emulator.run_fail("backup_activation", working_environment_name=active["name"], max_transfer_rate=999,
                               **options)
    assert result["error_code"] == "invalid_option" and result["option"] == option
    named = "policy.object_lock" if option == "object_lock" else option
    assert result["msg"].startswith(named + ":")
    assert current in result["msg"] and wanted in result["msg"]
    assert result["conflicts"][option] == [current, wanted]
    assert emulator.writes() == []


def test_archive_storage_class_on_an_active_non_aws_environment_fails_before_a_write(emulator, fleet):
    result = emulator.run_fail("backup_activation", working_environment_name=fleet.gcp["name"],
                               archive_storage_class="DEEP_ARCHIVE")
    assert emulator.writes() == []
    assert result["option"] == "archive_storage_class"


# --- unregister -----------------------------------------------------------------------------------

def test_absent_when_not_active_is_unchanged(emulator, fleet):
    result = emulator.run_ok("backup_activation", **onprem(fleet, state="absent", _ansible_diff=True))
    assert result["changed"] is False and emulator.writes() == []
    assert result["activation"] == {"active": False}


def test_absent_without_backups_unregisters(emulator, active):
    check = emulator.run_ok("backup_activation", working_environment_name=active["name"], state="absent",
                            _ansible_check_mode=True, _ansible_diff=True)
    assert check["changed"] is True and emulator.writes() == []
    assert check["diff"]["before"]["active"] is True and check["diff"]["after"] == {"active": False}

    result = emulator.run_ok("backup_activation", working_environment_name=active["name"], state="absent")
    assert write_paths(emulator) == [("DELETE", backup_path(emulator, active["id"]))]
    assert result["activation"] == {"active": False}
    assert len(result["jobs"]) == 1
    assert backup_enabled(emulator, active["id"]) is False

    emulator.clear_requests()
    assert emulator.run_ok("backup_activation", working_environment_name=active["name"],
                           state="absent")["changed"] is False
    assert emulator.writes() == []


def volumes_with_backups(emulator, we_id):
    """Names of the backed-up volumes that hold backups, in the order the API lists them."""
    listed = emulator.api("GET", "v1", "backup", "working-environment", we_id, "volume")["volume"]
    return [v["name"] for v in listed
            if emulator.api("GET", "v1", "backup", "working-environment", we_id, "volume", v["file-system-id"],
                            "snapshot")["snapshot"]]


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_absent_with_backups_needs_delete_backups_and_sends_nothing(emulator, fleet, check_mode):
    expected = volumes_with_backups(emulator, fleet.aws["id"])
    assert len(expected) >= 2, "seeded: several volumes with backups, one of them paused"
    result = emulator.run_fail("backup_activation", working_environment_name=fleet.aws["name"], state="absent",
                               _ansible_check_mode=check_mode)
    assert result["error_code"] == "has_backups" and result["volumes_with_backups"] == expected
    assert ", ".join(expected) in result["msg"] and "delete_backups" in result["msg"]
    assert emulator.writes() == []


def test_absent_with_delete_backups_deletes_them_then_unregisters(emulator, fleet):
    we_id = fleet.aws["id"]
    result = emulator.run_ok("backup_activation", working_environment_name=fleet.aws["name"], state="absent",
                             delete_backups=True, wait=False)
    assert write_paths(emulator) == [("DELETE", backup_path(emulator, we_id, "snapshot", version="v2")),
                                     ("DELETE", backup_path(emulator, we_id))]
    [deletion] = new_jobs(emulator, fleet, "delete-working-environment-backups")
    [unregister] = new_jobs(emulator, fleet, "unregister-working-environment")
    sent = emulator.calls()
    assert sent.index(("GET", emulator.cbs_path("v1", "job", deletion["id"]))) < sent.index(
        ("DELETE", backup_path(emulator, we_id))), \
        "unregistering waits for the deletion of the backups, whatever wait says"
    assert ("GET", emulator.cbs_path("v1", "job", unregister["id"])) not in sent
    assert [(j["id"], j["status"]) for j in result["jobs"]] == [(deletion["id"], "COMPLETED"),
                                                                (unregister["id"], "PENDING")]
    assert_waited_for(emulator.sleeps, 2)  # the deletion alone
    emulator.advance(60)
    assert backup_enabled(emulator, we_id) is False, "the unregistration, left running, then completes"


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
def test_bad_input_fails_before_any_request_naming_the_option(emulator, fleet, options, option):
    emulator.clear_requests()
    result = emulator.run_fail("backup_activation", **onprem(fleet, **options))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == option
    assert result["msg"].startswith(option)
    assert emulator.requests() == []


def test_block_mismatch_message_names_both_providers(emulator, fleet):
    result = emulator.run_fail("backup_activation", **onprem(fleet, provider="AZURE",
                                                             aws={"account_id": "1", "secret_password": AWS_SECRET}))
    assert "AWS" in result["msg"] and "AZURE" in result["msg"]
    assert_no_provider_secret(emulator, result)


@pytest.mark.parametrize("options", [
    {"provider": "S3_COMPATIBLE"},
    {"archive_storage_class": "COLD"},
    {"policy": {"rules": [{"label": "daily", "retention": 1}]}},
], ids=["unknown provider", "unknown storage class", "policy without name"])
def test_argument_spec_refusals_send_nothing(emulator, fleet, options):
    emulator.clear_requests()
    emulator.run_fail("backup_activation", **onprem(fleet, **options))
    assert emulator.requests() == []


def test_documented_unit_of_max_transfer_rate_is_the_api_unit():
    doc = yaml.safe_load(backup_activation.DOCUMENTATION)
    text = " ".join(doc["options"]["max_transfer_rate"]["description"])
    assert "Mbps" not in text and ("kbps" in text.lower() or "kilobytes" in text.lower())
