# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

VOLUMES = [
    {"name": "vol_finance", "file-system-id": "fs-1", "svm": "svm1"},
    {"name": "vol_hr", "file-system-id": "fs-2", "svm": "svm1"},
    {"name": "vol_sales", "file-system-id": "fs-3", "svm": "svm1"},
    {"name": "shared", "file-system-id": "fs-4", "svm": "svm1"},
    {"name": "shared", "file-system-id": "fs-5", "svm": "svm2"},
    {"name": "vol_finance_old", "file-system-id": "fs-6", "svm": "svm2"},
]


def ids(picked):
    return [v["file-system-id"] for v in picked]


# --- listing --------------------------------------------------------------------------------------

LISTINGS = pytest.mark.parametrize("function, path", [
    (vols.list_ontap_volumes, cbs_path("v1", "working-environment", "we-1", "volume")),
    (vols.list_backup_volumes, cbs_path("v1", "backup", "working-environment", "we-1", "volume")),
])


@LISTINGS
@pytest.mark.parametrize("answer, expected", [
    (reply(200, {"volume": [{"name": "a", "file-system-id": "fs-a"}]}), [{"name": "a", "file-system-id": "fs-a"}]),
    (reply(200, {"volume": []}), []),
])
def test_listing(make_client, fake, function, path, answer, expected):
    fake.add("GET", path, answer)
    assert function(make_client(), "we-1") == expected
    assert [c.path for c in fake.calls] == [path]


@LISTINGS
@pytest.mark.parametrize("answer, problem", [
    (reply(200, {}), "expected a list at 'volume', got no such field"),
    (reply(200), "expected an object with a list under 'volume', got an empty answer or null"),
    (reply(200, [{"name": "a"}]), "expected an object with a list under 'volume', got a list"),
    (reply(200, {"volume": [{"name": "a"}]}), "expected a string at 'volume[0].file-system-id', got no such field"),
    (reply(200, {"volume": [{"file-system-id": "fs-a", "svm": ["svm1"]}]}),
     "expected a string at 'volume[0].svm', got a list"),
])
def test_a_listing_of_another_shape_is_no_empty_list(make_client, fake, function, path, answer, problem):
    fake.add("GET", path, answer)
    with pytest.raises(UnexpectedAnswerError) as info:
        function(make_client(), "we-1")
    assert info.value.msg == "GET {0} answered with an unexpected shape: {1}.".format(path, problem)
    assert info.value.to_result() == {"msg": info.value.msg, "error_code": "unexpected_answer", "method": "GET",
                                      "path": path}


# --- pick -----------------------------------------------------------------------------------------

@pytest.mark.parametrize("wanted, svm, expected", [
    (["vol_hr"], None, ["fs-2"]),
    (["vol_sales", "vol_finance"], None, ["fs-3", "fs-1"]),
    (["fs-3"], None, ["fs-3"]),
    (["fs-2", "vol_hr", "fs-2"], None, ["fs-2"]),
    (["shared"], "svm2", ["fs-5"]),
    (["shared"], "svm1", ["fs-4"]),
    (["fs-4"], "svm2", ["fs-4"]),
    ([], None, []),
], ids=["name", "order kept", "id", "same volume once", "svm2", "svm1", "id ignores svm", "none"])
def test_pick(wanted, svm, expected):
    assert ids(vols.pick(VOLUMES, wanted, svm)) == expected


def test_name_in_several_svms_needs_svm():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["vol_hr", "shared"], None)
    assert info.value.details["option"] == "svm"
    assert "'shared'" in info.value.msg and "svm1, svm2" in info.value.msg and "set svm" in info.value.msg


def test_unknown_name_lists_close_names():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["vol_finanse"], None)
    assert info.value.msg.startswith("volumes: no volume 'vol_finanse'")
    assert "close names: vol_finance" in info.value.msg
    assert info.value.details == {"option": "volumes", "missing": "vol_finanse"}


def test_close_names_come_from_the_svm_asked_for():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["vol_finance"], "svm2")
    assert "in SVM svm2" in info.value.msg
    assert "vol_finance_old" in info.value.msg and "close names: vol_finance_old" in info.value.msg


def test_unknown_name_without_close_names():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["zzzz"], None)
    assert "close names" not in info.value.msg


