# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: sweep_scope
short_description: Which working environments a ransomware sweep lists the backups of
version_added: 0.1.0
description:
  - The rule of the role P(bluexp.cloud_backup.ransomware_sweep#role) for what to sweep, first match wins -
    the working environments named (those with backup active), one working environment by ID, then by name,
    the inventory host's C(bluexp_id), then its C(bluexp_name) (nothing when the host's backup is not active),
    otherwise every working environment with backup active.
  - The answer says how M(bluexp.cloud_backup.backup_info) is to be called - by working environment ID, by
    name, or once for the whole account - and with which values.
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The registered result of M(bluexp.cloud_backup.working_environment_info) run with O(names), or its
        RV(bluexp.cloud_backup.working_environment_info#module:working_environments) list; a skipped result or
        an empty list when no names are given.
    type: raw
    required: true
  names:
    description:
      - The names (or patterns) of the working environments to sweep; when given, the working environments
        of O(_input) with backup active are swept.
    type: list
    elements: str
    default: []
  working_environment_id:
    description: One working environment by ID.
    type: str
    default: ""
  working_environment_name:
    description: One working environment by name.
    type: str
    default: ""
  host_id:
    description: The inventory host's C(bluexp_id).
    type: str
    default: ""
  host_name:
    description: The inventory host's C(bluexp_name).
    type: str
    default: ""
  host_backup_enabled:
    description: The inventory host's C(bluexp_backup_enabled); a host without backup active has nothing to sweep.
    type: bool
    default: true
"""

EXAMPLES = r"""
---
- name: Choose what to sweep
  ansible.builtin.set_fact:
    scope: >-
      {{ named | bluexp.cloud_backup.sweep_scope(names=sweep_names, host_id=bluexp_id | default(''),
                                                 host_backup_enabled=bluexp_backup_enabled | default(true)) }}

- name: List the newest backups
  bluexp.cloud_backup.backup_info:
    working_environment_id: "{{ item if scope.by == 'id' else omit }}"
    working_environment_name: "{{ item if scope.by == 'name' else omit }}"
    newest_only: true
  loop: "{{ scope.targets }}"
"""

RETURN = r"""
_value:
  description: How to list the backups to sweep.
  type: dict
  contains:
    by:
      description:
        - V(id) or V(name) - RV(_value.targets) are working environment IDs or names; V(all) - one listing of
          the whole account (RV(_value.targets) is one empty string).
      type: str
      sample: id
    targets:
      description: One listing each; empty when there is nothing to sweep.
      type: list
      elements: str
      sample: [VsaWorkingEnvironment-aws01]
"""

from typing import Any

from ansible.module_utils.parsing.convert_bool import boolean

from ansible_collections.bluexp.cloud_backup.plugins.filter.protection_report import registered_list
from ansible_collections.bluexp.cloud_backup.plugins.filter.working_environment_choice import working_environment_choice
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def sweep_scope(named: Any, names: list[str] | None = None, working_environment_id: str = "",
                working_environment_name: str = "", host_id: str = "", host_name: str = "",
                host_backup_enabled: Any = True) -> dict[str, Any]:
    if names:
        found = registered_list(named, "working_environments")
        return {"by": "id", "targets": [we.get("id") for we in found if (we.get("backup") or {}).get("enabled")]}
    # The role's own choice is swept as asked; the host's only when the host has backup active.
    own = working_environment_choice({"id": working_environment_id, "name": working_environment_name})
    if own["id"] or own["name"]:
        return _scope(own, [own["id"] or own["name"]])
    host = working_environment_choice({}, host_id=host_id, host_name=host_name)
    # An inventory variable may come as text ("false").
    enabled = boolean(host_backup_enabled, strict=False)
    return _scope(host, [host["id"] or host["name"]] if enabled else [])


def _scope(chosen: dict[str, str], targets: list[str]) -> dict[str, Any]:
    """By ID or by name as chosen; with nothing chosen, one listing of every environment ("")."""
    by = "id" if chosen["id"] else "name" if chosen["name"] else "all"
    return {"by": by, "targets": targets if by != "all" else [""] * len(targets)}


class FilterModule:
    """bluexp.cloud_backup.sweep_scope."""

    def filters(self) -> dict[str, Any]:
        return {"sweep_scope": jinja_filter("sweep_scope", sweep_scope)}
