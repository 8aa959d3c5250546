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
    install,
    job_path,
    load_module,
    restore_path,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, run_fail, run_ok

main = load_module("restore").main

DR_ID = "we-2"
DR_NAME = "dr-west"
BACKUP_TIMES = {"vol_finance.daily.1": "2026-11-25T01:00:00Z", "vol_finance.daily.2": "2026-11-26T01:00:00Z",
                "vol_finance.daily.3": "2026-11-27T01:00:00Z", "vol_finance.daily.4": "2026-11-28T01:00:00Z"}
NEWEST = "snap-vol_finance.daily.4"
STATUS_PATH = cbs_path("v1", "restore", "status")


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_finance"), ontap_volume("vol_taken")])
    api.add_environment(DR_ID, DR_NAME, volumes=[ontap_volume("vol_dr_data", "svm_dr")])
    api.activate_environment()
    api.protect("fs-vol_finance")
    api.set_backups("fs-vol_finance", BACKUP_TIMES)
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME, volume="vol_finance", target_svm="svm1",
                target_volume="vol_finance_restored")
    base.update(extra)
    return module_args(**base)


def source(snapshot=NEWEST):
    return {"working-environment-id": WE_ID, "working-environment-name": WE_NAME,
            "bucket": "netapp-backup-" + WE_ID, "volume-name": "vol_finance", "volume-id": "fs-vol_finance",
            "snapshot": snapshot}


def target(volume="vol_finance_restored", svm="svm1", we_id=WE_ID, we_name=WE_NAME):
    return {"working-environment-id": we_id, "working-environment-name": we_name, "svm": svm, "volume-name": volume}


def restored_volume(name="vol_finance_restored", svm="svm1"):
    return {"name": name, "file_system_id": "fs-" + name, "svm": svm, "status": "online", "type": "rw",
            "style": "flexvol"}


def gets_only(api):
    return all(c.method == "GET" for c in api.api_calls)


def test_module_imports():
    importlib.import_module(MODULES + "restore")


# --- check mode and the real run ------------------------------------------------------------------

def test_check_mode_predicts_the_volume_and_sends_no_write(cbs):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["volume"] == {"name": "vol_finance_restored", "svm": "svm1"}
    assert result["diff"] == {"before": {}, "after": {"name": "vol_finance_restored", "svm": "svm1"}}
    assert result["source_backup"]["id"] == NEWEST and "job" not in result
    assert gets_only(cbs)
    assert not any(v["name"] == "vol_finance_restored" for v in cbs.volumes[WE_ID])


def test_restore_sends_one_v3_restore_waits_and_returns_the_new_volume(cbs, clock):
    cbs.pending_polls = 2
    result = run_ok(main, args(_ansible_diff=True))
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", restore_path())
    assert write.body == {"restore": {"type": "volume", "source": source(), "target": target()}}
    assert result["changed"] is True
    assert result["job"]["id"] == "job-1" and result["job"]["status"] == "COMPLETED"
    assert result["job"]["data"]["restore"]["target"]["volume_name"] == "vol_finance_restored"
    assert result["volume"] == restored_volume()
    assert result["diff"] == {"before": {}, "after": restored_volume()}
    assert clock.sleeps == [1.0, 1.5]
    sent = requests(cbs)
    assert sent.count(("GET", job_path("job-1"))) == 3
    assert sent[-1] == ("GET", cbs_path("v1", "working-environment", WE_ID, "volume")), "volume read after the job"


def test_source_backup_is_returned_in_snake_case_with_its_volume(cbs):
    result = run_ok(main, args(_ansible_check_mode=True))
    assert result["source_backup"] == {"id": NEWEST, "name": "vol_finance.daily.4", "creation_time": 1795827600000,
                                       "size": 1073741824, "archived": False, "object_lock": "NONE",
                                       "volume_name": "vol_finance", "volume_id": "fs-vol_finance",
                                       "working_environment_id": WE_ID}


def test_bucket_comes_from_the_backup_configuration_of_the_source(cbs):
    cbs.activations[WE_ID]["bucket"] = "finance-backups-eu"
    run_ok(main, args())
    assert writes(cbs)[0].body["restore"]["source"]["bucket"] == "finance-backups-eu"


