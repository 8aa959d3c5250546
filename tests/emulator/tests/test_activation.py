# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup activation: v1 (synchronous), v2/v3 (jobs), provider blocks, DataLock, auto backup."""
from __future__ import annotations

from typing import Any

import pytest

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import assert_shape

V2 = "/api/v2/backup/working-environment/{we}"
V3 = "/api/v3/backup/working-environment/{we}"
ON_PREM_CREDENTIALS = {"access-key": "AKIAEXAMPLE", "secret-password": "s3cr3t"}
pytestmark = manual()


@pytest.mark.parametrize("provider,block,extra", [
    ("AWS", "aws", {"account-id": "123456789012", "kms-key-id": "key-1"}),
    ("AZURE", "azure", {"subscription": "sub-1", "resource-group": "rg-backup"}),
    ("GCP", "gcp", {"project-id": "project-1"}),
])
def test_v3_activation_of_cloud_volumes_ontap(flow: Flow, spec: Spec, provider: str, block: str,
                                              extra: dict[str, Any]) -> None:
    we = flow.we(provider)
    result = flow.call("POST", V3, {"provider": provider, block: extra, "ip-space": "Default",
                                    "backup-policy": {"name": "gold", "rule": [{"label": "daily", "retention": 7}]}},
                       we=we.id)
    assert_shape(spec, "POST", PREFIX + V3.replace("{we}", "{workingEnvironmentId}"), result.body, "202")
    assert flow.backup_view(we)["backup-enablement-status"] == "OFF"  # not before the job completes
    job = flow.finish(result)
    assert job["type"] == "backup-working-environment" and job["status"] == "COMPLETED"
    view = flow.backup_view(we)
    assert view["backup-enablement-status"] == "ON" and view["provider"] == provider
    assert view["bucket"] == f"netapp-backup-{we.cluster_uuid}" and view["region"] == we.region
    assert view["backup-policy"] == {"name": "gold", "rule": [{"label": "daily", "retention": "7"}]}
    account = next(value for key, value in extra.items() if key in ("account-id", "subscription", "project-id"))
    assert view["provider-account-id"] == account
    if provider == "AZURE":
        assert view["resource-group"] == "rg-backup" and view["storage-account"].startswith("netappbackup")


@pytest.mark.parametrize("provider,block,fields", [
    ("AWS", "aws", {"account-id": "123456789012", **ON_PREM_CREDENTIALS}),
    ("SGWS", "sgws", ON_PREM_CREDENTIALS),  # plus the seeded discovered grid
    ("ONTAP_S3", "ontap-s3", {"storage-server": "s3.example.com", **ON_PREM_CREDENTIALS}),
])
def test_v3_activation_of_on_premises_ontap(flow: Flow, spec: Spec, provider: str, block: str,
                                            fields: dict[str, Any]) -> None:
    we = flow.we("ONPREM")
    if provider == "SGWS":
        grid = flow.discovered_grid()
        fields = {"storage-server": f"{grid.name}:{grid.s3_port}", "storage-grid-id": grid.id, **fields}
    body = {"provider": provider, block: fields, "ip-space": "Default", "bucket": "my-bucket",
            "max-transfer-rate": 1024, "export-existing-snapshots": False}
    if provider == "AWS":
        body["region"] = "eu-west-1"
    assert flow.finish(flow.call("POST", V3, body, we=we.id))["status"] == "COMPLETED"
    view = flow.backup_view(we)
    assert_shape(spec, "GET", PREFIX + WE_V1.replace("{we}", "{workingEnvironmentId}"), view)
    assert (view["provider"], view["bucket"], view["max-transfer-rate"]) == (provider, "my-bucket", 1024)
    assert view["export-existing-snapshots"] is False and view["provider-access-key"] == "AKIAEXAMPLE"
    assert "s3cr3t" not in str(flow.emulator.summary()) and "s3cr3t" not in repr(we.backup)
    if provider != "AWS":
        assert view["storage-server"] == fields["storage-server"]
    status = flow.ok("GET", WE_V1 + "/status", we=we.id)
    assert_shape(spec, "GET", PREFIX + WE_V1.replace("{we}", "{workingEnvironmentId}") + "/status", status)


