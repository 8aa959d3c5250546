# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def ms(iso):
    """Epoch milliseconds of an ISO 8601 time with a zone."""
    return int(datetime.fromisoformat(iso.replace("Z", "+00:00")).astimezone(timezone.utc).timestamp() * 1000)


SNAPSHOTS_PATH = cbs_path("v1", "backup", "working-environment", "we-1", "volume", "fs-1", "snapshot")

# Deliberately not in time order: the API gives no order guarantee.
BACKUPS = [
    {"id": "s-2", "name": "vol.daily.2", "creation-time": ms("2026-11-26T01:00:00Z")},
    {"id": "s-4", "name": "vol.daily.4", "creation-time": ms("2026-11-28T01:00:00Z")},
    {"id": "s-1", "name": "vol.daily.1", "creation-time": ms("2026-11-25T01:00:00Z")},
    {"id": "s-3", "name": "vol.daily.3", "creation-time": ms("2026-11-27T01:00:00Z")},
]
NEWEST_FIRST = sorted(BACKUPS, key=lambda b: b["creation-time"], reverse=True)


def names(records):
    return [r["name"] for r in records]


# --- listing --------------------------------------------------------------------------------------

def test_list_backups_newest_first(make_client, fake):
    fake.add("GET", SNAPSHOTS_PATH, reply(200, {"snapshot": BACKUPS}))
    assert names(backups.list_backups(make_client(), "we-1", "fs-1")) == [
        "vol.daily.4", "vol.daily.3", "vol.daily.2", "vol.daily.1"]
    assert [(c.method, c.path) for c in fake.calls] == [("GET", SNAPSHOTS_PATH)]


def test_backup_without_creation_time_sorts_last(make_client, fake):
    fake.add("GET", SNAPSHOTS_PATH, reply(200, {"snapshot": [{"id": "x", "name": "undated"}] + BACKUPS[:2]}))
    assert names(backups.list_backups(make_client(), "we-1", "fs-1")) == ["vol.daily.4", "vol.daily.2", "undated"]


@pytest.mark.parametrize("answer", [reply(404, {"message": "volume has no backups"}), reply(200, {"snapshot": []})],
                         ids=["404", "empty list"])
def test_volume_never_backed_up_has_no_backups(make_client, fake, answer):
    fake.add("GET", SNAPSHOTS_PATH, answer)
    assert backups.list_backups(make_client(), "we-1", "fs-1") == []


@pytest.mark.parametrize("answer", [reply(200, {}), reply(200), reply(200, {"snapshot": [{"name": "no id"}]}),
                                    reply(200, {"snapshot": [{"id": "b1", "creation-time": "yesterday"}]})],
                         ids=["no key", "no body", "no id", "text time"])
def test_a_backup_list_of_another_shape_is_no_empty_list(make_client, fake, answer):
    fake.add("GET", SNAPSHOTS_PATH, answer)
    with pytest.raises(UnexpectedAnswerError) as info:
        backups.list_backups(make_client(), "we-1", "fs-1")
    assert info.value.code == "unexpected_answer" and info.value.path == SNAPSHOTS_PATH


# --- times ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("value", [
    "2026-11-27T22:00:00Z",
    "2026-11-27T22:00:00+00:00",
    "2026-11-27T22:00:00",
    "2026-11-27 22:00:00",
    "2026-11-27T23:00:00+01:00",
    "2026-11-27T17:00:00-05:00",
    "  2026-11-27T22:00:00Z  ",
    "2026-11-27T22:00Z",
], ids=["Z", "+00:00", "naive is UTC", "space separator", "+01:00", "-05:00", "blanks", "no seconds"])
def test_parse_time_gives_utc_epoch_milliseconds(value):
    assert backups.parse_time("newest_before", value) == ms("2026-11-27T22:00:00Z") == 1795816800000


def test_parse_time_keeps_fractions_and_reads_a_date_as_utc_midnight():
    assert backups.parse_time("newest_before", "2026-11-27T22:00:00.250Z") == ms("2026-11-27T22:00:00Z") + 250
    assert backups.parse_time("newest_before", "2026-11-27") == ms("2026-11-27T00:00:00Z")


@pytest.mark.parametrize("value", [None, ""])
def test_parse_time_of_nothing_is_none(value):
    assert backups.parse_time("newest_before", value) is None


@pytest.mark.parametrize("option", ["newest_before", "created_after"])
@pytest.mark.parametrize("value", ["yesterday", "27/11/2026", "2026-13-01T00:00:00Z", "2026-11-27T25:00:00",
                                   "1796421600000"])
def test_parse_time_rejects_what_is_not_iso_8601_naming_the_option(option, value):
    with pytest.raises(ConfigurationError) as info:
        backups.parse_time(option, value)
    assert info.value.details["option"] == option
    assert info.value.msg.startswith(option + " must be an ISO 8601 time")
    assert repr(value) in info.value.msg


# --- choosing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("wanted, expected", [("vol.daily.2", "s-2"), ("s-3", "s-3"), ("vol.daily.4", "s-4")],
                         ids=["by name", "by id", "newest by name"])
