# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import ransomware
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def test_start_scan_posts_to_the_backup_without_a_body(make_client, fake):
    path = cbs_path("v1", "ransomware", "working-environment", "we-1", "volume", "fs-1", "snapshot", "snap-1")
    fake.add("POST", path, reply(202, {"job-id": "job-1"}))
    assert ransomware.start_scan(make_client(), "we-1", "fs-1", "snap-1") == {"job-id": "job-1"}
    assert fake.calls[0].body is None


def test_scanned_backup_reads_that_one_backup(make_client, fake):
    path = cbs_path("v1", "backup", "working-environment", "we-1", "volume", "fs-1", "snapshot", "snap-1")
    fake.add("GET", path, reply(200, {"id": "snap-1", "ransomware-scan-status": "PROTECTED"}))
    backup = ransomware.scanned_backup(make_client(), "we-1", "fs-1", "snap-1")
    assert ransomware.verdict_of(backup) == "PROTECTED"


@pytest.mark.parametrize("record, verdict", [
    ({"ransomware-scan-status": "RANSOMWARE_DETECTED"}, "RANSOMWARE_DETECTED"),
    ({"ransomware-scan-status": "SCAN_IN_PROGRESS"}, "SCAN_IN_PROGRESS"),
    ({}, None),
])
def test_verdict_of(record, verdict):
    assert ransomware.verdict_of(record) == verdict
