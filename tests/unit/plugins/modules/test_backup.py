# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import backup
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    install,
    module_args,
    ontap_volume,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, run_fail, run_ok

main = backup.main


def volume_path(version, vol_id, *rest):
    return cbs_path(version, "backup", "working-environment", WE_ID, "volume", vol_id, *rest)


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_a"), ontap_volume("vol_b"), ontap_volume("vol_p"),
                                 ontap_volume("shared", "svm1", "fs-shared-1"),
                                 ontap_volume("shared", "svm2", "fs-shared-2")])
    api.activate_environment()
    api.protect("fs-vol_a", backups=2)
    api.protect("fs-vol_p", status="PAUSED", backups=1)
    api.protect("fs-shared-2", backups=1)
    return api


def args(volume="vol_a", **extra):
    base = dict(working_environment_name=WE_NAME, volume=volume)
    base.update(extra)
    return module_args(**base)


def gets_only(api):
    return all(c.method == "GET" for c in api.api_calls)


# --- on-demand backup ---------------------------------------------------------------------------

def test_on_demand_backup_in_check_mode_sends_no_write(cbs):
    result = run_ok(main, args(name="before-upgrade", label="daily", _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["backup"] == {"name": "before-upgrade", "label": "daily"}
    assert result["diff"] == {"before": {}, "after": {"name": "before-upgrade", "label": "daily"}}
    assert result["volume_id"] == "fs-vol_a" and result["working_environment_id"] == WE_ID
    assert gets_only(cbs)
    assert len(cbs.snapshots[(WE_ID, "fs-vol_a")]) == 2


def test_on_demand_backup_sends_adhoc_details_waits_and_returns_the_backup(cbs):
    result = run_ok(main, args(name="before-upgrade"))
    assert result["changed"] is True
    [write] = writes(cbs)
    assert (write.method, write.path) == ("POST", volume_path("v3", "fs-vol_a"))
    assert write.body == {"mode": "AD_HOC", "adhoc-backup-details": {"name": "before-upgrade"}}
    assert result["job"]["id"] == "job-1" and result["job"]["status"] == "COMPLETED"
    assert result["backup"]["id"] == "snap-new" and result["backup"]["name"] == "before-upgrade"
    assert result["backup"]["creation_time"] == 1800000000000, "read back after the job, keys in snake_case"
    sent = requests(cbs)
    assert sent.index(("GET", cbs_path("v1", "job", "job-1"))) < len(sent) - 1
    assert sent[-1] == ("GET", volume_path("v1", "fs-vol_a", "snapshot"))

    cbs.calls.clear()
    again = run_ok(main, args(name="before-upgrade", _ansible_diff=True))
    assert again["changed"] is False and writes(cbs) == []
    assert again["backup"] == result["backup"]
    assert again["diff"]["before"] == again["diff"]["after"]
    assert "job" not in again


def test_on_demand_backup_label_is_sent_as_snapmirror_label(cbs):
    run_ok(main, args(name="before-upgrade", label="weekly"))
    assert writes(cbs)[0].body == {"mode": "AD_HOC",
                                   "adhoc-backup-details": {"name": "before-upgrade", "snapmirrorLabel": "weekly"}}


def test_without_wait_the_job_id_is_returned_and_nothing_is_polled(cbs, clock):
    cbs.pending_polls = 3
    result = run_ok(main, args(name="before-upgrade", wait=False))
    assert result["changed"] is True
    assert result["job"] == {"id": "job-1", "status": "PENDING"}
    assert result["backup"] == {"name": "before-upgrade", "label": None}
    assert not any(c.path.startswith(cbs_path("v1", "job")) for c in cbs.api_calls)
    assert [m for m, _p in requests(cbs)].count("POST") == 1
    assert clock.sleeps == []


def test_wait_polls_the_job_on_the_fake_clock(cbs, clock):
    cbs.pending_polls = 2
    result = run_ok(main, args(name="before-upgrade"))
    assert clock.sleeps == [1.0, 1.5]
    assert result["backup"]["id"] == "snap-new"


def test_failed_job_fails_with_its_error(cbs):
    cbs.job_failure = "Snapshot creation failed: volume is offline"
    result = run_fail(main, args(name="before-upgrade"))
    assert "volume is offline" in result["msg"] and result["job_id"] == "job-1"


@pytest.mark.parametrize("volume, state", [("vol_b", "unprotected"), ("vol_p", "paused")])
def test_on_demand_backup_of_a_volume_not_protected_fails_without_a_write(cbs, volume, state):
    result = run_fail(main, args(volume=volume, name="before-upgrade"))
    assert result["option"] == "volume" and volume in result["msg"]
    assert "volume_backup" in result["msg"]
    assert writes(cbs) == []


def test_existing_backup_is_found_by_name_even_on_a_paused_volume(cbs):
    name = cbs.snapshots[(WE_ID, "fs-vol_p")][0]["name"]
    result = run_ok(main, args(volume="vol_p", name=name))
    assert result["changed"] is False and result["backup"]["name"] == name


# --- deletion -------------------------------------------------------------------------------------

def test_delete_one_backup_by_name(cbs):
    target = cbs.snapshots[(WE_ID, "fs-vol_a")][1]
    check = run_ok(main, args(name=target["name"], state="absent", _ansible_check_mode=True, _ansible_diff=True))
    assert check["changed"] is True and gets_only(cbs)
    assert check["deleted"] == [target["name"]]
    assert check["diff"]["before"]["id"] == target["id"] and check["diff"]["after"] == {}

    cbs.calls.clear()
    result = run_ok(main, args(name=target["name"], state="absent"))
    assert [(c.method, c.path) for c in writes(cbs)] == [
        ("DELETE", volume_path("v1", "fs-vol_a", "snapshot", target["id"]))]
    assert result["deleted"] == [target["name"]] and result["backup"] is None
    assert len(cbs.snapshots[(WE_ID, "fs-vol_a")]) == 1

    cbs.calls.clear()
    again = run_ok(main, args(name=target["name"], state="absent"))
    assert again["changed"] is False and again["deleted"] == [] and writes(cbs) == []


def test_delete_all_backups_needs_the_flag_and_follows_the_job(cbs, clock):
    names = [s["name"] for s in cbs.snapshots[(WE_ID, "fs-vol_a")]]
    check = run_ok(main, args(all_backups=True, state="absent", _ansible_check_mode=True))
    assert check["changed"] is True and check["deleted"] == names and gets_only(cbs)

    cbs.calls.clear()
    cbs.pending_polls = 1
    result = run_ok(main, args(all_backups=True, state="absent", _ansible_diff=True))
    assert [(c.method, c.path) for c in writes(cbs)] == [("DELETE", volume_path("v1", "fs-vol_a", "snapshot"))]
    assert result["job"]["status"] == "COMPLETED" and clock.sleeps == [1.0]
    assert result["backup"] == [] and result["deleted"] == names
    assert [b["name"] for b in result["diff"]["before"]] == names and result["diff"]["after"] == []

    cbs.calls.clear()
    again = run_ok(main, args(all_backups=True, state="absent"))
    assert again["changed"] is False and writes(cbs) == []


def test_delete_of_a_backup_that_does_not_exist_is_unchanged(cbs):
    result = run_ok(main, args(name="never-taken", state="absent"))
    assert result["changed"] is False and result["deleted"] == [] and result["backup"] is None
    assert writes(cbs) == []


# --- bad input and volumes ------------------------------------------------------------------------

@pytest.mark.parametrize("options, option", [
    ({}, "name"),
    ({"state": "absent"}, "name"),
    ({"state": "absent", "name": "x", "all_backups": True}, "all_backups"),
    ({"name": "x", "all_backups": True}, "all_backups"),
], ids=["present without name", "absent without name or all", "name and all", "all with present"])
def test_bad_input_fails_before_any_request_naming_the_option(cbs, options, option):
    result = run_fail(main, args(**options))
    assert result["option"] == option and option + ":" in result["msg"]
    assert cbs.calls == []


def test_unknown_volume_fails_with_close_names(cbs):
    result = run_fail(main, args(volume="vol_aa", name="x"))
    assert result["option"] == "volume" and "vol_a" in result["msg"] and result["missing"] == "vol_aa"
    assert writes(cbs) == []


def test_volume_name_in_two_svms_needs_svm(cbs):
    result = run_fail(main, args(volume="shared", name="x"))
    assert result["option"] == "svm" and "svm1, svm2" in result["msg"]
    ok = run_ok(main, args(volume="shared", svm="svm2", name="x", _ansible_check_mode=True))
    assert ok["volume_id"] == "fs-shared-2"
    assert writes(cbs) == []


def test_volume_by_id(cbs):
    result = run_ok(main, module_args(working_environment_id=WE_ID, volume="fs-vol_a", name="x",
                                      _ansible_check_mode=True))
    assert result["volume_id"] == "fs-vol_a" and result["changed"] is True
