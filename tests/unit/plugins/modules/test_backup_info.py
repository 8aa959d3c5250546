# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import types

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.modules import backup_info
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    install,
    module_args,
    ontap_volume,
    requests,
    snapshot,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    cbs_path,
    client_params,
    run_fail,
    run_ok,
)

main = backup_info.main

NOW = 1800000000  # 2027-01-15T08:00:00Z, seconds
HOUR = 3600 * 1000
DAY = 24 * HOUR


def ago(ms):
    return NOW * 1000 - ms


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    monkeypatch.setattr(backup_info, "time", types.SimpleNamespace(time=lambda: NOW))
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment(volumes=[ontap_volume("vol_a"), ontap_volume("vol_b"), ontap_volume("vol_c"),
                                 ontap_volume("shared", "svm1", "fs-shared-1"),
                                 ontap_volume("shared", "svm2", "fs-shared-2")])
    api.add_environment("we-2", "prod-west", volumes=[ontap_volume("vol_x")])
    api.add_environment("we-3", "lab", volumes=[ontap_volume("vol_l")])
    api.activate_environment()
    api.activate_environment("we-2")
    api.activate_environment("we-3", **{"backup-enablement-status": "OFF"})
    api.protect("fs-vol_a")
    api.protect("fs-vol_b")
    api.protect("fs-shared-1")
    api.protect("fs-shared-2")
    api.protect("fs-vol_x", we_id="we-2")
    api.snapshots[(WE_ID, "fs-vol_a")] = [snapshot("a-10d", ago(10 * DAY)), snapshot("a-1h", ago(HOUR)),
                                          snapshot("a-2d", ago(2 * DAY))]
    api.snapshots[(WE_ID, "fs-vol_b")] = [snapshot("b-8d", ago(8 * DAY)), snapshot("b-30h", ago(30 * HOUR))]
    api.snapshots[(WE_ID, "fs-shared-1")] = [snapshot("s1-3h", ago(3 * HOUR))]
    api.snapshots[(WE_ID, "fs-shared-2")] = []
    api.snapshots[("we-2", "fs-vol_x")] = [snapshot("x-5m", ago(5 * 60 * 1000), archived=True)]
    return api


def args(**extra):
    return module_args(**extra)


def names(result):
    return [b["name"] for b in result["backups"]]


def test_backups_of_named_volumes_newest_first_with_their_volume(cbs):
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["vol_b", "vol_a"]))
    assert result["changed"] is False
    assert names(result) == ["b-30h", "b-8d", "a-1h", "a-2d", "a-10d"]
    first = result["backups"][0]
    assert first["volume_id"] == "fs-vol_b" and first["volume_name"] == "vol_b" and first["svm"] == "svm1"
    assert first["working_environment_id"] == WE_ID and first["working_environment_name"] == WE_NAME
    assert first["creation_time"] == ago(30 * HOUR)
    assert first["created"] == "2027-01-14T02:00:00Z"
    assert first["size"] == 1073741824 and first["object_lock"] == "NONE"
    assert requests(cbs) == [
        ("GET", cbs_path("v1", "working-environment")),
        ("GET", cbs_path("v1", "backup", "working-environment", WE_ID, "volume")),
        ("GET", cbs_path("v1", "backup", "working-environment", WE_ID, "volume", "fs-vol_b", "snapshot")),
        ("GET", cbs_path("v1", "backup", "working-environment", WE_ID, "volume", "fs-vol_a", "snapshot"))]


def test_every_protected_volume_of_an_environment(cbs):
    result = run_ok(main, args(working_environment_id=WE_ID))
    assert sorted(names(result)) == sorted(["a-1h", "a-2d", "a-10d", "b-30h", "b-8d", "s1-3h"])
    assert all(c.method == "GET" for c in cbs.api_calls)


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
def test_newest_only_and_age_filters_against_a_fixed_now(cbs, filters, expected):
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["vol_a", "vol_b"], **filters))
    assert sorted(names(result)) == sorted(expected)


def test_age_boundary_is_inclusive(cbs):
    cbs.snapshots[(WE_ID, "fs-vol_a")] = [snapshot("exact", ago(36 * HOUR)), snapshot("older", ago(36 * HOUR + 1))]
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["vol_a"], max_age="36h"))
    assert names(result) == ["exact"]
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["vol_a"], min_age="36h"))
    assert names(result) == ["exact", "older"]


