# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.backup against the emulator: on-demand backups and deleting backups."""

from __future__ import annotations

import json
import types

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

# No scheduled backup lands while a test moves the clock: the backups listed are the ones a test made.
pytestmark = pytest.mark.emulator(backup_interval_s=0)


def volume_path(emulator, we_id, vol_id, *rest, version="v1"):
    return emulator.cbs_path(version, "backup", "working-environment", we_id, "volume", vol_id, *rest)


@pytest.fixture
def fleet(emulator):
    """The AWS working environment: a protected volume with backups, a paused one, an unprotected one,
    and a second volume of the protected one's name in another SVM."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volumes = we["volume_list"]
    protected = next(v for v in volumes if v["backup_status"] == "ON" and v["backups"] >= 2)
    paused = next(v for v in volumes if v["backup_status"] == "PAUSED" and v["backups"] >= 1)
    unprotected = next(v for v in volumes if v["backup_status"] is None and v["type"] == "rw" and not v["snaplock"])
    other_svm = next(v["svm"] for v in volumes if v["svm"] != protected["svm"])
    twin = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": protected["name"],
                                                "svm": other_svm})
    return types.SimpleNamespace(we=we, vol_a=protected, vol_p=paused, vol_b=unprotected, twin=twin)


def backups_of(emulator, fleet, volume):
    return emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", volume["id"],
                        "snapshot")["snapshot"]


def jobs_of(emulator, job_type):
    return [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == job_type]


def backup_args(fleet, volume=None, **extra):
    volume = volume or fleet.vol_a
    return dict(working_environment_name=fleet.we["name"], volume=volume["name"], svm=volume["svm"], **extra)


# --- on-demand backup ---------------------------------------------------------------------------

def test_on_demand_backup_in_check_mode_sends_no_write(emulator, fleet):
    before = backups_of(emulator, fleet, fleet.vol_a)
    result = emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade", label="daily",
                                                     _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["backup"] == {"name": "before-upgrade", "label": "daily"}
    assert result["diff"] == {"before": {}, "after": {"name": "before-upgrade", "label": "daily"}}
    assert result["volume_id"] == fleet.vol_a["id"] and result["working_environment_id"] == fleet.we["id"]
    assert emulator.writes() == []
    assert backups_of(emulator, fleet, fleet.vol_a) == before


def test_on_demand_backup_sends_adhoc_details_waits_and_returns_the_backup(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade"))
    assert result["changed"] is True
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", volume_path(emulator, fleet.we["id"], fleet.vol_a["id"],
                                                                    version="v3"))
    assert write["body"] == {"mode": "AD_HOC", "adhoc-backup-details": {"name": "before-upgrade"}}
    [job] = jobs_of(emulator, "adhoc-backup")
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    [taken] = [b for b in backups_of(emulator, fleet, fleet.vol_a) if b["name"] == "before-upgrade"]
    assert result["backup"]["id"] == taken["id"] and result["backup"]["name"] == "before-upgrade"
    assert result["backup"]["creation_time"] == taken["creation-time"], "read back after the job, keys in snake_case"
    sent = emulator.calls()
    assert sent.index(("GET", emulator.cbs_path("v1", "job", job["id"]))) < len(sent) - 1
    assert sent[-1] == ("GET", volume_path(emulator, fleet.we["id"], fleet.vol_a["id"], "snapshot"))

    emulator.clear_requests()
    again = emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade", _ansible_diff=True))
    assert again["changed"] is False and emulator.writes() == []
    assert again["backup"] == result["backup"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert "job" not in again


def test_on_demand_backup_label_is_sent_as_snapmirror_label(emulator, fleet):
    emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade", label="weekly"))
    assert emulator.writes()[0]["body"] == {
        "mode": "AD_HOC", "adhoc-backup-details": {"name": "before-upgrade", "snapmirrorLabel": "weekly"}}


def test_without_wait_the_job_id_is_returned_and_nothing_is_polled(emulator, fleet):
    result = emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade", wait=False))
    assert result["changed"] is True
    [job] = jobs_of(emulator, "adhoc-backup")
    assert result["job"] == {"id": job["id"], "status": "PENDING"}
    assert result["backup"] == {"name": "before-upgrade", "label": None}
    assert not any(path.startswith(emulator.cbs_path("v1", "job") + "/") for _m, path in emulator.calls())
    assert [m for m, _p in emulator.calls()].count("POST") == 1
    assert emulator.sleeps == []


def test_wait_polls_the_job_on_the_emulator_clock(emulator, fleet):
    result = emulator.run_ok("backup", **backup_args(fleet, name="before-upgrade"))
    assert_waited_for(emulator.sleeps, 2)  # the default 2-second job
    assert result["backup"]["name"] == "before-upgrade" and result["backup"]["id"]


def test_failed_job_fails_with_its_error(emulator, fleet):
    emulator.add_job_fault(job_type="adhoc-backup", error="Snapshot creation failed: volume is offline")
    result = emulator.run_fail("backup", **backup_args(fleet, name="before-upgrade"))
    [job] = jobs_of(emulator, "adhoc-backup")
    assert result["error_code"] == "job_failed"
    assert "volume is offline" in result["msg"] and result["job_id"] == job["id"]


@pytest.mark.parametrize("which", ["vol_b", "vol_p"], ids=["unprotected", "paused"])
def test_on_demand_backup_of_a_volume_not_protected_fails_without_a_write(emulator, fleet, which):
    volume = getattr(fleet, which)
    result = emulator.run_fail("backup", **backup_args(fleet, volume, name="before-upgrade"))
    assert result["error_code"] == "not_protected"
    assert result["option"] == "volume" and volume["name"] in result["msg"]
    assert "volume_backup" in result["msg"]
    assert emulator.writes() == []


def test_existing_backup_is_found_by_name_even_on_a_paused_volume(emulator, fleet):
    name = backups_of(emulator, fleet, fleet.vol_p)[0]["name"]
    result = emulator.run_ok("backup", **backup_args(fleet, fleet.vol_p, name=name))
    assert result["changed"] is False and result["backup"]["name"] == name
    assert emulator.writes() == []


# --- deletion -------------------------------------------------------------------------------------

def test_delete_one_backup_by_name(emulator, fleet):
    backups = backups_of(emulator, fleet, fleet.vol_a)
    target = backups[1]
    check = emulator.run_ok("backup", **backup_args(fleet, name=target["name"], state="absent",
                                                    _ansible_check_mode=True, _ansible_diff=True))
    assert check["changed"] is True and emulator.writes() == []
    assert check["deleted"] == [target["name"]]
    assert check["diff"]["before"]["id"] == target["id"] and check["diff"]["after"] == {}

    result = emulator.run_ok("backup", **backup_args(fleet, name=target["name"], state="absent"))
    assert [(w["method"], w["path"]) for w in emulator.writes()] == [
        ("DELETE", volume_path(emulator, fleet.we["id"], fleet.vol_a["id"], "snapshot", target["id"]))]
    assert result["deleted"] == [target["name"]] and result["backup"] is None
    assert [b["id"] for b in backups_of(emulator, fleet, fleet.vol_a)] == [b["id"] for b in backups if b != target]

    emulator.clear_requests()
    again = emulator.run_ok("backup", **backup_args(fleet, name=target["name"], state="absent"))
    assert again["changed"] is False and again["deleted"] == [] and emulator.writes() == []


def test_delete_all_backups_needs_the_flag_and_follows_the_job(emulator, fleet):
    names = [b["name"] for b in backups_of(emulator, fleet, fleet.vol_a)]
    check = emulator.run_ok("backup", **backup_args(fleet, all_backups=True, state="absent",
                                                    _ansible_check_mode=True))
    assert check["changed"] is True and check["deleted"] == names and emulator.writes() == []

    result = emulator.run_ok("backup", **backup_args(fleet, all_backups=True, state="absent", _ansible_diff=True))
    assert [(w["method"], w["path"]) for w in emulator.writes()] == [
        ("DELETE", volume_path(emulator, fleet.we["id"], fleet.vol_a["id"], "snapshot"))]
    assert result["job"]["status"] == "COMPLETED"
    assert_waited_for(emulator.sleeps, 2)
    assert result["backup"] == [] and result["deleted"] == names
    # Lists reach the diff as JSON text, which the default callback prints.
    diff = {side: json.loads(text) for side, text in result["diff"].items()}
    assert [b["name"] for b in diff["before"]] == names and diff["after"] == []
    assert backups_of(emulator, fleet, fleet.vol_a) == []

    emulator.clear_requests()
    again = emulator.run_ok("backup", **backup_args(fleet, all_backups=True, state="absent"))
    assert again["changed"] is False and emulator.writes() == []


def test_delete_of_a_backup_that_does_not_exist_is_unchanged(emulator, fleet):
    result = emulator.run_ok("backup", **backup_args(fleet, name="never-taken", state="absent"))
    assert result["changed"] is False and result["deleted"] == [] and result["backup"] is None
    assert emulator.writes() == []


# --- bad input and volumes ------------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({}, "name"),
    ({"state": "absent"}, "name"),
    ({"state": "absent", "name": "x", "all_backups": True}, "all_backups"),
    ({"name": "x", "all_backups": True}, "all_backups"),
], ids=["present without name", "absent without name or all", "name and all", "all with present"])
def test_bad_input_fails_before_any_request_naming_the_option(emulator, fleet, options, option):
    emulator.clear_requests()
    result = emulator.run_fail("backup", **backup_args(fleet, **options))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == option and option + ":" in result["msg"]
    assert emulator.requests() == []


def test_unknown_volume_fails_with_close_names(emulator, fleet):
    wrong = fleet.vol_a["name"] + "x"
    result = emulator.run_fail("backup", working_environment_name=fleet.we["name"], volume=wrong, name="x")
    assert result["error_code"] == "volume_not_found"
    assert result["option"] == "volume" and fleet.vol_a["name"] in result["msg"] and result["missing"] == wrong
    assert emulator.writes() == []


def test_volume_name_in_two_svms_needs_svm(emulator, fleet):
    result = emulator.run_fail("backup", working_environment_name=fleet.we["name"], volume=fleet.vol_a["name"],
                               name="x")
    assert result["error_code"] == "invalid_option" and result["option"] == "svm"
    assert ", ".join(sorted([fleet.vol_a["svm"], fleet.twin["svm"]])) in result["msg"]
    ok = emulator.run_ok("backup", **backup_args(fleet, name="x", _ansible_check_mode=True))
    assert ok["volume_id"] == fleet.vol_a["id"]
    assert emulator.writes() == []


def test_volume_by_id(emulator, fleet):
    result = emulator.run_ok("backup", working_environment_id=fleet.we["id"], volume=fleet.vol_a["id"], name="x",
                             _ansible_check_mode=True)
    assert result["volume_id"] == fleet.vol_a["id"] and result["changed"] is True
