# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: volumes_to_protect
short_description: Choose the volumes of a working environment to protect, leaving out those BlueXP cannot back up
version_added: 0.1.0
description:
  - Selects volumes by name and SVM, as the role P(bluexp.cloud_backup.protect#role) does, and sets apart the
    volumes BlueXP cannot back up at all, data-protection (C(dp)) volumes and SnapLock volumes (by the
    C(snaplock_type) newer Connectors report; without it no volume counts as SnapLock).
  - The rule for which volumes cannot be backed up is the one the filter
    P(bluexp.cloud_backup.protection_report#filter) reports them by.
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - A working environment as M(bluexp.cloud_backup.working_environment_info) returns it with
        O(bluexp.cloud_backup.working_environment_info#module:details=[volumes]), or its C(volumes) list.
    type: raw
    required: true
  names:
    description:
      - Regular expressions; a volume is a candidate when one of them matches its whole name.
    type: list
    elements: str
    default: [".*"]
  exclude:
    description:
      - Regular expressions; a volume whose whole name one of them matches is no candidate.
    type: list
    elements: str
    default: []
  svms:
    description:
      - Only volumes of these SVMs are candidates; empty means every SVM.
    type: list
    elements: str
    default: []
  skip_unsupported:
    description:
      - Set the candidates BlueXP cannot back up apart under RV(_value.skipped) instead of selecting them.
    type: bool
    default: true
"""

EXAMPLES = r"""
---
- name: Volumes of the working environment to protect, SnapLock and data-protection volumes left out
  ansible.builtin.set_fact:
    chosen: "{{ we | bluexp.cloud_backup.volumes_to_protect(names=['vol_.*'], exclude=['.*_tmp']) }}"

- name: Protect them
  bluexp.cloud_backup.volume_backup:
    working_environment_id: "{{ we.id }}"
    volumes: "{{ chosen.selected | map(attribute='file_system_id') }}"
    policy: Daily-30
"""

RETURN = r"""
_value:
  description: The choice.
  type: dict
  contains:
    selected:
      description: The candidates to protect, as given, in the order given.
      type: list
      elements: dict
    skipped:
      description:
        - The candidates BlueXP cannot back up, each as given with C(reason) added (data-protection or SnapLock
          volume); empty when O(skip_unsupported=false).
      type: list
      elements: dict
"""

import re
from typing import Any, Iterable, Mapping


from ansible_collections.bluexp.cloud_backup.plugins.filter.protection_report import unsupported_reason
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def _patterns(option: str, values: Iterable[Any] | None) -> list[re.Pattern[str]]:
    try:
        return [re.compile(str(value)) for value in values or []]
    except re.error as exc:
        raise ValueError("{0}: not a regular expression ({1})".format(option, exc)) from exc


def _matches(patterns: list[re.Pattern[str]], name: Any) -> bool:
    return any(p.fullmatch(str(name or "")) for p in patterns)


def volumes_to_protect(working_environment: Any, names: Iterable[Any] | None = (".*",),
                       exclude: Iterable[Any] | None = (), svms: Iterable[Any] | None = (),
                       skip_unsupported: bool = True) -> dict[str, list[dict[str, Any]]]:
    if isinstance(working_environment, Mapping):
        volumes = working_environment.get("volumes") or []
    elif isinstance(working_environment, (list, tuple)):
        volumes = working_environment
    else:
        raise ValueError("expected a working environment or a list of volumes, got {0}".format(
            type(working_environment).__name__))
    wanted, unwanted, in_svms = _patterns("names", names), _patterns("exclude", exclude), list(svms or [])
    selected: list[dict[str, Any]] = []
    skipped: list[dict[str, Any]] = []
    for volume in volumes:
        if not _matches(wanted, volume.get("name")) or _matches(unwanted, volume.get("name")):
            continue
        if in_svms and volume.get("svm") not in in_svms:
            continue
        reason = unsupported_reason(volume) if skip_unsupported else None
        if reason:
            skipped.append(dict(volume, reason=reason))
        else:
            selected.append(dict(volume))
    return {"selected": selected, "skipped": skipped}


class FilterModule:
    """bluexp.cloud_backup.volumes_to_protect."""

    def filters(self) -> dict[str, Any]:
        return {"volumes_to_protect": jinja_filter("volumes_to_protect", volumes_to_protect)}
