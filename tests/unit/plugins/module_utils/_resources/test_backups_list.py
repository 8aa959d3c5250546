# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The one backup list (and its 404 rule), taking and deleting one backup, the error codes of choosing
one, and the record backup_info lists."""

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

VOLUME = ("v1", "backup", "working-environment", "we-1", "volume", "fs-1")
SNAPSHOTS = cbs_path(*VOLUME, "snapshot")
BACKUPS = [
    {"id": "s-1", "name": "vol.daily.1", "creation-time": 1795816800000},
    {"id": "s-2", "name": "vol.daily.2", "creation-time": 1795903200000},
]


def test_a_404_is_a_volume_without_backups(make_client, fake):
    fake.add("GET", SNAPSHOTS, reply(404, {"message": "Volume fs-1 has no backup in working environment we-1"}))
    assert backups.list_backups(make_client(), "we-1", "fs-1") == []
    assert [(c.method, c.path) for c in fake.calls] == [("GET", SNAPSHOTS)]


@pytest.mark.parametrize("status", [400, 403, 500])
def test_other_errors_are_raised(make_client, fake, status):
    fake.add("GET", SNAPSHOTS, reply(status, {"message": "no"}))
    with pytest.raises(ApiError) as info:
        backups.list_backups(make_client(retry=None), "we-1", "fs-1")
    assert info.value.status == status


def test_named_finds_the_exact_name_only():
    assert backups.named(BACKUPS, "vol.daily.2")["id"] == "s-2"
    assert backups.named(BACKUPS, "vol.daily") is None
    assert backups.named(BACKUPS, "s-1") is None, "names only: an ID is not a name"


@pytest.mark.parametrize("label, details", [
    (None, {"name": "before-upgrade"}),
    ("weekly", {"name": "before-upgrade", "snapmirrorLabel": "weekly"}),
])
def test_take_names_the_on_demand_backup(make_client, fake, label, details):
    path = cbs_path("v3", *VOLUME[1:])
    fake.add("POST", path, reply(202, {"job-id": "j-1"}))
    assert backups.take(make_client(), "we-1", "fs-1", "before-upgrade", label) == {"job-id": "j-1"}
    assert [(c.method, c.path, c.body) for c in fake.calls] == [
        ("POST", path, {"mode": "AD_HOC", "adhoc-backup-details": details})]


def test_delete_one_backup(make_client, fake):
    fake.add("DELETE", cbs_path(*VOLUME, "snapshot", "s-1"), reply(200, {}))
    backups.delete(make_client(), "we-1", "fs-1", "s-1")
    assert [(c.method, c.path) for c in fake.calls] == [("DELETE", cbs_path(*VOLUME, "snapshot", "s-1"))]


@pytest.mark.parametrize("available, wanted, before_ms, code, option", [
    (BACKUPS, "nope", None, "backup_not_found", "backup"),
    ([], "nope", None, "backup_not_found", "backup"),
    ([], None, None, "no_backup", "volume"),
    (BACKUPS, None, 1795816800000, "no_backup", "newest_before"),
], ids=["unknown name", "unknown name, no backups", "no backups", "none before the time"])
def test_choose_fails_with_the_code_roles_branch_on(available, wanted, before_ms, code, option):
    with pytest.raises(ConfigurationError) as info:
        backups.choose(available, wanted, before_ms, "vol_finance")
    assert info.value.code == code and info.value.to_result()["error_code"] == code
    assert info.value.details["option"] == option


def test_listed_record():
    we = {"id": "we-1", "name": "prod-east"}
    volume = {"file-system-id": "fs-1", "name": "vol_finance", "svm": "svm1"}
    record = backups.listed(we, volume, dict(BACKUPS[0], **{"ransomware-scan-status": "PROTECTED"}))
    assert record == {"id": "s-1", "name": "vol.daily.1", "creation_time": 1795816800000,
                      "created": "2026-11-27T22:00:00Z", "ransomware_scan_status": "PROTECTED",
                      "volume_id": "fs-1", "volume_name": "vol_finance", "svm": "svm1",
                      "working_environment_id": "we-1", "working_environment_name": "prod-east"}


def test_listed_record_without_creation_time():
    record = backups.listed({"id": "we-1"}, {"file-system-id": "fs-1"}, {"id": "s-9"})
    assert record["created"] is None and record["working_environment_name"] is None