@pytest.mark.parametrize("body,message", [
    ({"provider": "AWS", "azure": {"subscription": "s"}}, "azure: does not match provider AWS"),
    ({"provider": "AZURE", "azure": {"subscription": "s"}}, "provider: Cloud Volumes ONTAP on AWS backs up to AWS"),
    ({"provider": "AWS", "aws": {}}, "aws.account-id is required when the provider is AWS"),
    ({"provider": "AWS", "aws": {"account-id": "1"}, "ip-space": "nope"}, "ip-space: IPspace 'nope' does not exist"),
    ({"provider": "AWS", "aws": {"account-id": "1"}, "max-transfer-rate": -1}, "max-transfer-rate"),
])
def test_v3_activation_rejects_inconsistent_bodies(flow: Flow, body: dict[str, Any], message: str) -> None:
    we = flow.we("AWS")
    result = flow.call("POST", V3, body, we=we.id)
    assert result.status == 400 and message in result.body["message"]
    assert flow.emulator.jobs.unfinished(flow.client.account, we.id, ["backup-working-environment"]) == []


def test_on_premises_activation_needs_provider_region_and_credentials(flow: Flow) -> None:
    we = flow.we("ONPREM")
    assert "provider is required" in flow.call("POST", V3, {"aws": {}}, we=we.id).body["message"]
    missing = flow.call("POST", V3, {"provider": "AWS", "region": "us-east-1", "ip-space": "Default",
                                     "aws": {"account-id": "1"}}, we=we.id)
    assert missing.status == 400 and "aws.access-key is required" in missing.body["message"]
    no_region = flow.call("POST", V3, {"provider": "AWS", "ip-space": "Default",
                                       "aws": {"account-id": "1", **ON_PREM_CREDENTIALS}}, we=we.id)
    assert "region is required" in no_region.body["message"]


def test_datalock_cannot_be_combined_with_archiving(flow: Flow) -> None:
    we = flow.we("AWS")
    policy = {"rule": [{"label": "daily", "retention": "30"}], "archive-after-days": "90",
              "object-lock": "GOVERNANCE"}
    result = flow.call("POST", V3, {"provider": "AWS", "aws": {"account-id": "1", "archive-storage-class": "GLACIER"},
                                    "backup-policy": policy}, we=we.id)
    assert result.status == 400
    assert "archive-after-days: archiving cannot be combined with DataLock" in result.body["message"]


@pytest.mark.parametrize("provider,mode,status", [
    ("AWS", "COMPLIANCE", 202), ("AWS", "LOCKED", 400), ("AZURE", "UNLOCKED", 202), ("GCP", "GOVERNANCE", 400),
])
def test_datalock_modes_per_provider(flow: Flow, provider: str, mode: str, status: int) -> None:
    we = flow.we(provider)
    block = {"AWS": ("aws", {"account-id": "1"}), "AZURE": ("azure", {"subscription": "s"}),
             "GCP": ("gcp", {"project-id": "p"})}[provider]
    policy = {"name": "locked", "rule": [{"label": "daily", "retention": 7}], "object-lock": mode}
    result = flow.call("POST", V3, {"provider": provider, block[0]: block[1], "backup-policy": policy}, we=we.id)
    assert result.status == status, result.body
    if status == 202:
        flow.finish(result)
        assert flow.backup_view(we)["object-lock"] == mode


def test_datalock_needs_ontap_9_11_1(flow: Flow) -> None:
    we = flow.we("AWS")
    we.ontap_version = "9.10.1"
    result = flow.call("POST", V3, {"provider": "AWS", "aws": {"account-id": "1"}, "backup-policy": {
        "rule": [{"label": "daily", "retention": 7}], "object-lock": "GOVERNANCE"}}, we=we.id)
    assert result.status == 400 and "ONTAP 9.11.1" in result.body["message"]


def test_archiving_on_aws_needs_a_storage_class(flow: Flow) -> None:
    we = flow.we("AWS")
    policy = {"rule": [{"label": "daily", "retention": 7}], "archive-after-days": 30}
    result = flow.call("POST", V3, {"provider": "AWS", "aws": {"account-id": "1"}, "backup-policy": policy}, we=we.id)
    assert result.status == 400 and "aws.archive-storage-class is required" in result.body["message"]


