# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

MODULE = "azure_resource_group"


@pytest.fixture
def sub(emulator):
    """The account's first Azure subscription; its regions include eastus2, westus2 and westeurope."""
    return emulator.account["cloud"]["azure_subscriptions"][0]


@pytest.fixture
def groups_path(emulator, sub):
    return emulator.cbs_path("v1", "azure", "subscription", sub, "resource-group")


def group(sub, name, region):
    return {"name": name, "region": region, "id": "/subscriptions/{0}/resourceGroups/{1}".format(sub, name)}


def listed(emulator, sub):
    return emulator.api("GET", "v1", "azure", "subscription", sub, "resource-group")["resource-group"]


def add_group(emulator, sub, name, region):
    emulator.api("POST", "v1", "azure", "subscription", sub, "resource-group", json={"name": name, "region": region})


def present_ok(emulator, sub, **extra):
    return emulator.run_ok(MODULE, **dict(dict(azure_subscription=sub, name="rg-backup", region="eastus2"), **extra))


def present_fail(emulator, sub, **extra):
    return emulator.run_fail(MODULE, **dict(dict(azure_subscription=sub, name="rg-backup", region="eastus2"), **extra))


def test_creates_a_missing_group(emulator, sub, groups_path):
    result = present_ok(emulator, sub, _ansible_diff=True)
    [write] = emulator.writes()
    assert (write["method"], write["path"], write["body"]) == ("POST", groups_path,
                                                               {"name": "rg-backup", "region": "eastus2"})
    assert result["changed"] is True and result["state"] == "Succeeded"
    assert result["resource_group"] == group(sub, "rg-backup", "eastus2")
    assert result["diff"] == {"before": {}, "after": group(sub, "rg-backup", "eastus2")}
    assert group(sub, "rg-backup", "eastus2") in listed(emulator, sub)
    assert emulator.sleeps == []

    emulator.clear_requests()
    again = present_ok(emulator, sub)
    assert again["changed"] is False and emulator.writes() == []
    assert again["resource_group"] == group(sub, "rg-backup", "eastus2")


def test_the_listing_is_read_without_a_region_filter(emulator, sub, groups_path):
    present_ok(emulator, sub)
    reads = [entry for entry in emulator.requests() if entry["method"] == "GET" and entry["path"] == groups_path]
    assert reads and all(entry["query"] == {} for entry in reads)


@pytest.mark.parametrize("name", ["rg-backup", "RG-Backup", "RG-BACKUP"])
def test_an_existing_group_is_left_alone_whatever_the_case(emulator, sub, groups_path, name):
    add_group(emulator, sub, name, "eastus2")
    result = present_ok(emulator, sub, _ansible_diff=True)
    assert result["changed"] is False and emulator.writes() == []
    assert emulator.calls() == [("GET", groups_path)]
    assert result["resource_group"]["name"] == name
    assert result["diff"]["before"] == result["diff"]["after"]


def test_an_existing_group_matches_the_region_case_insensitively(emulator, sub):
    add_group(emulator, sub, "rg-backup", "eastus2")
    result = present_ok(emulator, sub, region="EastUS2")
    assert result["changed"] is False and emulator.writes() == []


def test_an_existing_group_in_another_region_fails_without_a_write(emulator, sub):
    add_group(emulator, sub, "rg-backup", "westus2")
    result = present_fail(emulator, sub)
    assert result["option"] == "region" and result["msg"].startswith("region:")
    assert "westus2" in result["msg"] and "eastus2" in result["msg"]
    assert emulator.writes() == []


@pytest.mark.parametrize("region, close", [("eastus3", "eastus2"), ("westeuropa", "westeurope")])
def test_an_unknown_region_fails_with_close_codes_before_writing(emulator, sub, region, close):
    result = present_fail(emulator, sub, region=region)
    assert result["option"] == "region" and region in result["msg"]
    assert "close codes" in result["msg"] and close in result["msg"]
    assert sub in result["msg"]
    assert emulator.writes() == []
    assert ("GET", emulator.cbs_path("v1", "azure", "subscription", sub, "region")) in emulator.calls()


def test_an_unknown_region_without_anything_close(emulator, sub):
    result = present_fail(emulator, sub, region="qqq")
    assert result["option"] == "region" and "close codes" not in result["msg"]
    assert emulator.writes() == []