def test_option_name_is_the_callers():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["nope"], None, option="volume")
    assert info.value.msg.startswith("volume: ") and info.value.details["option"] == "volume"


# --- protection -----------------------------------------------------------------------------------

@pytest.mark.parametrize("record, expected", [
    (None, {"state": "unprotected", "policy": None, "backups": 0}),
    ({}, {"state": "unprotected", "policy": None, "backups": 0}),
    ({"backup-status": "OFF", "snapshot-count": "3"}, {"state": "unprotected", "policy": None, "backups": 0}),
    ({"backup-status": "", "backup-policy": {"name": "gold"}}, {"state": "unprotected", "policy": None, "backups": 0}),
    ({"name": "vol", "backup-status": None}, {"state": "unprotected", "policy": None, "backups": 0}),
    ({"backup-status": "ON", "backup-policy": {"name": "gold"}, "snapshot-count": "7"},
     {"state": "protected", "policy": "gold", "backups": 7}),
    ({"backup-status": "PAUSED", "backup-policy": {"name": "gold"}, "snapshot-count": 2},
     {"state": "paused", "policy": "gold", "backups": 2}),
    ({"backup-status": "ON"}, {"state": "protected", "policy": None, "backups": 0}),
], ids=["none", "empty", "off", "blank", "ontap record", "on", "paused", "on without details"])
def test_protection_of(record, expected):
    assert vols.protection_of(record) == expected


# --- writes ---------------------------------------------------------------------------------------

def test_enable_one_volume_uses_the_v3_single_volume_call(make_client, fake):
    path = cbs_path("v3", "backup", "working-environment", "we-1", "volume", "fs-1")
    fake.add("POST", path, reply(202, {"job-id": "j-1"}))
    assert vols.enable(make_client(), "we-1", ["fs-1"], "gold") == {"job-id": "j-1"}
    [call] = fake.calls
    assert (call.method, call.path) == ("POST", path)
    assert call.body == {"mode": "SCHEDULED", "backup-policy": {"name": "gold"}}


def test_enable_several_volumes_uses_the_v2_multi_volume_call(make_client, fake):
    path = cbs_path("v2", "backup", "working-environment", "we-1", "volume")
    fake.add("POST", path, reply(202, {"job-id": "j-1"}))
    vols.enable(make_client(), "we-1", ["fs-2", "fs-1", "fs-3"], "gold")
    [call] = fake.calls
    assert (call.method, call.path) == ("POST", path)
    assert call.body == {"volume": [{"volume-id": vid, "mode": "SCHEDULED", "backup-policy": {"name": "gold"}}
                                    for vid in ("fs-2", "fs-1", "fs-3")]}


@pytest.mark.parametrize("change, body", [
    ({"id": "fs-1", "state": "PAUSE"}, {"state": "PAUSE"}),
    ({"id": "fs-1", "state": "RESUME", "policy": "gold"}, {"state": "RESUME", "backup-policy": {"name": "gold"}}),
    ({"id": "fs-1", "state": None, "policy": "silver"}, {"backup-policy": {"name": "silver"}}),
])
def test_modify_one_volume_is_a_single_put(make_client, fake, change, body):
    path = cbs_path("v1", "backup", "working-environment", "we-1", "volume", "fs-1")
    fake.add("PUT", path, reply(200, {"state": "SUCCESS"}))
    assert vols.modify(make_client(), "we-1", [change]) == {"state": "SUCCESS"}
    assert [(c.method, c.path, c.body) for c in fake.calls] == [("PUT", path, body)]


def test_modify_several_volumes_is_one_batch_put(make_client, fake):
    path = cbs_path("v1", "backup", "working-environment", "we-1", "volume")
    fake.add("PUT", path, reply(202, {"job-id": "j-9"}))
    vols.modify(make_client(), "we-1", [{"id": "fs-1", "state": "PAUSE", "policy": None},
                                        {"id": "fs-2", "state": None, "policy": "gold"}])
    [call] = fake.calls
    assert call.body == {"volume": [{"state": "PAUSE", "file-system-id": "fs-1"},
                                    {"backup-policy": {"name": "gold"}, "file-system-id": "fs-2"}]}