def test_activating_an_active_working_environment_is_400(flow: Flow) -> None:
    we = flow.we("AWS", active=True)
    result = flow.call("POST", V3, {"provider": "AWS", "aws": {"account-id": "1"}}, we=we.id)
    assert result.status == 400 and result.body["message"] == f"Backup is already active on working environment {we.id}"


def test_second_activation_while_one_is_running_is_400(flow: Flow) -> None:
    we = flow.we("GCP")
    body = {"provider": "GCP", "gcp": {"project-id": "p"}}
    assert flow.call("POST", V3, body, we=we.id).status == 202
    result = flow.call("POST", V3, body, we=we.id)
    assert result.status == 400 and "already in progress" in result.body["message"]


def test_v1_activation_is_synchronous(flow: Flow, spec: Spec) -> None:
    we = flow.we("AZURE")
    body = flow.ok("POST", WE_V1, {"subscription": "sub-9", "backup-policy": {
        "name": "v1-policy", "rule": [{"label": "weekly", "retention": "4"}]}}, we=we.id)
    assert body == {"state": "ON"}
    assert_shape(spec, "POST", PREFIX + WE_V1.replace("{we}", "{workingEnvironmentId}"), body)
    view = flow.backup_view(we)
    assert view["backup-enablement-status"] == "ON" and view["backup-policy"]["name"] == "v1-policy"
    mismatch = flow.call("POST", WE_V1, {"project-id": "p"}, we=flow.we("AWS").id)
    assert mismatch.status == 400 and "project-id: does not match provider AWS" in mismatch.body["message"]


def test_v2_activation_is_a_job_and_defaults_the_policy(flow: Flow) -> None:
    we = flow.we("AWS")
    job = flow.finish(flow.call("POST", V2, {"account-id": "123456789012"}, we=we.id))
    assert job["status"] == "COMPLETED"
    view = flow.backup_view(we)
    assert view["backup-policy"]["name"] == "Daily-30 Weekly-13 Monthly-12"
    assert view["backed-up-volume-count"] == "0"  # no auto backup: only the WE is activated


def test_auto_backup_protects_every_eligible_volume(flow: Flow) -> None:
    we = flow.we("AWS")
    we.volumes[0].snaplock_type = "compliance"
    flow.activate(we, **{"auto-backup-enabled": True})
    protected = {v["file-system-id"] for v in flow.ok("GET", WE_V1 + "/volume", we=we.id)["volume"]}
    assert protected == {v.file_system_id for v in flow.eligible(we)}
    assert we.volumes[0].file_system_id not in protected
    assert flow.backup_view(we)["auto-backup-enabled"] is True


def test_failed_activation_job_leaves_backup_off(flow: Flow) -> None:
    we = flow.we("GCP")
    flow.handle.add_job_fault(job_type="backup-working-environment", error="bucket quota exceeded")
    job = flow.finish(flow.call("POST", V3, {"provider": "GCP", "gcp": {"project-id": "p"}}, we=we.id))
    assert (job["status"], job["error"]) == ("FAILED", "bucket quota exceeded")
    assert flow.backup_view(we)["backup-enablement-status"] == "OFF"
    flow.activate(we)  # the fault fired once


def test_storagegrid_archival_pool_is_shown_without_its_secret(flow: Flow, spec: Spec) -> None:
    we = flow.we("ONPREM")
    grid = flow.discovered_grid()
    pool = {"provider": "AWS", "provider-account-id": "123456789012", "region": "us-east-1",
            "access-key": "AKIAPOOL", "secret-password": "pool-secret", "archive-storage-class": "GLACIER"}
    body = {"provider": "SGWS", "ip-space": "Default",
            "sgws": {"storage-server": grid.name, "storage-grid-id": grid.id, **ON_PREM_CREDENTIALS},
            "backup-policy": {"name": "tiered", "rule": [{"label": "daily", "retention": 30}],
                              "archive-after-days": 60, "sgws-archival": {"cloud-storage-pool": pool}}}
    flow.finish(flow.call("POST", V3, body, we=we.id))
    view = flow.backup_view(we)
    assert_shape(spec, "GET", PREFIX + WE_V1.replace("{we}", "{workingEnvironmentId}"), view)
    assert view["storage-grid-id"] == grid.id and view["provider-account-id"] == grid.id
    assert view["sgws-archival"]["cloud-storage-pool"] == {k: v for k, v in pool.items() if k != "secret-password"}
    assert "pool-secret" not in repr(we)