def test_gather_takes_now_from_the_caller(cbs, retry_policy):
    params = dict(working_environment_id=None, working_environment_name=WE_NAME, volumes=["vol_a"], svm=None,
                  newest_only=False, max_age="3d", min_age=None)
    client = _api.BlueXPClient(client_params(), transport=cbs, retry=retry_policy())
    assert [b["name"] for b in backup_info.gather(client, params, now=NOW)] == ["a-1h", "a-2d"]
    assert [b["name"] for b in backup_info.gather(client, params, now=NOW + 2 * 86400)] == ["a-1h"]
    assert [b["name"] for b in backup_info.gather(client, params, now=NOW - 86400)] == ["a-1h", "a-2d"]


@pytest.mark.parametrize("option, value", [
    ("max_age", "7"), ("max_age", "7days"), ("max_age", "-1d"), ("max_age", "1.5h"), ("min_age", "d"),
    ("min_age", "7s"), ("min_age", ""),
])
def test_bad_age_fails_before_any_request_naming_the_option(cbs, option, value):
    result = run_fail(main, args(working_environment_name=WE_NAME, **{option: value}))
    assert result["option"] == option and result["msg"].startswith(option)
    assert repr(value) in result["msg"]
    assert cbs.calls == []


@pytest.mark.parametrize("value, seconds", [("90m", 5400), ("36h", 129600), ("7d", 604800), ("2w", 1209600),
                                            ("0d", 0), (None, None)])
def test_parse_age(value, seconds):
    assert backup_info.parse_age("max_age", value) == seconds


def test_parse_age_error_names_the_option():
    with pytest.raises(ConfigurationError) as info:
        backup_info.parse_age("min_age", "yesterday")
    assert info.value.details["option"] == "min_age"


def test_volumes_without_a_working_environment_fail_before_any_request(cbs):
    result = run_fail(main, args(volumes=["vol_a"]))
    assert result["option"] == "volumes"
    assert "working_environment_id" in result["msg"] and "working_environment_name" in result["msg"]
    assert cbs.calls == []


def test_id_and_name_together_are_refused(cbs):
    result = run_fail(main, args(working_environment_id=WE_ID, working_environment_name=WE_NAME))
    assert "mutually exclusive" in result["msg"]
    assert cbs.calls == []


def test_unknown_volume_fails_with_close_names(cbs):
    result = run_fail(main, args(working_environment_name=WE_NAME, volumes=["vol_aa"]))
    assert result["option"] == "volumes" and "vol_a" in result["msg"] and result["missing"] == "vol_aa"


def test_unprotected_volume_is_unknown_here(cbs):
    result = run_fail(main, args(working_environment_name=WE_NAME, volumes=["vol_c"]))
    assert "vol_c" in result["msg"]


def test_volume_name_in_two_svms_needs_svm(cbs):
    result = run_fail(main, args(working_environment_name=WE_NAME, volumes=["shared"]))
    assert result["option"] == "svm" and "svm1" in result["msg"] and "svm2" in result["msg"]
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["shared"], svm="svm1"))
    assert names(result) == ["s1-3h"] and result["backups"][0]["svm"] == "svm1"


def test_without_environment_every_active_one_is_searched(cbs):
    result = run_ok(main, args(newest_only=True))
    assert sorted((b["working_environment_id"], b["name"]) for b in result["backups"]) == [
        (WE_ID, "a-1h"), (WE_ID, "b-30h"), (WE_ID, "s1-3h"), ("we-2", "x-5m")]
    paths = [p for _m, p in requests(cbs)]
    assert paths[:2] == [cbs_path("v1", "working-environment"), cbs_path("v1", "backup", "working-environment")]
    assert cbs_path("v1", "backup", "working-environment", "we-3", "volume") not in paths, "backup OFF is skipped"
    assert next(b for b in result["backups"] if b["name"] == "x-5m")["archived"] is True


def test_single_environment_account_reads_its_backup_status_alone(cbs):
    cbs.environments[:] = cbs.environments[1:2]
    result = run_ok(main, args())
    assert names(result) == ["x-5m"]
    assert requests(cbs)[:2] == [("GET", cbs_path("v1", "working-environment")),
                                 ("GET", cbs_path("v1", "backup", "working-environment", "we-2"))]


def test_no_backup_anywhere_is_an_empty_list(cbs):
    cbs.activations.clear()
    result = run_ok(main, args())
    assert result == {"changed": False, "backups": []}


def test_check_mode_is_the_same_read(cbs):
    result = run_ok(main, args(working_environment_name=WE_NAME, volumes=["vol_a"], newest_only=True,
                               _ansible_check_mode=True))
    assert names(result) == ["a-1h"]