def test_choose_by_name_or_id(wanted, expected):
    assert backups.choose(NEWEST_FIRST, wanted, None, "vol")["id"] == expected


def test_choose_the_newest_without_criteria():
    assert backups.choose(NEWEST_FIRST, None, None, "vol")["id"] == "s-4"


@pytest.mark.parametrize("before, expected", [
    ("2026-11-27T22:00:00Z", "s-3"),
    ("2026-11-27T01:00:00.001Z", "s-3"),
    ("2026-11-27T01:00:00Z", "s-2"),
    ("2030-01-01T00:00:00Z", "s-4"),
    ("2026-11-25T01:00:01Z", "s-1"),
], ids=["between", "just after", "exactly at a backup is not before it", "after all", "only the oldest"])
def test_choose_the_newest_before_a_time(before, expected):
    assert backups.choose(NEWEST_FIRST, None, ms(before), "vol")["id"] == expected


def test_nothing_before_the_time_fails_naming_newest_before():
    with pytest.raises(ConfigurationError) as info:
        backups.choose(NEWEST_FIRST, None, ms("2026-11-25T01:00:00Z"), "vol_finance")
    assert info.value.details["option"] == "newest_before"
    assert "vol_finance" in info.value.msg and "before newest_before" in info.value.msg


def test_a_volume_without_backups_fails_naming_volume():
    with pytest.raises(ConfigurationError) as info:
        backups.choose([], None, None, "vol_finance")
    assert info.value.details["option"] == "volume" and info.value.msg == "Volume vol_finance has no backup."


def test_unknown_backup_name_lists_the_newest_names():
    many = [{"id": "s-{0}".format(i), "name": "vol.hourly.{0}".format(i)} for i in range(9, 0, -1)]
    with pytest.raises(ConfigurationError) as info:
        backups.choose(many, "vol.hourly.99", None, "vol_finance")
    assert info.value.details["option"] == "backup"
    assert info.value.msg == ("backup: volume vol_finance has no backup named 'vol.hourly.99'; newest: "
                              "vol.hourly.9, vol.hourly.8, vol.hourly.7, vol.hourly.6, vol.hourly.5.")


def test_unknown_backup_name_of_a_volume_without_backups_says_none():
    with pytest.raises(ConfigurationError) as info:
        backups.choose([], "anything", None, "vol_finance")
    assert info.value.msg.endswith("newest: none.")


# --- resolving the source -------------------------------------------------------------------------

WE_PATH = cbs_path("v1", "working-environment")
BACKUP_VOLUMES_PATH = cbs_path("v1", "backup", "working-environment", "we-1", "volume")


@pytest.fixture
def source_api(fake):
    fake.add("GET", WE_PATH, reply(200, {"working-environment": [{"id": "we-1", "name": "prod-east"},
                                                                 {"id": "we-2", "name": "prod-west"}]}))
    fake.add("GET", BACKUP_VOLUMES_PATH, reply(200, {"volume": [
        {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm1"},
        {"file-system-id": "fs-9", "name": "vol_finance", "svm": "svm9"}]}))
    fake.add("GET", SNAPSHOTS_PATH, reply(200, {"snapshot": BACKUPS}))
    return fake


def selection(**extra):
    params = dict(working_environment_id=None, working_environment_name="prod-east", volume="vol_finance",
                  svm="svm1", backup=None, newest_before=None)
    params.update(extra)
    return params


@pytest.mark.parametrize("extra, expected", [
    ({}, "s-4"),
    ({"backup": "vol.daily.1"}, "s-1"),
    ({"backup": "s-2"}, "s-2"),
    ({"newest_before": "2026-11-26T12:00:00Z"}, "s-2"),
    ({"newest_before": "2026-11-26T12:00:00"}, "s-2"),
    ({"newest_before": "2026-11-26T02:30:00+02:00"}, "s-1"),
], ids=["newest", "name", "id", "newest before Z", "newest before naive UTC", "newest before with offset"])
def test_resolve_source(make_client, source_api, extra, expected):
    we, volume, backup = backups.resolve_source(make_client(), selection(**extra))
    assert we["id"] == "we-1" and volume["file-system-id"] == "fs-1" and backup["id"] == expected
    assert [c.path for c in source_api.calls] == [WE_PATH, BACKUP_VOLUMES_PATH, SNAPSHOTS_PATH]


def test_resolve_source_checks_the_time_before_any_request(make_client, source_api):
    with pytest.raises(ConfigurationError) as info:
        backups.resolve_source(make_client(), selection(newest_before="last tuesday"))
    assert info.value.details["option"] == "newest_before"
    assert source_api.calls == []


def test_resolve_source_volume_by_id_ignores_the_name_in_other_svms(make_client, source_api):
    _we, volume, _backup = backups.resolve_source(make_client(), selection(volume="fs-1", svm=None))
    assert volume["svm"] == "svm1"


def test_resolve_source_needs_svm_for_a_name_in_two_svms(make_client, source_api):
    with pytest.raises(ConfigurationError) as info:
        backups.resolve_source(make_client(), selection(svm=None))
    assert info.value.details["option"] == "svm"
    assert SNAPSHOTS_PATH not in [c.path for c in source_api.calls]
