# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import copy

import pytest
import yaml

from bluexp_emulator.core.router import Router
from bluexp_emulator.emulator import API_ROUTES

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud
from ansible_collections.bluexp.cloud_backup.plugins.modules import cloud_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import SPEC
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

SUB = "3beb4dd0-1c2d-4e5f-8a9b-0123456789ab"
RING = "projects/proj-backup-1/locations/us-east1/keyRings/ring-1"
VALID = dict(aws_account_id="123456789012", aws_region="us-east-1", azure_subscription=SUB, azure_vault="kv-backup",
             azure_region="eastus2", gcp_project="proj-backup-1", gcp_region="us-east1", gcp_key_ring="ring-1")
NEEDS = {
    "aws_accounts": [], "aws_regions": [], "aws_archive_storage_classes": [],
    "aws_kms_keys": ["aws_account_id", "aws_region"], "aws_private_links": ["aws_account_id", "aws_region"],
    "azure_subscriptions": [], "azure_regions": ["azure_subscription"],
    "azure_resource_groups": ["azure_subscription"], "azure_vaults": ["azure_subscription"],
    "azure_vault_keys": ["azure_subscription", "azure_vault"], "azure_vnets": ["azure_subscription"],
    "gcp_projects": [], "gcp_regions": ["gcp_project"], "gcp_key_rings": ["gcp_project", "gcp_region"],
    "gcp_crypto_keys": ["gcp_project", "gcp_region", "gcp_key_ring"],
}


def test_the_subsets_are_the_module_choices_and_documented():
    doc = yaml.safe_load(cloud_info.DOCUMENTATION)
    documented = doc["options"]["gather_subset"]
    assert sorted(documented["choices"]) == sorted(cloud.SUBSETS) == sorted(NEEDS)
    assert documented["default"] == list(cloud.DEFAULT_SUBSETS)
    assert cloud_info.ARGUMENT_SPEC["gather_subset"]["choices"] == list(cloud.SUBSETS)
    for option in {o for needed in NEEDS.values() for o in needed} | {"azure_region"}:
        assert option in doc["options"] and option in cloud_info.ARGUMENT_SPEC


@pytest.mark.parametrize("subset", sorted(NEEDS))
def test_options_of(subset):
    assert cloud.options_of(subset) == NEEDS[subset]


@pytest.mark.parametrize("subset", sorted(NEEDS))
def test_every_path_and_answer_key_is_in_the_contract(subset):
    if SPEC is None:
        pytest.skip("the API specs are not available; set BLUEXP_SPEC_DIR")
    entry = cloud.SUBSETS[subset]
    values = dict.fromkeys(cloud.options_of(subset), "x")
    path = cbs_path("v1", *[values[s[1:-1]] if s.startswith("{") else s for s in entry.path])
    # The emulator's route of the path names the operation's template as the spec writes it.
    route, _params = Router(API_ROUTES).resolve("GET", path)
    found = SPEC.find("GET", route.template, source="cbs-2.0.6.json")
    assert found is not None, path
    schema = SPEC.response_schema("GET", route.template, source="cbs-2.0.6.json") or {}
    assert entry.answer_key in (schema.get("properties") or {})
    declared = {p.get("name") for p in found[1].get("parameters") or [] if p.get("in") == "query"}
    assert {api for api, _option in entry.query} <= declared


@pytest.mark.parametrize("given, ring", [
    (RING, "ring-1"),
    ("ring-1", "ring-1"),
    ("projects/p/locations/l/keyRings/ring_2", "ring_2"),
    ("projects/p/keyRings/ring-1", "projects/p/keyRings/ring-1"),
    ("projects/p/locations/l/keyRings/ring-1/cryptoKeys/k", "projects/p/locations/l/keyRings/ring-1/cryptoKeys/k"),
    (None, None),
])
def test_normalise_reduces_a_key_ring_resource_name(given, ring):
    params = dict(VALID, gcp_key_ring=given)
    before = copy.deepcopy(params)
    values = cloud.normalise(params)
    assert values["gcp_key_ring"] == ring
    assert params == before, "the module's params are left alone"
    assert {k: v for k, v in values.items() if k != "gcp_key_ring"} == {
        k: v for k, v in before.items() if k != "gcp_key_ring"}


def test_validate_accepts_well_formed_values_for_every_subset():
    cloud.validate(sorted(NEEDS), VALID)


