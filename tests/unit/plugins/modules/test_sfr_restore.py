# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.sfr_restore (files and folders from a backup) against the emulator's file trees."""

from __future__ import annotations

import math
import types
from datetime import datetime, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

# No scheduled backup lands while a test moves the clock.
pytestmark = pytest.mark.emulator(backup_interval_s=0)


def live_names(emulator, we_id, volume, path):
    """Names in a directory of the live volume (its file tree outside any backup)."""
    return [e["name"] for e in emulator.api("GET", "v1", "working-environment", we_id, "volume", volume["id"], "list",
                                            query={"svm": volume["svm"], "path": path})["context"]]


@pytest.fixture
def fleet(emulator):
    """The AWS working environment's protected volume with the most backups, three files of its tree in
    two folders and a folder, another volume like it in another SVM, and the on-premises working environment."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    backups = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                           "snapshot")["snapshot"]
    home = "/home/" + live_names(emulator, we["id"], volume, "/home")[0]
    other_svm = next(v["svm"] for v in we["volume_list"] if v["svm"] != volume["svm"])
    scratch = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": "vol_scratch",
                                                   "svm": other_svm, "like": volume["id"]})
    seeded = {j["id"] for j in emulator.control("GET", "jobs")["jobs"]}
    return types.SimpleNamespace(
        we=we, volume=volume, backups=backups, newest=backups[0], older=backups[2], seeded=seeded,
        notes=home + "/notes.md", todo=home + "/todo.txt", readme="/README.txt", home=home,
        folder=home + "/documents", scratch=scratch, onprem=emulator.working_environment(provider="ONPREM"),
        bucket=emulator.api("GET", "v1", "backup", "working-environment", we["id"])["bucket"])


def args(fleet, files=None, **extra):
    return dict(dict(working_environment_name=fleet.we["name"], volume=fleet.volume["name"], svm=fleet.volume["svm"],
                     files=list(files or (fleet.notes, fleet.todo))), **extra)


def source(fleet, backup=None):
    return {"working-environment-id": fleet.we["id"], "working-environment-name": fleet.we["name"],
            "bucket": fleet.bucket, "volume-name": fleet.volume["name"], "volume-id": fleet.volume["id"],
            "snapshot": (backup or fleet.newest)["id"]}


def target(fleet, **extra):
    return dict({"working-environment-id": fleet.we["id"], "working-environment-name": fleet.we["name"],
                 "svm": fleet.volume["svm"], "volume-name": fleet.volume["name"]}, **extra)


def sfr_path(emulator, fleet, *rest):
    return emulator.cbs_path("v1", "sfr", "working-environment", fleet.we["id"], "volume", fleet.volume["id"], *rest)


def start_path(emulator, fleet):
    return sfr_path(emulator, fleet, "file-explore", "start")


def list_path(emulator, fleet, backup=None):
    return sfr_path(emulator, fleet, "snapshot", (backup or fleet.newest)["id"], "file-explore", "list")


def file_item(emulator, fleet, path, backup=None):
    """The entry of `path` in the backup as the explore lists it, as a restore request carries it."""
    parent, name = path.rsplit("/", 1)
    listing = emulator.api("GET", "v1", "sfr", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                           "snapshot", (backup or fleet.newest)["id"], "file-explore", "list",
                           query={"path": parent or "/", "limit": "10000"})["context"]
    found = next(e for e in listing if e["name"] == name)
    return {key: found[key] for key in ("inode", "path", "type", "size", "mtime")}


def restore_writes(emulator):
    return [w for w in emulator.writes() if w["path"] == emulator.cbs_path("v3", "restore")]


def listed(emulator, fleet, backup=None):
    return [r["query"]["path"][0] for r in emulator.requests() if r["path"] == list_path(emulator, fleet, backup)]


def restore_jobs(emulator, fleet):
    return [j for j in emulator.control("GET", "jobs")["jobs"]
            if j["type"] == "restore-files" and j["id"] not in fleet.seeded]


def outcomes(files):
    """Each file's path, status and error, without where it landed."""
    return [{key: f[key] for key in ("path", "status", "error")} for f in files]


def ok(*paths):
    return [{"path": p, "status": "SUCCESS", "error": None} for p in paths]


