# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import fnmatch
import functools
import math
import types

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    JobFailedError,
    JobTimeoutError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import sfr
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, client_params, reply

# The explore and the paging of one directory are exact conversations, scripted on the fake transport;
# browsing and finding entries run against the emulator's file trees.
SFR = ("sfr", "working-environment", "we-1", "volume", "fs-1")
LIST = cbs_path("v1", *SFR, "snapshot", "snap-1", "file-explore", "list")
START = cbs_path("v1", *SFR, "file-explore", "start")
STATUS = cbs_path("v2", "sfr", "volume", "fs-1", "file-explore", "status")


def job_path(job_id):
    return cbs_path("v1", "job", job_id)


@pytest.fixture(autouse=True)
def waiter_on_fake_clock(monkeypatch, clock):
    monkeypatch.setattr(sfr, "JobWaiter", functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic))


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
    assert len(clock.sleeps) == 1, "one wait between the two polls"


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
    assert sum(clock.sleeps) == pytest.approx(30)


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


def test_list_directory_of_an_empty_folder(make_client, fake):
    fake.add("GET", LIST, reply(200, {"context": []}))
    assert list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/")) == []


@pytest.mark.parametrize("answer", [reply(200), reply(200, {}), reply(200, {"context": None}),
                                    reply(200, {"context": [], "pageConfig": {"next": {"page": "two"}}})])
def test_a_listing_of_another_shape_is_no_empty_folder(make_client, fake, answer):
    fake.add("GET", LIST, answer)
    with pytest.raises(UnexpectedAnswerError, match="file-explore/list answered with an unexpected shape"):
        list(sfr.list_directory(make_client(), "we-1", "fs-1", "snap-1", "/"))


# --- browse, on a backup of the emulator ------------------------------------------------------------

