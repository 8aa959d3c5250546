# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

import pytest

MODULE = "cloud_info"
SPEC_PREFIX = "/account/{accountId}/providers/cloudmanager_cbs"

# subset: (path after api/v1/ with the options it needs, key of the answer that holds the list),
# as cbs-2.0.6.json declares them.
EXPECTED = {
    "aws_accounts": ("aws/account", "account"),
    "aws_regions": ("aws/region", "region"),
    "aws_archive_storage_classes": ("aws/archival-storage-class", "storage-class"),
    "aws_kms_keys": ("aws/awsAccountId/{aws_account_id}/region/{aws_region}/key", "key"),
    "aws_private_links": ("aws/awsAccountId/{aws_account_id}/region/{aws_region}/privateLink", "privateLink"),
    "azure_subscriptions": ("azure/subscription", "subscription"),
    "azure_regions": ("azure/subscription/{azure_subscription}/region", "region"),
    "azure_resource_groups": ("azure/subscription/{azure_subscription}/resource-group", "resource-group"),
    "azure_vaults": ("azure/subscription/{azure_subscription}/vault", "vault"),
    "azure_vault_keys": ("azure/subscription/{azure_subscription}/vault/{azure_vault}/key", "key"),
    "azure_vnets": ("azure/subscription/{azure_subscription}/vnet", "vnet"),
    "gcp_projects": ("gcp/project", "project"),
    "gcp_regions": ("gcp/project/{gcp_project}/region", "region"),
    "gcp_key_rings": ("gcp/project/{gcp_project}/region/{gcp_region}/keyrings", "keyRings"),
    "gcp_crypto_keys": ("gcp/project/{gcp_project}/region/{gcp_region}/keyrings/{gcp_key_ring}/cryptokey",
                        "cryptoKeys"),
}
# The options each subset needs in its path.
NEEDS = {subset: tuple(re.findall(r"{(\w+)}", path)) for subset, (path, _key) in EXPECTED.items()
         if "{" in path}
DEFAULTS = ("aws_accounts", "azure_subscriptions", "gcp_projects")
# Well-formed values of every option, for the tests that fail before any request.
WELL_FORMED = dict(aws_account_id="123456789012", aws_region="us-east-1",
                   azure_subscription="3beb4dd0-1c2d-4e5f-8a9b-0123456789ab", azure_vault="kv-backup",
                   gcp_project="proj-backup-1", gcp_region="us-east1", gcp_key_ring="ring-1")


@pytest.fixture
def options(emulator):
    """Values of the seeded account's clouds for which every subset has entries."""
    cloud = emulator.account["cloud"]
    subscription = cloud["azure_subscriptions"][0]
    project = cloud["gcp_projects"][0]
    vault = emulator.api("GET", "v1", "azure", "subscription", subscription, "vault")["vault"][0]["name"]
    region = "us-central1"
    ring = emulator.api("GET", "v1", "gcp", "project", project, "region", region, "keyrings")["keyRings"][0]["name"]
    return dict(aws_account_id=cloud["aws_accounts"][0], aws_region="us-east-1", azure_subscription=subscription,
                azure_vault=vault, gcp_project=project, gcp_region=region, gcp_key_ring=ring)


def path_of(subset, options):
    return EXPECTED[subset][0].format(**options)


def answer(emulator, subset, options, query=None):
    """The list the API answers for a subset."""
    body = emulator.api("GET", "v1", *path_of(subset, options).split("/"), query=query)
    return body[EXPECTED[subset][1]]


