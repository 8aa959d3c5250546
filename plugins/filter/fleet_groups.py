# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
name: fleet_groups
short_description: Group a play's hosts by BlueXP account and Connector, for one fleet-wide call per group
version_added: 0.1.0
description:
  - Takes the variables of a play's hosts (C(ansible_play_hosts | map('extract', hostvars))) as the
    R(working_environments inventory plugin,ansible_collections.bluexp.cloud_backup.working_environments_inventory)
    sets them, and returns one group per account and Connector (Console agent) with the working environment IDs
    of its hosts, for a C(run_once) task to read the whole fleet (M(bluexp.cloud_backup.working_environment_info)
    O(bluexp.cloud_backup.working_environment_info#module:fleet)) or wait for its jobs.
  - A working environment is served only through its own Connector, so a fleet-wide call cannot mix groups.
  - Hosts without a working environment ID are left out (the roles read those on their own).
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
positional: _input
options:
  _input:
    description: The hosts' variables.
    type: list
    elements: dict
    required: true
  jobs:
    description:
      - The name of a variable registered on the hosts by a module run with C(wait=false); the IDs of the jobs in
        its C(jobs) are added to the host's group, so that one C(job_info) run per group waits for them all.
      - Groups without any job are then left out.
    type: str
"""

EXAMPLES = r"""
- name: Read the whole fleet once, side by side across accounts and Connectors
  bluexp.cloud_backup.working_environment_info:
    fleet: "{{ ansible_play_hosts | map('extract', hostvars) | bluexp.cloud_backup.fleet_groups }}"
  run_once: true
  register: fleet

- name: Wait for the jobs the hosts started with wait=false, one run per account and Connector
  bluexp.cloud_backup.job_info:
    account_id: "{{ item.account_id or omit }}"
    connector_id: "{{ item.connector_id or omit }}"
    job_ids: "{{ item.job_ids }}"
    wait: true
  loop: "{{ ansible_play_hosts | map('extract', hostvars) | bluexp.cloud_backup.fleet_groups(jobs='started') }}"
  run_once: true
"""

RETURN = r"""
_value:
  description: One entry per account and Connector, in the order of the first host of each.
  type: list
  elements: dict
  contains:
    account_id:
      description: The hosts' C(bluexp_account_id), or null when they do not have one.
      type: str
    connector_id:
      description: The hosts' C(bluexp_connector_id), or null when they do not have one.
      type: str
    working_environment_ids:
      description: The hosts' C(bluexp_id)s.
      type: list
      elements: str
    job_ids:
      description: The IDs of the jobs registered in O(jobs) on these hosts.
      returned: with O(jobs)
      type: list
      elements: str
"""

from typing import Any, Iterable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def _job_ids(registered: Any) -> list[str]:
    if not isinstance(registered, Mapping):
        return []
    return [job["id"] for job in registered.get("jobs") or [] if isinstance(job, Mapping) and job.get("id")]


def fleet_groups(hosts: Iterable[Mapping[str, Any]], jobs: str | None = None) -> list[dict[str, Any]]:
    if isinstance(hosts, (str, bytes, Mapping)) or not isinstance(hosts, Iterable):
        raise ValueError("expected the hosts' variables, e.g. ansible_play_hosts | map('extract', hostvars)")
    groups: dict[tuple[Any, Any], dict[str, Any]] = {}
    for host in hosts:
        we_id = host.get("bluexp_id")
        if not we_id:
            continue
        key = (host.get("bluexp_account_id") or None, host.get("bluexp_connector_id") or None)
        group = groups.setdefault(key, dict({"account_id": key[0], "connector_id": key[1],
                                             "working_environment_ids": []}, **({"job_ids": []} if jobs else {})))
        group["working_environment_ids"].append(we_id)
        if jobs:
            group["job_ids"].extend(_job_ids(host.get(jobs)))
    result = list(groups.values())
    return [g for g in result if g["job_ids"]] if jobs else result


class FilterModule:
    """bluexp.cloud_backup.fleet_groups."""

    def filters(self) -> dict[str, Any]:
        return {"fleet_groups": jinja_filter("fleet_groups", fleet_groups)}
