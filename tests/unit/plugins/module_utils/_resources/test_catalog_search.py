# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import UnexpectedAnswerError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import catalog
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

SEARCH_PATH = cbs_path("v1", "catalog", "search")
SNAPSHOTS_PATH = cbs_path("v1", "catalog", "snapshots")
MATCH = {"resourceName": "finance/budget.xlsx", "workingEnvironmentId": "we-1", "volumeId": "fs-1",
         "resourceType": "FILE"}


def test_search_body_without_filters_is_empty():
    assert catalog.search_body() == {}


def test_search_body_names_every_filter_as_the_api_does():
    assert catalog.search_body("FILE", ["we-1"], [".xlsx", "csv"], 10, 20, 1000.0, 2000.0, "CLOUD") == {
        "type": "FILE", "workingEnvironmentId": ["we-1"], "fileExtension": ["xlsx", "csv"],
        "size": {"from": 10, "to": 20}, "creationDate": {"from": 1000, "to": 2000}, "backupLocation": "CLOUD"}


@pytest.mark.parametrize("min_size, max_size, expected", [(0, None, {"from": 0}), (None, 5, {"to": 5})])
def test_search_body_keeps_an_open_size_range_open(min_size, max_size, expected):
    assert catalog.search_body(min_size=min_size, max_size=max_size)["size"] == expected


def test_search_sends_the_query_and_says_whether_more_exist(make_client, fake):
    fake.add("POST", SEARCH_PATH, reply(200, {"results": [MATCH], "endOfResults": False}))
    matches, more = catalog.search(make_client(), "budget", {"type": "FILE"})
    assert matches == [MATCH] and more is True
    [call] = fake.calls
    assert call.query == {"query": "budget"} and call.body == {"type": "FILE"}


def test_search_without_results(make_client, fake):
    fake.add("POST", SEARCH_PATH, reply(200, {"results": [], "endOfResults": True}))
    assert catalog.search(make_client(), "nothing", {}) == ([], False)


@pytest.mark.parametrize("answer", [reply(200), reply(200, []), reply(200, {"endOfResults": True}),
                                    reply(200, {"results": [{"resourceName": "/a"}]})])
def test_a_search_answer_of_another_shape_is_no_empty_result(make_client, fake, answer):
    fake.add("POST", SEARCH_PATH, answer)
    with pytest.raises(UnexpectedAnswerError, match=r"POST .*/catalog/search answered with an unexpected shape"):
        catalog.search(make_client(), "nothing", {})


def test_snapshots_holding_a_match_are_newest_first_in_snake_case(make_client, fake):
    fake.add("POST", SNAPSHOTS_PATH, reply(200, {"results": {"snapshots": [
        {"snapshotName": "old", "snapshotCreationTime": 1}, {"snapshotName": "new", "snapshotCreationTime": 2}]}}))
    found = catalog.snapshots_holding(make_client(), MATCH)
    assert [s["snapshot_name"] for s in found] == ["new", "old"]
    assert fake.calls[0].body == MATCH
