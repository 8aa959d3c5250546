# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: catalog_matches
short_description: The files of a catalog search that a restore can take from one volume and backup
version_added: 0.1.0
description:
  - Narrows what M(bluexp.cloud_backup.catalog_search_info) found to the files the role
    P(bluexp.cloud_backup.restore_files#role) restores - those of one volume (by ID, or by name and SVM) and,
    when a backup is named, those that backup holds.
  - A file created after the backup named (such as a copy an earlier restore made) is not in it and cannot come
    from it. Which backups hold a file is what the search returns with
    O(bluexp.cloud_backup.catalog_search_info#module:snapshots=true).
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The registered result of M(bluexp.cloud_backup.catalog_search_info), or its
        RV(bluexp.cloud_backup.catalog_search_info#module:results) list.
    type: raw
    required: true
  volume:
    description:
      - Keep the files of this volume, by ID or name; empty keeps every volume.
    type: str
    default: ""
  svm:
    description:
      - With O(volume) a name, keep only the files of the volume of that name in this SVM; empty means any SVM.
    type: str
    default: ""
  backup:
    description:
      - Keep the files this backup holds, by ID (C(snapshot_id)) or, when no file is held by a backup of that
        ID, by name (C(snapshot_name)); empty keeps every file.
    type: str
    default: ""
"""

EXAMPLES = r"""
---
- name: The files of vol_finance that backup daily.2026-11-27 holds
  ansible.builtin.set_fact:
    matches: "{{ found | bluexp.cloud_backup.catalog_matches(volume='vol_finance', backup='daily.2026-11-27') }}"
"""

RETURN = r"""
_value:
  description: The search results kept, as given, in the order given (those matched by volume ID first).
  type: list
  elements: dict
"""

from typing import Any, Iterable, Mapping


from ansible_collections.bluexp.cloud_backup.plugins.filter.protection_report import registered_list
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def _held_by(match: Mapping[str, Any], key: str) -> list[Any]:
    return [snapshot.get(key) for snapshot in match.get("snapshots") or []]


def in_volume(matches: Iterable[Mapping[str, Any]], volume: str, svm: str = "") -> list[dict[str, Any]]:
    matches = list(matches)
    by_id = [dict(m) for m in matches if m.get("volume_id") == volume]
    by_name = [dict(m) for m in matches if m.get("volume_name") == volume and (not svm or m.get("svm_name") == svm)]
    return by_id + by_name


def in_backup(matches: Iterable[Mapping[str, Any]], backup: str) -> list[dict[str, Any]]:
    matches = list(matches)
    by_id = [dict(m) for m in matches if backup in _held_by(m, "snapshot_id")]
    return by_id or [dict(m) for m in matches if backup in _held_by(m, "snapshot_name")]


def catalog_matches(found: Any, volume: str = "", svm: str = "", backup: str = "") -> list[dict[str, Any]]:
    matches: list[dict[str, Any]] = [dict(m) for m in registered_list(found, "results")]
    if volume:
        matches = in_volume(matches, volume, svm)
    if backup:
        matches = in_backup(matches, backup)
    return matches


class FilterModule:
    """bluexp.cloud_backup.catalog_matches."""

    def filters(self) -> dict[str, Any]:
        return {"catalog_matches": jinja_filter("catalog_matches", catalog_matches)}
