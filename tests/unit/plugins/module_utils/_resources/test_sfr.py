# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import functools

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    JobFailedError,
    JobTimeoutError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import sfr
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import (
    FakeRecovery,
    explore_list_path,
    explore_start_path,
    job_path,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, client_params, reply

LIST = explore_list_path("fs-1", "snap-1")
START = explore_start_path("fs-1")
STATUS = cbs_path("v2", "sfr", "volume", "fs-1", "file-explore", "status")


@pytest.fixture(autouse=True)
def waiter_on_fake_clock(monkeypatch, clock):
    monkeypatch.setattr(sfr, "JobWaiter", functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic))


@pytest.fixture
def tree(retry_policy):
    """A backup of fs-1 with a small tree, already explored, and a client talking to it."""
    api = FakeRecovery()
    api.add_files("fs-1", "snap-1", ["/top.txt", "/finance/readme.txt", "/finance/2026/budget.xlsx",
                                     "/finance/2026/forecast.xlsx", "/finance/2026/notes.txt", "/hr/staff.xlsx",
                                     "/finance/2025/", "/empty/"])
    api.explored.add(("we-1", "fs-1"))
    api.client = _api.BlueXPClient(client_params(), transport=api, retry=retry_policy())
    return api


def entry(name, path, kind="FILE", inode=1):
    return {"inode": inode, "name": name, "path": path, "type": kind, "size": 10, "mtime": 1700000000000}


def page(entries, following=None):
    config = {"startIndex": 0, "endIndex": len(entries) - 1}
    if following is not None:
        config["next"] = following
    return reply(200, {"pageConfig": config, "context": entries})


def listed(transport):
    return [c.query for c in transport.calls if c.path == LIST]


@pytest.mark.parametrize("kind, expected", [("DIRECTORY", True), ("directory", True), ("DIR", True),
                                            ("FOLDER", True), ("FILE", False), ("SYMLINK", False), (None, False)])
def test_is_directory(kind, expected):
    assert sfr.is_directory({"type": kind}) is expected


# --- explore --------------------------------------------------------------------------------------

@pytest.fixture
def not_explored(fake):
    fake.add("GET", STATUS, reply(200, {"status": "NOT_STARTED"}))
    return fake


def test_start_explore_posts_to_the_working_environment_scoped_start_and_waits(make_client, not_explored, clock):
    fake = not_explored
    fake.add("POST", START, reply(202, {"job-id": "job-x"}))
    fake.add("GET", job_path("job-x"), reply(200, {"job": [{"id": "job-x", "status": "IN_PROGRESS"}]}),
             reply(200, {"job": [{"id": "job-x", "status": "COMPLETED"}]}))
    sfr.start_explore(make_client(), "we-1", "fs-1", 600)
    assert [(c.method, c.path) for c in fake.calls] == [("GET", STATUS), ("POST", START), ("GET", job_path("job-x")),
                                                        ("GET", job_path("job-x"))]
    assert fake.calls[1].body is None
    assert clock.sleeps == [1.0]


def test_start_explore_without_a_job_does_not_poll(make_client, not_explored):
    not_explored.add("POST", START, reply(202))
    sfr.start_explore(make_client(), "we-1", "fs-1", 600)
    assert [c.method for c in not_explored.calls] == ["GET", "POST"]


@pytest.mark.parametrize("answer", [reply(200, {"status": "ready"}), reply(200, {"status": "READY"})])
def test_backups_mounted_already_are_not_started_again(make_client, fake, answer):
    fake.add("GET", STATUS, answer)
    sfr.start_explore(make_client(), "we-1", "fs-1", 600)
    assert [(c.method, c.path) for c in fake.calls] == [("GET", STATUS)]


@pytest.mark.parametrize("answer", [reply(404, {"message": "not found"}), reply(200, {"status": "IN_PROGRESS"}),
                                    reply(200, {"status": "FAILED"}), reply(200, {})])
def test_any_other_status_starts_the_explore(make_client, fake, answer):
    fake.add("GET", STATUS, answer)
    fake.add("POST", START, reply(202))
    sfr.start_explore(make_client(), "we-1", "fs-1", 600)
    assert [c.method for c in fake.calls] == ["GET", "POST"]


