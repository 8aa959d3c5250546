# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Azure resource groups and regions of a subscription (the facts azure_resource_group uses)."""

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

SUB = "3beb4dd0-1c2d-4e5f-8a9b-0123456789ab"
GROUPS = cbs_path("v1", "azure", "subscription", SUB, "resource-group")
REGIONS = cbs_path("v1", "azure", "subscription", SUB, "region")


@pytest.mark.parametrize("name", ["rg", "rg-backup_1", "rg.(eastus2)", "a" * 90])
def test_resource_group_names_azure_accepts(name):
    assert cloud.check_resource_group_name(name) == name


@pytest.mark.parametrize("name", ["", "ends-with-a-period.", "has space", "a" * 91, "slash/in"])
def test_other_resource_group_names_fail_naming_the_option(name):
    with pytest.raises(ConfigurationError) as info:
        cloud.check_resource_group_name(name)
    assert info.value.details["option"] == "name" and info.value.code == "invalid_option"


def test_a_resource_group_is_found_case_insensitively_in_every_region(make_client, fake):
    fake.add("GET", GROUPS, reply(200, {"resource-group": [{"name": "other", "region": "eastus"},
                                                           {"name": "RG-Backup", "id": "/rg", "region": "westus2"}]}))
    client = make_client()
    assert cloud.resource_group(client, SUB, "rg-backup") == {"name": "RG-Backup", "id": "/rg", "region": "westus2"}
    assert cloud.resource_group(client, SUB, "missing") is None
    assert all("region=" not in call.url for call in fake.calls)


def test_a_region_is_returned_as_azure_spells_it(make_client, fake):
    fake.add("GET", REGIONS, reply(200, {"region": [{"code": "eastus2", "name": "East US 2"}]}))
    assert cloud.check_azure_region(make_client(), SUB, "EastUS2") == "eastus2"


def test_an_unknown_region_has_its_own_error_code_and_close_codes(make_client, fake):
    fake.add("GET", REGIONS, reply(200, {"region": [{"code": "westeurope"}, {"code": "eastus2"}]}))
    with pytest.raises(ConfigurationError) as info:
        cloud.check_azure_region(make_client(), SUB, "westeurope2")
    assert info.value.code == "region_not_found"
    assert info.value.details["option"] == "region"
    assert "close codes: westeurope" in info.value.msg


def test_create_resource_group_sends_name_and_region(make_client, fake):
    fake.add("POST", GROUPS, reply(200, {"state": "Succeeded"}))
    assert cloud.create_resource_group(make_client(), SUB, "rg-b", "eastus2") == {"state": "Succeeded"}
    [call] = fake.calls
    assert (call.method, call.body) == ("POST", {"name": "rg-b", "region": "eastus2"})
