# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import cloud_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, writes
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_targets import install, load_spec
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply, run_fail, run_ok

main = cloud_info.main

SUB = "3beb4dd0-1c2d-4e5f-8a9b-0123456789ab"
AWS_ACCOUNT = "123456789012"
OPTIONS = dict(aws_account_id=AWS_ACCOUNT, aws_region="us-east-1", azure_subscription=SUB, azure_vault="kv-backup",
               gcp_project="proj-backup-1", gcp_region="us-east1", gcp_key_ring="ring-1")

# subset: (path after api/v1/, key of the answer that holds the list), as cbs-2.0.6.json declares them.
EXPECTED = {
    "aws_accounts": ("aws/account", "account"),
    "aws_regions": ("aws/region", "region"),
    "aws_archive_storage_classes": ("aws/archival-storage-class", "storage-class"),
    "aws_kms_keys": ("aws/awsAccountId/123456789012/region/us-east-1/key", "key"),
    "aws_private_links": ("aws/awsAccountId/123456789012/region/us-east-1/privateLink", "privateLink"),
    "azure_subscriptions": ("azure/subscription", "subscription"),
    "azure_regions": ("azure/subscription/{0}/region".format(SUB), "region"),
    "azure_resource_groups": ("azure/subscription/{0}/resource-group".format(SUB), "resource-group"),
    "azure_vaults": ("azure/subscription/{0}/vault".format(SUB), "vault"),
    "azure_vault_keys": ("azure/subscription/{0}/vault/kv-backup/key".format(SUB), "key"),
    "azure_vnets": ("azure/subscription/{0}/vnet".format(SUB), "vnet"),
    "gcp_projects": ("gcp/project", "project"),
    "gcp_regions": ("gcp/project/proj-backup-1/region", "region"),
    "gcp_key_rings": ("gcp/project/proj-backup-1/region/us-east1/keyrings", "keyRings"),
    "gcp_crypto_keys": ("gcp/project/proj-backup-1/region/us-east1/keyrings/ring-1/cryptokey", "cryptoKeys"),
}
# The options each subset needs in its path.
NEEDS = {
    "aws_kms_keys": ("aws_account_id", "aws_region"),
    "aws_private_links": ("aws_account_id", "aws_region"),
    "azure_regions": ("azure_subscription",),
    "azure_resource_groups": ("azure_subscription",),
    "azure_vaults": ("azure_subscription",),
    "azure_vault_keys": ("azure_subscription", "azure_vault"),
    "azure_vnets": ("azure_subscription",),
    "gcp_regions": ("gcp_project",),
    "gcp_key_rings": ("gcp_project", "gcp_region"),
    "gcp_crypto_keys": ("gcp_project", "gcp_region", "gcp_key_ring"),
}
STRING_LISTS = ("aws_accounts", "aws_archive_storage_classes")
DEFAULTS = ("aws_accounts", "azure_subscriptions", "gcp_projects")


def item(subset):
    """An answer entry with kebab-case, camelCase and nested keys."""
    return {"name": subset + "-1", "id": "id-" + subset, "region": "eastus2", "private-endpoint-id": "pe-1",
            "vpcName": "vpc-a", "subnet": [{"subnet-id": "sn-1", "addressPrefix": "10.0.0.0/24"}]}


def snake_item(subset):
    return {"name": subset + "-1", "id": "id-" + subset, "region": "eastus2", "private_endpoint_id": "pe-1",
            "vpc_name": "vpc-a", "subnet": [{"subnet_id": "sn-1", "address_prefix": "10.0.0.0/24"}]}


def answer(subset):
    if subset == "aws_accounts":
        return [AWS_ACCOUNT, "210987654321"]
    if subset == "aws_archive_storage_classes":
        return ["GLACIER", "DEEP_ARCHIVE"]
    return [item(subset), dict(item(subset), name=subset + "-2")]


def expected(subset):
    if subset in STRING_LISTS:
        return answer(subset)
    return [snake_item(subset), dict(snake_item(subset), name=subset + "-2")]


