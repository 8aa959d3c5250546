# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.newest_common_backup import (
    FilterModule, newest_common_backup)

DAY_MS = 86_400_000
T1, T2, T3 = 1_800_000_000_000, 1_800_000_000_000 + DAY_MS, 1_800_000_000_000 + 2 * DAY_MS


def found(path: str, newest_ms: int | None) -> dict[str, Any]:
    """A file as catalog_search_info returns it: the creation time of the newest backup that holds it."""
    hit: dict[str, Any] = {"path": path, "volume_id": "fs-1", "volume_name": "vol_a"}
    if newest_ms is not None:
        hit["latest_snapshot_creation_time"] = newest_ms
    return hit


# backup_info lists a volume's backups newest first.
BACKUPS = {"changed": False, "backups": [
    {"id": "b3", "name": "daily.3", "creation_time": T3},
    {"id": "b2", "name": "daily.2", "creation_time": T2},
    {"id": "b1", "name": "daily.1", "creation_time": T1},
]}


def test_the_oldest_of_the_files_newest_backups():
    # /old.txt was deleted after daily.2: only daily.2 and older hold both files.
    assert newest_common_backup([found("/new.txt", T3), found("/old.txt", T2)], BACKUPS) == "b2"
    assert newest_common_backup([found("/new.txt", T3)], BACKUPS) == "b3"
    assert newest_common_backup([found("/a", T3), found("/b", T1), found("/c", T2)], BACKUPS["backups"]) == "b1"


def test_empty_when_there_is_nothing_to_choose_from():
    # A backup no longer listed (expired), no file, no time, or backup_info skipped (a backup was named).
    assert newest_common_backup([found("/a", T1 - DAY_MS)], BACKUPS) == ""
    assert newest_common_backup([], BACKUPS) == ""
    assert newest_common_backup([found("/a", None)], BACKUPS) == ""
    assert newest_common_backup([found("/a", T2)], {"changed": False, "skipped": True}) == ""
    assert newest_common_backup([found("/a", T2)], None) == ""


def test_a_file_without_a_time_does_not_decide():
    assert newest_common_backup([found("/a", None), found("/b", T2)], BACKUPS) == "b2"


def test_filter_errors():
    newest = FilterModule().filters()["newest_common_backup"]
    assert newest([found("/a", T2)], backups=BACKUPS) == "b2"
    with pytest.raises(AnsibleFilterError, match="newest_common_backup: expected a list of files, got str"):
        newest("/a", backups=BACKUPS)
    with pytest.raises(AnsibleFilterError, match="newest_common_backup: expected a registered result or a list"):
        newest([found("/a", T2)], backups="b2")
