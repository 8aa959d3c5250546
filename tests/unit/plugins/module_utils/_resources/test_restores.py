# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import UnexpectedAnswerError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import restores
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

STATUS_PATH = cbs_path("v1", "restore", "status")
BACKUP = {"id": "snap-7", "name": "vol_finance.daily.7", "creation-time": 1700000000000}
SOURCE = {"working-environment-id": "we-1", "working-environment-name": "prod-east", "bucket": "bkt",
          "volume-id": "fs-1", "volume-name": "vol_finance", "snapshot": "snap-7"}
VOLUME = {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm1"}
ORIGIN = restores.exactly("we-1", VOLUME, BACKUP)
TARGET = {"working-environment-id": "we-2", "working-environment-name": "dr-west", "svm": "svm_dr",
          "volume-name": "vol_finance_restored"}


def job(kind="volume", snapshot="snap-7", target=None, batches=None, files=None, status="COMPLETED"):
    restore = {"type": kind, "source": dict(SOURCE, snapshot=snapshot), "target": dict(TARGET, **(target or {}))}
    if batches is not None:
        restore["batch"] = [{"id": "b{0}".format(i), "status": "SUCCESS", "file": [{"path": p} for p in paths]}
                            for i, paths in enumerate(batches)]
    if files is not None:
        restore["file"] = [{"inode": 1, "path": p, "type": "FILE", "size": 1, "mtime": 1} for p in files]
    return {"id": "job-1", "status": status, "error": "", "time": 1700000000000, "data": {"restore": restore}}


# --- restore jobs ---------------------------------------------------------------------------------

def test_restore_jobs_reads_the_restore_status_list(make_client, fake):
    fake.add("GET", STATUS_PATH, reply(200, {"job": [job(), job(status="IN_PROGRESS")]}))
    assert [j["status"] for j in restores.restore_jobs(make_client())] == ["COMPLETED", "IN_PROGRESS"]
    assert [(c.method, c.path) for c in fake.calls] == [("GET", STATUS_PATH)]


def test_no_restore_jobs(make_client, fake):
    fake.add("GET", STATUS_PATH, reply(200, {"job": []}))
    assert restores.restore_jobs(make_client()) == []


@pytest.mark.parametrize("answer", [reply(200), reply(200, {}), reply(200, {"job": None}),
                                    reply(200, {"job": [dict(job(), data={"restore": {"file": [{"path": ["/a"]}]}})]})])
def test_restore_jobs_of_another_shape_are_no_empty_list(make_client, fake, answer):
    fake.add("GET", STATUS_PATH, answer)
    with pytest.raises(UnexpectedAnswerError, match="restore/status answered with an unexpected shape"):
        restores.restore_jobs(make_client())


# --- same restore ---------------------------------------------------------------------------------

@pytest.mark.parametrize("record, expected", [
    (job(), True),
    (job(snapshot="vol_finance.daily.7"), True),
    (job(kind="VOLUME"), True),
    (job(snapshot="snap-6"), False),
    (job(target={"working-environment-id": "we-1"}), False),
    (job(target={"volume-name": "vol_other"}), False),
    (job(kind="file", batches=[["/a"]]), False),
    ({"id": "job-1", "status": "COMPLETED"}, False),
], ids=["same", "snapshot by name", "type in capitals", "other backup", "other environment", "other volume",
        "a file restore", "no data"])
def test_same_volume_restore(record, expected):
    assert restores.same_restore(record, ORIGIN, "we-2", "vol_finance_restored") is expected


@pytest.mark.parametrize("batches, expected", [
    ([["/fin/a.xlsx", "/fin/b.xlsx"]], True),
    ([["/fin/b.xlsx"], ["/fin/a.xlsx"]], True),
    ([["/fin/a.xlsx"]], False),
    ([["/fin/a.xlsx", "/fin/b.xlsx", "/fin/c.xlsx"]], False),
    ([], False),
], ids=["same files", "across batches in another order", "fewer files", "more files", "no batches"])
def test_same_file_restore_compares_the_set_of_paths(batches, expected):
    record = job(kind="file", batches=batches)
    assert restores.same_restore(record, ORIGIN, "we-2", "vol_finance_restored",
                                 ["/fin/a.xlsx", "/fin/b.xlsx"]) is expected


def test_a_volume_restore_is_not_the_same_as_a_file_restore():
    assert restores.same_restore(job(), ORIGIN, "we-2", "vol_finance_restored", ["/fin/a.xlsx"]) is False


def test_same_file_restore_reads_the_files_of_restore_status():
    record = job(kind="file", files=["/fin/a.xlsx", "/fin/b.xlsx"])
    assert restores.same_restore(record, ORIGIN, "we-2", "vol_finance_restored", ["/fin/a.xlsx", "/fin/b.xlsx"])


def test_a_file_restore_from_restore_status_is_not_a_volume_restore():
    record = job(kind="file", files=["/fin/a.xlsx"])
    assert restores.same_restore(record, ORIGIN, "we-2", "vol_finance_restored") is False


# --- request body ---------------------------------------------------------------------------------

def test_source_block_has_every_field_the_spec_requires():
    we = {"id": "we-1", "name": "prod-east"}
    volume = {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm1"}
    assert restores.source_block(we, volume, BACKUP, "netapp-backup-we-1") == {
        "working-environment-id": "we-1", "working-environment-name": "prod-east", "bucket": "netapp-backup-we-1",
        "volume-name": "vol_finance", "volume-id": "fs-1", "snapshot": "snap-7"}


def test_source_block_sends_empty_strings_rather_than_leaving_required_fields_out():
    block = restores.source_block({"id": "we-1"}, {"file-system-id": "fs-1"}, BACKUP, None)
    assert block["working-environment-name"] == "" and block["volume-name"] == "" and block["bucket"] == ""
    assert set(block) == {"working-environment-id", "working-environment-name", "bucket", "volume-name",
                          "volume-id", "snapshot"}


@pytest.mark.parametrize("extra, expected", [
    ({}, {}),
    ({"path": "/restored"}, {"path": "/restored"}),
    ({"aggregates": ["aggr1", "aggr2"]}, {"aggregates": ["aggr1", "aggr2"]}),
    ({"path": None, "aggregates": []}, {}),
], ids=["plain", "path", "aggregates", "empty values left out"])
def test_target_block(extra, expected):
    block = restores.target_block({"id": "we-2", "name": "dr-west"}, "svm_dr", "vol_x", **extra)
    assert block == dict({"working-environment-id": "we-2", "working-environment-name": "dr-west",
                          "svm": "svm_dr", "volume-name": "vol_x"}, **expected)


def test_target_block_copies_the_aggregates():
    aggregates = ["aggr1"]
    block = restores.target_block({"id": "we-2"}, "svm_dr", "vol_x", aggregates=aggregates)
    aggregates.append("aggr2")
    assert block["aggregates"] == ["aggr1"]


def test_start_posts_the_v3_restore_wrapped_in_restore(make_client, fake):
    fake.add("POST", cbs_path("v3", "restore"), reply(202, {"job-id": "job-9"}))
    body = {"type": "volume", "source": SOURCE, "target": TARGET}
    assert restores.start(make_client(), body) == {"job-id": "job-9"}
    [call] = fake.calls
    assert (call.method, call.path, call.body) == ("POST", cbs_path("v3", "restore"), {"restore": body})


# --- what a rerun looks for -----------------------------------------------------------------------

def test_earlier_splits_this_restores_jobs_into_completed_and_running(make_client, fake):
    other = dict(job(snapshot="snap-6"), id="job-other")
    running = dict(job(status="IN_PROGRESS"), id="job-running")
    failed = dict(job(status="FAILED"), id="job-failed")
    fake.add("GET", STATUS_PATH, reply(200, {"job": [job(), other, running, failed]}))
    done, going = restores.earlier(make_client(), ORIGIN, "we-2", "vol_finance_restored", target_svm="svm_dr")
    assert [j["id"] for j in done] == ["job-1"]
    assert [j["id"] for j in going] == ["job-running"]


def test_earlier_file_restore_compares_paths_and_target_path(make_client, fake):
    record = job(kind="file", files=["/a", "/b"], target={"path": "/restored"})
    fake.add("GET", STATUS_PATH, reply(200, {"job": [record]}))
    client = make_client()
    assert restores.earlier(client, ORIGIN, "we-2", "vol_finance_restored", ["/b", "/a"], target_path="/restored")[0]
    assert restores.earlier(client, ORIGIN, "we-2", "vol_finance_restored", ["/a"], target_path="/restored") == ([], [])
    assert restores.earlier(client, ORIGIN, "we-2", "vol_finance_restored", ["/a", "/b"]) == ([], [])


def test_target_volume_matches_name_and_svm(make_client, fake):
    fake.add("GET", cbs_path("v1", "working-environment", "we-2", "volume"), reply(200, {"volume": [
        {"name": "vol_x", "svm": "svm_a", "file-system-id": "fs-a"},
        {"name": "vol_x", "svm": "svm_b", "file-system-id": "fs-b"}]}))
    client = make_client()
    assert restores.target_volume(client, "we-2", "svm_b", "vol_x")["file-system-id"] == "fs-b"
    assert restores.target_volume(client, "we-2", "svm_c", "vol_x") is None
    assert restores.target_volume(client, "we-2", "svm_a", "vol_y") is None


# --- which earlier restores count -----------------------------------------------------------------

LISTED = [{"id": "snap-8", "name": "vol_finance.daily.8", "creation-time": 1700086400000}, BACKUP,
          {"id": "snap-6", "name": "vol_finance.daily.6", "creation-time": 1699913600000}]


@pytest.mark.parametrize("params, snapshot, expected", [
    ({"backup": "vol_finance.daily.7"}, "snap-7", True),
    ({"backup": "vol_finance.daily.7"}, "snap-6", False),
    ({}, "snap-6", True),
    ({}, "snap-gone", True),
    ({"newest_before": "2023-11-15T00:00:00Z"}, "snap-7", True),
    ({"newest_before": "2023-11-15T00:00:00Z"}, "snap-8", False),
    ({"newest_before": "2023-11-15T00:00:00Z"}, "snap-gone", True),
], ids=["named", "named, another backup", "newest, an older backup", "newest, a backup no longer listed",
        "newest before, a backup before", "newest before, a backup after", "newest before, no longer listed"])
def test_origin_accepts_the_backups_the_selection_allows(params, snapshot, expected):
    source = restores.origin("we-1", VOLUME, LISTED, BACKUP, params)
    assert restores.same_restore(job(snapshot=snapshot), source, "we-2", "vol_finance_restored") is expected


@pytest.mark.parametrize("changes, expected", [
    ({"volume-id": "fs-2"}, False),
    ({"working-environment-id": "we-9"}, False),
    ({"volume-id": None}, True),
    ({"volume-id": None, "volume-name": "vol_other"}, False),
    ({"volume-id": None, "volume-name": None}, False),
], ids=["another volume", "another environment", "by volume name", "another volume name", "no volume named"])
def test_an_implicit_origin_needs_the_same_source_volume(changes, expected):
    record = job(snapshot="snap-6")
    source_block = record["data"]["restore"]["source"]
    for key, value in changes.items():
        source_block.pop(key) if value is None else source_block.update({key: value})
    assert restores.same_restore(record, restores.origin("we-1", VOLUME, LISTED, BACKUP, {}), "we-2",
                                 "vol_finance_restored") is expected


def test_earlier_lists_the_jobs_oldest_first(make_client, fake):
    newer, older = dict(job(), id="job-new", time=1700000900000), dict(job(), id="job-old", time=1700000100000)
    fake.add("GET", STATUS_PATH, reply(200, {"job": [newer, older]}))
    done, _going = restores.earlier(make_client(), ORIGIN, "we-2", "vol_finance_restored")
    assert [j["id"] for j in done] == ["job-old", "job-new"]


def test_restored_from_and_already_restored():
    record = job(snapshot="snap-6")
    assert restores.restored_from(record, LISTED) is LISTED[2]
    assert restores.restored_from(job(snapshot="snap-gone"), LISTED) == {"id": "snap-gone"}
    assert restores.already_restored(record, LISTED[2]) == {
        "backup": "vol_finance.daily.6", "backup_id": "snap-6", "time": "2023-11-14T22:13:20Z", "job_id": "job-1"}