def start_restore(emulator, fleet, paths):
    """A file restore started by another run; it runs until the clock moves."""
    emulator.api("POST", "v3", "restore", json={"restore": {
        "type": "file", "source": source(fleet), "target": target(fleet), "skip-file-rename": False,
        "file": [{"inode": 1, "path": p, "type": "file", "size": 1, "mtime": 0} for p in paths]}})
    return restore_jobs(emulator, fleet)[-1]


# --- the request ----------------------------------------------------------------------------------

def test_restore_sends_the_entries_found_in_the_backup(emulator, fleet):
    result = emulator.run_ok("sfr_restore", **args(fleet, files=[
        fleet.notes.lstrip("/"), fleet.todo.replace("/home/", "/home//").replace("/todo", "/./todo") + "/",
        {"path": fleet.readme, "name": "README.txt", "inode": 999}]))
    assert [(w["method"], w["path"]) for w in emulator.writes()] == [
        ("POST", start_path(emulator, fleet)), ("POST", emulator.cbs_path("v3", "restore"))]
    assert emulator.writes()[1]["body"] == {"restore": {
        "type": "file", "source": source(fleet), "target": target(fleet),
        "file": [file_item(emulator, fleet, p) for p in (fleet.notes, fleet.todo, fleet.readme)],
        "skip-file-rename": False}}
    assert result["changed"] is True
    assert outcomes(result["files"]) == ok(fleet.notes, fleet.todo, fleet.readme)
    [job] = restore_jobs(emulator, fleet)
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert result["source_backup"]["id"] == fleet.newest["id"]
    assert result["source_backup"]["volume_name"] == fleet.volume["name"]
    assert listed(emulator, fleet) == [fleet.home, "/"], "each parent directory listed once"
    sent = emulator.calls()
    assert sent.index(("GET", list_path(emulator, fleet))) > sent.index(("POST", start_path(emulator, fleet)))
    assert_waited_for(emulator.sleeps, 2, 2)  # the explore job, then the restore job, each of 2 seconds
    assert "notes (restored).md" in live_names(emulator, fleet.we["id"], fleet.volume, fleet.home)


def test_entries_are_found_across_the_pages_of_their_directory(emulator):
    # A volume whose tree has a folder of thousands of entries: more than one page of the listing.
    we = emulator.working_environment(provider="GCP", backup_enabled=True)
    volume = next(v for v in we["volume_list"] if v["large_directory"] and v["backups"])
    last = live_names(emulator, we["id"], volume, "/scans")[-1]
    emulator.run_ok("sfr_restore", working_environment_name=we["name"], volume=volume["name"], svm=volume["svm"],
                    files=["/scans/" + last])
    [write] = [w for w in emulator.writes() if w["path"] == emulator.cbs_path("v3", "restore")]
    assert [f["path"] for f in write["body"]["restore"]["file"]] == ["/scans/" + last]
    pages = [r["query"] for r in emulator.requests() if r["path"].endswith("/file-explore/list")]
    size = int(pages[0]["limit"][0])
    total = len(live_names(emulator, we["id"], volume, "/scans"))
    assert [q["path"][0] for q in pages] == ["/scans"] * math.ceil(total / size) and len(pages) >= 2


def test_a_path_given_twice_is_restored_once(emulator, fleet):
    emulator.run_ok("sfr_restore", **args(fleet, files=["/README.txt", "README.txt", {"path": "//README.txt"}]))
    assert [f["path"] for f in restore_writes(emulator)[0]["body"]["restore"]["file"]] == ["/README.txt"]


def test_a_folder_is_sent_as_a_directory_entry(emulator, fleet):
    emulator.run_ok("sfr_restore", **args(fleet, files=[fleet.folder + "/"]))
    [item] = restore_writes(emulator)[0]["body"]["restore"]["file"]
    assert item == file_item(emulator, fleet, fleet.folder) and item["type"].lower() == "directory"


@pytest.mark.parametrize("overwrite", [False, True])
def test_overwrite_is_sent_as_skip_file_rename(emulator, fleet, overwrite):
    emulator.run_ok("sfr_restore", **args(fleet, overwrite=overwrite))
    assert restore_writes(emulator)[0]["body"]["restore"]["skip-file-rename"] is overwrite
    restored = live_names(emulator, fleet.we["id"], fleet.volume, fleet.home)
    assert ("notes (restored).md" in restored) is not overwrite


