# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.catalog_matches import FilterModule, catalog_matches


def hit(path: str, volume: str = "vol_a", svm: str = "svm1", held_by: tuple[str, ...] = ()) -> dict[str, Any]:
    """A file as catalog_search_info returns it (with snapshots=true, the backups that hold it)."""
    return {"path": path, "volume_id": "fs-" + volume + "-" + svm, "volume_name": volume, "svm_name": svm,
            "snapshots": [{"snapshot_id": "id-" + b, "snapshot_name": b} for b in held_by]}


FOUND = {"changed": False, "truncated": False, "results": [
    hit("/a/todo.txt", held_by=("daily.1", "daily.2")),
    hit("/a/todo (restored).txt", held_by=("daily.2",)),
    hit("/b/todo.txt", volume="vol_b", held_by=("daily.1",)),
    hit("/a2/todo.txt", svm="svm2"),
]}


def paths(matches: list[dict[str, Any]]) -> list[str]:
    return [m["path"] for m in matches]


def test_without_volume_or_backup_every_match():
    assert paths(catalog_matches(FOUND)) == ["/a/todo.txt", "/a/todo (restored).txt", "/b/todo.txt", "/a2/todo.txt"]
    assert catalog_matches(FOUND["results"]) == FOUND["results"]


@pytest.mark.parametrize("volume, svm, expected", [
    ("vol_a", "", ["/a/todo.txt", "/a/todo (restored).txt", "/a2/todo.txt"]),
    ("vol_a", "svm2", ["/a2/todo.txt"]),
    ("fs-vol_b-svm1", "", ["/b/todo.txt"]),
    # An ID names its volume whatever the SVM says.
    ("fs-vol_b-svm1", "svm2", ["/b/todo.txt"]),
    ("vol_c", "", []),
])
def test_volume_by_id_or_by_name_and_svm(volume: str, svm: str, expected: list[str]):
    assert paths(catalog_matches(FOUND, volume=volume, svm=svm)) == expected


def test_a_backup_by_id_keeps_the_files_it_holds():
    assert paths(catalog_matches(FOUND, volume="vol_a", svm="svm1", backup="id-daily.1")) == ["/a/todo.txt"]


def test_a_backup_by_name_when_no_file_is_held_by_that_id():
    assert paths(catalog_matches(FOUND, backup="daily.2")) == ["/a/todo.txt", "/a/todo (restored).txt"]
    assert catalog_matches(FOUND, backup="daily.9") == []


def test_an_id_match_wins_over_a_name_match():
    found = [hit("/by-name", held_by=("x",)), dict(hit("/by-id"), snapshots=[{"snapshot_id": "x", "snapshot_name": "y"}])]
    assert paths(catalog_matches(found, backup="x")) == ["/by-id"]


def test_files_without_snapshots_listed_are_held_by_no_backup():
    found = [dict(hit("/none"), snapshots=None), {"path": "/missing", "volume_id": "fs-1"}]
    assert catalog_matches(found, backup="daily.1") == []


def test_the_filter_is_registered_and_wraps_errors():
    matches = FilterModule().filters()["catalog_matches"]
    assert paths(matches(FOUND, volume="vol_b")) == ["/b/todo.txt"]
    with pytest.raises(AnsibleFilterError, match="catalog_matches: expected a registered result or a list"):
        matches("todo.txt")