@pytest.fixture
def api(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    for subset, (path, key) in EXPECTED.items():
        if subset == "azure_regions":
            api.azure_regions[SUB] = answer(subset)
        elif subset == "azure_resource_groups":
            api.azure_groups[SUB] = answer(subset) + [dict(item(subset), name="rg-west", region="westus")]
        else:
            # Another list next to the answer key, so that reading the wrong key shows.
            api.cloud[path] = {key: answer(subset), "decoy": [{"name": "not-this-one"}]}
    return api


def v1(path):
    return cbs_path("v1", *path.split("/"))


def paths(api):
    return [c.path for c in api.api_calls]


@pytest.mark.parametrize("subset", sorted(EXPECTED))
def test_each_subset_is_one_call_to_its_path_answered_in_snake_case(api, subset):
    result = run_ok(main, module_args(gather_subset=[subset], **OPTIONS))
    assert paths(api) == [v1(EXPECTED[subset][0])]
    assert [c.method for c in api.api_calls] == ["GET"]
    assert result["changed"] is False
    if subset == "azure_resource_groups":
        expected_list = expected(subset) + [dict(snake_item(subset), name="rg-west", region="westus")]
    else:
        expected_list = expected(subset)
    assert result["cloud"] == {subset: expected_list}


@pytest.mark.parametrize("subset", sorted(EXPECTED))
def test_each_subset_is_an_operation_of_the_contract(api, subset):
    spec = load_spec()
    run_ok(main, module_args(gather_subset=[subset], azure_region="eastus2", **OPTIONS))
    [call] = api.api_calls
    found = spec.find(call.method, call.path, source="cbs-2.0.6.json")
    assert found is not None, "GET {0} is no operation of cbs-2.0.6.json".format(call.path)
    source, _template, definition = found
    assert EXPECTED[subset][1] in spec.response_keys(source, definition)
    assert set(call.query) <= spec.query_parameters(definition)


def test_every_subset_at_once_costs_one_call_each(api):
    subsets = sorted(EXPECTED)
    result = run_ok(main, module_args(gather_subset=subsets + subsets[:4], **OPTIONS))
    assert sorted(paths(api)) == sorted(v1(path) for path, _key in EXPECTED.values())
    assert sorted(result["cloud"]) == subsets
    assert result["cloud"]["gcp_crypto_keys"] == expected("gcp_crypto_keys")
    assert writes(api) == []


def test_defaults_are_accounts_subscriptions_and_projects(api):
    result = run_ok(main, module_args())
    assert sorted(paths(api)) == sorted(v1(EXPECTED[s][0]) for s in DEFAULTS)
    assert sorted(result["cloud"]) == sorted(DEFAULTS)
    assert result["cloud"]["aws_accounts"] == [AWS_ACCOUNT, "210987654321"]


def test_an_empty_answer_is_an_empty_list(api):
    api.cloud["gcp/project"] = {}
    result = run_ok(main, module_args(gather_subset=["gcp_projects"]))
    assert result["cloud"] == {"gcp_projects": []}


@pytest.mark.parametrize("subset, option", [(s, o) for s, needed in sorted(NEEDS.items()) for o in needed])
def test_a_missing_option_fails_naming_it_before_any_call(api, subset, option):
    given = {k: v for k, v in OPTIONS.items() if k != option}
    result = run_fail(main, module_args(gather_subset=["aws_accounts", subset], **given))
    assert result["option"] == option
    assert result["msg"].startswith(option) and subset in result["msg"]
    assert api.calls == []


def test_every_missing_option_of_a_subset_is_named(api):
    result = run_fail(main, module_args(gather_subset=["gcp_crypto_keys"]))
    for option in NEEDS["gcp_crypto_keys"]:
        assert option in result["msg"]
    assert api.calls == []


@pytest.mark.parametrize("option, value", [
    ("aws_account_id", "12345678901"),
    ("aws_account_id", "1234567890123"),
    ("aws_account_id", "12345678901a"),
    ("aws_region", "US-EAST-1"),
    ("azure_subscription", "3beb4dd0"),
    ("azure_subscription", "3beb4dd0-1c2d-4e5f-8a9b-0123456789aZ"),
    ("azure_vault", "kv_backup"),
    ("gcp_project", "Proj-Backup"),
    ("gcp_project", "p1"),
    ("gcp_project", "proj_backup_1"),
    ("gcp_region", "us east1"),
    ("gcp_key_ring", "ring/1"),
])
def test_a_malformed_value_fails_naming_the_option_before_any_call(api, option, value):
    given = dict(OPTIONS, **{option: value})
    result = run_fail(main, module_args(gather_subset=sorted(EXPECTED), **given))
    assert result["option"] == option and result["msg"].startswith(option + ":")
    assert repr(value) in result["msg"]
    assert api.calls == []


def test_a_malformed_value_fails_even_for_a_subset_that_does_not_use_it(api):
    result = run_fail(main, module_args(gather_subset=["aws_accounts"], aws_account_id="42"))
    assert result["option"] == "aws_account_id" and api.calls == []


@pytest.mark.parametrize("subscription", [SUB, SUB.upper()])
def test_a_well_formed_subscription_in_either_case_is_accepted(api, subscription):
    api.cloud["azure/subscription/{0}/vault".format(subscription)] = {"vault": []}
    run_ok(main, module_args(gather_subset=["azure_vaults"], azure_subscription=subscription))
    assert paths(api) == [v1("azure/subscription/{0}/vault".format(subscription))]


def test_a_key_ring_resource_name_is_reduced_to_its_name(api):
    ring = "projects/proj-backup-1/locations/us-east1/keyRings/ring-1"
    options = dict(OPTIONS)
    options["gcp_key_ring"] = ring
    result = run_ok(main, module_args(gather_subset=["gcp_crypto_keys"], **options))
    assert paths(api) == [v1(EXPECTED["gcp_crypto_keys"][0])]
    assert result["cloud"]["gcp_crypto_keys"] == expected("gcp_crypto_keys")


def test_a_malformed_key_ring_resource_name_is_refused(api):
    ring = "projects/proj-backup-1/keyRings/ring-1"
    options = dict(OPTIONS)
    options["gcp_key_ring"] = ring
    result = run_fail(main, module_args(gather_subset=["gcp_crypto_keys"], **options))
    assert result["option"] == "gcp_key_ring" and api.calls == []


def test_azure_region_is_a_query_of_resource_groups_and_vnets_only(api):
    azure = [s for s in EXPECTED if s.startswith("azure_")]
    result = run_ok(main, module_args(gather_subset=azure, azure_region="eastus2", **OPTIONS))
    queries = {c.path: c.query for c in api.api_calls}
    assert len(queries) == len(azure)
    for subset in azure:
        wanted = {"region": "eastus2"} if subset in ("azure_resource_groups", "azure_vnets") else {}
        assert queries[v1(EXPECTED[subset][0])] == wanted, subset
    assert [g["name"] for g in result["cloud"]["azure_resource_groups"]] == [
        "azure_resource_groups-1", "azure_resource_groups-2"], "the API filtered by region"


def test_without_azure_region_no_query_is_sent(api):
    run_ok(main, module_args(gather_subset=["azure_resource_groups", "azure_vnets"], **OPTIONS))
    assert all(c.query == {} for c in api.api_calls)


def test_an_api_error_fails_with_its_status_and_path(api):
    api.add("GET", v1(EXPECTED["aws_kms_keys"][0]), reply(403, {"message": "no kms:ListKeys permission"}))
    result = run_fail(main, module_args(gather_subset=["aws_regions", "aws_kms_keys"], **OPTIONS))
    assert result["status"] == 403 and "kms:ListKeys" in result["msg"]
    assert result["path"] == v1(EXPECTED["aws_kms_keys"][0])


def test_an_unknown_subset_is_refused_by_the_argument_spec(api):
    result = run_fail(main, module_args(gather_subset=["aws_buckets"]))
    assert "gather_subset" in result["msg"] and api.calls == []
