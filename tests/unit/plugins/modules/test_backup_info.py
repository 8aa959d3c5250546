# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.backup_info against the emulator: which backups, and the age filters."""

from __future__ import annotations

import types
from datetime import datetime, timezone

import pytest

HOUR = 3600
DAY = 24 * HOUR

# Backups are taken by the tests at chosen times: none scheduled, and an on-demand backup exists as
# soon as it is asked for (a job of no duration), so its creation time is the emulator's time then.
# The clock moves by days, so the token of the runs lives longer than one.
EMULATOR = dict(backup_interval_s=0, job_duration_s=0, token_ttl_s=60 * DAY)
pytestmark = pytest.mark.emulator(**EMULATOR)
# When each backup is taken, in seconds after the start; the tests run at END.
END = 10 * DAY
TIMELINE = [("vol_a", "a-10d", 0), ("vol_b", "b-8d", 2 * DAY), ("vol_a", "a-2d", 8 * DAY),
            ("vol_b", "b-30h", END - 30 * HOUR), ("shared", "s1-3h", END - 3 * HOUR), ("vol_a", "a-1h", END - HOUR)]


def protect(emulator, we_id, volume_id, policy):
    emulator.api("POST", "v2", "backup", "working-environment", we_id, "volume", volume_id,
                 json={"backup-policy": {"name": policy}})


def take_backup(emulator, we_id, volume_id, name):
    emulator.api("POST", "v3", "backup", "working-environment", we_id, "volume", volume_id,
                 json={"mode": "AD_HOC", "adhoc-backup-details": {"name": name}})


def backups_of(emulator, we_id, volume_id):
    return emulator.api("GET", "v1", "backup", "working-environment", we_id, "volume", volume_id,
                        "snapshot")["snapshot"]


def every_backup(emulator, we_id):
    """Every backup of every protected volume of a working environment, from the API."""
    volumes = emulator.api("GET", "v1", "backup", "working-environment", we_id, "volume")["volume"]
    return {v["file-system-id"]: backups_of(emulator, we_id, v["file-system-id"]) for v in volumes}