def test_options_that_shape_the_body(cbs):
    cbs.backup("fs-vol_finance", "vol_finance.daily.4")["archived"] = True
    run_ok(main, args(target_aggregates=["aggr1", "aggr2"], archive_restore_priority="Standard",
                      skip_ransomware_check=True))
    body = writes(cbs)[0].body["restore"]
    assert body["target"] == dict(target(), aggregates=["aggr1", "aggr2"])
    assert body["archive-restore-priority"] == "Standard"
    assert body["skip-ransomware-check"] is True
    assert "file" not in body and "skip-file-rename" not in body


def test_restore_to_another_working_environment(cbs):
    result = run_ok(main, args(target_working_environment_name=DR_NAME, target_svm="svm_dr"))
    body = writes(cbs)[0].body["restore"]
    assert body["source"] == source()
    assert body["target"] == target(svm="svm_dr", we_id=DR_ID, we_name=DR_NAME)
    assert result["volume"] == restored_volume(svm="svm_dr")
    assert any(v["name"] == "vol_finance_restored" for v in cbs.volumes[DR_ID])


def test_without_wait_the_job_id_is_returned_and_nothing_is_polled(cbs, clock):
    cbs.pending_polls = 3
    result = run_ok(main, args(wait=False))
    assert result["changed"] is True and result["job"] == {"id": "job-1", "status": "PENDING"}
    assert result["volume"] == {"name": "vol_finance_restored", "svm": "svm1"}
    assert not any(c.path.startswith(cbs_path("v1", "job")) for c in cbs.api_calls)
    assert clock.sleeps == []


def test_failed_restore_job_fails_with_its_error(cbs):
    cbs.restore_failure = "Target volume language differs from the source"
    result = run_fail(main, args())
    assert "language differs" in result["msg"] and result["job_id"] == "job-1"


# --- backup selection -----------------------------------------------------------------------------

@pytest.mark.parametrize("selection, expected", [
    ({}, "vol_finance.daily.4"),
    ({"backup": "vol_finance.daily.2"}, "vol_finance.daily.2"),
    ({"backup": "snap-vol_finance.daily.1"}, "vol_finance.daily.1"),
    ({"newest_before": "2026-11-27T00:00:00Z"}, "vol_finance.daily.2"),
    ({"newest_before": "2026-11-27T01:00:00"}, "vol_finance.daily.2"),
    ({"newest_before": "2026-11-27T01:30:00"}, "vol_finance.daily.3"),
    ({"newest_before": "2026-11-27T03:00:00+01:00"}, "vol_finance.daily.3"),
], ids=["newest", "by name", "by id", "newest before Z", "naive is UTC: a backup at that time is not before",
        "naive is UTC", "offset"])
def test_backup_selection(cbs, selection, expected):
    run_ok(main, args(**selection))
    assert writes(cbs)[0].body["restore"]["source"]["snapshot"] == "snap-" + expected


def test_bad_newest_before_fails_naming_it_before_any_request(cbs):
    result = run_fail(main, args(newest_before="27.11.2026 22:00"))
    assert result["option"] == "newest_before" and "ISO 8601" in result["msg"]
    assert cbs.calls == []


def test_nothing_before_newest_before_fails_without_a_write(cbs):
    result = run_fail(main, args(newest_before="2020-01-01T00:00:00Z"))
    assert result["option"] == "newest_before" and writes(cbs) == []


def test_unknown_backup_name_lists_the_newest_names(cbs):
    result = run_fail(main, args(backup="vol_finance.daily.9"))
    assert result["option"] == "backup"
    assert result["msg"].endswith("newest: vol_finance.daily.4, vol_finance.daily.3, vol_finance.daily.2, "
                                  "vol_finance.daily.1.")
    assert writes(cbs) == []


def test_backup_and_newest_before_are_mutually_exclusive(cbs):
    result = run_fail(main, args(backup="vol_finance.daily.2", newest_before="2026-11-27T00:00:00Z"))
    assert "mutually exclusive" in result["msg"] and cbs.calls == []


def test_target_environment_by_id_and_by_name_are_mutually_exclusive(cbs):
    result = run_fail(main, args(target_working_environment_id=DR_ID, target_working_environment_name=DR_NAME))
    assert "mutually exclusive" in result["msg"] and cbs.calls == []


# --- idempotence ----------------------------------------------------------------------------------