def snake(value):
    """kebab-case and camelCase keys in snake_case, at every depth."""
    if isinstance(value, dict):
        return {re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).replace("-", "_").lower(): snake(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [snake(item) for item in value]
    return value


def paths(emulator):
    return [path for _method, path in emulator.calls()]


def v1(emulator, path):
    return emulator.cbs_path("v1", *path.split("/"))


@pytest.mark.parametrize("subset", sorted(EXPECTED))
def test_each_subset_is_one_call_to_its_path_answered_in_snake_case(emulator, options, subset):
    result = emulator.run_ok(MODULE, gather_subset=[subset], **options)
    assert paths(emulator) == [v1(emulator, path_of(subset, options))]
    assert [method for method, _path in emulator.calls()] == ["GET"]
    assert result["changed"] is False
    listed = answer(emulator, subset, options)
    assert listed, "the seeded clouds have entries for every subset"
    assert result["cloud"] == {subset: snake(listed)}


@pytest.mark.parametrize("subset", sorted(EXPECTED))
def test_each_subset_is_an_operation_of_the_contract(emulator, options, subset):
    emulator.run_ok(MODULE, gather_subset=[subset], azure_region="eastus2", **options)
    [entry] = emulator.requests()
    assert entry["status"] == 200 and "(unmatched)" not in entry["route"]
    spec = emulator.emulator.spec
    if spec is not None:  # the emulator also validated the query against it
        method, template = entry["route"].split(" ", 1)
        assert spec.find(method, SPEC_PREFIX + template, source="cbs-2.0.6.json") is not None, template


def test_every_subset_at_once_costs_one_call_each(emulator, options):
    subsets = sorted(EXPECTED)
    result = emulator.run_ok(MODULE, gather_subset=subsets + subsets[:4], **options)
    assert sorted(paths(emulator)) == sorted(v1(emulator, path_of(s, options)) for s in subsets)
    assert sorted(result["cloud"]) == subsets
    assert result["cloud"]["gcp_crypto_keys"] == snake(answer(emulator, "gcp_crypto_keys", options))
    assert emulator.writes() == []


def test_defaults_are_accounts_subscriptions_and_projects(emulator, options):
    result = emulator.run_ok(MODULE)
    assert sorted(paths(emulator)) == sorted(v1(emulator, EXPECTED[s][0]) for s in DEFAULTS)
    assert sorted(result["cloud"]) == sorted(DEFAULTS)
    assert result["cloud"]["aws_accounts"] == emulator.account["cloud"]["aws_accounts"]


def test_an_empty_answer_is_an_empty_list(emulator, options):
    quiet = dict(options, aws_region="us-east-2")  # no private link there
    result = emulator.run_ok(MODULE, gather_subset=["aws_private_links"], **quiet)
    assert result["cloud"] == {"aws_private_links": []}


@pytest.mark.parametrize("subset, option", [(s, o) for s, needed in sorted(NEEDS.items()) for o in needed])
def test_a_missing_option_fails_naming_it_before_any_call(emulator, subset, option):
    given = {k: v for k, v in WELL_FORMED.items() if k != option}
    result = emulator.run_fail(MODULE, gather_subset=["aws_accounts", subset], **given)
    assert result["option"] == option
    assert result["msg"].startswith(option) and subset in result["msg"]
    assert emulator.requests() == []


def test_every_missing_option_of_a_subset_is_named(emulator):
    result = emulator.run_fail(MODULE, gather_subset=["gcp_crypto_keys"])
    for option in NEEDS["gcp_crypto_keys"]:
        assert option in result["msg"]
    assert emulator.requests() == []


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
def test_a_malformed_value_fails_naming_the_option_before_any_call(emulator, option, value):
    given = dict(WELL_FORMED, **{option: value})
    result = emulator.run_fail(MODULE, gather_subset=sorted(EXPECTED), **given)
    assert result["option"] == option and result["msg"].startswith(option + ":")
    assert repr(value) in result["msg"]
    assert emulator.requests() == []


def test_a_malformed_value_fails_even_for_a_subset_that_does_not_use_it(emulator):
    result = emulator.run_fail(MODULE, gather_subset=["aws_accounts"], aws_account_id="42")
    assert result["option"] == "aws_account_id" and emulator.requests() == []


@pytest.mark.parametrize("spelling", [str.lower, str.upper])
def test_a_well_formed_subscription_in_either_case_is_accepted(emulator, options, spelling):
    subscription = spelling(options["azure_subscription"])
    result = emulator.run_ok(MODULE, gather_subset=["azure_vaults"], azure_subscription=subscription)
    assert paths(emulator) == [v1(emulator, "azure/subscription/{0}/vault".format(subscription))]
    assert result["cloud"]["azure_vaults"] == snake(answer(emulator, "azure_vaults", options))


def test_a_key_ring_resource_name_is_reduced_to_its_name(emulator, options):
    ring = "projects/{gcp_project}/locations/{gcp_region}/keyRings/{gcp_key_ring}".format(**options)
    result = emulator.run_ok(MODULE, gather_subset=["gcp_crypto_keys"], **dict(options, gcp_key_ring=ring))
    assert paths(emulator) == [v1(emulator, path_of("gcp_crypto_keys", options))]
    assert result["cloud"]["gcp_crypto_keys"] == snake(answer(emulator, "gcp_crypto_keys", options))


def test_a_malformed_key_ring_resource_name_is_refused(emulator, options):
    ring = "projects/{gcp_project}/keyRings/{gcp_key_ring}".format(**options)
    result = emulator.run_fail(MODULE, gather_subset=["gcp_crypto_keys"], **dict(options, gcp_key_ring=ring))
    assert result["option"] == "gcp_key_ring" and emulator.requests() == []


def test_azure_region_is_a_query_of_resource_groups_and_vnets_only(emulator, options):
    azure = [s for s in EXPECTED if s.startswith("azure_")]
    result = emulator.run_ok(MODULE, gather_subset=azure, azure_region="eastus2", **options)
    queries = {entry["path"]: entry["query"] for entry in emulator.requests()}
    assert len(queries) == len(azure)
    for subset in azure:
        wanted = {"region": ["eastus2"]} if subset in ("azure_resource_groups", "azure_vnets") else {}
        assert queries[v1(emulator, path_of(subset, options))] == wanted, subset
    groups = result["cloud"]["azure_resource_groups"]
    assert groups and {g["region"] for g in groups} == {"eastus2"}, "the API filtered by region"
    assert len(groups) < len(answer(emulator, "azure_resource_groups", options))


def test_without_azure_region_no_query_is_sent(emulator, options):
    emulator.run_ok(MODULE, gather_subset=["azure_resource_groups", "azure_vnets"], **options)
    assert all(entry["query"] == {} for entry in emulator.requests())


def test_an_api_error_fails_with_its_status_and_path(emulator, options):
    kms = v1(emulator, path_of("aws_kms_keys", options))
    emulator.add_fault(path="/key$", status=403, message="no kms:ListKeys permission")
    result = emulator.run_fail(MODULE, gather_subset=["aws_regions", "aws_kms_keys"], **options)
    assert result["status"] == 403 and "kms:ListKeys" in result["msg"]
    assert result["path"] == kms


def test_an_unknown_cloud_account_fails_with_the_api_message(emulator, options):
    result = emulator.run_fail(MODULE, gather_subset=["aws_kms_keys"], **dict(options, aws_account_id="000000000000"))
    assert result["status"] == 404 and "000000000000" in result["msg"]


def test_an_unknown_subset_is_refused_by_the_argument_spec(emulator):
    result = emulator.run_fail(MODULE, gather_subset=["aws_buckets"])
    assert "gather_subset" in result["msg"] and emulator.requests() == []
