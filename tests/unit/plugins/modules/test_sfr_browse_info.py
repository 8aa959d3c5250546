# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import importlib

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    module_args,
    ontap_volume,
    requests,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import (
    MODULES,
    explore_list_path,
    explore_start_path,
    install,
    job_path,
    load_module,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import run_fail, run_ok

main = load_module("sfr_browse_info").main

VOL = "fs-vol_finance"
NEWEST = "snap-vol_finance.daily.4"
OLDER = "snap-vol_finance.daily.2"
FILES = ["/top.txt", "/finance/readme.txt", "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx",
         "/finance/2026/notes.txt", "/hr/staff.xlsx", "/finance/2025/", "/empty/"]


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_finance")])
    api.activate_environment()
    api.protect(VOL)
    api.set_backups(VOL, {"vol_finance.daily.1": "2026-11-25T01:00:00Z", "vol_finance.daily.2": "2026-11-26T01:00:00Z",
                          "vol_finance.daily.3": "2026-11-27T01:00:00Z", "vol_finance.daily.4": "2026-11-28T01:00:00Z"})
    api.add_files(VOL, NEWEST, FILES)
    api.add_files(VOL, OLDER, ["/finance/old-budget.xlsx"])
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME, volume="vol_finance")
    base.update(extra)
    return module_args(**base)


def listed(api, snap=NEWEST):
    return [c.query for c in api.api_calls if c.path == explore_list_path(VOL, snap)]


def paths(entries):
    return [e["path"] for e in entries]


def test_module_imports():
    importlib.import_module(MODULES + "sfr_browse_info")


# --- explore and list -----------------------------------------------------------------------------

def test_explore_is_started_and_waited_for_before_the_listing(cbs, clock):
    cbs.pending_polls = 1
    result = run_ok(main, args(path="/finance"))
    assert result["changed"] is False
    assert paths(result["entries"]) == ["/finance/readme.txt", "/finance/2026", "/finance/2025"]
    assert result["truncated"] is False
    sent = requests(cbs)
    start = sent.index(("POST", explore_start_path(VOL)))
    polls = [i for i, r in enumerate(sent) if r == ("GET", job_path("job-1"))]
    first_list = sent.index(("GET", explore_list_path(VOL, NEWEST)))
    assert start < polls[0] < polls[-1] < first_list and len(polls) == 2
    assert clock.sleeps == [1.0]
    assert [m for m, _p in sent].count("POST") == 1


def test_entries_keep_the_api_fields(cbs):
    result = run_ok(main, args(path="/finance/2026", pattern="budget*"))
    assert result["entries"] == [cbs.entry(VOL, NEWEST, "/finance/2026/budget.xlsx")]
    assert set(result["entries"][0]) == {"inode", "name", "path", "type", "size", "mtime"}


def test_the_backup_browsed_is_returned(cbs):
    result = run_ok(main, args())
    assert result["backup"]["id"] == NEWEST and result["backup"]["name"] == "vol_finance.daily.4"
    assert result["backup"]["volume_name"] == "vol_finance" and result["backup"]["volume_id"] == VOL
    assert result["backup"]["working_environment_id"] == WE_ID
    assert listed(cbs) == [{"path": "/", "limit": "500"}]


def test_check_mode_lists_the_same(cbs):
    assert run_ok(main, args(_ansible_check_mode=True)) == run_ok(main, args())


def test_an_explore_that_answers_without_a_job_is_not_polled(cbs):
    cbs.explore_returns_job = False
    result = run_ok(main, args())
    assert len(result["entries"]) == 4
    assert not any(p.startswith(job_path("")) for _m, p in requests(cbs))


@pytest.mark.parametrize("selection, snap", [
    ({"backup": "vol_finance.daily.2"}, OLDER),
    ({"backup": OLDER}, OLDER),
    ({"newest_before": "2026-11-27T00:00:00Z"}, OLDER),
    ({"newest_before": "2026-11-26T12:00:00"}, OLDER),
], ids=["by name", "by id", "newest before Z", "newest before naive UTC"])
def test_the_chosen_backup_is_listed(cbs, selection, snap):
    result = run_ok(main, args(path="/finance", **selection))
    assert paths(result["entries"]) == ["/finance/old-budget.xlsx"]
    assert result["backup"]["id"] == snap
    assert listed(cbs) == []


# --- pages ----------------------------------------------------------------------------------------

