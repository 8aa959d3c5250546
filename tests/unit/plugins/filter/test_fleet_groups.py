# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.fleet_groups import FilterModule, fleet_groups


def host(we_id, account="acc-1", connector="conn-1", **extra):
    return dict({"bluexp_id": we_id, "bluexp_account_id": account, "bluexp_connector_id": connector}, **extra)


def test_one_group_per_account_and_connector_in_the_order_of_their_first_host():
    hosts = [host("we-1"), host("we-2", connector="conn-2"), host("we-3"), host("we-4", account="acc-2")]
    assert fleet_groups(hosts) == [
        {"account_id": "acc-1", "connector_id": "conn-1", "working_environment_ids": ["we-1", "we-3"]},
        {"account_id": "acc-1", "connector_id": "conn-2", "working_environment_ids": ["we-2"]},
        {"account_id": "acc-2", "connector_id": "conn-1", "working_environment_ids": ["we-4"]},
    ]


def test_hosts_without_a_working_environment_are_left_out_and_missing_ids_are_null():
    hosts = [{"inventory_hostname": "localhost"}, {"bluexp_id": "we-1"}]
    assert fleet_groups(hosts) == [{"account_id": None, "connector_id": None, "working_environment_ids": ["we-1"]}]


def test_jobs_of_a_registered_result_are_gathered_and_groups_without_jobs_dropped():
    hosts = [host("we-1", started={"jobs": [{"id": "j-1", "status": "PENDING"}]}),
             host("we-2", started={"skipped": True}),
             host("we-3", connector="conn-2", started={"changed": False}),
             host("we-4", started={"jobs": [{"id": "j-2"}, {"id": "j-3"}]})]
    groups = fleet_groups(hosts, jobs="started")
    assert [(g["connector_id"], g["job_ids"]) for g in groups] == [("conn-1", ["j-1", "j-2", "j-3"])]


def test_not_a_list_of_hosts_is_a_filter_error():
    with pytest.raises(AnsibleFilterError, match="fleet_groups: expected the hosts' variables"):
        FilterModule().filters()["fleet_groups"]("host-1")