@pytest.mark.parametrize("name", ["rg.", "rg backup", "rg/backup", "", "r" * 91, "rg#1"])
def test_a_bad_name_fails_before_any_call(emulator, sub, name):
    result = present_fail(emulator, sub, name=name)
    assert result["option"] == "name" and result["msg"].startswith("name:")
    assert emulator.requests() == []


@pytest.mark.parametrize("name", ["r", "rg_backup-1", "rg(prod).eu", "r" * 90])
def test_good_names_are_accepted(emulator, sub, name):
    result = present_ok(emulator, sub, name=name)
    assert result["changed"] is True
    assert result["resource_group"] == group(sub, name, "eastus2")


@pytest.mark.parametrize("subscription", ["3beb4dd0", "not-a-subscription"])
def test_a_malformed_subscription_fails_before_any_call(emulator, sub, subscription):
    result = present_fail(emulator, sub, azure_subscription=subscription)
    assert result["option"] == "azure_subscription" and emulator.requests() == []


def test_an_unknown_subscription_fails_with_the_api_message(emulator, sub):
    unknown = "00000000-0000-4000-8000-000000000000"
    result = present_fail(emulator, sub, azure_subscription=unknown)
    assert result["status"] == 404 and unknown in result["msg"]
    assert emulator.writes() == []


def test_check_mode_sends_no_write_and_predicts(emulator, sub):
    result = present_ok(emulator, sub, _ansible_check_mode=True, _ansible_diff=True)
    assert emulator.writes() == [] and result["changed"] is True
    assert result["resource_group"] == {"name": "rg-backup", "id": None, "region": "eastus2"}
    assert result["diff"]["before"] == {}
    assert "rg-backup" not in [g["name"] for g in listed(emulator, sub)]


def test_check_mode_still_checks_the_region(emulator, sub):
    result = present_fail(emulator, sub, region="eastus3", _ansible_check_mode=True)
    assert result["option"] == "region" and emulator.writes() == []


def test_a_refused_creation_fails_with_the_api_message(emulator, sub, groups_path):
    emulator.add_fault(method="POST", path="/resource-group$", status=400, message="resource group name is reserved")
    result = present_fail(emulator, sub)
    assert result["status"] == 400 and "reserved" in result["msg"]
    assert "rg-backup" not in [g["name"] for g in listed(emulator, sub)]


def test_state_absent_is_not_offered(emulator, sub):
    result = present_fail(emulator, sub, state="absent")
    assert "state" in result["msg"] and emulator.requests() == []


def test_every_request_is_an_operation_of_the_contract(emulator, sub):
    present_ok(emulator, sub)
    assert all("(unmatched)" not in entry["route"] and entry["status"] < 400 for entry in emulator.requests())


def test_a_region_code_in_another_case_is_accepted_for_creation(emulator, sub):
    result = present_ok(emulator, sub, region="EastUS2")
    [write] = emulator.writes()
    assert write["body"]["region"].lower() == "eastus2"
    assert result["changed"] is True


# --- the listing lags behind the creation --------------------------------------------------------

@pytest.mark.emulator(listing_delay_s=4)
def test_wait_polls_the_listing_until_the_group_shows_up(emulator, sub):
    result = present_ok(emulator, sub)
    assert [method for method, _path in emulator.calls()] == ["GET", "GET", "POST", "GET", "GET", "GET", "GET"]
    assert emulator.sleeps == [1.0, 1.5, 2.25]
    assert result["resource_group"] == group(sub, "rg-backup", "eastus2")


@pytest.mark.emulator(listing_delay_s=4)
def test_without_wait_the_prediction_is_returned(emulator, sub):
    result = present_ok(emulator, sub, wait=False)
    assert emulator.calls()[-1][0] == "POST"
    assert result["resource_group"] == {"name": "rg-backup", "id": None, "region": "eastus2"}
    assert emulator.sleeps == []


@pytest.mark.emulator(listing_delay_s=1000)
def test_wait_timeout_fails_naming_the_group(emulator, sub):
    result = present_fail(emulator, sub, wait_timeout=10)
    assert "Timed out after 10 s" in result["msg"] and "rg-backup" in result["msg"]
    assert result["error_code"] == "job_timeout"
    assert sum(emulator.sleeps) == pytest.approx(10)
    assert len(emulator.writes()) == 1
