# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def we(we_id, name, provider="AWS", **extra):
    record = {"id": we_id, "cluster-uuid": "uuid-" + we_id, "name": name, "region": "us-east-1", "status": "ON",
              "ontap-version": "9.13.1", "type": "VSA", "provider": provider, "provider-account-id": "1234",
              "total-volumes-count": "12"}
    record.update(extra)
    return record


def backup(we_id, status="ON", **extra):
    record = {"id": we_id, "name": "name-" + we_id, "backup-enablement-status": status, "provider": "AWS",
              "bucket": "netapp-backup-" + we_id, "backed-up-volume-count": "4", "total-volumes-count": "12",
              "failed-backup-volume-count": "1", "backup-policy-count": "2", "provider-access-key": "AKIAEXAMPLE",
              "backup-policy": {"name": "1 day", "rule": [{"label": "daily", "retention": "30"}]}}
    record.update(extra)
    return record


RECORDS = [
    {"id": "we-1", "name": "prod-east", "provider": "AWS"},
    {"id": "we-2", "name": "prod-west", "provider": "Azure"},
    {"id": "we-3", "name": "lab", "provider": "ONPREM"},
    {"id": "we-4", "name": "Prod-upper", "provider": "aws"},
    {"id": "we-5", "name": None, "provider": None},
]


def test_list_working_environments_snake_cases_and_counts(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"), reply(200, {"working-environment": [we("we-1", "a")]}))
    [record] = wes.list_working_environments(make_client())
    assert record["cluster_uuid"] == "uuid-we-1"
    assert record["ontap_version"] == "9.13.1"
    assert record["total_volumes_count"] == 12


def test_get_working_environment_absent_is_none(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-x"), reply(404, {"message": "not found"}))
    assert wes.get_working_environment(make_client(), "we-x") is None


# --- choosing: one place, one error code for "does not exist" -------------------------------------

def test_resolve_by_id_reads_only_that_one(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-1"), reply(200, we("we-1", "prod-east")))
    assert wes.resolve(make_client(), "we-1", None)["name"] == "prod-east"
    assert len(fake.calls) == 1


def test_resolve_by_unknown_id_is_working_environment_not_found(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-x"), reply(404, {"message": "not found"}))
    with pytest.raises(ConfigurationError) as info:
        wes.resolve(make_client(), "we-x", None)
    result = info.value.to_result()
    assert result["error_code"] == "working_environment_not_found"
    assert result["option"] == "working_environment_id"
    assert "we-x" in result["msg"]


def test_resolve_by_exact_name(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [we("we-1", "prod-east"), we("we-2", "prod-west")]}))
    assert wes.resolve(make_client(), None, "prod-west")["id"] == "we-2"


def test_resolve_by_unknown_name_lists_close_names(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [we("we-1", "prod-east"), we("we-2", "lab")]}))
    with pytest.raises(ConfigurationError) as info:
        wes.resolve(make_client(), None, "prod-eats", option="target_working_environment")
    result = info.value.to_result()
    assert result["error_code"] == "working_environment_not_found"
    assert result["option"] == "target_working_environment_name"
    assert "close names: prod-east" in result["msg"]


def test_resolve_by_a_shared_name_is_not_a_choice_but_not_a_missing_one_either(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [we("we-1", "twin"), we("we-2", "twin")]}))
    with pytest.raises(ConfigurationError) as info:
        wes.resolve(make_client(), None, "twin")
    assert info.value.code == "invalid_option"
    assert "we-1, we-2" in info.value.msg


def test_chosen_names_every_missing_id(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"), reply(200, {"working-environment": [we("we-1", "a")]}))
    with pytest.raises(ConfigurationError) as info:
        wes.chosen(make_client(), ["we-1", "we-x", "we-y", "we-x"], None, None)
    result = info.value.to_result()
    assert result["error_code"] == "working_environment_not_found"
    assert result["missing"] == ["we-x", "we-y"]
    assert result["option"] == "working_environment_ids"


def test_chosen_one_missing_id_is_read_on_its_own(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-x"), reply(404, {"message": "not found"}))
    with pytest.raises(ConfigurationError) as info:
        wes.chosen(make_client(), ["we-x"], None, None)
    assert info.value.to_result()["missing"] == ["we-x"]


def test_chosen_ignore_missing_keeps_the_found(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [we("we-1", "a"), we("we-2", "b")]}))
    found = wes.chosen(make_client(), ["we-2", "we-x", "we-1"], None, None, ignore_missing=True)
    assert [r["id"] for r in found] == ["we-2", "we-1"]


def test_chosen_without_ids_lists_and_filters(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment"),
             reply(200, {"working-environment": [we("we-1", "prod-east"), we("we-2", "lab")]}))
    assert [r["id"] for r in wes.chosen(make_client(), None, ["prod-*"], None)] == ["we-1"]


@pytest.mark.parametrize("names, providers, expected", [
    (None, None, ["we-1", "we-2", "we-3", "we-4", "we-5"]),
    ([], [], ["we-1", "we-2", "we-3", "we-4", "we-5"]),
    (["lab"], None, ["we-3"]),
    (["prod-*"], None, ["we-1", "we-2"]),
    (["prod-?ast", "lab"], None, ["we-1", "we-3"]),
    (["[Pp]rod-*"], None, ["we-1", "we-2", "we-4"]),
    (["nothing"], None, []),
    (None, ["aws"], ["we-1", "we-4"]),
    (None, ["AZURE", "onprem"], ["we-2", "we-3"]),
    (["prod-*"], ["AWS"], ["we-1"]),
    (["*"], None, ["we-1", "we-2", "we-3", "we-4", "we-5"]),
], ids=["no filter", "empty filter", "exact", "pattern", "several", "character class", "no match",
        "provider any case", "several providers", "name and provider", "star"])