def test_restore_to_another_volume_and_folder(emulator, fleet):
    result = emulator.run_ok("sfr_restore", **args(fleet, target_volume="vol_scratch", target_svm=fleet.scratch["svm"],
                                                   target_path="/restored"))
    assert restore_writes(emulator)[0]["body"]["restore"]["target"] == target(
        fleet, **{"svm": fleet.scratch["svm"], "volume-name": "vol_scratch", "path": "/restored"})
    assert live_names(emulator, fleet.we["id"], fleet.scratch, "/restored") == ["notes.md", "todo.txt"]
    assert [f["restored_to"] for f in result["files"]] == [
        {"working_environment_id": fleet.we["id"], "working_environment_name": fleet.we["name"],
         "svm": fleet.scratch["svm"], "volume": "vol_scratch", "path": "/restored/" + name, "renamed_if_taken": True}
        for name in ("notes.md", "todo.txt")]


@pytest.mark.parametrize("overwrite", [False, True])
def test_each_file_says_where_it_landed_in_its_original_place(emulator, fleet, overwrite):
    result = emulator.run_ok("sfr_restore", **args(fleet, overwrite=overwrite))
    assert [f["restored_to"] for f in result["files"]] == [
        {"working_environment_id": fleet.we["id"], "working_environment_name": fleet.we["name"],
         "svm": fleet.volume["svm"], "volume": fleet.volume["name"], "path": path, "renamed_if_taken": not overwrite}
        for path in (fleet.notes, fleet.todo)]


def test_restore_to_another_working_environment(emulator, fleet):
    # The target: a volume restored from this one on the on-premises environment, so its language matches.
    svm = emulator.api("GET", "v1", "working-environment", fleet.onprem["id"], "svm")["svm"][0]["name"]
    emulator.api("POST", "v3", "restore", json={"restore": {"type": "volume", "source": source(fleet), "target": {
        "working-environment-id": fleet.onprem["id"], "working-environment-name": fleet.onprem["name"], "svm": svm,
        "volume-name": "vol_dr"}}})
    emulator.advance(60)
    emulator.clear_requests()
    emulator.run_ok("sfr_restore", **args(fleet, target_working_environment_name=fleet.onprem["name"],
                                          target_volume="vol_dr", target_svm=svm))
    body = restore_writes(emulator)[0]["body"]["restore"]
    assert body["source"] == source(fleet)
    assert body["target"] == {"working-environment-id": fleet.onprem["id"],
                              "working-environment-name": fleet.onprem["name"], "svm": svm, "volume-name": "vol_dr"}


@pytest.mark.parametrize("selection", ["by name", "newest before Z", "newest before naive UTC"])
def test_files_come_from_the_chosen_backup(emulator, fleet, selection):
    before = datetime.fromtimestamp(fleet.backups[1]["creation-time"] / 1000 - 60, timezone.utc)
    options = {"by name": {"backup": fleet.older["name"]},
               "newest before Z": {"newest_before": before.strftime("%Y-%m-%dT%H:%M:%SZ")},
               "newest before naive UTC": {"newest_before": before.strftime("%Y-%m-%dT%H:%M:%S")}}[selection]
    emulator.run_ok("sfr_restore", **args(fleet, files=[fleet.notes], **options))
    body = restore_writes(emulator)[0]["body"]["restore"]
    assert body["source"]["snapshot"] == fleet.older["id"]
    assert body["file"] == [file_item(emulator, fleet, fleet.notes, fleet.older)]
    assert listed(emulator, fleet, fleet.older) == [fleet.home]


def test_without_wait_the_job_id_is_returned(emulator, fleet):
    result = emulator.run_ok("sfr_restore", **args(fleet, wait=False))
    [job] = restore_jobs(emulator, fleet)
    assert result["changed"] is True and result["job"] == {"id": job["id"], "status": "PENDING"}
    assert [f["status"] for f in result["files"]] == ["PENDING", "PENDING"]
    assert ("GET", emulator.cbs_path("v1", "job", job["id"])) not in emulator.calls()


# --- results per file -----------------------------------------------------------------------------

