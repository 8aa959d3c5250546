# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: newest_common_backup
short_description: The newest backup that holds every file a catalog search found
version_added: 0.1.0
description:
  - Of the backups of one volume, the one the role P(bluexp.cloud_backup.restore_files#role) restores from
    when no backup is named - the newest backup holding every file found, that is the backup created when the
    oldest of the files' newest backups was (C(latest_snapshot_creation_time) of
    M(bluexp.cloud_backup.catalog_search_info)).
  - An empty string when no backup was created then (or no file or backup is given); the restore then takes
    the volume's newest backup.
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The files found, as M(bluexp.cloud_backup.catalog_search_info) returns them (or as
        P(bluexp.cloud_backup.catalog_matches#filter) keeps them).
    type: list
    elements: dict
    required: true
  backups:
    description:
      - The registered result of M(bluexp.cloud_backup.backup_info) for the volume of the files, or its
        RV(bluexp.cloud_backup.backup_info#module:backups) list; a skipped result gives no backup.
    type: raw
"""

EXAMPLES = r"""
---
- name: Restore from the newest backup that holds every file
  bluexp.cloud_backup.sfr_restore:
    working_environment_id: "{{ matches[0].working_environment_id }}"
    volume: "{{ matches[0].volume_id }}"
    backup: "{{ matches | bluexp.cloud_backup.newest_common_backup(backups=volume_backups) | default(omit, true) }}"
    files: "{{ matches | map(attribute='path') | list }}"
"""

RETURN = r"""
_value:
  description: The ID of that backup, or an empty string.
  type: str
  sample: "a1b2c3d4-0000-4000-8000-000000000001"
"""

from typing import Any, Iterable, Mapping


from ansible_collections.bluexp.cloud_backup.plugins.filter.protection_report import registered_list
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def newest_common_backup(matches: Iterable[Mapping[str, Any]], backups: Any = None) -> str:
    if not isinstance(matches, (list, tuple)):
        raise ValueError("expected a list of files, got {0}".format(type(matches).__name__))
    newest_of_each = [t for t in (m.get("latest_snapshot_creation_time") for m in matches) if t is not None]
    if not newest_of_each:
        return ""
    # Every file is in its newest backup and in none created after it, so the oldest of those
    # newest backups is the newest that can hold them all.
    oldest = min(newest_of_each)
    return next((str(b.get("id")) for b in registered_list(backups, "backups") if b.get("creation_time") == oldest), "")


class FilterModule:
    """bluexp.cloud_backup.newest_common_backup."""

    def filters(self) -> dict[str, Any]:
        return {"newest_common_backup": jinja_filter("newest_common_backup", newest_common_backup)}