def test_start_explore_times_out_naming_the_job(make_client, not_explored, clock):
    fake = not_explored
    fake.add("POST", START, reply(202, {"job-id": "job-x"}))
    fake.add("GET", job_path("job-x"), reply(200, {"job": [{"id": "job-x", "status": "IN_PROGRESS"}]}))
    with pytest.raises(JobTimeoutError) as info:
        sfr.start_explore(make_client(), "we-1", "fs-1", 30)
    assert info.value.details["job_ids"] == ["job-x"]
    assert sum(clock.sleeps) == 30


def test_start_explore_failure_is_raised(make_client, not_explored):
    fake = not_explored
    fake.add("POST", START, reply(202, {"job-id": "job-x"}))
    fake.add("GET", job_path("job-x"), reply(200, {"job": [{"id": "job-x", "status": "FAILED",
                                                            "error": "restore container did not start"}]}))
    with pytest.raises(JobFailedError) as info:
        sfr.start_explore(make_client(), "we-1", "fs-1", 600)
    assert "restore container did not start" in info.value.msg


# --- one directory, page by page ------------------------------------------------------------------

def test_list_directory_one_page(make_client, fake):
    fake.add("GET", LIST, page([entry("a", "/d/a"), entry("b", "/d/b")]))
    assert [e["name"] for e in sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d")] == ["a", "b"]
    assert listed(fake) == [{"path": "/d", "limit": "500"}]


def test_list_directory_follows_the_page_numbers_the_server_gives(make_client, fake):
    fake.add("GET", LIST,
             page([entry("a", "/d/a"), entry("b", "/d/b")], {"page": 7, "limit": 2}),
             page([entry("c", "/d/c"), entry("d", "/d/d")], {"page": 9, "limit": 2}),
             page([entry("e", "/d/e")]))
    found = list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d"))
    assert [e["name"] for e in found] == ["a", "b", "c", "d", "e"]
    assert listed(fake) == [{"path": "/d", "limit": "500"}, {"path": "/d", "page": "7", "limit": "2"},
                            {"path": "/d", "page": "9", "limit": "2"}]


@pytest.mark.parametrize("last", [
    page([entry("b", "/d/b")]),
    page([entry("b", "/d/b")], {"page": None, "limit": 2}),
    page([entry("b", "/d/b")], {}),
], ids=["no next", "next page null", "next empty"])
def test_list_directory_stops_on_the_last_page(make_client, fake, last):
    fake.add("GET", LIST, page([entry("a", "/d/a")], {"page": 2, "limit": 1}), last)
    assert len(list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d"))) == 2
    assert len(listed(fake)) == 2


def test_list_directory_stops_on_an_empty_page_even_if_it_names_a_next_one(make_client, fake):
    fake.add("GET", LIST, page([entry("a", "/d/a")], {"page": 2, "limit": 1}), page([], {"page": 3, "limit": 1}))
    assert len(list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d"))) == 1
    assert len(listed(fake)) == 2


def test_list_directory_without_a_limit_in_next_keeps_the_page_size(make_client, fake):
    fake.add("GET", LIST, page([entry("a", "/d/a")], {"page": 2}), page([]))
    list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d"))
    assert listed(fake)[1] == {"path": "/d", "page": "2", "limit": "500"}


def test_list_directory_makes_a_path_when_the_entry_has_none(make_client, fake):
    fake.add("GET", LIST, page([{"name": "a.txt", "type": "FILE"}, entry("b.txt", "/elsewhere/b.txt")]))
    found = list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/d"))
    assert [e["path"] for e in found] == ["/d/a.txt", "/elsewhere/b.txt"]


@pytest.mark.parametrize("answer", [reply(200), reply(200, {}), reply(200, {"context": None})])
def test_list_directory_of_an_empty_answer(make_client, fake, answer):
    fake.add("GET", LIST, answer)
    assert list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/")) == []


# --- browse ---------------------------------------------------------------------------------------

def paths(entries):
    return [e["path"] for e in entries]


def test_browse_one_directory(tree):
    found, truncated = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/finance", False, 100, None)
    assert paths(found) == ["/finance/readme.txt", "/finance/2026", "/finance/2025"]
    assert truncated is False
    assert found[1]["type"] == "DIRECTORY"


def test_browse_recursive_is_breadth_first(tree):
    found, truncated = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, 100, None)
    assert paths(found) == [
        "/top.txt", "/finance", "/hr", "/empty",
        "/finance/readme.txt", "/finance/2026", "/finance/2025",
        "/hr/staff.xlsx",
        "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx", "/finance/2026/notes.txt"]
    assert truncated is False
    assert [q["path"] for q in listed(tree)] == ["/", "/finance", "/hr", "/empty", "/finance/2026", "/finance/2025"]


@pytest.mark.parametrize("limit, truncated", [(3, True), (10, True), (11, False), (12, False)])
def test_browse_stops_at_max_entries(tree, limit, truncated):
    found, cut = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, limit, None)
    assert len(found) == min(limit, 11) and cut is truncated


def test_browse_max_entries_stops_listing(tree):
    sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, 2, None)
    assert [q["path"] for q in listed(tree)] == ["/"]


