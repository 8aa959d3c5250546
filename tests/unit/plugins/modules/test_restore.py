# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""bluexp.cloud_backup.restore (a volume from a backup) against the emulator."""

from __future__ import annotations

import time
import types
from datetime import datetime, timedelta, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.modules import restore
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    CONNECTOR,
    STATIC_TOKEN,
    cbs_path,
    reply,
    run_ok,
)

DAY = 86400
# No scheduled backup lands while a test moves the clock; the archive tests move it by a month.
pytestmark = pytest.mark.emulator(backup_interval_s=0, token_ttl_s=60 * DAY)

RESTORED = "vol_finance_restored"


@pytest.fixture
def fleet(emulator):
    """The AWS working environment's protected volume with the most backups (newest first), another
    volume of its SVM, and the on-premises working environment as another target."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    volume = max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])
    assert volume["backups"] >= 4
    backups = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                           "snapshot")["snapshot"]
    # A volume of the source's SVM, like the source (language, size), that no restore made.
    taken = emulator.control("POST", "volumes", {"working_environment_id": we["id"], "name": "vol_taken",
                                                 "svm": volume["svm"], "like": volume["id"]})
    other = emulator.working_environment(provider="ONPREM")
    other_svm = emulator.api("GET", "v1", "working-environment", other["id"], "svm")["svm"][0]["name"]
    bucket = emulator.api("GET", "v1", "backup", "working-environment", we["id"])["bucket"]
    seeded = {j["id"] for j in emulator.control("GET", "jobs")["jobs"]}
    return types.SimpleNamespace(we=we, volume=volume, backups=backups, newest=backups[0], taken=taken,
                                 svm=volume["svm"], other=other, other_svm=other_svm, bucket=bucket, seeded=seeded)


def args(fleet, **extra):
    return dict(dict(working_environment_name=fleet.we["name"], volume=fleet.volume["name"], svm=fleet.svm,
                     target_svm=fleet.svm, target_volume=RESTORED), **extra)


def source(fleet, backup=None):
    return {"working-environment-id": fleet.we["id"], "working-environment-name": fleet.we["name"],
            "bucket": fleet.bucket, "volume-name": fleet.volume["name"], "volume-id": fleet.volume["id"],
            "snapshot": (backup or fleet.newest)["id"]}


def target(fleet, volume=RESTORED, svm=None, we=None):
    we = we or fleet.we
    return {"working-environment-id": we["id"], "working-environment-name": we["name"], "svm": svm or fleet.svm,
            "volume-name": volume}


def start_restore(emulator, fleet, backup=None, volume=RESTORED):
    """A volume restore started by another run (or another tool); it runs until the clock moves."""
    emulator.api("POST", "v3", "restore", json={"restore": {"type": "volume", "source": source(fleet, backup),
                                                            "target": target(fleet, volume)}})
    [job] = restore_jobs(emulator, fleet)[-1:]
    return job


def restore_jobs(emulator, fleet, job_type="restore-volume"):
    return [j for j in emulator.control("GET", "jobs")["jobs"] if j["type"] == job_type and j["id"] not in fleet.seeded]


def volumes_of(emulator, we_id):
    return emulator.api("GET", "v1", "working-environment", we_id, "volume")["volume"]


VOLUME_KEYS = ("name", "file_system_id", "svm", "status", "type", "style")


def restored_record(emulator, we_id, name=RESTORED, svm=None):
    """What identifies the volume as the API lists it, keys in snake_case as the module returns them."""
    found = [v for v in volumes_of(emulator, we_id) if v["name"] == name and (svm is None or v["svm"] == svm)]
    assert len(found) == 1, found
    return {key: found[0][key.replace("_", "-")] for key in VOLUME_KEYS}


def identity(volume):
    return {key: volume[key] for key in VOLUME_KEYS}


def iso(ms, offset_hours=None):
    moment = datetime.fromtimestamp(ms / 1000, timezone.utc)
    if offset_hours is None:
        return moment.strftime("%Y-%m-%dT%H:%M:%S")
    if offset_hours == 0:
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    return moment.astimezone(timezone(timedelta(hours=offset_hours))).isoformat()


def restore_path(emulator):
    return emulator.cbs_path("v3", "restore")


def write_paths(emulator):
    return [(w["method"], w["path"]) for w in emulator.writes()]


def archive_all_but_a_fresh_backup(emulator, fleet):
    """A month later every backup of the source is archived (its policy archives after 30 days or less);
    then one more backup is taken, not archived. Returns (fresh, newest archived)."""
    policy = next(p for p in emulator.api("GET", "v1", "working-environment", fleet.we["id"],
                                          "backup-policy")["backup-policy"]
                  if p["name"] == emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume",
                                               fleet.volume["id"])["backup-policy"]["name"])
    assert int(policy["archive-after-days"]) <= 30
    emulator.advance(31 * DAY)
    emulator.api("POST", "v3", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                 json={"mode": "AD_HOC", "adhoc-backup-details": {"name": "fresh"}})
    emulator.advance(60)
    backups = emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                           "snapshot")["snapshot"]
    assert backups[0]["name"] == "fresh" and backups[0]["archived"] is False
    assert all(b["archived"] for b in backups[1:])
    emulator.clear_requests()
    return backups[0], backups[1]


# --- check mode and the real run ------------------------------------------------------------------

def test_check_mode_predicts_the_volume_and_sends_no_write(emulator, fleet):
    result = emulator.run_ok("restore", **args(fleet, _ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True
    assert result["volume"] == {"name": RESTORED, "svm": fleet.svm}
    assert result["diff"] == {"before": {}, "after": {"name": RESTORED, "svm": fleet.svm}}
    assert result["source_backup"]["id"] == fleet.newest["id"] and "job" not in result
    assert emulator.writes() == []
    assert not any(v["name"] == RESTORED for v in volumes_of(emulator, fleet.we["id"]))


def test_restore_sends_one_v3_restore_waits_and_returns_the_new_volume(emulator, fleet):
    result = emulator.run_ok("restore", **args(fleet, _ansible_diff=True))
    [write] = emulator.writes()
    assert (write["method"], write["path"]) == ("POST", restore_path(emulator))
    assert write["body"] == {"restore": {"type": "volume", "source": source(fleet), "target": target(fleet)}}
    assert result["changed"] is True
    [job] = restore_jobs(emulator, fleet)
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert result["job"]["data"]["restore"]["target"]["volume_name"] == RESTORED
    assert identity(result["volume"]) == restored_record(emulator, fleet.we["id"], svm=fleet.svm)
    assert result["diff"] == {"before": {}, "after": result["volume"]}
    assert_waited_for(emulator.sleeps, 2)  # the default 2-second job
    sent = emulator.calls()
    assert sent.count(("GET", emulator.cbs_path("v1", "job", job["id"]))) == len(emulator.sleeps) + 1, \
        "the job is read once per poll, no more"
    assert sent[-1] == ("GET", emulator.cbs_path("v1", "working-environment", fleet.we["id"], "volume")), \
        "volume read after the job"


def test_source_backup_is_returned_in_snake_case_with_its_volume(emulator, fleet):
    result = emulator.run_ok("restore", **args(fleet, _ansible_check_mode=True))
    described = result["source_backup"]
    assert {key: described[key] for key in ("volume_name", "volume_id", "working_environment_id")} == {
        "volume_name": fleet.volume["name"], "volume_id": fleet.volume["id"], "working_environment_id": fleet.we["id"]}
    for key, value in fleet.newest.items():
        assert described[key.replace("-", "_")] == value


def test_bucket_comes_from_the_backup_configuration_of_the_source(emulator, fleet):
    emulator.run_ok("restore", **args(fleet))
    assert fleet.bucket and emulator.writes()[0]["body"]["restore"]["source"]["bucket"] == fleet.bucket


def test_options_that_shape_the_body(emulator, fleet):
    _fresh, archived = archive_all_but_a_fresh_backup(emulator, fleet)
    aggregates = next(s["aggregate"] for s in emulator.api("GET", "v1", "working-environment", fleet.we["id"],
                                                           "svm")["svm"] if s["name"] == fleet.svm)
    emulator.run_ok("restore", **args(fleet, backup=archived["name"], target_aggregates=aggregates,
                                      archive_restore_priority="Standard", skip_ransomware_check=True))
    body = emulator.writes()[0]["body"]["restore"]
    assert body["target"] == dict(target(fleet), aggregates=aggregates)
    assert body["archive-restore-priority"] == "Standard"
    assert body["skip-ransomware-check"] is True
    assert "file" not in body and "skip-file-rename" not in body


def test_restore_to_another_working_environment(emulator, fleet):
    result = emulator.run_ok("restore", **args(fleet, target_working_environment_name=fleet.other["name"],
                                               target_svm=fleet.other_svm))
    body = emulator.writes()[0]["body"]["restore"]
    assert body["source"] == source(fleet)
    assert body["target"] == target(fleet, svm=fleet.other_svm, we=fleet.other)
    assert identity(result["volume"]) == restored_record(emulator, fleet.other["id"], svm=fleet.other_svm)


def test_without_wait_the_job_id_is_returned_and_nothing_is_polled(emulator, fleet):
    result = emulator.run_ok("restore", **args(fleet, wait=False))
    [job] = restore_jobs(emulator, fleet)
    assert result["changed"] is True and result["job"] == {"id": job["id"], "status": "PENDING"}
    assert result["volume"] == {"name": RESTORED, "svm": fleet.svm}
    assert not any(p.startswith(emulator.cbs_path("v1", "job")) for _m, p in emulator.calls())
    assert emulator.sleeps == []


def test_failed_restore_job_fails_with_its_error(emulator, fleet):
    emulator.add_job_fault(job_type="restore-volume", error="Target volume language differs from the source")
    result = emulator.run_fail("restore", **args(fleet))
    [job] = restore_jobs(emulator, fleet)
    assert result["error_code"] == "job_failed"
    assert "language differs" in result["msg"] and result["job_id"] == job["id"]


# --- backup selection -----------------------------------------------------------------------------

@pytest.mark.parametrize("selection, expected", [
    ("newest", 0), ("by name", 2), ("by id", 3),
    ("newest before Z", 2), ("naive is UTC: a backup at that time is not before", 3), ("naive is UTC", 2),
    ("offset", 2),
])
def test_backup_selection(emulator, fleet, selection, expected):
    times = [b["creation-time"] for b in fleet.backups]
    options = {
        "newest": {},
        "by name": {"backup": fleet.backups[2]["name"]},
        "by id": {"backup": fleet.backups[3]["id"]},
        "newest before Z": {"newest_before": iso(times[1] - 60000, 0)},
        "naive is UTC: a backup at that time is not before": {"newest_before": iso(times[2])},
        "naive is UTC": {"newest_before": iso(times[1] - 60000)},
        "offset": {"newest_before": iso(times[1] - 60000, 1)},
    }[selection]
    emulator.run_ok("restore", **args(fleet, **options))
    assert emulator.writes()[0]["body"]["restore"]["source"]["snapshot"] == fleet.backups[expected]["id"]


def test_bad_newest_before_fails_naming_it_before_any_request(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("restore", **args(fleet, newest_before="27.11.2026 22:00"))
    assert result["error_code"] == "invalid_option"
    assert result["option"] == "newest_before" and "ISO 8601" in result["msg"]
    assert emulator.requests() == []


def test_nothing_before_newest_before_fails_without_a_write(emulator, fleet):
    result = emulator.run_fail("restore", **args(fleet, newest_before="2020-01-01T00:00:00Z"))
    assert result["error_code"] == "no_backup"
    assert result["option"] == "newest_before" and emulator.writes() == []


def test_unknown_backup_name_lists_the_newest_names(emulator, fleet):
    result = emulator.run_fail("restore", **args(fleet, backup="daily.1999-01-01_0000"))
    assert result["error_code"] == "backup_not_found" and result["option"] == "backup"
    assert result["msg"].endswith("newest: " + ", ".join(b["name"] for b in fleet.backups[:5]) + ".")
    assert emulator.writes() == []


def test_backup_and_newest_before_are_mutually_exclusive(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("restore", **args(fleet, backup=fleet.backups[1]["name"],
                                                 newest_before="2026-11-27T00:00:00Z"))
    assert "mutually exclusive" in result["msg"] and emulator.requests() == []


def test_target_environment_by_id_and_by_name_are_mutually_exclusive(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("restore", **args(fleet, target_working_environment_id=fleet.other["id"],
                                                 target_working_environment_name=fleet.other["name"]))
    assert "mutually exclusive" in result["msg"] and emulator.requests() == []


# --- idempotence ----------------------------------------------------------------------------------

def test_rerun_after_the_restore_completed_is_unchanged(emulator, fleet):
    first = emulator.run_ok("restore", **args(fleet))
    emulator.clear_requests()
    again = emulator.run_ok("restore", **args(fleet, _ansible_diff=True))
    assert again["changed"] is False and emulator.writes() == []
    assert again["volume"] == first["volume"]
    assert identity(again["volume"]) == restored_record(emulator, fleet.we["id"], svm=fleet.svm)
    assert again["job"]["id"] == first["job"]["id"] and again["job"]["status"] == "COMPLETED"
    assert again["diff"]["before"] == again["diff"]["after"] == again["volume"]
    assert ("GET", emulator.cbs_path("v1", "restore", "status")) in emulator.calls()


def test_rerun_finds_a_restore_of_the_same_backup_named_by_id(emulator, fleet):
    job = start_restore(emulator, fleet)
    emulator.advance(60)
    result = emulator.run_ok("restore", **args(fleet, backup=fleet.newest["id"], _ansible_check_mode=True))
    assert result["changed"] is False and result["job"]["id"] == job["id"]
    assert emulator.writes() == []


def test_a_running_matching_restore_is_followed_instead_of_started_again(emulator, fleet):
    job = start_restore(emulator, fleet)
    result = emulator.run_ok("restore", **args(fleet))
    assert emulator.writes() == []
    assert emulator.calls().count(("GET", emulator.cbs_path("v1", "job", job["id"]))) == len(emulator.sleeps) + 1
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert identity(result["volume"]) == restored_record(emulator, fleet.we["id"], svm=fleet.svm)
    assert_waited_for(emulator.sleeps, 2)


def test_a_running_restore_of_another_backup_than_the_one_named_is_not_followed(emulator, fleet):
    start_restore(emulator, fleet, backup=fleet.backups[3])
    emulator.run_ok("restore", **args(fleet, backup=fleet.newest["name"], wait=False))
    assert write_paths(emulator) == [("POST", restore_path(emulator))]


def test_without_a_backup_named_a_running_restore_of_an_older_backup_is_followed(emulator, fleet):
    job = start_restore(emulator, fleet, backup=fleet.backups[3])
    emulator.clear_requests()
    result = emulator.run_ok("restore", **args(fleet))
    assert emulator.writes() == [] and result["changed"] is False
    assert result["job"]["id"] == job["id"] and result["job"]["status"] == "COMPLETED"
    assert result["source_backup"]["id"] == fleet.backups[3]["id"]
    assert result["already_restored"]["backup"] == fleet.backups[3]["name"]


def test_existing_target_volume_not_from_this_restore_fails_naming_target_volume(emulator, fleet):
    taken = fleet.taken["name"]
    result = emulator.run_fail("restore", **args(fleet, target_volume=taken))
    assert result["error_code"] == "target_exists" and result["option"] == "target_volume"
    assert result["msg"].startswith("target_volume: {0} already exists on SVM {1} of {2}".format(
        taken, fleet.svm, fleet.we["name"]))
    assert "allow_existing_target=true" in result["msg"]
    assert emulator.writes() == []


@pytest.mark.parametrize("named", ["name", "id"])
def test_existing_target_volume_restored_from_another_backup_than_the_one_named_fails(emulator, fleet, named):
    start_restore(emulator, fleet, backup=fleet.backups[3], volume="vol_earlier")
    emulator.advance(60)
    emulator.clear_requests()
    result = emulator.run_fail("restore", **args(fleet, target_volume="vol_earlier", backup=fleet.newest[named]))
    assert result["option"] == "target_volume" and result["error_code"] == "target_exists"
    assert "is not the result of restoring backup {0}".format(fleet.newest["name"]) in result["msg"]
    assert emulator.writes() == []


def test_a_restore_of_another_volume_into_the_target_is_not_this_restore(emulator, fleet):
    other = next(v for v in fleet.we["volume_list"] if v["backup_status"] == "ON" and v["id"] != fleet.volume["id"]
                 and v["backups"] > 0)
    backup = emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", other["id"],
                          "snapshot")["snapshot"][0]
    emulator.api("POST", "v3", "restore", json={"restore": {"type": "volume", "source": dict(
        source(fleet, backup), **{"volume-id": other["id"], "volume-name": other["name"]}), "target": target(fleet)}})
    emulator.advance(60)
    result = emulator.run_fail("restore", **args(fleet))
    assert result["error_code"] == "target_exists"
    assert "is not the result of restoring a backup of volume {0}".format(fleet.volume["name"]) in result["msg"]


def test_allow_existing_target_accepts_the_volume_as_it_is(emulator, fleet):
    taken = fleet.taken["name"]
    result = emulator.run_ok("restore", **args(fleet, target_volume=taken, allow_existing_target=True,
                                               _ansible_diff=True))
    assert result["changed"] is False and emulator.writes() == []
    assert identity(result["volume"]) == restored_record(emulator, fleet.we["id"], taken, svm=fleet.svm)
    assert result["diff"]["before"] == result["diff"]["after"]
    assert "job" not in result


def test_a_volume_of_that_name_in_another_svm_is_no_obstacle(emulator, fleet):
    other_svm = next(v["svm"] for v in fleet.we["volume_list"] if v["svm"] != fleet.svm)
    emulator.control("POST", "volumes", {"working_environment_id": fleet.we["id"], "name": RESTORED, "svm": other_svm})
    emulator.run_ok("restore", **args(fleet))
    assert emulator.writes()[0]["body"]["restore"]["target"]["svm"] == fleet.svm


def test_a_file_restore_into_the_existing_volume_is_not_this_restore(emulator, fleet):
    emulator.api("POST", "v3", "restore", json={"restore": {
        "type": "file", "source": source(fleet), "target": target(fleet, fleet.taken["name"]),
        "file": [{"inode": 1, "path": "/README.txt", "type": "file", "size": 1, "mtime": 0}]}})
    emulator.advance(60)
    assert restore_jobs(emulator, fleet, "restore-files")[-1]["status"] == "COMPLETED"
    result = emulator.run_fail("restore", **args(fleet, target_volume=fleet.taken["name"]))
    assert result["option"] == "target_volume"


# --- archive storage ------------------------------------------------------------------------------

@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_archived_backup_without_priority_fails_naming_it_before_any_write(emulator, fleet, check_mode):
    _fresh, archived = archive_all_but_a_fresh_backup(emulator, fleet)
    result = emulator.run_fail("restore", **args(fleet, backup=archived["name"], _ansible_check_mode=check_mode))
    assert result["error_code"] == "invalid_option" and result["option"] == "archive_restore_priority"
    assert archived["name"] in result["msg"] and "High, Standard or Low" in result["msg"]
    assert emulator.writes() == []


def test_archive_priority_is_only_needed_for_an_archived_backup(emulator, fleet):
    fresh, _archived = archive_all_but_a_fresh_backup(emulator, fleet)
    emulator.run_ok("restore", **args(fleet))
    body = emulator.writes()[0]["body"]["restore"]
    assert body["source"]["snapshot"] == fresh["id"] and "archive-restore-priority" not in body


def test_archive_priority_choices_are_checked_by_the_argument_spec(emulator, fleet):
    emulator.clear_requests()
    result = emulator.run_fail("restore", **args(fleet, archive_restore_priority="Urgent"))
    assert "archive_restore_priority" in result["msg"] and emulator.requests() == []


# --- a restore whose volume shows before its job ends ----------------------------------------------
# On BlueXP the new volume may be listed while the restore job still copies data; the emulator
# creates it when the job completes, so this conversation is scripted.

def test_a_running_restore_whose_volume_already_exists_is_followed(fake, module_transport, monkeypatch, clock):
    monkeypatch.setattr(time, "sleep", clock.sleep)
    monkeypatch.setattr(time, "monotonic", clock.monotonic)
    we = {"id": "we-1", "name": "prod-east"}
    backup = {"id": "snap-4", "name": "vol_finance.daily.4", "creation-time": 1795827600000}
    restoring = {"id": "job-7", "status": "IN_PROGRESS", "error": "", "time": 1795900000000, "data": {"restore": {
        "type": "volume",
        "source": {"working-environment-id": "we-1", "volume-id": "fs-1", "snapshot": "snap-4"},
        "target": {"working-environment-id": "we-1", "svm": "svm1", "volume-name": RESTORED}}}}
    fake.add("GET", cbs_path("v1", "working-environment"), reply(200, {"working-environment": [we]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1", "volume"), reply(200, {"volume": [
        {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm1", "backup-status": "ON"}]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", "we-1", "volume", "fs-1", "snapshot"),
             reply(200, {"snapshot": [backup]}))
    fake.add("GET", cbs_path("v2", "working-environment", "we-1", "svm"), reply(200, {"svm": [{"name": "svm1"}]}))
    fake.add("GET", cbs_path("v1", "restore", "status"), reply(200, {"job": [restoring]}))
    fake.add("GET", cbs_path("v1", "working-environment", "we-1", "volume"), reply(200, {"volume": [
        {"name": RESTORED, "file-system-id": "fs-new", "svm": "svm1", "status": "online", "type": "rw"}]}))
    fake.add("GET", cbs_path("v1", "job", "job-7"), reply(200, {"job": [restoring]}),
             reply(200, {"job": [dict(restoring, status="COMPLETED")]}))
    result = run_ok(restore.main, dict(token=STATIC_TOKEN, account_id=ACCOUNT, connector_id=CONNECTOR,
                                       working_environment_name="prod-east", volume="vol_finance",
                                       target_svm="svm1", target_volume=RESTORED))
    assert [c.method for c in fake.api_calls if c.method != "GET"] == []
    assert result["job"]["id"] == "job-7" and result["job"]["status"] == "COMPLETED"
    assert result["volume"]["file_system_id"] == "fs-new"


# --- a rerun hours later, after new scheduled backups -----------------------------------------------
# Scheduled backups land here (an emulated hour is a minute, so a daily backup every 24 minutes); the
# first run restores the newest backup, and the rerun comes after the next scheduled one.

HOUR = 60
hourly = pytest.mark.emulator(backup_interval_s=HOUR, token_ttl_s=60 * DAY)


def past_the_next_scheduled_backup(emulator, fleet, before):
    emulator.advance(25 * HOUR)
    newest = emulator.api("GET", "v1", "backup", "working-environment", fleet.we["id"], "volume", fleet.volume["id"],
                          "snapshot")["snapshot"][0]
    assert newest["id"] != before["id"] and newest["creation-time"] > before["creation_time"]
    emulator.clear_requests()
    return newest


@hourly
def test_rerun_after_a_new_scheduled_backup_finds_the_earlier_restore(emulator, fleet):
    first = emulator.run_ok("restore", **args(fleet))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    again = emulator.run_ok("restore", **args(fleet))
    assert again["changed"] is False and emulator.writes() == []
    assert again["job"]["id"] == first["job"]["id"]
    assert again["source_backup"]["id"] == first["source_backup"]["id"]
    assert identity(again["volume"]) == identity(first["volume"])
    [job] = restore_jobs(emulator, fleet)
    assert again["already_restored"] == {
        "backup": first["source_backup"]["name"], "backup_id": first["source_backup"]["id"], "job_id": job["id"],
        "time": datetime.fromtimestamp(job["time"] / 1000, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}
    assert again["msg"] == "{0} already restored from {1} at {2} (job {3}); nothing was restored again.".format(
        RESTORED, first["source_backup"]["name"], again["already_restored"]["time"], job["id"])


@hourly
def test_rerun_in_check_mode_after_a_new_scheduled_backup_predicts_no_change(emulator, fleet):
    first = emulator.run_ok("restore", **args(fleet))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    plan = emulator.run_ok("restore", **args(fleet, _ansible_check_mode=True))
    assert plan["changed"] is False and plan["source_backup"]["id"] == first["source_backup"]["id"]
    assert plan["already_restored"]["job_id"] == first["job"]["id"]


@hourly
def test_rerun_with_newest_before_after_a_new_scheduled_backup_finds_the_earlier_restore(emulator, fleet):
    first = emulator.run_ok("restore", **args(fleet))
    newest = past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    again = emulator.run_ok("restore", **args(fleet, newest_before=iso(newest["creation-time"] + 1000, 0)))
    assert again["changed"] is False and emulator.writes() == []
    assert again["already_restored"]["job_id"] == first["job"]["id"]


def test_newest_before_does_not_accept_a_restore_of_a_backup_made_after_it(emulator, fleet):
    start_restore(emulator, fleet)
    emulator.advance(60)
    result = emulator.run_fail("restore", **args(fleet, newest_before=iso(fleet.backups[1]["creation-time"] + 1000, 0)))
    assert result["error_code"] == "target_exists" and emulator.writes() == []


@hourly
def test_rerun_naming_the_backup_restored_after_a_new_scheduled_backup_finds_it(emulator, fleet):
    first = emulator.run_ok("restore", **args(fleet, backup=fleet.newest["name"]))
    past_the_next_scheduled_backup(emulator, fleet, first["source_backup"])
    again = emulator.run_ok("restore", **args(fleet, backup=fleet.newest["id"]))
    assert again["changed"] is False and again["already_restored"]["job_id"] == first["job"]["id"]


# --- what is checked before any write ---------------------------------------------------------------

def test_a_volume_without_backups_fails_naming_volume_and_saying_it_exists(emulator):
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    bare = next(v for v in we["volume_list"] if v["backup_status"] is None)
    result = emulator.run_fail("restore", working_environment_name=we["name"], volume=bare["name"],
                               target_svm=bare["svm"], target_volume=RESTORED)
    assert result["error_code"] == "no_backup" and result["option"] == "volume"
    assert result["msg"].startswith("volume: volume {0!r} exists but has no backup".format(bare["name"]))
    assert emulator.writes() == []


@pytest.mark.parametrize("check_mode", [False, True], ids=["run", "check mode"])
def test_an_unknown_target_svm_fails_naming_target_svm_before_any_write(emulator, fleet, check_mode):
    result = emulator.run_fail("restore", **args(fleet, target_svm="svm_nowhere", _ansible_check_mode=check_mode))
    assert result["error_code"] == "svm_not_found" and result["option"] == "target_svm"
    assert result["msg"].startswith("target_svm: working environment {0} has no SVM 'svm_nowhere'; its SVMs: ".format(
        fleet.we["name"]))
    assert fleet.svm in result["msg"] and "changed" not in result
    assert emulator.writes() == []


@pytest.mark.parametrize("option, value", [("target_working_environment_name", "nowhere-01"),
                                           ("target_working_environment_id", "VsaWorkingEnvironment-nowhere")])
def test_an_unknown_target_working_environment_fails_naming_it_before_any_write(emulator, fleet, option, value):
    result = emulator.run_fail("restore", **args(fleet, **{option: value}))
    assert result["error_code"] == "working_environment_not_found" and result["option"] == option
    assert result["msg"].startswith(option + ":") and emulator.writes() == []