def test_delete_backups_and_remove_settings_paths(make_client, fake):
    base = ("v1", "backup", "working-environment", "we-1", "volume", "fs-1")
    fake.add("DELETE", cbs_path(*base, "snapshot"), reply(202, {"job-id": "j-1"}))
    fake.add("DELETE", cbs_path(*base), reply(202, {"job-id": "j-2"}))
    client = make_client()
    assert vols.delete_backups(client, "we-1", "fs-1") == {"job-id": "j-1"}
    assert vols.remove_settings(client, "we-1", "fs-1") == {"job-id": "j-2"}
    assert [(c.method, c.path, c.body) for c in fake.calls] == [("DELETE", cbs_path(*base, "snapshot"), None),
                                                                ("DELETE", cbs_path(*base), None)]


# --- error codes ----------------------------------------------------------------------------------

def test_unknown_name_is_volume_not_found():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["vol_finanse"], None)
    assert info.value.code == "volume_not_found"


def test_name_in_several_svms_is_an_option_error():
    with pytest.raises(ConfigurationError) as info:
        vols.pick(VOLUMES, ["shared"], None)
    assert info.value.code == "invalid_option"


BACKUP_VOLUMES = cbs_path("v1", "backup", "working-environment", "we-1", "volume")
ONTAP_VOLUMES = cbs_path("v1", "working-environment", "we-1", "volume")


@pytest.fixture
def backed_up(fake):
    """fs-1 (vol_finance) and fs-5 (shared in svm2) are backed up; the others only exist."""
    fake.add("GET", BACKUP_VOLUMES, reply(200, {"volume": [VOLUMES[0], VOLUMES[4]]}))
    fake.add("GET", ONTAP_VOLUMES, reply(200, {"volume": VOLUMES}))
    return fake


@pytest.mark.parametrize("wanted, svm, expected", [
    (["vol_finance"], None, ["fs-1"]),
    (["shared"], None, ["fs-5"]),
    (["fs-5", "vol_finance"], None, ["fs-5", "fs-1"]),
], ids=["name", "name backed up in one SVM only", "id"])
def test_pick_backed_up_reads_only_the_backed_up_volumes(make_client, backed_up, wanted, svm, expected):
    assert ids(vols.pick_backed_up(make_client(), "we-1", wanted, svm)) == expected
    assert [c.path for c in backed_up.calls] == [BACKUP_VOLUMES]


@pytest.mark.parametrize("wanted, svm", [(["vol_hr"], None), (["fs-2"], None), (["shared"], "svm1"),
                                         (["fs-4"], "svm2")],
                         ids=["name", "id", "name in the SVM asked for", "id whatever the SVM"])
def test_a_volume_that_exists_without_backup_is_no_backup(make_client, backed_up, wanted, svm):
    with pytest.raises(ConfigurationError) as info:
        vols.pick_backed_up(make_client(), "we-1", wanted, svm, option="volume")
    assert info.value.code == "no_backup"
    assert info.value.details == {"option": "volume", "missing": wanted[0]}
    assert "volume {0!r}".format(wanted[0]) in info.value.msg and "exists but has no backup" in info.value.msg
    assert [c.path for c in backed_up.calls] == [BACKUP_VOLUMES, ONTAP_VOLUMES]


@pytest.mark.parametrize("wanted, svm", [(["vol_finanse"], None), (["vol_hr"], "svm2")],
                         ids=["typo", "exists in another SVM only"])
def test_a_volume_that_does_not_exist_is_volume_not_found(make_client, backed_up, wanted, svm):
    with pytest.raises(ConfigurationError) as info:
        vols.pick_backed_up(make_client(), "we-1", wanted, svm)
    assert info.value.code == "volume_not_found"
    assert info.value.msg.startswith("volumes: no volume {0!r}".format(wanted[0]))


def test_pick_backed_up_keeps_the_svm_question(make_client, fake):
    fake.add("GET", BACKUP_VOLUMES, reply(200, {"volume": VOLUMES}))
    with pytest.raises(ConfigurationError) as info:
        vols.pick_backed_up(make_client(), "we-1", ["shared"], None)
    assert info.value.details["option"] == "svm" and info.value.code == "invalid_option"
    assert [c.path for c in fake.calls] == [BACKUP_VOLUMES]