def test_a_failed_batch_fails_the_task_listing_the_file_and_its_error(emulator, fleet):
    emulator.add_job_fault(job_type="restore-files", path=fleet.todo, error="Permission denied on the target folder")
    result = emulator.run_fail("sfr_restore", **args(fleet, files=[fleet.notes, fleet.todo, fleet.readme]))
    assert result["error_code"] == "partial_failure"
    assert result["msg"] == ("1 of 3 file(s) were not restored: "
                             "{0}: Permission denied on the target folder.".format(fleet.todo))
    assert outcomes(result["files"]) == [
        {"path": fleet.notes, "status": "SUCCESS", "error": None},
        {"path": fleet.todo, "status": "FAILED", "error": "Permission denied on the target folder"},
        {"path": fleet.readme, "status": "SUCCESS", "error": None}]
    assert result["changed"] is True and result["job"]["status"] == "FAILED"
    assert len(restore_writes(emulator)) == 1


def test_every_failed_file_is_listed(emulator, fleet):
    emulator.add_job_fault(job_type="restore-files", path=fleet.notes, error="Quota exceeded")
    emulator.add_job_fault(job_type="restore-files", path=fleet.todo, error="Permission denied")
    result = emulator.run_fail("sfr_restore", **args(fleet))
    assert result["error_code"] == "job_failed"
    assert result["msg"].startswith("2 of 2 file(s) were not restored: {0}: Quota exceeded; {1}: Permission denied."
                                    .format(fleet.notes, fleet.todo))


def test_a_restore_job_failed_as_a_whole_reports_its_error(emulator, fleet):
    emulator.add_job_fault(job_type="restore-files", error="Ransomware scan of the backup found encrypted files")
    result = emulator.run_fail("sfr_restore", **args(fleet))
    assert "Ransomware scan of the backup found encrypted files" in result["msg"]
    assert result["files"][0]["error"] == "Ransomware scan of the backup found encrypted files"


# --- files not in the backup and bad input --------------------------------------------------------

def test_a_path_not_in_the_backup_fails_naming_files_and_the_names_in_that_folder(emulator, fleet):
    missing = fleet.home + "/todo.tx"
    result = emulator.run_fail("sfr_restore", **args(fleet, files=[fleet.notes, missing]))
    assert result["error_code"] == "nothing_restored"
    assert result["option"] == "files" and result["missing"] == missing
    assert result["msg"] == "files: {0} is not in the backup; in that folder: todo.txt.".format(missing)
    assert restore_writes(emulator) == []


@pytest.mark.parametrize("files", [[{"name": "budget.xlsx"}], [""], ["   "], [42], []],
                         ids=["dict without path", "empty", "blank", "number", "no files"])
def test_bad_files_fail_before_any_request(emulator, fleet, files):
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **dict(args(fleet), files=files))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "files" and result["msg"].startswith("files:")
    assert emulator.requests() == []


@pytest.mark.parametrize("entry", [
    "/home/../../../README.txt",  # leaves the volume root: was restored as /README.txt
    "../README.txt",
    "/home/../README.txt",  # stays inside, but '..' is never resolved
    "home/..",
    "/README.txt/..",
], ids=["above the root", "relative above the root", "inside the root", "relative inside", "trailing"])
def test_a_path_with_dot_dot_is_refused_naming_the_entry(emulator, fleet, entry):
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **args(fleet, files=[fleet.notes, entry]))
    assert result["error_code"] == "invalid_option" and result["option"] == "files"
    assert result["msg"] == "files: entry {0!r} has a '..' component; give the path from the root of the volume " \
                            "without '..'.".format(entry)
    assert emulator.requests() == []


@pytest.mark.parametrize("entry, code", [
    ("/README.txt\x00.bak", "U+0000"),
    ("/home/notes.md\n/README.txt", "U+000A"),
    ("/README\r.txt", "U+000D"),
    ("/README\x1b[2J.txt", "U+001B"),
    ("/README\x7f.txt", "U+007F"),
    ("/README\x85.txt", "U+0085"),
], ids=["NUL", "newline", "carriage return", "escape", "DEL", "C1 next line"])
def test_a_path_with_a_control_character_is_refused(emulator, fleet, entry, code):
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **args(fleet, files=[{"path": entry}]))
    assert result["option"] == "files"
    assert result["msg"] == "files: entry {0!r} contains the control character {1}.".format(entry, code)
    assert emulator.requests() == []