def test_validate_skips_options_that_are_not_set():
    cloud.validate(["aws_accounts"], dict.fromkeys(VALID))


@pytest.mark.parametrize("subset", [s for s, needed in sorted(NEEDS.items()) if needed])
def test_validate_names_every_missing_option(subset):
    with pytest.raises(ConfigurationError) as info:
        cloud.validate([subset], {})
    needed = NEEDS[subset]
    assert info.value.details["option"] == needed[0]
    assert info.value.msg == "{0}: required by gather_subset {1}.".format(", ".join(needed), subset)


@pytest.mark.parametrize("option, value", [
    ("aws_account_id", "1234"), ("aws_account_id", "1234567890123"), ("aws_account_id", " 123456789012"),
    ("aws_region", "useast1"), ("aws_region", "us-east"), ("azure_subscription", "3beb4dd0-1c2d-4e5f-8a9b"),
    ("azure_subscription", SUB + "0"), ("azure_vault", "kv"), ("azure_vault", "1vault"), ("azure_vault", "v" * 25),
    ("gcp_project", "proj"), ("gcp_project", "1project"), ("gcp_project", "project-"), ("gcp_project", "p" * 31),
    ("gcp_region", "US-EAST1"), ("gcp_key_ring", "r" * 64), ("gcp_key_ring", "ring 1"),
])
def test_validate_refuses_a_malformed_value(option, value):
    with pytest.raises(ConfigurationError) as info:
        cloud.validate(["aws_accounts"], dict(VALID, **{option: value}))
    assert info.value.details["option"] == option
    assert info.value.msg.startswith("{0}: {1!r} is not".format(option, value))


@pytest.mark.parametrize("option, value", [
    ("aws_region", "us-gov-west-1"), ("aws_region", "ap-southeast-2"), ("azure_subscription", SUB.upper()),
    ("gcp_project", "my-project-123456"), ("gcp_region", "europe-west4"), ("gcp_key_ring", "Ring_1-a"),
])
def test_validate_accepts(option, value):
    cloud.validate(["aws_accounts"], dict(VALID, **{option: value}))


def test_gather_builds_the_path_and_returns_the_list_in_snake_case(make_client, fake):
    path = cbs_path("v1", "aws", "awsAccountId", "123456789012", "region", "us-east-1", "privateLink")
    fake.add("GET", path, reply(200, {"privateLink": [{"vpc-name": "a", "vpcId": "vpc-1", "private-endpoint-id": "pe"}],
                                      "key": ["not this"]}))
    found = cloud.gather(make_client(), "aws_private_links", VALID)
    assert found == [{"vpc_name": "a", "vpc_id": "vpc-1", "private_endpoint_id": "pe"}]
    assert [c.path for c in fake.api_calls] == [path]


@pytest.mark.parametrize("region, query", [("eastus2", {"region": "eastus2"}), (None, {})])
def test_gather_sends_the_region_query_when_set(make_client, fake, region, query):
    path = cbs_path("v1", "azure", "subscription", SUB, "vnet")
    fake.add("GET", path, reply(200, {"vnet": []}))
    assert cloud.gather(make_client(), "azure_vnets", dict(VALID, azure_region=region)) == []
    assert fake.api_calls[0].query == query


def test_gather_sends_no_query_for_subsets_without_one(make_client, fake):
    path = cbs_path("v1", "azure", "subscription", SUB, "vault")
    fake.add("GET", path, reply(200, {"vault": [{"name": "kv"}]}))
    cloud.gather(make_client(), "azure_vaults", VALID)
    assert fake.api_calls[0].query == {}


@pytest.mark.parametrize("body", [{}, None, {"keyRings": None}, []])
def test_gather_without_the_answer_key_is_an_unexpected_answer(make_client, fake, body):
    fake.add("GET", cbs_path("v1", "gcp", "project", "proj-backup-1", "region", "us-east1", "keyrings"),
             reply(200, body))
    with pytest.raises(UnexpectedAnswerError, match="keyRings"):
        cloud.gather(make_client(), "gcp_key_rings", VALID)


def test_gather_quotes_path_values(make_client, fake):
    path = cbs_path("v1", "azure", "subscription", SUB, "vault", "kv/../x", "key")
    fake.add("GET", path, reply(200, {"key": []}))
    cloud.gather(make_client(), "azure_vault_keys", dict(VALID, azure_vault="kv/../x"))
    assert fake.api_calls[0].path == path and "%2F" in fake.api_calls[0].url