def test_browse_pattern_filters_names_but_descends_into_every_directory(tree):
    found, truncated = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, 100, "*.xlsx")
    assert paths(found) == ["/hr/staff.xlsx", "/finance/2026/budget.xlsx", "/finance/2026/forecast.xlsx"]
    assert truncated is False


def test_browse_pattern_is_case_sensitive(tree):
    found, _cut = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, 100, "*.XLSX")
    assert found == []


def test_browse_max_entries_counts_matches_only(tree):
    found, truncated = sfr.browse(tree.client, "we-1", "fs-1", "snap-1", "/", True, 2, "*.xlsx")
    assert paths(found) == ["/hr/staff.xlsx", "/finance/2026/budget.xlsx"] and truncated is True


def test_browse_returns_snake_case_keys(make_client, fake):
    fake.add("GET", LIST, page([{"name": "a", "path": "/a", "type": "FILE", "lastModified": 5}]))
    found, _cut = sfr.browse(make_client(), "we-1", "fs-1", "snap-1", "/", False, 10, None)
    assert found == [{"name": "a", "path": "/a", "type": "FILE", "last_modified": 5}]


# --- finding entries to restore -------------------------------------------------------------------

def test_find_entries_lists_each_directory_once_and_keeps_the_order_asked(tree):
    found = sfr.find_entries(tree.client, "we-1", "fs-1", "snap-1",
                             ["/finance/2026/notes.txt", "/top.txt", "finance/2026/budget.xlsx", "/finance/2025"])
    assert paths(found) == ["/finance/2026/notes.txt", "/top.txt", "/finance/2026/budget.xlsx", "/finance/2025"]
    assert found[0] == tree.entry("fs-1", "snap-1", "/finance/2026/notes.txt")
    assert found[3]["type"] == "DIRECTORY"
    assert [q["path"] for q in listed(tree)] == ["/finance/2026", "/", "/finance"]


def test_find_entries_reads_every_page_of_a_directory(tree):
    tree.page_limit = 1
    found = sfr.find_entries(tree.client, "we-1", "fs-1", "snap-1", ["/finance/2026/notes.txt"])
    assert paths(found) == ["/finance/2026/notes.txt"]
    assert [q.get("page") for q in listed(tree)] == [None, "2", "3"]


def test_find_entries_of_a_missing_file_names_it_and_close_names(tree):
    with pytest.raises(ConfigurationError) as info:
        sfr.find_entries(tree.client, "we-1", "fs-1", "snap-1", ["/finance/2026/budget.xlsx",
                                                                 "/finance/2026/forecast-v2.xlsx"])
    assert info.value.details == {"option": "files", "missing": "/finance/2026/forecast-v2.xlsx"}
    assert info.value.code == "nothing_restored"
    assert info.value.msg == ("files: /finance/2026/forecast-v2.xlsx is not in the backup; in that folder: "
                              "forecast.xlsx.")


def test_find_entries_of_a_missing_file_without_close_names_lists_the_folder(tree):
    with pytest.raises(ConfigurationError) as info:
        sfr.find_entries(tree.client, "we-1", "fs-1", "snap-1", ["/hr/payroll.csv"])
    assert info.value.msg == "files: /hr/payroll.csv is not in the backup; in that folder: staff.xlsx."
