# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import fnmatch

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for, load_module

MODULE = "sfr_browse_info"


class Volume:
    """A protected volume of the seeded fleet, its backups (newest first) and their file trees as the API lists them."""

    def __init__(self, emulator, provider, name):
        self.emulator = emulator
        self.we = emulator.working_environment(provider=provider, backup_enabled=True)
        self.name = name
        self.id = next(v["id"] for v in self.we["volume_list"] if v["name"] == name)
        self.backups = emulator.api("GET", "v1", "backup", "working-environment", self.we["id"], "volume", self.id,
                                    "snapshot")["snapshot"]

    def args(self, **extra):
        return dict(dict(working_environment_name=self.we["name"], volume=self.name), **extra)

    def list_path(self, backup_id=None):
        return self.emulator.cbs_path("v1", "sfr", "working-environment", self.we["id"], "volume", self.id, "snapshot",
                                      backup_id or self.backups[0]["id"], "file-explore", "list")

    def start_path(self):
        return self.emulator.cbs_path("v1", "sfr", "working-environment", self.we["id"], "volume", self.id,
                                      "file-explore", "start")

    def mount(self):
        """Start the explore through the API and let it finish."""
        self.emulator.api("POST", "v1", "sfr", "working-environment", self.we["id"], "volume", self.id,
                          "file-explore", "start")
        self.emulator.advance(60)

    def listing(self, path, backup_id=None):
        """Every entry of one directory, read through the API page by page."""
        entries, page = [], 1
        while page:
            body = self.emulator.api("GET", "v1", "sfr", "working-environment", self.we["id"], "volume", self.id,
                                     "snapshot", backup_id or self.backups[0]["id"], "file-explore", "list",
                                     query={"path": path, "page": str(page), "limit": "500"})
            entries += body["context"]
            page = (body["pageConfig"].get("next") or {}).get("page")
        return entries

    def breadth_first(self, path, backup_id=None):
        found, pending = [], [path]
        while pending:
            for entry in self.listing(pending.pop(0), backup_id):
                found.append(entry)
                if entry["type"] == "directory":
                    pending.append(entry["path"])
        return found

    def listed(self, emulator, backup_id=None):
        """The query of every listing request of the module, in order."""
        return [{key: values[-1] for key, values in entry["query"].items()} for entry in emulator.requests()
                if entry["path"] == self.list_path(backup_id)]


@pytest.fixture
def vol(emulator):
    """vol_media_04 of aws-dr-01: five daily backups."""
    return Volume(emulator, "AWS", "vol_media_04")


def paths(entries):
    return [e["path"] for e in entries]


def test_module_imports():
    assert callable(load_module(MODULE).main)


# --- explore and list -----------------------------------------------------------------------------

