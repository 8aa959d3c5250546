# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import azure_resource_group
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, requests, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import install, load_spec
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply, run_fail, run_ok

main = azure_resource_group.main

SUB = "3beb4dd0-1c2d-4e5f-8a9b-0123456789ab"
GROUPS = cbs_path("v1", "azure", "subscription", SUB, "resource-group")
REGIONS = cbs_path("v1", "azure", "subscription", SUB, "region")
REGION_LIST = [{"name": "East US", "code": "eastus"}, {"name": "East US 2", "code": "eastus2"},
               {"name": "West US 2", "code": "westus2"}, {"name": "West Europe", "code": "westeurope"}]


def group(name, region, subscription=SUB):
    return {"name": name, "region": region, "id": "/subscriptions/{0}/resourceGroups/{1}".format(subscription, name)}


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.azure_regions[SUB] = REGION_LIST
    api.azure_groups[SUB] = [group("rg-app", "westeurope")]
    return api


def args(**extra):
    base = dict(azure_subscription=SUB, name="rg-backup", region="eastus2")
    base.update(extra)
    return module_args(**base)


def test_creates_a_missing_group(api, clock):
    result = run_ok(main, args(_ansible_diff=True))
    [write] = writes(api)
    assert (write.method, write.path, write.body) == ("POST", GROUPS, {"name": "rg-backup", "region": "eastus2"})
    assert requests(api) == [("GET", GROUPS), ("GET", REGIONS), ("POST", GROUPS), ("GET", GROUPS)]
    assert result["changed"] is True and result["state"] == "SUCCESS"
    assert result["resource_group"] == group("rg-backup", "eastus2")
    assert result["diff"] == {"before": {}, "after": group("rg-backup", "eastus2")}
    assert clock.sleeps == []

    api.calls.clear()
    again = run_ok(main, args())
    assert again["changed"] is False and writes(api) == []
    assert again["resource_group"] == group("rg-backup", "eastus2")


def test_the_listing_is_read_without_a_region_filter(api):
    run_ok(main, args())
    assert all(c.query == {} for c in api.sent("GET", GROUPS))


@pytest.mark.parametrize("listed", ["rg-backup", "RG-Backup", "RG-BACKUP"])
def test_an_existing_group_is_left_alone_whatever_the_case(api, listed):
    api.azure_groups[SUB].append(group(listed, "eastus2"))
    result = run_ok(main, args(_ansible_diff=True))
    assert result["changed"] is False and writes(api) == []
    assert requests(api) == [("GET", GROUPS)]
    assert result["resource_group"]["name"] == listed
    assert result["diff"]["before"] == result["diff"]["after"]


def test_an_existing_group_matches_the_region_case_insensitively(api):
    api.azure_groups[SUB].append(group("rg-backup", "EastUS2"))
    result = run_ok(main, args())
    assert result["changed"] is False and writes(api) == []


def test_an_existing_group_in_another_region_fails_without_a_write(api):
    api.azure_groups[SUB].append(group("rg-backup", "westus2"))
    result = run_fail(main, args())
    assert result["option"] == "region" and result["msg"].startswith("region:")
    assert "westus2" in result["msg"] and "eastus2" in result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize("region, close", [("eastus3", "eastus2"), ("westeuropa", "westeurope")])
def test_an_unknown_region_fails_with_close_codes_before_writing(api, region, close):
    result = run_fail(main, args(region=region))
    assert result["option"] == "region" and region in result["msg"]
    assert "close codes" in result["msg"] and close in result["msg"]
    assert SUB in result["msg"]
    assert writes(api) == [] and ("GET", REGIONS) in requests(api)


def test_an_unknown_region_without_anything_close(api):
    result = run_fail(main, args(region="qqq"))
    assert result["option"] == "region" and "close codes" not in result["msg"]
    assert writes(api) == []


@pytest.mark.parametrize("name", ["rg.", "rg backup", "rg/backup", "", "r" * 91, "rg#1"])
def test_a_bad_name_fails_before_any_call(api, name):
    result = run_fail(main, args(name=name))
    assert result["option"] == "name" and result["msg"].startswith("name:")
    assert api.calls == []


@pytest.mark.parametrize("name", ["r", "rg_backup-1", "rg(prod).eu", "r" * 90])
def test_good_names_are_accepted(api, name):
    result = run_ok(main, args(name=name, _ansible_check_mode=True))
    assert result["changed"] is True


@pytest.mark.parametrize("subscription", ["3beb4dd0", "not-a-subscription"])
def test_a_malformed_subscription_fails_before_any_call(api, subscription):
    result = run_fail(main, args(azure_subscription=subscription))
    assert result["option"] == "azure_subscription" and api.calls == []


def test_check_mode_sends_no_write_and_predicts(api):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert writes(api) == [] and result["changed"] is True
    assert result["resource_group"] == {"name": "rg-backup", "id": None, "region": "eastus2"}
    assert result["diff"]["before"] == {}
    assert "rg-backup" not in [g["name"] for g in api.azure_groups[SUB]]


def test_check_mode_still_checks_the_region(api):
    result = run_fail(main, args(region="eastus3", _ansible_check_mode=True))
    assert result["option"] == "region" and writes(api) == []


def test_wait_polls_the_listing_until_the_group_shows_up(api, clock):
    api.group_listing_delay = 3
    result = run_ok(main, args())
    assert [m for m, _p in requests(api)] == ["GET", "GET", "POST", "GET", "GET", "GET", "GET"]
    assert clock.sleeps == [1.0, 1.5, 2.25]
    assert result["resource_group"] == group("rg-backup", "eastus2")


def test_without_wait_the_prediction_is_returned(api, clock):
    api.group_listing_delay = 3
    result = run_ok(main, args(wait=False))
    assert requests(api)[-1] == ("POST", GROUPS)
    assert result["resource_group"] == {"name": "rg-backup", "id": None, "region": "eastus2"}
    assert clock.sleeps == []


def test_wait_timeout_fails_naming_the_group(api, clock):
    api.group_listing_delay = 1000
    result = run_fail(main, args(wait_timeout=10))
    assert "Timed out after 10 s" in result["msg"] and "rg-backup" in result["msg"]
    assert sum(clock.sleeps) == pytest.approx(10)
    assert len(api.sent("POST", GROUPS)) == 1


def test_a_refused_creation_fails_with_the_api_message(api):
    api.add("POST", GROUPS, reply(400, {"message": "resource group name is reserved"}))
    result = run_fail(main, args())
    assert result["status"] == 400 and "reserved" in result["msg"]


def test_state_absent_is_not_offered(api):
    result = run_fail(main, args(state="absent"))
    assert "state" in result["msg"] and api.calls == []


def test_every_request_is_an_operation_of_the_contract(api):
    spec = load_spec()
    run_ok(main, args())
    for call in api.api_calls:
        assert spec.find(call.method, call.path, source="cbs-2.0.6.json") is not None, call.path


def test_a_region_code_in_another_case_is_accepted_for_creation(api):
    result = run_ok(main, args(region="EastUS2"))
    [write] = writes(api)
    assert write.body["region"].lower() == "eastus2"
    assert result["changed"] is True
