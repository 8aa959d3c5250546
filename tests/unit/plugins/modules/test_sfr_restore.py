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
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import (
    MODULES,
    explore_list_path,
    explore_start_path,
    install,
    job_path,
    load_module,
    restore_path,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import run_fail, run_module, run_ok

main = load_module("sfr_restore").main

VOL = "fs-vol_finance"
NEWEST = "snap-vol_finance.daily.4"
OLDER = "snap-vol_finance.daily.2"
BUDGET = "/finance/2026/budget.xlsx"
FORECAST = "/finance/2026/forecast.xlsx"
README = "/finance/readme.txt"
DR_ID = "we-2"
DR_NAME = "dr-west"


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_finance"), ontap_volume("vol_scratch", "svm2")])
    api.add_environment(DR_ID, DR_NAME, volumes=[ontap_volume("vol_dr", "svm_dr")])
    api.activate_environment()
    api.protect(VOL)
    api.set_backups(VOL, {"vol_finance.daily.1": "2026-11-25T01:00:00Z", "vol_finance.daily.2": "2026-11-26T01:00:00Z",
                          "vol_finance.daily.3": "2026-11-27T01:00:00Z", "vol_finance.daily.4": "2026-11-28T01:00:00Z"})
    api.add_files(VOL, NEWEST, ["/top.txt", README, BUDGET, FORECAST, "/finance/2026/notes.txt", "/finance/2025/"])
    api.add_files(VOL, OLDER, [BUDGET, FORECAST])
    return api


def args(files=(BUDGET, FORECAST), **extra):
    base = dict(working_environment_name=WE_NAME, volume="vol_finance", files=list(files))
    base.update(extra)
    return module_args(**base)


def source(snapshot=NEWEST):
    return {"working-environment-id": WE_ID, "working-environment-name": WE_NAME,
            "bucket": "netapp-backup-" + WE_ID, "volume-name": "vol_finance", "volume-id": VOL, "snapshot": snapshot}


def target(**extra):
    block = {"working-environment-id": WE_ID, "working-environment-name": WE_NAME, "svm": "svm1",
             "volume-name": "vol_finance"}
    block.update(extra)
    return block


def file_item(api, path, snap=NEWEST):
    found = api.entry(VOL, snap, path)
    return {k: found[k] for k in ("inode", "path", "type", "size", "mtime")}


def restore_writes(api):
    return [c for c in writes(api) if c.path == restore_path()]


def listed(api, snap=NEWEST):
    return [c.query["path"] for c in api.api_calls if c.path == explore_list_path(VOL, snap)]


def ok(*paths):
    return [{"path": p, "status": "SUCCESS", "error": None} for p in paths]


def test_module_imports():
    importlib.import_module(MODULES + "sfr_restore")


# --- the request ----------------------------------------------------------------------------------

def test_restore_sends_the_entries_found_in_the_backup(cbs, clock):
    cbs.pending_polls = 1
    result = run_ok(main, args(files=["finance/2026/budget.xlsx", "/finance//2026/./forecast.xlsx/",
                                      {"path": README, "name": "readme.txt", "inode": 999}]))
    assert [(c.method, c.path) for c in writes(cbs)] == [("POST", explore_start_path(VOL)), ("POST", restore_path())]
    assert writes(cbs)[1].body == {"restore": {
        "type": "file", "source": source(), "target": target(),
        "file": [file_item(cbs, BUDGET), file_item(cbs, FORECAST), file_item(cbs, README)],
        "skip-file-rename": False}}
    assert result["changed"] is True
    assert result["files"] == ok(BUDGET, FORECAST, README)
    assert result["job"]["id"] == "job-2" and result["job"]["status"] == "COMPLETED"
    assert result["source_backup"]["id"] == NEWEST and result["source_backup"]["volume_name"] == "vol_finance"
    assert listed(cbs) == ["/finance/2026", "/finance"], "each parent directory listed once"
    sent = requests(cbs)
    assert sent.index(("GET", explore_list_path(VOL, NEWEST))) > sent.index(("POST", explore_start_path(VOL)))
    assert clock.sleeps == [1.0, 1.0]


def test_entries_are_found_across_the_pages_of_their_directory(cbs):
    cbs.page_limit = 1
    run_ok(main, args(files=["/finance/2026/notes.txt"]))
    assert restore_writes(cbs)[0].body["restore"]["file"] == [file_item(cbs, "/finance/2026/notes.txt")]
    assert listed(cbs) == ["/finance/2026"] * 3


def test_a_path_given_twice_is_restored_once(cbs):
    run_ok(main, args(files=["/top.txt", "top.txt", {"path": "//top.txt"}]))
    assert [f["path"] for f in restore_writes(cbs)[0].body["restore"]["file"]] == ["/top.txt"]


def test_a_folder_is_sent_as_a_directory_entry(cbs):
    run_ok(main, args(files=["/finance/2025/"]))
    [item] = restore_writes(cbs)[0].body["restore"]["file"]
    assert item == file_item(cbs, "/finance/2025") and item["type"] == "DIRECTORY"


@pytest.mark.parametrize("overwrite", [False, True])
def test_overwrite_is_sent_as_skip_file_rename(cbs, overwrite):
    run_ok(main, args(overwrite=overwrite))
    assert restore_writes(cbs)[0].body["restore"]["skip-file-rename"] is overwrite


def test_restore_to_another_volume_and_folder(cbs):
    run_ok(main, args(target_volume="vol_scratch", target_svm="svm2", target_path="/restored"))
    assert restore_writes(cbs)[0].body["restore"]["target"] == target(**{"svm": "svm2", "volume-name": "vol_scratch",
                                                                         "path": "/restored"})


def test_restore_to_another_working_environment(cbs):
    run_ok(main, args(target_working_environment_name=DR_NAME, target_volume="vol_dr", target_svm="svm_dr"))
    body = restore_writes(cbs)[0].body["restore"]
    assert body["source"] == source()
    assert body["target"] == {"working-environment-id": DR_ID, "working-environment-name": DR_NAME,
                              "svm": "svm_dr", "volume-name": "vol_dr"}


@pytest.mark.parametrize("selection", [{"backup": "vol_finance.daily.2"}, {"newest_before": "2026-11-26T12:00:00Z"},
                                       {"newest_before": "2026-11-26T12:00:00"}],
                         ids=["by name", "newest before Z", "newest before naive UTC"])
def test_files_come_from_the_chosen_backup(cbs, selection):
    run_ok(main, args(files=[BUDGET], **selection))
    body = restore_writes(cbs)[0].body["restore"]
    assert body["source"]["snapshot"] == OLDER
    assert body["file"] == [file_item(cbs, BUDGET, OLDER)]


def test_without_wait_the_job_id_is_returned(cbs, clock):
    cbs.pending_polls = 3
    result = run_ok(main, args(wait=False))
    assert result["changed"] is True and result["job"] == {"id": "job-2", "status": "PENDING"}
    assert [f["status"] for f in result["files"]] == ["PENDING", "PENDING"]
    assert ("GET", job_path("job-2")) not in requests(cbs)


# --- results per file -----------------------------------------------------------------------------

def test_a_failed_batch_fails_the_task_listing_the_file_and_its_error(cbs):
    cbs.file_failures[FORECAST] = "Permission denied on the target folder"
    result = run_fail(main, args(files=[BUDGET, FORECAST, README]))
    assert result["msg"] == ("1 of 3 file(s) were not restored: "
                             "/finance/2026/forecast.xlsx: Permission denied on the target folder.")
    assert result["files"] == [
        {"path": BUDGET, "status": "SUCCESS", "error": None},
        {"path": FORECAST, "status": "FAILED", "error": "Permission denied on the target folder"},
        {"path": README, "status": "SUCCESS", "error": None}]
    assert result["changed"] is True and result["job"]["status"] == "FAILED"
    assert len(restore_writes(cbs)) == 1


def test_every_failed_file_is_listed(cbs):
    cbs.file_failures.update({BUDGET: "Quota exceeded", FORECAST: "Permission denied"})
    result = run_fail(main, args())
    assert result["msg"] == ("2 of 2 file(s) were not restored: /finance/2026/budget.xlsx: Quota exceeded; "
                             "/finance/2026/forecast.xlsx: Permission denied.")


def test_a_restore_job_failed_as_a_whole_reports_its_error(cbs):
    cbs.restore_failure = "Ransomware scan of the backup found encrypted files"
    result = run_fail(main, args())
    assert "Ransomware scan of the backup found encrypted files" in result["msg"]
    assert result["files"][0]["error"] == "Ransomware scan of the backup found encrypted files"


# --- files not in the backup and bad input --------------------------------------------------------

def test_a_path_not_in_the_backup_fails_naming_files_and_the_names_in_that_folder(cbs):
    result = run_fail(main, args(files=[BUDGET, "/finance/2026/forcast.xlsx"]))
    assert result["option"] == "files" and result["missing"] == "/finance/2026/forcast.xlsx"
    assert result["msg"] == "files: /finance/2026/forcast.xlsx is not in the backup; in that folder: forecast.xlsx."
    assert restore_writes(cbs) == []


@pytest.mark.parametrize("files, option", [
    ([{"name": "budget.xlsx"}], "files"),
    ([""], "files"),
    (["   "], "files"),
    ([42], "files"),
    ([], "files"),
], ids=["dict without path", "empty", "blank", "number", "no files"])
def test_bad_files_fail_before_any_request(cbs, files, option):
    result = run_fail(main, args(files=files))
    assert result["option"] == option and result["msg"].startswith("files:")
    assert cbs.calls == []


@pytest.mark.parametrize("options, option", [
    ({"target_path": "restored"}, "target_path"),
    ({"newest_before": "2026/11/26"}, "newest_before"),
])
def test_bad_options_fail_before_any_request(cbs, options, option):
    result = run_fail(main, args(**options))
    assert result["option"] == option and cbs.calls == []


# --- idempotence ----------------------------------------------------------------------------------

def test_rerun_after_the_same_restore_completed_is_unchanged(cbs):
    cbs.status_batches = True
    first = run_ok(main, args())
    cbs.calls.clear()
    again = run_ok(main, args(files=[FORECAST.lstrip("/"), BUDGET], _ansible_diff=True))
    assert again["changed"] is False and writes(cbs) == []
    assert again["job"]["id"] == first["job"]["id"]
    assert again["files"] == ok(FORECAST, BUDGET)
    assert again["diff"] == {"before": {"restored": True}, "after": {"restored": True}}


def test_rerun_is_unchanged_with_restore_status_as_the_spec_declares_it(cbs):
    run_ok(main, args())
    cbs.calls.clear()
    again = run_ok(main, args())
    assert again["changed"] is False and writes(cbs) == []


@pytest.mark.parametrize("changed_option", [{"files": [BUDGET]}, {"backup": "vol_finance.daily.2"},
                                            {"target_volume": "vol_scratch", "target_svm": "svm2"}],
                         ids=["other files", "other backup", "other target volume"])
def test_another_restore_is_not_mistaken_for_the_completed_one(cbs, changed_option):
    cbs.status_batches = True
    run_ok(main, args())
    cbs.calls.clear()
    result = run_ok(main, args(**changed_option))
    assert result["changed"] is True and len(restore_writes(cbs)) == 1


def test_a_restore_to_another_folder_is_not_the_completed_one(cbs):
    cbs.status_batches = True
    run_ok(main, args(target_path="/restored"))
    cbs.calls.clear()
    result = run_ok(main, args())
    assert result["changed"] is True and len(restore_writes(cbs)) == 1


def test_a_running_matching_restore_is_followed(cbs, clock):
    cbs.status_batches = True
    job_id = cbs.seed_restore("file", source(), target(), paths=[BUDGET, FORECAST], pending=2)
    result = run_ok(main, args())
    assert writes(cbs) == []
    assert requests(cbs).count(("GET", job_path(job_id))) == 3
    assert result["job"]["id"] == job_id and result["job"]["status"] == "COMPLETED"
    assert result["files"] == ok(BUDGET, FORECAST)
    assert clock.sleeps == [1.0, 1.5]


# --- check mode -----------------------------------------------------------------------------------

def test_check_mode_sends_no_restore_and_predicts_the_files(cbs):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["files"] == [{"path": BUDGET, "status": None, "error": None},
                               {"path": FORECAST, "status": None, "error": None}]
    assert result["diff"] == {"before": {"restored": False}, "after": {"restored": True}}
    assert restore_writes(cbs) == [] and "job" not in result


def test_check_mode_with_a_path_not_in_the_backup_sends_no_restore(cbs):
    # Whether check mode looks into the backup depends on whether it may start the explore (see below).
    run_module(main, args(files=["/finance/2026/missing.xlsx"], _ansible_check_mode=True))
    assert restore_writes(cbs) == []


def test_check_mode_sends_no_write_at_all(cbs):
    run_ok(main, args(_ansible_check_mode=True))
    assert writes(cbs) == []