@pytest.fixture
def fleet(emulator):
    """On the AWS working environment: vol_a, vol_b with backups of known ages, vol_c unprotected, and
    "shared" in two SVMs, protected in both, with a backup in the first only. The GCP one is active
    too; the Azure one has no backup."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    svms = sorted({v["svm"] for v in we["volume_list"]})
    policy = emulator.api("GET", "v1", "working-environment", we["id"], "backup-policy")["backup-policy"][0]["name"]
    volumes = {}
    for name in ("vol_a", "vol_b", "vol_c"):
        volumes[name] = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": name,
                                                             "svm": svms[0]})
    shared = [emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": "shared",
                                                   "svm": svm}) for svm in svms[:2]]
    volumes["shared"] = shared[0]
    for volume in (volumes["vol_a"], volumes["vol_b"], *shared):
        protect(emulator, we["id"], volume["id"], policy)
    started = emulator.clock.now()
    for volume, name, at in TIMELINE:
        emulator.advance(started + at - emulator.clock.now())
        take_backup(emulator, we["id"], volumes[volume]["id"], name)
    emulator.advance(started + END - emulator.clock.now())
    return types.SimpleNamespace(we=we, svms=svms, twins=shared, policy=policy, other=emulator.working_environment(
        provider="GCP", backup_enabled=True), off=emulator.working_environment(backup_enabled=False), **volumes)


def names(result):
    return [b["name"] for b in result["backups"]]


def run_ok(emulator, fleet, **extra):
    return emulator.run_ok("backup_info", working_environment_name=fleet.we["name"], **extra)


def test_backups_of_named_volumes_newest_first_with_their_volume(emulator, fleet):
    emulator.clear_requests()
    result = run_ok(emulator, fleet, volumes=["vol_b", "vol_a"])
    assert result["changed"] is False
    assert names(result) == ["b-30h", "b-8d", "a-1h", "a-2d", "a-10d"]
    first = result["backups"][0]
    assert first["volume_id"] == fleet.vol_b["id"] and first["volume_name"] == "vol_b"
    assert first["svm"] == fleet.svms[0]
    assert first["working_environment_id"] == fleet.we["id"] and first["working_environment_name"] == fleet.we["name"]
    created_ms = int((emulator.clock.now() - 30 * HOUR) * 1000)
    assert first["creation_time"] == created_ms
    assert first["created"] == datetime.fromtimestamp(created_ms / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    listed = backups_of(emulator, fleet.we["id"], fleet.vol_b["id"])[0]
    assert first["id"] == listed["id"] and first["object_lock"] == listed["object-lock"]
    assert str(first["size"]) == str(listed["size"])
    sent = emulator.calls()
    assert sent[:2] == [("GET", emulator.cbs_path("v1", "working-environment")),
                        ("GET", emulator.cbs_path("v1", "backup", "working-environment", fleet.we["id"], "volume"))]
    assert sorted(sent[2:]) == sorted(
        ("GET", emulator.cbs_path("v1", "backup", "working-environment", fleet.we["id"], "volume", v["id"], "snapshot"))
        for v in (fleet.vol_a, fleet.vol_b))


def test_every_protected_volume_of_an_environment(emulator, fleet):
    result = emulator.run_ok("backup_info", working_environment_id=fleet.we["id"])
    expected = [b["name"] for backups in every_backup(emulator, fleet.we["id"]).values() for b in backups]
    assert {"a-1h", "a-2d", "a-10d", "b-30h", "b-8d", "s1-3h"} <= set(expected)
    assert sorted(names(result)) == sorted(expected)
    assert emulator.writes() == []


@pytest.mark.parametrize("filters, expected", [
    ({"newest_only": True}, ["a-1h", "b-30h"]),
    ({"max_age": "36h"}, ["a-1h", "b-30h"]),
    ({"max_age": "1d"}, ["a-1h"]),
    ({"max_age": "90m"}, ["a-1h"]),
    ({"min_age": "7d"}, ["a-10d", "b-8d"]),
    ({"min_age": "1w"}, ["a-10d", "b-8d"]),
    ({"min_age": "2w"}, []),
    ({"max_age": "9d", "min_age": "1d"}, ["a-2d", "b-30h", "b-8d"]),
    ({"newest_only": True, "max_age": "2h"}, ["a-1h"]),
    ({"newest_only": True, "min_age": "1d"}, ["a-2d", "b-30h"]),
    ({"max_age": " 36h "}, ["a-1h", "b-30h"]),
], ids=["newest", "36h", "1d", "90m", "7d", "1w", "2w nothing", "between", "newest recent", "newest old enough",
        "spaces"])
def test_newest_only_and_age_filters_against_the_emulator_now(emulator, fleet, filters, expected):
    result = run_ok(emulator, fleet, volumes=["vol_a", "vol_b"], **filters)
    assert sorted(names(result)) == sorted(expected)


def test_age_boundary_is_inclusive(emulator, fleet):
    volume = fleet.vol_c
    protect(emulator, fleet.we["id"], volume["id"], fleet.policy)
    take_backup(emulator, fleet.we["id"], volume["id"], "older")
    emulator.advance(1)
    take_backup(emulator, fleet.we["id"], volume["id"], "exact")
    emulator.advance(36 * HOUR)
    result = run_ok(emulator, fleet, volumes=["vol_c"], max_age="36h")
    assert names(result) == ["exact"]
    result = run_ok(emulator, fleet, volumes=["vol_c"], min_age="36h")
    assert names(result) == ["exact", "older"]


def test_ages_are_counted_from_the_time_of_the_run(emulator, fleet):
    assert names(run_ok(emulator, fleet, volumes=["vol_a"], max_age="3d")) == ["a-1h", "a-2d"]
    emulator.advance(2 * DAY)
    assert names(run_ok(emulator, fleet, volumes=["vol_a"], max_age="3d")) == ["a-1h"]


@pytest.mark.parametrize("option, value", [
    ("max_age", "7"), ("max_age", "7days"), ("max_age", "-1d"), ("max_age", "1.5h"), ("min_age", "d"),
    ("min_age", "7s"), ("min_age", ""), ("min_age", "yesterday"), ("max_age", "1e3d"), ("max_age", "infd"),
    ("min_age", "\u0667d"),
])
def test_bad_age_fails_before_any_request_naming_the_option(emulator, fleet, option, value):
    emulator.clear_requests()
    result = emulator.run_fail("backup_info", working_environment_name=fleet.we["name"], **{option: value})
    assert result["error_code"] == "invalid_option"
    assert result["option"] == option and result["msg"].startswith(option)
    assert repr(value) in result["msg"]
    assert emulator.requests() == []


def test_volumes_without_a_working_environment_fail_before_any_request(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("backup_info", volumes=["vol_a"])
    assert result["error_code"] == "invalid_option" and result["option"] == "volumes"
    assert "working_environment_id" in result["msg"] and "working_environment_name" in result["msg"]
    assert emulator.requests() == []


def test_id_and_name_together_are_refused(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("backup_info", working_environment_id=fleet.we["id"],
                               working_environment_name=fleet.we["name"])
    assert "mutually exclusive" in result["msg"]
    assert emulator.requests() == []


def test_unknown_volume_fails_with_close_names(emulator, fleet):
    result = emulator.run_fail("backup_info", working_environment_name=fleet.we["name"], volumes=["vol_aa"])
    assert result["error_code"] == "volume_not_found"
    assert result["option"] == "volumes" and "vol_a" in result["msg"] and result["missing"] == "vol_aa"


def test_unprotected_volume_is_unknown_here(emulator, fleet):
    result = emulator.run_fail("backup_info", working_environment_name=fleet.we["name"], volumes=["vol_c"])
    assert result["error_code"] == "no_backup" and "vol_c" in result["msg"]


def test_volume_name_in_two_svms_needs_svm(emulator, fleet):
    result = emulator.run_fail("backup_info", working_environment_name=fleet.we["name"], volumes=["shared"])
    assert result["error_code"] == "invalid_option" and result["option"] == "svm"
    assert fleet.svms[0] in result["msg"] and fleet.svms[1] in result["msg"]
    result = run_ok(emulator, fleet, volumes=["shared"], svm=fleet.svms[0])
    assert names(result) == ["s1-3h"] and result["backups"][0]["svm"] == fleet.svms[0]
    assert run_ok(emulator, fleet, volumes=["shared"], svm=fleet.svms[1])["backups"] == []


def test_without_environment_every_active_one_is_searched(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_ok("backup_info", newest_only=True)
    expected = []
    listed = {}
    for we in (fleet.we, fleet.other):
        for backups in every_backup(emulator, we["id"]).values():
            listed.update({b["id"]: b for b in backups})
            if backups:
                newest = max(backups, key=lambda b: b["creation-time"])
                expected.append((we["id"], newest["name"]))
    assert sorted((b["working_environment_id"], b["name"]) for b in result["backups"]) == sorted(expected)
    assert (fleet.we["id"], "a-1h") in expected and (fleet.we["id"], "s1-3h") in expected
    paths = [p for _m, p in emulator.calls()]
    assert paths[:2] == [emulator.cbs_path("v1", "working-environment"),
                         emulator.cbs_path("v1", "backup", "working-environment")]
    assert emulator.cbs_path("v1", "backup", "working-environment", fleet.off["id"], "volume") not in paths, \
        "a working environment without backup is skipped"
    assert all(b["archived"] is listed[b["id"]]["archived"] for b in result["backups"])


@pytest.mark.emulator(fleet_size=1, **EMULATOR)
def test_single_environment_account_reads_its_backup_status_alone(emulator):
    [we] = emulator.working_environments()
    emulator.clear_requests()
    result = emulator.run_ok("backup_info")
    expected = [b["name"] for backups in every_backup(emulator, we["id"]).values() for b in backups]
    assert sorted(names(result)) == sorted(expected) and expected
    assert emulator.calls()[:2] == [("GET", emulator.cbs_path("v1", "working-environment")),
                                    ("GET", emulator.cbs_path("v1", "backup", "working-environment", we["id"]))]


@pytest.mark.emulator(fleet_size=1, **EMULATOR)
def test_no_backup_anywhere_is_an_empty_list(emulator):
    [we] = emulator.working_environments()
    # Unregistered the way an administrator would: every backup deleted, then backup turned off.
    emulator.api("DELETE", "v2", "backup", "working-environment", we["id"], "snapshot")
    emulator.api("DELETE", "v1", "backup", "working-environment", we["id"])
    assert emulator.working_environments(backup_enabled=True) == []
    result = emulator.run_ok("backup_info")
    assert result == {"changed": False, "backups": []}


def test_check_mode_is_the_same_read(emulator, fleet):
    result = run_ok(emulator, fleet, volumes=["vol_a"], newest_only=True, _ansible_check_mode=True)
    assert names(result) == ["a-1h"]
    assert emulator.writes() == []
