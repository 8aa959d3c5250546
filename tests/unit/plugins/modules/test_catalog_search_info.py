# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import module_args, requests
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import install, load_module
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, run_fail, run_ok

main = load_module("catalog_search_info").main

SEARCH = cbs_path("v1", "catalog", "search")
SNAPSHOTS = cbs_path("v1", "catalog", "snapshots")
JAN_1_2026_MS = 1767225600000
FEB_1_2026_MS = JAN_1_2026_MS + 31 * 86400000


def found(name, we_id="we-1", volume_id="fs-vol_finance", kind="FILE", size=2048):
    return {"resourceName": name, "resourceType": kind, "workingEnvironmentId": we_id,
            "workingEnvironmentName": "prod-east", "svmName": "svm1", "volumeId": volume_id,
            "volumeName": "vol_finance", "resourceSize": size, "inode": 4711, "mtime": 1795000000000,
            "latestSnapshotCreationTime": 1795800000000, "snapshotsCount": 3}


def held_in(snap_id, created, **extra):
    record = {"snapshotId": snap_id, "snapshotName": snap_id.replace("snap-", ""), "snapshotSize": 1073741824,
              "snapshotCreationTime": created, "location": "CLOUD", "archived": False, "object-lock": "NONE",
              "ransomware-scan-status": "PROTECTED", "last-ransomware-scan": created + 1000}
    record.update(extra)
    return record


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.catalog_results = [found("/finance/2026/budget.xlsx"), found("finance/2025/budget.xlsx"),
                           found("/hr/budget-hr.csv", volume_id="fs-vol_hr"), found("/hr/staff.xlsx")]
    return api


def args(**extra):
    base = dict(query="budget")
    base.update(extra)
    return module_args(**base)


def searches(api):
    return [c for c in api.api_calls if c.path == SEARCH]


# --- the search request ---------------------------------------------------------------------------

def test_query_is_the_query_parameter_and_no_filter_sends_an_empty_body(cbs):
    result = run_ok(main, args())
    [call] = searches(cbs)
    assert call.method == "POST" and call.query == {"query": "budget"} and call.body == {}
    assert requests(cbs) == [("POST", SEARCH)]
    assert result["changed"] is False and result["truncated"] is False
    assert [r["path"] for r in result["results"]] == ["/finance/2026/budget.xlsx", "/finance/2025/budget.xlsx",
                                                      "/hr/budget-hr.csv"]


