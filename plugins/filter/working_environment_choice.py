# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: working_environment_choice
short_description: The working environment a role works on - its own options first, then the inventory host's
version_added: 0.1.0
description:
  - The rule of the roles P(bluexp.cloud_backup.restore_volume#role) and P(bluexp.cloud_backup.restore_files#role)
    for the working environment to use, first match wins - the role's working environment ID, the role's working
    environment name, the inventory host's C(bluexp_id), then its C(bluexp_name).
  - Exactly one of RV(_value.id) and RV(_value.name) is set, or neither when nothing names a working environment;
    a module given the one that is set reads the other from BlueXP.
  - Pure computation, no API call.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description:
      - The role's own options, as a dict with C(id) and C(name) (either may be empty or missing).
    type: dict
    required: true
  host_id:
    description: The inventory host's C(bluexp_id).
    type: str
    default: ""
  host_name:
    description: The inventory host's C(bluexp_name).
    type: str
    default: ""
"""

EXAMPLES = r"""
---
- name: Choose the working environment
  ansible.builtin.set_fact:
    chosen: >-
      {{ {'id': my_working_environment_id, 'name': my_working_environment_name}
         | bluexp.cloud_backup.working_environment_choice(host_id=bluexp_id | default(''),
                                                          host_name=bluexp_name | default('')) }}

- name: List its backups
  bluexp.cloud_backup.backup_info:
    working_environment_id: "{{ chosen.id | default(omit, true) }}"
    working_environment_name: "{{ chosen.name | default(omit, true) }}"
"""

RETURN = r"""
_value:
  description: The working environment chosen.
  type: dict
  contains:
    id:
      description: Its ID, when it was chosen by ID; empty otherwise.
      type: str
    name:
      description: Its name, when it was chosen by name; empty otherwise.
      type: str
    label:
      description: The name or ID, for messages; C(no working environment) when nothing names one.
      type: str
"""

from typing import Any, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter

NOTHING_CHOSEN = "no working environment"


def working_environment_choice(options: Mapping[str, Any], host_id: str = "", host_name: str = "") -> dict[str, str]:
    if not isinstance(options, Mapping):
        raise ValueError("expected the role's options as a dict with id and name, got {0}".format(type(options).__name__))
    # A name given to the role wins over the host's ID: the role's options say which one is meant.
    candidates = [("id", options.get("id")), ("name", options.get("name")), ("id", host_id), ("name", host_name)]
    key, value = next(((k, str(v)) for k, v in candidates if v), ("", ""))
    chosen = {"id": "", "name": ""}
    if key:
        chosen[key] = value
    return {**chosen, "label": value or NOTHING_CHOSEN}


class FilterModule:
    """bluexp.cloud_backup.working_environment_choice."""

    def filters(self) -> dict[str, Any]:
        return {"working_environment_choice": jinja_filter("working_environment_choice", working_environment_choice)}