def test_select(names, providers, expected):
    assert [r["id"] for r in wes.select(RECORDS, names, providers)] == expected


def test_backup_status_of_one_environment_reads_only_that_one(make_client, fake):
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1"), reply(200, backup("we-1")))
    status = wes.backup_status_by_id(make_client(), ["we-1"])
    assert len(fake.calls) == 1
    assert status["we-1"]["enabled"] is True
    assert status["we-1"]["backed_up_volume_count"] == 4
    assert status["we-1"]["failed_backup_volume_count"] == 1
    assert status["we-1"]["backup_policy_count"] == 2
    assert status["we-1"]["backup_policy"] == {"name": "1 day", "rule": [{"label": "daily", "retention": "30"}]}
    for hidden in ("id", "name", "provider_access_key"):
        assert hidden not in status["we-1"]


def test_backup_status_of_one_unknown_environment(make_client, fake):
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1"), reply(404, {"message": "unknown"}))
    assert wes.backup_status_by_id(make_client(), ["we-1"]) == {}


def test_backup_status_of_many_environments_is_one_call(make_client, fake):
    body = {"working-environment": [backup("we-1"), backup("we-2", status="OFF"), backup("we-other")]}
    fake.add("GET", cbs_path("v1", "backup", "working-environment"), reply(200, body))
    status = wes.backup_status_by_id(make_client(), ["we-1", "we-2", "we-3"])
    assert len(fake.calls) == 1
    assert sorted(status) == ["we-1", "we-2"]
    assert status["we-1"]["enabled"] is True
    assert status["we-2"]["enabled"] is False
    assert status["we-2"]["backup_enablement_status"] == "OFF"


def test_not_activated():
    assert wes.not_activated() == {"enabled": False, "backup_enablement_status": None}


@pytest.mark.parametrize("details, calls", [
    ([], []),
    (["svms"], [cbs_path("v2", "working-environment", "we-1", "svm")]),
    (["ip_spaces"], [cbs_path("v1", "working-environment", "we-1", "ip-space")]),
    (["backup_policies"], [cbs_path("v1", "working-environment", "we-1", "backup-policy")]),
    (["volumes"], [cbs_path("v1", "working-environment", "we-1", "volume")]),
    (["svms", "backup_policies"], [cbs_path("v2", "working-environment", "we-1", "svm"),
                                   cbs_path("v1", "working-environment", "we-1", "backup-policy")]),
])
def test_details_only_fetch_what_is_asked(make_client, fake, details, calls):
    fake.add("GET", cbs_path("v2", "working-environment", "we-1", "svm"),
             reply(200, {"svm": [{"id": "s1", "name": "svm_prod", "aggregates": [{"name": "aggr1", "is-tiered": True}]}]}))
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "ip-space"),
             reply(200, {"ip-space": [{"id": "i1", "name": "Default"}]}))
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "backup-policy"),
             reply(200, {"backup-policy": [{"name": "1 day", "attached-volumes-count": "3", "archive-after-days": "30",
                                            "object-lock": "NONE"}]}))
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "volume"),
             reply(200, {"volume": [{"name": "vol1", "file-system-id": "fs-1"}]}))
    result = wes.details_for(make_client(), {"id": "we-1", "backup": {"enabled": False}}, details)
    assert [c.path for c in fake.calls] == calls
    assert sorted(result) == sorted(details)
    if "svms" in details:
        assert result["svms"][0]["aggregates"][0]["is_tiered"] is True
    if "backup_policies" in details:
        assert result["backup_policies"][0]["attached_volumes_count"] == 3
        assert result["backup_policies"][0]["archive_after_days"] == 30


def test_unknown_detail_is_a_configuration_error(make_client):
    with pytest.raises(ConfigurationError) as info:
        wes.details_for(make_client(), {"id": "we-1"}, ["snapshots"])
    assert "snapshots" in info.value.msg and "volumes" in info.value.msg


VOLUMES = {"volume": [
    {"name": "vol_finance", "file-system-id": "fs-1", "svm": "svm_prod", "type": "rw", "style": "flexvol",
     "capacity": {"allocated": 10, "used": 5}},
    {"name": "vol_tmp", "file-system-id": "fs-2", "svm": "svm_prod", "type": "rw", "style": "flexvol"},
]}
BACKUP_VOLUMES = {"volume": [
    {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm_prod", "type": "rw", "style": "flexvol",
     "backup-status": "ON", "snapshot-count": "14", "last-backup-creation-time": 1700000000000,
     "backup-policy": {"name": "1 day"}},
    {"file-system-id": "fs-gone", "name": "deleted", "backup-status": "ON", "snapshot-count": "1"},
]}


def test_volumes_merge_backup_settings_when_backup_is_active(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "volume"), reply(200, VOLUMES))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1", "volume"), reply(200, BACKUP_VOLUMES))
    volumes = wes.volumes(make_client(), "we-1", backup_enabled=True)
    assert len(fake.calls) == 2
    assert [v["name"] for v in volumes] == ["vol_finance", "vol_tmp"], "the ONTAP volumes, not the backup list"
    assert volumes[0]["backup"] == {"protected": True, "backup_status": "ON", "snapshot_count": 14,
                                    "last_backup_creation_time": 1700000000000, "backup_policy": {"name": "1 day"}}
    assert volumes[0]["capacity"] == {"allocated": 10, "used": 5}
    assert volumes[1]["backup"] == {"protected": False, "backup_status": None}


def test_volumes_without_active_backup_cost_one_call(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "volume"), reply(200, VOLUMES))
    volumes = wes.volumes(make_client(), "we-1", backup_enabled=False)
    assert len(fake.calls) == 1
    assert all(v["backup"] == {"protected": False, "backup_status": None} for v in volumes)