def test_a_directory_spanning_several_pages_is_read_to_the_end(cbs):
    cbs.page_limit = 2
    cbs.add_files(VOL, NEWEST, ["/many/f{0}.log".format(i) for i in range(7)])
    result = run_ok(main, args(path="/many"))
    assert paths(result["entries"]) == ["/many/f{0}.log".format(i) for i in range(7)]
    assert listed(cbs) == [{"path": "/many", "limit": "500"},
                           {"path": "/many", "page": "2", "limit": "2"},
                           {"path": "/many", "page": "3", "limit": "2"},
                           {"path": "/many", "page": "4", "limit": "2"}]


# --- recursion, limits and patterns ---------------------------------------------------------------

def test_recursive_listing_is_breadth_first(cbs):
    cbs.page_limit = 2
    result = run_ok(main, args(recursive=True))
    assert paths(result["entries"]) == [
        "/top.txt", "/finance", "/hr", "/empty",
        "/finance/readme.txt", "/finance/2026", "/finance/2025", "/hr/staff.xlsx",
        "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx", "/finance/2026/notes.txt"]
    assert result["truncated"] is False


def test_recursive_listing_below_a_path(cbs):
    result = run_ok(main, args(path="/finance", recursive=True))
    assert paths(result["entries"]) == ["/finance/readme.txt", "/finance/2026", "/finance/2025",
                                        "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx",
                                        "/finance/2026/notes.txt"]


@pytest.mark.parametrize("max_entries, count, truncated", [
    (1, 1, True), (5, 5, True), (10, 10, True), (11, 11, False), (1000, 11, False)])
def test_max_entries_cuts_the_listing_and_says_so(cbs, max_entries, count, truncated):
    result = run_ok(main, args(recursive=True, max_entries=max_entries))
    assert len(result["entries"]) == count and result["truncated"] is truncated


def test_max_entries_on_one_directory(cbs):
    result = run_ok(main, args(max_entries=2))
    assert paths(result["entries"]) == ["/top.txt", "/finance"] and result["truncated"] is True


def test_pattern_filters_names_in_the_whole_tree(cbs):
    result = run_ok(main, args(recursive=True, pattern="*.xlsx"))
    assert paths(result["entries"]) == ["/hr/staff.xlsx", "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx"]
    assert result["truncated"] is False


def test_pattern_and_max_entries_count_matches(cbs):
    result = run_ok(main, args(recursive=True, pattern="*.xlsx", max_entries=2))
    assert paths(result["entries"]) == ["/hr/staff.xlsx", "/finance/2026/budget.xlsx"]
    assert result["truncated"] is True


def test_pattern_matching_nothing(cbs):
    result = run_ok(main, args(recursive=True, pattern="*.pdf"))
    assert result["entries"] == [] and result["truncated"] is False


# --- bad input and failures -----------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({"path": "finance"}, "path"),
    ({"path": ""}, "path"),
    ({"max_entries": 0}, "max_entries"),
    ({"max_entries": -5}, "max_entries"),
    ({"newest_before": "tomorrow"}, "newest_before"),
])
def test_bad_input_fails_before_any_request(cbs, options, option):
    result = run_fail(main, args(**options))
    assert result["option"] == option and option in result["msg"]
    assert cbs.calls == []


def test_a_directory_not_in_the_backup_fails_with_the_api_message(cbs):
    result = run_fail(main, args(path="/nope"))
    assert "no such directory: /nope" in result["msg"] and result["status"] == 404


def test_explore_that_does_not_finish_in_time_fails_naming_the_job(cbs, clock):
    cbs.pending_polls = 1000
    result = run_fail(main, args(wait_timeout=20))
    assert result["job_ids"] == ["job-1"] and "job_info" in result["msg"]
    assert sum(clock.sleeps) == 20
    assert listed(cbs) == []


def test_explore_that_fails_fails_the_task(cbs):
    cbs.job_failure = "Restore instance could not be deployed"
    result = run_fail(main, args())
    assert "Restore instance could not be deployed" in result["msg"]
    assert listed(cbs) == []


def test_volume_without_backups_fails_naming_volume(cbs):
    cbs.snapshots[(WE_ID, VOL)] = []
    result = run_fail(main, args())
    assert result["option"] == "volume" and "no backup" in result["msg"]
    assert not any(m == "POST" for m, _p in requests(cbs))