def test_every_filter_is_mapped_to_the_body(cbs):
    run_ok(main, args(type="FILE", working_environment_ids=["we-1", "we-2"], extensions=[".xlsx", "csv", "..tar"],
                      min_size=1024, max_size=1048576, created_after="2026-01-01T00:00:00Z",
                      created_before="2026-02-01T00:00:00Z", location="CLOUD"))
    assert searches(cbs)[0].body == {
        "type": "FILE", "workingEnvironmentId": ["we-1", "we-2"], "fileExtension": ["xlsx", "csv", "tar"],
        "size": {"from": 1024, "to": 1048576}, "creationDate": {"from": JAN_1_2026_MS, "to": FEB_1_2026_MS},
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
def test_one_sided_filters(cbs, options, key, expected):
    run_ok(main, args(**options))
    assert searches(cbs)[0].body == {key: expected}


def test_creation_dates_are_whole_milliseconds(cbs):
    run_ok(main, args(created_after="2026-01-01T00:00:00.123456Z"))
    value = searches(cbs)[0].body["creationDate"]["from"]
    assert value == JAN_1_2026_MS + 123 and isinstance(value, int)


def test_results_keep_the_api_fields_in_snake_case(cbs):
    result = run_ok(main, args(query="staff"))
    assert result["results"] == [{
        "resource_name": "/hr/staff.xlsx", "resource_type": "FILE", "working_environment_id": "we-1",
        "working_environment_name": "prod-east", "svm_name": "svm1", "volume_id": "fs-vol_finance",
        "volume_name": "vol_finance", "resource_size": 2048, "inode": 4711, "mtime": 1795000000000,
        "latest_snapshot_creation_time": 1795800000000, "snapshots_count": 3, "path": "/hr/staff.xlsx"}]


@pytest.mark.parametrize("name, path", [
    ("/finance/2026/budget.xlsx", "/finance/2026/budget.xlsx"),
    ("finance/2026/budget.xlsx", "/finance/2026/budget.xlsx"),
    ("//finance//2026/./budget.xlsx", "/finance/2026/budget.xlsx"),
    ("budget.xlsx", "/budget.xlsx"),
], ids=["absolute", "relative", "untidy", "bare name"])
def test_path_is_derived_from_the_resource_name(cbs, name, path):
    cbs.catalog_results = [found(name)]
    assert run_ok(main, args())["results"][0]["path"] == path


def test_check_mode_searches_the_same(cbs):
    assert run_ok(main, args(_ansible_check_mode=True)) == run_ok(main, args())


# --- result limits --------------------------------------------------------------------------------

@pytest.mark.parametrize("max_results, end, count, truncated", [
    (100, True, 3, False),
    (3, True, 3, False),
    (2, True, 2, True),
    (1, True, 1, True),
    (100, False, 3, True),
], ids=["all", "exactly", "cut", "one", "server has more"])
def test_max_results_and_end_of_results(cbs, max_results, end, count, truncated):
    cbs.end_of_results = end
    result = run_ok(main, args(max_results=max_results))
    assert len(result["results"]) == count and result["truncated"] is truncated


def test_no_results(cbs):
    result = run_ok(main, args(query="nothing-like-this"))
    assert result["results"] == [] and result["truncated"] is False


# --- snapshots of each result ---------------------------------------------------------------------

def test_snapshots_are_listed_per_result_newest_first(cbs):
    cbs.catalog_snapshots["/finance/2026/budget.xlsx"] = [
        held_in("snap-a", 1795000000000), held_in("snap-c", 1795800000000), held_in("snap-b", 1795400000000)]
    cbs.catalog_snapshots["/hr/budget-hr.csv"] = [held_in("snap-h", 1795100000000, archived=True)]
    result = run_ok(main, args(snapshots=True))
    calls = [c for c in cbs.api_calls if c.path == SNAPSHOTS]
    assert [c.method for c in calls] == ["POST"] * 3
    assert calls[0].body == {"resourceName": "/finance/2026/budget.xlsx", "workingEnvironmentId": "we-1",
                             "volumeId": "fs-vol_finance", "resourceType": "FILE"}
    assert calls[2].body["volumeId"] == "fs-vol_hr" and calls[2].body["resourceName"] == "/hr/budget-hr.csv"
    first = result["results"][0]["snapshots"]
    assert [s["snapshot_id"] for s in first] == ["snap-c", "snap-b", "snap-a"]
    assert first[0] == {"snapshot_id": "snap-c", "snapshot_name": "c", "snapshot_size": 1073741824,
                        "snapshot_creation_time": 1795800000000, "location": "CLOUD", "archived": False,
                        "object_lock": "NONE", "ransomware_scan_status": "PROTECTED",
                        "last_ransomware_scan": 1795800001000}
    assert result["results"][1]["snapshots"] == []
    assert result["results"][2]["snapshots"][0]["archived"] is True


def test_snapshots_are_only_asked_for_the_results_returned(cbs):
    run_ok(main, args(snapshots=True, max_results=1))
    assert len([c for c in cbs.api_calls if c.path == SNAPSHOTS]) == 1


def test_without_snapshots_no_snapshot_list_is_asked(cbs):
    result = run_ok(main, args())
    assert "snapshots" not in result["results"][0]
    assert all(c.path != SNAPSHOTS for c in cbs.api_calls)


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
def test_bad_input_fails_before_any_request(cbs, options, option):
    result = run_fail(main, args(**options))
    assert result["option"] == option and result["msg"].startswith(option)
    assert cbs.calls == []


def test_equal_min_and_max_size_is_fine(cbs):
    run_ok(main, args(min_size=2048, max_size=2048))
    assert searches(cbs)[0].body == {"size": {"from": 2048, "to": 2048}}


def test_type_choices_are_checked_by_the_argument_spec(cbs):
    result = run_fail(main, args(type="SNAPSHOT"))
    assert "type" in result["msg"] and cbs.calls == []