@pytest.mark.parametrize("target_path, problem", [
    ("/restored/../../etc", "has a '..' component"),
    ("/restored/..", "has a '..' component"),
    ("restored", "must start with /"),
])
def test_a_bad_target_path_is_refused_naming_it(emulator, fleet, target_path, problem):
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **args(fleet, target_path=target_path))
    assert result["option"] == "target_path" and result["error_code"] == "invalid_option"
    assert result["msg"].startswith("target_path: {0!r} {1}".format(target_path, problem))
    assert emulator.requests() == []


@pytest.mark.parametrize("target_path, code", [("/restored\x00", "U+0000"), ("/restored\n", "U+000A"),
                                               ("/re\x1bstored", "U+001B")])
def test_a_target_path_with_a_control_character_is_refused_with_the_arguments(emulator, fleet, target_path, code):
    """Refused while ansible-core checks the arguments: before AnsibleModule writes them to syslog,
    where a NUL fails the task on Python 3.13 without naming the option."""
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **args(fleet, target_path=target_path))
    assert result["msg"].startswith("argument 'target_path' is of type str")
    assert result["msg"].endswith("{0!r} contains the control character {1}".format(target_path, code))
    assert emulator.requests() == []


def test_the_target_path_is_sent_in_its_normal_form(emulator, fleet):
    result = emulator.run_ok("sfr_restore", **args(fleet, files=["//" + fleet.notes.lstrip("/") + "/."],
                                                   target_path="//restored/./"))
    body = restore_writes(emulator)[0]["body"]["restore"]
    assert body["target"]["path"] == "/restored" and [f["path"] for f in body["file"]] == [fleet.notes]
    assert [f["path"] for f in result["files"]] == [fleet.notes]


@pytest.mark.parametrize("options, option", [
    ({"target_path": "restored"}, "target_path"),
    ({"newest_before": "2026/11/26"}, "newest_before"),
])
def test_bad_options_fail_before_any_request(emulator, fleet, options, option):
    emulator.clear_requests()
    result = emulator.run_fail("sfr_restore", **args(fleet, **options))
    assert result["option"] == option and emulator.requests() == []


# --- idempotence ----------------------------------------------------------------------------------

def test_rerun_after_the_same_restore_completed_is_unchanged(emulator, fleet):
    first = emulator.run_ok("sfr_restore", **args(fleet))
    emulator.clear_requests()
    again = emulator.run_ok("sfr_restore", **args(fleet, files=[fleet.todo.lstrip("/"), fleet.notes],
                                                  _ansible_diff=True))
    assert again["changed"] is False and emulator.writes() == []
    assert again["job"]["id"] == first["job"]["id"]
    assert outcomes(again["files"]) == ok(fleet.todo, fleet.notes)
    assert again["diff"] == {"before": {"restored": True}, "after": {"restored": True}}


@pytest.mark.parametrize("changed_option", ["other files", "other backup", "other target volume"])
def test_another_restore_is_not_mistaken_for_the_completed_one(emulator, fleet, changed_option):
    emulator.run_ok("sfr_restore", **args(fleet))
    emulator.clear_requests()
    options = {"other files": {"files": [fleet.notes]}, "other backup": {"backup": fleet.older["name"]},
               "other target volume": {"target_volume": "vol_scratch", "target_svm": fleet.scratch["svm"]}}
    result = emulator.run_ok("sfr_restore", **args(fleet, **options[changed_option]))
    assert result["changed"] is True and len(restore_writes(emulator)) == 1


def test_a_restore_to_another_folder_is_not_the_completed_one(emulator, fleet):
    emulator.run_ok("sfr_restore", **args(fleet, target_path="/restored"))
    emulator.clear_requests()
    result = emulator.run_ok("sfr_restore", **args(fleet))
    assert result["changed"] is True and len(restore_writes(emulator)) == 1


def test_a_running_matching_restore_is_followed(emulator, fleet):
    job = start_restore(emulator, fleet, [fleet.notes, fleet.todo])
    result = emulator.run_ok("sfr_restore", **args(fleet))
    assert emulator.writes() == []
    assert emulator.calls().count(("GET", emulator.cbs_path("v1", "job", job["id"]))) == len(emulator.sleeps) + 1
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert outcomes(result["files"]) == ok(fleet.notes, fleet.todo)
    assert_waited_for(emulator.sleeps, 2)


# --- check mode -----------------------------------------------------------------------------------

