# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import re

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    cbs_path,
    reply,
    run_ok,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import load_module

MODULE = "catalog_search_info"
JAN_1_2026_MS = 1767225600000
FEB_1_2026_MS = JAN_1_2026_MS + 31 * 86400000


@pytest.fixture
def we(emulator):
    """aws-dr-01 with its catalog set up and indexed: "budget" matches 8 files in its backups."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    emulator.api("POST", "v2", "catalog", "working-environments", we["id"], "setup")
    emulator.advance(60)
    return we


@pytest.fixture
def paths(emulator):
    return {"search": emulator.cbs_path("v1", "catalog", "search"),
            "snapshots": emulator.cbs_path("v1", "catalog", "snapshots")}


def search(emulator, query, body=None):
    """What the API answers."""
    return emulator.api("POST", "v1", "catalog", "search", query={"query": query}, json=body or {})


def searches(emulator, paths):
    return [entry for entry in emulator.requests() if entry["path"] == paths["search"]]


def snapshot_lists(emulator, paths):
    return [entry for entry in emulator.requests() if entry["path"] == paths["snapshots"]]


def snake(value):
    if isinstance(value, dict):
        return {re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", key).replace("-", "_").lower(): snake(item)
                for key, item in value.items()}
    if isinstance(value, list):
        return [snake(item) for item in value]
    return value


# --- the search request ---------------------------------------------------------------------------

def test_query_is_the_query_parameter_and_no_filter_sends_an_empty_body(emulator, we, paths):
    result = emulator.run_ok(MODULE, query="budget")
    [call] = searches(emulator, paths)
    assert call["method"] == "POST" and call["query"] == {"query": ["budget"]} and call["body"] == {}
    assert emulator.calls() == [("POST", paths["search"])]
    assert emulator.writes() == [], "a search only reads"
    assert result["changed"] is False and result["truncated"] is False
    found = search(emulator, "budget")["results"]
    assert len(found) == 8
    assert [r["path"] for r in result["results"]] == [r["resourceName"] for r in found]


def test_every_filter_is_mapped_to_the_body(emulator, we, paths):
    other = emulator.working_environment(provider="GCP")
    emulator.api("POST", "v2", "catalog", "working-environments", other["id"], "setup")
    emulator.advance(60)
    emulator.run_ok(MODULE, query="budget", type="FILE", working_environment_ids=[we["id"], other["id"]],
                    extensions=[".xlsx", "csv", "..tar"], min_size=1024, max_size=1048576,
                    created_after="2023-01-01T00:00:00Z", created_before="2026-02-01T00:00:00Z",
                    location="CLOUD")
    assert searches(emulator, paths)[0]["body"] == {
        "type": "FILE", "workingEnvironmentId": [we["id"], other["id"]], "fileExtension": ["xlsx", "csv", "tar"],
        "size": {"from": 1024, "to": 1048576}, "creationDate": {"from": 1672531200000, "to": FEB_1_2026_MS},
        "backupLocation": "CLOUD"}


@pytest.mark.parametrize("options, key, expected", [
    ({"min_size": 0}, "size", {"from": 0}),
    ({"max_size": 500}, "size", {"to": 500}),
    ({"created_after": "2026-01-01T00:00:00"}, "creationDate", {"from": JAN_1_2026_MS}),
    ({"created_after": "2026-01-01T01:00:00+01:00"}, "creationDate", {"from": JAN_1_2026_MS}),
    ({"created_before": "2026-02-01"}, "creationDate", {"to": FEB_1_2026_MS}),
    ({"type": "DIRECTORY"}, "type", "DIRECTORY"),
    ({"location": "LOCAL"}, "backupLocation", "LOCAL"),
], ids=["min size zero", "max size only", "naive time is UTC", "offset", "date only", "directory", "local"])
def test_one_sided_filters(emulator, we, paths, options, key, expected):
    emulator.run_ok(MODULE, query="budget", **options)
    assert searches(emulator, paths)[0]["body"] == {key: expected}


def test_creation_dates_are_whole_milliseconds(emulator, we, paths):
    emulator.run_ok(MODULE, query="budget", created_after="2026-01-01T00:00:00.123456Z")
    value = searches(emulator, paths)[0]["body"]["creationDate"]["from"]
    assert value == JAN_1_2026_MS + 123 and isinstance(value, int)


def test_results_keep_the_api_fields_in_snake_case(emulator, we):
    result = emulator.run_ok(MODULE, query="holidays")
    found = search(emulator, "holidays")["results"]
    assert found
    assert result["results"] == [dict(snake(r), path=r["resourceName"]) for r in found]
    assert {"resource_name", "working_environment_id", "volume_id", "snapshots_count",
            "latest_snapshot_creation_time"} <= set(result["results"][0])


def test_a_volume_result_gets_a_path_from_its_bare_name(emulator, we):
    result = emulator.run_ok(MODULE, query="vol_build_03", type="VOLUME")
    [volume] = result["results"]
    assert volume["resource_name"] == "vol_build_03" and volume["path"] == "/vol_build_03"


def test_check_mode_searches_the_same(emulator, we):
    assert emulator.run_ok(MODULE, query="budget", _ansible_check_mode=True) == emulator.run_ok(MODULE, query="budget")


def test_a_search_without_an_indexed_catalog_fails_with_the_api_message(emulator, paths):
    result = emulator.run_fail(MODULE, query="budget")
    assert result["status"] == 400 and "catalog" in result["msg"]
    assert result["path"] == paths["search"]


# --- result limits --------------------------------------------------------------------------------

@pytest.mark.parametrize("query, max_results, count, truncated", [
    ("budget", 100, 8, False),
    ("budget", 8, 8, False),
    ("budget", 2, 2, True),
    ("budget", 1, 1, True),
    ("*", 100, 100, True),
], ids=["all", "exactly", "cut", "one", "server has more"])
def test_max_results_and_end_of_results(emulator, we, query, max_results, count, truncated):
    result = emulator.run_ok(MODULE, query=query, max_results=max_results)
    assert len(result["results"]) == count and result["truncated"] is truncated


def test_no_results(emulator, we):
    result = emulator.run_ok(MODULE, query="nothing-like-this")
    assert result["results"] == [] and result["truncated"] is False


# --- snapshots of each result ---------------------------------------------------------------------

def test_snapshots_are_listed_per_result_newest_first(emulator, we, paths):
    result = emulator.run_ok(MODULE, query="budget", snapshots=True, max_results=3)
    calls = snapshot_lists(emulator, paths)
    assert [c["method"] for c in calls] == ["POST"] * 3
    assert emulator.writes() == [], "listing the backups of a result only reads"
    for call, found in zip(calls, result["results"], strict=True):
        assert call["body"] == {"resourceName": found["resource_name"], "workingEnvironmentId": we["id"],
                                "volumeId": found["volume_id"], "resourceType": "FILE"}
        held = emulator.api("POST", "v1", "catalog", "snapshots", json=call["body"])["results"]["snapshots"]
        newest_first = sorted(held, key=lambda s: s["snapshotCreationTime"], reverse=True)
        assert found["snapshots"] == snake(newest_first)
        assert [s["snapshot_creation_time"] for s in found["snapshots"]] == sorted(
            (s["snapshot_creation_time"] for s in found["snapshots"]), reverse=True)
    every = [s for found in result["results"] for s in found["snapshots"]]
    assert {s["archived"] for s in every} == {True, False}


def test_snapshots_are_only_asked_for_the_results_returned(emulator, we, paths):
    emulator.run_ok(MODULE, query="budget", snapshots=True, max_results=1)
    assert len(snapshot_lists(emulator, paths)) == 1


def test_without_snapshots_no_snapshot_list_is_asked(emulator, we, paths):
    result = emulator.run_ok(MODULE, query="budget")
    assert "snapshots" not in result["results"][0]
    assert snapshot_lists(emulator, paths) == []


# --- bad input ------------------------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({"min_size": -1}, "min_size"),
    ({"max_size": -1}, "max_size"),
    ({"min_size": 2000, "max_size": 1000}, "min_size"),
    ({"query": "   "}, "query"),
    ({"max_results": 0}, "max_results"),
    ({"created_after": "last week"}, "created_after"),
    ({"created_before": "2026-02-30"}, "created_before"),
], ids=["negative min", "negative max", "min above max", "blank query", "no results wanted", "bad after",
        "bad before"])
def test_bad_input_fails_before_any_request(emulator, options, option):
    result = emulator.run_fail(MODULE, **dict(dict(query="budget"), **options))
    assert result["option"] == option and result["msg"].startswith(option)
    assert emulator.requests() == []


def test_equal_min_and_max_size_is_fine(emulator, we, paths):
    emulator.run_ok(MODULE, query="budget", min_size=2048, max_size=2048)
    assert searches(emulator, paths)[0]["body"] == {"size": {"from": 2048, "to": 2048}}


def test_type_choices_are_checked_by_the_argument_spec(emulator):
    result = emulator.run_fail(MODULE, query="budget", type="SNAPSHOT")
    assert "type" in result["msg"] and emulator.requests() == []


# --- resource names the emulator does not give ------------------------------------------------------
# The emulator names every file by its absolute, tidy path; the API may not. Scripted.

@pytest.mark.parametrize("name, path", [
    ("/finance/2026/budget.xlsx", "/finance/2026/budget.xlsx"),
    ("finance/2026/budget.xlsx", "/finance/2026/budget.xlsx"),
    ("//finance//2026/./budget.xlsx", "/finance/2026/budget.xlsx"),
    ("budget.xlsx", "/budget.xlsx"),
], ids=["absolute", "relative", "untidy", "bare name"])
def test_path_is_derived_from_the_resource_name(fake, module_transport, name, path):
    fake.add("POST", cbs_path("v1", "catalog", "search"), reply(200, {
        "results": [{"resourceName": name, "resourceType": "FILE", "workingEnvironmentId": "we-1",
                     "volumeId": "vol-1"}], "endOfResults": True}))
    result = run_ok(load_module(MODULE).main, dict(token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR,
                                                   query="budget"))
    assert result["results"][0]["path"] == path