def test_rerun_after_the_restore_completed_is_unchanged(cbs):
    first = run_ok(main, args())
    cbs.calls.clear()
    again = run_ok(main, args(_ansible_diff=True))
    assert again["changed"] is False and writes(cbs) == []
    assert again["volume"] == first["volume"] == restored_volume()
    assert again["job"]["id"] == "job-1" and again["job"]["status"] == "COMPLETED"
    assert again["diff"]["before"] == again["diff"]["after"] == restored_volume()
    assert ("GET", STATUS_PATH) in requests(cbs)


def test_rerun_finds_a_restore_of_the_same_backup_named_by_id(cbs):
    cbs.seed_restore("volume", source(), target())
    result = run_ok(main, args(backup="snap-vol_finance.daily.4", _ansible_check_mode=True))
    assert result["changed"] is False and result["job"]["id"] == "job-1"
    assert gets_only(cbs)


def test_a_running_matching_restore_is_followed_instead_of_started_again(cbs, clock):
    job_id = cbs.seed_restore("volume", source(), target(), pending=2)
    result = run_ok(main, args())
    assert writes(cbs) == []
    assert requests(cbs).count(("GET", job_path(job_id))) == 3
    assert result["job"]["id"] == job_id and result["job"]["status"] == "COMPLETED"
    assert result["volume"] == restored_volume()
    assert clock.sleeps == [1.0, 1.5]


def test_a_running_restore_of_another_backup_is_not_followed(cbs):
    cbs.seed_restore("volume", source("snap-vol_finance.daily.1"), target(), pending=5)
    run_ok(main, args())
    assert [(c.method, c.path) for c in writes(cbs)] == [("POST", restore_path())]


def test_a_running_restore_whose_volume_already_exists_is_followed(cbs):
    job_id = cbs.seed_restore("volume", source(), target(), pending=2, volume_early=True)
    result = run_ok(main, args())
    assert writes(cbs) == [] and result["job"]["id"] == job_id


def test_existing_target_volume_not_from_this_restore_fails_naming_target_volume(cbs):
    result = run_fail(main, args(target_volume="vol_taken"))
    assert result["option"] == "target_volume"
    assert result["msg"].startswith("target_volume: vol_taken already exists on SVM svm1 of prod-east")
    assert "allow_existing_target=true" in result["msg"]
    assert writes(cbs) == []


def test_existing_target_volume_restored_from_another_backup_fails(cbs):
    cbs.seed_restore("volume", source("snap-vol_finance.daily.1"), target(volume="vol_taken"))
    result = run_fail(main, args(target_volume="vol_taken"))
    assert result["option"] == "target_volume" and writes(cbs) == []


def test_allow_existing_target_accepts_the_volume_as_it_is(cbs):
    result = run_ok(main, args(target_volume="vol_taken", allow_existing_target=True, _ansible_diff=True))
    assert result["changed"] is False and writes(cbs) == []
    assert result["volume"] == restored_volume("vol_taken")
    assert result["diff"]["before"] == result["diff"]["after"]
    assert "job" not in result


def test_a_volume_of_that_name_in_another_svm_is_no_obstacle(cbs):
    cbs.add_volume(WE_ID, "vol_finance_restored", "svm2")
    run_ok(main, args())
    assert writes(cbs)[0].body["restore"]["target"]["svm"] == "svm1"


def test_a_file_restore_into_the_existing_volume_is_not_this_restore(cbs):
    cbs.seed_restore("file", source(), target(volume="vol_taken"), paths=["/finance/budget.xlsx"])
    result = run_fail(main, args(target_volume="vol_taken"))
    assert result["option"] == "target_volume"


# --- archive storage ------------------------------------------------------------------------------

@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_archived_backup_without_priority_fails_naming_it_before_any_write(cbs, check_mode):
    cbs.backup("fs-vol_finance", "vol_finance.daily.4")["archived"] = True
    result = run_fail(main, args(_ansible_check_mode=check_mode))
    assert result["option"] == "archive_restore_priority"
    assert "vol_finance.daily.4" in result["msg"] and "High, Standard or Low" in result["msg"]
    assert writes(cbs) == []


def test_archive_priority_is_only_needed_for_an_archived_backup(cbs):
    cbs.backup("fs-vol_finance", "vol_finance.daily.4")["archived"] = True
    run_ok(main, args(backup="vol_finance.daily.3"))
    assert "archive-restore-priority" not in writes(cbs)[0].body["restore"]


def test_archive_priority_choices_are_checked_by_the_argument_spec(cbs):
    result = run_fail(main, args(archive_restore_priority="Urgent"))
    assert "archive_restore_priority" in result["msg"] and cbs.calls == []