def test_check_mode_sends_no_restore_and_predicts_the_files(emulator, fleet):
    result = emulator.run_ok("sfr_restore", **args(fleet, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert outcomes(result["files"]) == [{"path": fleet.notes, "status": None, "error": None},
                                         {"path": fleet.todo, "status": None, "error": None}]
    assert result["diff"] == {"before": {"restored": False}, "after": {"restored": True}}
    assert restore_writes(emulator) == [] and "job" not in result


def test_check_mode_with_a_path_not_in_the_backup_sends_no_restore(emulator, fleet):
    # Whether check mode looks into the backup depends on whether it may start the explore (a write).
    emulator.run("sfr_restore", **args(fleet, files=[fleet.home + "/missing.xlsx"], _ansible_check_mode=True))
    assert restore_writes(emulator) == []


def test_check_mode_sends_no_write_at_all(emulator, fleet):
    emulator.run_ok("sfr_restore", **args(fleet, _ansible_check_mode=True))
    assert emulator.writes() == []


def test_one_path_given_as_text_is_not_split_at_its_commas(emulator, fleet):
    """ansible-core splits a text given to a list option at its commas; a comma is part of a file name."""
    emulator.clear_requests()
    with_comma = fleet.home + "/notes,todo.md"
    result = emulator.run_fail("sfr_restore", **dict(args(fleet), files=with_comma))
    assert result["error_code"] == "nothing_restored" and result["missing"] == with_comma
    assert restore_writes(emulator) == []


# --- a rerun hours later, after new scheduled backups -----------------------------------------------
# An emulated hour is a minute here, a daily backup every 24 minutes: the rerun comes after the next one.

HOUR = 60


def past_the_next_scheduled_backup(emulator, fleet, before):
    emulator.advance(25 * HOUR)
    newest = emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                          "snapshot")["snapshot"][0]
    assert newest["id"] != before["id"] and newest["creation-time"] > before["creation_time"]
    emulator.clear_requests()


@pytest.mark.emulator(backup_interval_s=HOUR)
@pytest.mark.parametrize("target_path", [None, "/restored"])
def test_rerun_after_a_new_scheduled_backup_finds_the_earlier_restore(emulator, fleet, target_path):
    first = emulator.run_ok("sfr_restore", **args(fleet, target_path=target_path))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    again = emulator.run_ok("sfr_restore", **args(fleet, target_path=target_path))
    assert again["changed"] is False and emulator.writes() == []
    assert again["job"]["id"] == first["job"]["id"]
    assert again["source_backup"]["id"] == first["source_backup"]["id"]
    assert again["files"] == first["files"]
    [job] = restore_jobs(emulator, fleet)
    assert again["already_restored"] == {
        "backup": first["source_backup"]["name"], "backup_id": first["source_backup"]["id"], "job_id": job["id"],
        "time": datetime.fromtimestamp(job["time"] / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert again["msg"].startswith("2 file(s) of volume {0} already restored from {1} at ".format(
        fleet.volume["name"], first["source_backup"]["name"]))


@pytest.mark.emulator(backup_interval_s=HOUR)
def test_rerun_in_check_mode_after_a_new_scheduled_backup_predicts_no_change(emulator, fleet):
    first = emulator.run_ok("sfr_restore", **args(fleet))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    plan = emulator.run_ok("sfr_restore", **args(fleet, _ansible_check_mode=True))
    assert plan["changed"] is False and plan["already_restored"]["job_id"] == first["job"]["id"]


@pytest.mark.emulator(backup_interval_s=HOUR)
def test_naming_the_new_backup_after_an_earlier_restore_restores_again(emulator, fleet):
    first = emulator.run_ok("sfr_restore", **args(fleet, target_path="/restored"))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    newest = emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                          "snapshot")["snapshot"][0]
    again = emulator.run_ok("sfr_restore", **args(fleet, target_path="/restored", backup=newest["name"]))
    assert again["changed"] is True and len(restore_writes(emulator)) == 1
    assert again["source_backup"]["id"] == newest["id"] and "already_restored" not in again


def test_a_restore_of_other_files_from_an_older_backup_is_not_this_one(emulator, fleet):
    emulator.run_ok("sfr_restore", **args(fleet, files=[fleet.notes], backup=fleet.older["name"]))
    emulator.clear_requests()
    result = emulator.run_ok("sfr_restore", **args(fleet))
    assert result["changed"] is True and len(restore_writes(emulator)) == 1