@pytest.fixture
def tree(emulator):
    """A backup of a volume of the emulator, explored; a client talking to the emulator; the listing of a
    directory as the API gives it (every entry, one page)."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    return explored(emulator, we, volume)


def explored(emulator, we, volume):
    segments = ("sfr", "working-environment", we["id"], "volume", volume["id"])
    backup = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                          "snapshot")["snapshot"][0]
    emulator.api("POST", "v1", *segments, "file-explore", "start", json={})
    emulator.advance(60)

    def listing(path):
        return emulator.api("GET", "v1", *segments, "snapshot", backup["id"], "file-explore", "list",
                            query={"path": path, "limit": "10000"})["context"]

    def listed():
        return [r["query"] for r in emulator.requests() if r["path"].endswith("/file-explore/list")]

    home = listing("/home")[0]["path"]
    client = _api.BlueXPClient(client_params(**emulator.args()))
    return types.SimpleNamespace(client=client, ids=(we["id"], volume["id"], backup["id"]), listing=listing,
                                 listed=listed, home=home)


def paths(entries):
    return [e["path"] for e in entries]


def breadth_first(tree, top, pattern=None):
    """(entries under `top` in breadth-first order, directories in the order they are listed)."""
    found, directories, pending = [], [], [top]
    while pending:
        directory = pending.pop(0)
        directories.append(directory)
        for item in tree.listing(directory):
            if item["type"] == "directory":
                pending.append(item["path"])
            if pattern is None or fnmatch.fnmatchcase(item["name"], pattern):
                found.append(item["path"])
    return found, directories


def test_browse_one_directory(tree):
    found, truncated = sfr.browse(tree.client, *tree.ids, tree.home, False, 100, None)
    assert paths(found) == paths(tree.listing(tree.home))
    assert truncated is False
    assert any(sfr.is_directory(e) for e in found) and not all(sfr.is_directory(e) for e in found)


def test_browse_recursive_is_breadth_first(tree):
    expected, directories = breadth_first(tree, tree.home)
    found, truncated = sfr.browse(tree.client, *tree.ids, tree.home, True, 10000, None)
    assert paths(found) == expected and len(directories) > 2
    assert truncated is False
    assert [q["path"][0] for q in tree.listed()] == directories


@pytest.mark.parametrize("short_of, truncated", [("a lot", True), (1, True), (0, False), (-1, False)])
def test_browse_stops_at_max_entries(tree, short_of, truncated):
    total = len(breadth_first(tree, tree.home)[0])
    limit = 3 if short_of == "a lot" else total - short_of
    found, cut = sfr.browse(tree.client, *tree.ids, tree.home, True, limit, None)
    assert len(found) == min(limit, total) and cut is truncated


def test_browse_max_entries_stops_listing(tree):
    assert len(tree.listing(tree.home)) > 2
    sfr.browse(tree.client, *tree.ids, tree.home, True, 2, None)
    assert [q["path"][0] for q in tree.listed()] == [tree.home]


def test_browse_pattern_filters_names_but_descends_into_every_directory(tree):
    expected, _directories = breadth_first(tree, tree.home, "*.docx")
    found, truncated = sfr.browse(tree.client, *tree.ids, tree.home, True, 10000, "*.docx")
    assert paths(found) == expected and len(expected) >= 2
    assert any(path.count("/") > tree.home.count("/") + 1 for path in expected), "found below the top folder too"
    assert truncated is False


def test_browse_pattern_is_case_sensitive(tree):
    assert breadth_first(tree, tree.home, "*.docx")[0]
    found, _cut = sfr.browse(tree.client, *tree.ids, tree.home, True, 10000, "*.DOCX")
    assert found == []


def test_browse_max_entries_counts_matches_only(tree):
    expected, _directories = breadth_first(tree, tree.home, "*.jpg")
    assert len(expected) > 2
    found, truncated = sfr.browse(tree.client, *tree.ids, tree.home, True, 2, "*.jpg")
    assert paths(found) == expected[:2] and truncated is True


def test_browse_returns_snake_case_keys(make_client, fake):
    fake.add("GET", LIST, page([{"name": "a", "path": "/a", "type": "FILE", "lastModified": 5}]))
    found, _cut = sfr.browse(make_client(), "we-1", "fs-1", "snap-1", "/", False, 10, None)
    assert found == [{"name": "a", "path": "/a", "type": "FILE", "last_modified": 5}]


# --- finding entries to restore -------------------------------------------------------------------

def test_find_entries_lists_each_directory_once_and_keeps_the_order_asked(tree):
    home = tree.home
    found = sfr.find_entries(tree.client, *tree.ids, [home + "/notes.md", "/README.txt", home[1:] + "/todo.txt", home])
    assert paths(found) == [home + "/notes.md", "/README.txt", home + "/todo.txt", home]
    assert found[0] == next(e for e in tree.listing(home) if e["name"] == "notes.md")
    assert sfr.is_directory(found[3])
    assert [q["path"][0] for q in tree.listed()] == [home, "/", "/home"]


def test_find_entries_reads_every_page_of_a_directory(emulator):
    # A volume whose tree has a folder of thousands of entries, more than one page.
    we = emulator.working_environment(provider="GCP", backup_enabled=True)
    volume = next(v for v in we["volume_list"] if v["large_directory"] and v["backups"])
    tree = explored(emulator, we, volume)
    last = tree.listing("/scans")[-1]["path"]
    assert paths(sfr.find_entries(tree.client, *tree.ids, [last])) == [last]
    pages = math.ceil(len(tree.listing("/scans")) / sfr.PAGE_SIZE)
    assert pages >= 2
    assert [q.get("page", [None])[0] for q in tree.listed()] == [None] + [str(n) for n in range(2, pages + 1)]


def test_find_entries_of_a_missing_file_names_it_and_close_names(tree):
    missing = tree.home + "/notes-v2.md"
    with pytest.raises(ConfigurationError) as info:
        sfr.find_entries(tree.client, *tree.ids, [tree.home + "/notes.md", missing])
    assert info.value.details == {"option": "files", "missing": missing}
    assert info.value.code == "nothing_restored"
    assert info.value.msg.startswith("files: {0} is not in the backup; in that folder: ".format(missing))
    assert "notes.md" in info.value.msg


def test_find_entries_of_a_missing_file_without_close_names_lists_the_folder(tree):
    names = sorted(e["name"] for e in tree.listing(tree.home))
    with pytest.raises(ConfigurationError) as info:
        sfr.find_entries(tree.client, *tree.ids, [tree.home + "/zzz-qqq.bin"])
    assert info.value.msg == "files: {0}/zzz-qqq.bin is not in the backup; in that folder: {1}.".format(
        tree.home, ", ".join(names[:5]))
