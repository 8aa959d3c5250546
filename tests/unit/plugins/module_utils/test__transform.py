# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int, ints, iso_utc, snake, snake_keys


@pytest.mark.parametrize("name, expected", [
    ("working-environment-id", "working_environment_id"),
    ("multi-volume-backup", "multi_volume_backup"),
    ("accountPublicId", "account_public_id"),
    ("cbsChargingEnabled", "cbs_charging_enabled"),
    ("logicalUsedByAfs", "logical_used_by_afs"),
    ("keyDetails", "key_details"),
    ("volume2Id", "volume2_id"),
    ("file-system-id", "file_system_id"),
    ("already_snake", "already_snake"),
    ("id", "id"),
    ("ID", "id"),
    ("Status", "status"),
])
def test_snake(name, expected):
    assert snake(name) == expected


def test_snake_keys_recurses_into_dicts_and_lists():
    body = {
        "working-environment": [
            {"id": "we-1", "backupPolicy": {"archive-after-days": "30", "rule": [{"label": "daily"}]}},
        ],
        "num-records": 1,
    }
    assert snake_keys(body) == {
        "working_environment": [
            {"id": "we-1", "backup_policy": {"archive_after_days": "30", "rule": [{"label": "daily"}]}},
        ],
        "num_records": 1,
    }


def test_snake_keys_leaves_values_alone():
    assert snake_keys({"type": "backup-working-environment", "tags": ["camelCase", "kebab-case"]}) == {
        "type": "backup-working-environment", "tags": ["camelCase", "kebab-case"]}


@pytest.mark.parametrize("value", [None, "text", 3, 2.5, True, []])
def test_snake_keys_scalars_pass_through(value):
    assert snake_keys(value) == value


def test_snake_keys_does_not_modify_its_input():
    body = {"a-b": {"c-d": 1}}
    snake_keys(body)
    assert body == {"a-b": {"c-d": 1}}


def test_snake_keys_stringifies_non_string_keys():
    assert snake_keys({1: "x"}) == {"1": "x"}


@pytest.mark.parametrize("value, expected", [
    ("12", 12), (12, 12), ("0", 0), ("12.0", 12), (12.0, 12), (" 30 ", 30), ("-3", -3), ("+4", 4),
    (7.9, None), ("1.5", None), ("1e3", None), ("inf", None), ("1e999", None), (float("inf"), None),
    (float("nan"), None), (True, None), ("\u0661\u0662", None),
    ("", None), (None, None), ("n/a", None), ({}, None), ([], None),
])
def test_as_int_takes_only_plain_whole_numbers(value, expected):
    assert as_int(value) == expected


@pytest.mark.parametrize("epoch, unit, expected", [
    (1651852160000, "ms", "2022-05-06T15:49:20Z"), ("1651852160000", "ms", "2022-05-06T15:49:20Z"),
    (1651852160, "s", "2022-05-06T15:49:20Z"), (None, "ms", None), ("soon", "ms", None), (1e30, "ms", None),
    (True, "ms", None),
])
def test_iso_utc_is_the_one_time_format(epoch, unit, expected):
    assert iso_utc(epoch, unit) == expected


def test_ints_converts_named_counters_in_place():
    record = {"backed_up_volume_count": "4", "total_volumes_count": "12", "name": "42", "bucket": "b"}
    result = ints(record, ("backed_up_volume_count", "total_volumes_count", "failed_backup_volume_count"))
    assert result is record
    assert record == {"backed_up_volume_count": 4, "total_volumes_count": 12, "name": "42", "bucket": "b"}
    assert "failed_backup_volume_count" not in record, "absent counters are not invented"