@pytest.mark.emulator(job_duration_s=1)
def test_explore_is_started_and_waited_for_before_the_listing(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/shared"))
    assert result["changed"] is False
    vol.mount()
    assert paths(result["entries"]) == paths(vol.listing("/shared"))
    assert result["truncated"] is False
    sent = emulator.calls()
    start = sent.index(("POST", vol.start_path()))
    polls = [i for i, (method, path) in enumerate(sent) if method == "GET" and "/api/v1/job/" in path]
    first_list = sent.index(("GET", vol.list_path()))
    assert start < polls[0] < polls[-1] < first_list and len(polls) == len(emulator.sleeps) + 1
    assert_waited_for(emulator.sleeps, 1)
    assert [method for method, _path in sent].count("POST") == 1


def test_a_rerun_finds_the_backups_mounted_and_starts_nothing(emulator, vol):
    first = emulator.run_ok(MODULE, **vol.args(path="/shared"))
    emulator.clear_requests()
    again = emulator.run_ok(MODULE, **vol.args(path="/shared"))
    assert again == first
    assert emulator.writes() == []


def test_entries_keep_the_api_fields(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/shared", pattern="holidays*"))
    [entry] = [e for e in vol.listing("/shared") if e["name"] == "holidays.xlsx"]
    assert result["entries"] == [entry]
    assert set(result["entries"][0]) == {"inode", "name", "path", "type", "size", "mtime"}


def test_the_backup_browsed_is_returned(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args())
    newest = vol.backups[0]
    assert result["backup"]["id"] == newest["id"] and result["backup"]["name"] == newest["name"]
    assert result["backup"]["volume_name"] == vol.name and result["backup"]["volume_id"] == vol.id
    assert result["backup"]["working_environment_id"] == vol.we["id"]
    assert vol.listed(emulator) == [{"path": "/", "limit": "500"}]


def test_check_mode_lists_the_same(emulator, vol):
    assert emulator.run_ok(MODULE, **vol.args(_ansible_check_mode=True)) == emulator.run_ok(MODULE, **vol.args())


def test_an_explore_that_answers_without_a_job_is_not_polled(emulator, vol):
    vol.mount()
    # A Connector without the status route, whose start answers 202 without a job id.
    emulator.add_fault(method="GET", path="/file-explore/status$", status=404, message="Not Found")
    emulator.add_fault(method="POST", path="/file-explore/start$", status=202, message="Accepted")
    result = emulator.run_ok(MODULE, **vol.args())
    assert paths(result["entries"]) == paths(vol.listing("/"))
    assert ("POST", vol.start_path()) in emulator.calls()
    assert not any("/api/v1/job/" in path for _method, path in emulator.calls())


@pytest.mark.parametrize("selection", ["by name", "by id", "newest before Z", "newest before naive UTC"])
def test_the_chosen_backup_is_listed(emulator, vol, selection):
    chosen = vol.backups[2]  # taken 2023-11-12T20:13:20Z
    options = {"by name": {"backup": chosen["name"]}, "by id": {"backup": chosen["id"]},
               "newest before Z": {"newest_before": "2023-11-13T00:00:00Z"},
               "newest before naive UTC": {"newest_before": "2023-11-12T21:00:00"}}[selection]
    result = emulator.run_ok(MODULE, **vol.args(path="/logs", **options))
    assert result["backup"]["id"] == chosen["id"]
    vol.mount()
    assert paths(result["entries"]) == paths(vol.listing("/logs", chosen["id"]))
    assert paths(result["entries"]) != paths(vol.listing("/logs")), "/logs gains a file with every backup"
    assert vol.listed(emulator) == []


# --- pages ----------------------------------------------------------------------------------------

def test_a_directory_spanning_several_pages_is_read_to_the_end(emulator):
    large = Volume(emulator, "GCP", "vol_logs_02")  # its /scans holds thousands of entries
    result = emulator.run_ok(MODULE, **large.args(path="/scans", max_entries=100000))
    large.mount()
    expected = large.listing("/scans")
    assert len(expected) > 1000
    assert paths(result["entries"]) == paths(expected) and result["truncated"] is False
    pages = large.listed(emulator)
    assert pages[0] == {"path": "/scans", "limit": "500"}
    assert pages[1:] == [{"path": "/scans", "page": str(n), "limit": "500"} for n in range(2, len(pages) + 1)]
    assert len(pages) == -(-len(expected) // 500)


# --- recursion, limits and patterns ---------------------------------------------------------------

def test_recursive_listing_is_breadth_first(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/projects", recursive=True, max_entries=100000))
    vol.mount()
    expected = vol.breadth_first("/projects")
    assert any(e["type"] == "directory" for e in vol.listing("/projects")), "the tree has levels"
    assert paths(result["entries"]) == paths(expected)
    assert result["truncated"] is False


def test_recursive_listing_below_a_path(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/shared", recursive=True))
    vol.mount()
    assert paths(result["entries"]) == paths(vol.breadth_first("/shared"))


@pytest.mark.parametrize("cut", ["one", "five", "all but one", "all", "more than all"])
def test_max_entries_cuts_the_listing_and_says_so(emulator, vol, cut):
    vol.mount()
    total = len(vol.breadth_first("/shared"))
    max_entries, count, truncated = {"one": (1, 1, True), "five": (5, 5, True),
                                     "all but one": (total - 1, total - 1, True), "all": (total, total, False),
                                     "more than all": (1000, total, False)}[cut]
    result = emulator.run_ok(MODULE, **vol.args(path="/shared", recursive=True, max_entries=max_entries))
    assert len(result["entries"]) == count and result["truncated"] is truncated


def test_max_entries_on_one_directory(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(max_entries=2))
    vol.mount()
    assert paths(result["entries"]) == paths(vol.listing("/")[:2]) and result["truncated"] is True


def test_pattern_filters_names_in_the_whole_tree(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/projects", recursive=True, pattern="*.py"))
    vol.mount()
    expected = [e for e in vol.breadth_first("/projects") if fnmatch.fnmatchcase(e["name"], "*.py")]
    assert len(expected) > 2
    assert paths(result["entries"]) == paths(expected)
    assert result["truncated"] is False


def test_pattern_and_max_entries_count_matches(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/projects", recursive=True, pattern="*.py", max_entries=2))
    vol.mount()
    expected = [e for e in vol.breadth_first("/projects") if fnmatch.fnmatchcase(e["name"], "*.py")]
    assert paths(result["entries"]) == paths(expected[:2])
    assert result["truncated"] is True


def test_pattern_matching_nothing(emulator, vol):
    result = emulator.run_ok(MODULE, **vol.args(path="/shared", recursive=True, pattern="*.nothing"))
    assert result["entries"] == [] and result["truncated"] is False


# --- bad input and failures -----------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({"path": "finance"}, "path"),
    ({"path": ""}, "path"),
    ({"path": "/logs/../.."}, "path"),
    ({"path": "/logs/.."}, "path"),
    ({"max_entries": 0}, "max_entries"),
    ({"max_entries": -5}, "max_entries"),
    ({"newest_before": "tomorrow"}, "newest_before"),
])
def test_bad_input_fails_before_any_request(emulator, vol, options, option):
    result = emulator.run_fail(MODULE, **vol.args(**options))
    assert result["option"] == option and option in result["msg"]
    assert emulator.requests() == []


def test_a_directory_not_in_the_backup_fails_with_the_api_message(emulator, vol):
    result = emulator.run_fail(MODULE, **vol.args(path="/nope"))
    assert "/nope" in result["msg"] and result["status"] == 404


def test_explore_that_does_not_finish_in_time_fails_naming_the_job(emulator, vol):
    emulator.add_job_fault(job_type="file-explore", outcome="stuck")
    result = emulator.run_fail(MODULE, **vol.args(wait_timeout=20))
    [job_id] = result["job_ids"]
    assert job_id in [job["id"] for job in emulator.control("GET", "jobs")["jobs"] if job["type"] == "file-explore"]
    assert "job_info" in result["msg"] and result["error_code"] == "job_timeout"
    assert sum(emulator.sleeps) == pytest.approx(20)
    assert vol.listed(emulator) == []


def test_explore_that_fails_fails_the_task(emulator, vol):
    emulator.add_job_fault(job_type="file-explore", outcome="fail", error="Restore instance could not be deployed")
    result = emulator.run_fail(MODULE, **vol.args())
    assert "Restore instance could not be deployed" in result["msg"]
    assert vol.listed(emulator) == []


def test_volume_without_backups_fails_naming_volume(emulator, vol):
    empty = next(v for v in vol.we["volume_list"] if v["backups"] == 0)
    result = emulator.run_fail(MODULE, **vol.args(volume=empty["name"]))
    assert result["option"] == "volume" and "no backup" in result["msg"]
    assert result["error_code"] == "no_backup"
    assert emulator.writes() == []


@pytest.mark.parametrize("given", ["//logs/./", "/logs/", " /logs"])
def test_the_path_is_listed_in_its_normal_form(emulator, vol, given):
    emulator.run_ok(MODULE, **vol.args(path=given))
    assert [query["path"] for query in vol.listed(emulator)] == ["/logs"]


@pytest.mark.parametrize("path, code", [("/logs\x00", "U+0000"), ("/logs\n/x", "U+000A")])
def test_a_path_with_a_control_character_is_refused_before_any_request(emulator, vol, path, code):
    result = emulator.run_fail(MODULE, **vol.args(path=path))
    assert result["msg"].startswith("argument 'path' is of type str")
    assert result["msg"].endswith("{0!r} contains the control character {1}".format(path, code))
    assert emulator.requests() == []
