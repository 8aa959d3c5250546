#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: backup_info
short_description: List the cloud backups of volumes in BlueXP backup and recovery
version_added: 0.1.0
description:
  - Lists backups (cloud snapshots) of chosen volumes, of every protected volume of a working
    environment, or of every protected volume of the account.
  - Filters for the newest backup per volume and for age, which is what an RPO check or a restore
    runbook needs.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  working_environment_id:
    description:
      - ID of the working environment. Without it and O(working_environment_name), every working
        environment with backup active is searched.
    type: str
  working_environment_name:
    description:
      - Exact name of the working environment.
    type: str
  volumes:
    description:
      - Names or IDs of the volumes whose backups to list. Needs a working environment.
      - A name that does not exist fails with the close names that do.
    type: list
    elements: str
  svm:
    description:
      - SVM of the volumes named in O(volumes), needed when a name exists in several SVMs.
    type: str
  newest_only:
    description:
      - Return only the newest backup of each volume.
    type: bool
    default: false
  max_age:
    description:
      - Only backups created within this time before now, as a number with a unit
        C(m) (minutes), C(h) (hours), C(d) (days) or C(w) (weeks), for example V(36h) or V(7d).
    type: str
  min_age:
    description:
      - Only backups at least this old, in the same form as O(max_age).
    type: str
notes:
  - Without a working environment, one call lists the working environments, then two calls per
    protected volume of each; up to 8 run side by side.
seealso:
  - module: bluexp.cloud_backup.working_environment_info
"""

EXAMPLES = r"""
---
- name: Newest backup of each protected volume of a cluster
  bluexp.cloud_backup.backup_info:
    working_environment_name: prod-east-1
    newest_only: true
  register: newest

- name: Volumes whose newest backup is older than the 24 h RPO
  ansible.builtin.debug:
    msg: "{{ newest.backups | selectattr('creation_time', 'lt', (now().timestamp() - 86400) * 1000) | map(attribute='volume_name') | list }}"

- name: Backups of one volume from the last week
  bluexp.cloud_backup.backup_info:
    working_environment_id: VsaWorkingEnvironment-99hPYEgk
    volumes: [vol_finance]
    max_age: 7d
  register: week
"""

RETURN = r"""
backups:
  description: The backups, newest first within each volume. Always a list.
  returned: always
  type: list
  elements: dict
  contains:
    id:
      description: Backup (cloud snapshot) ID.
      type: str
      sample: 7a3f0c52-2d1e-4c8b-9f61-0e5b8a9d4c21
    name:
      description: Backup name.
      type: str
      sample: vol_finance.daily.2026-11-28_0010
    creation_time:
      description: Creation time in milliseconds since the epoch.
      type: int
      sample: 1795901274394
    created:
      description: Creation time as an ISO 8601 UTC timestamp.
      type: str
      sample: "2026-11-28T00:10:00Z"
    size:
      description: Size in bytes.
      type: int
      sample: 1073741824
    archived:
      description: Whether the backup is in the archive storage class.
      type: bool
      sample: false
    object_lock:
      description: DataLock state of the backup.
      type: str
      sample: NONE
    ransomware_scan_status:
      description: Result of the last ransomware scan, when there was one.
      type: str
      sample: PROTECTED
    working_environment_id:
      description: Working environment of the volume.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
    working_environment_name:
      description: Its name.
      type: str
      sample: prod-east-1
    volume_id:
      description: ID (file system ID) of the volume.
      type: str
      sample: 9c1b2f8e-55aa-11ee-8c99-0242ac120002
    volume_name:
      description: Name of the volume.
      type: str
      sample: vol_finance
    svm:
      description: SVM of the volume.
      type: str
      sample: svm_prod
  sample:
    - id: 7a3f0c52-2d1e-4c8b-9f61-0e5b8a9d4c21
      name: vol_finance.daily.2026-11-28_0010
      creation_time: 1795901274394
      created: "2026-11-28T00:10:00Z"
      volume_name: vol_finance
      working_environment_name: prod-east-1
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(volume_not_found) when a name in O(volumes)
      matches no volume; V(no_backup) when it names a volume that exists but is not backed up;
      V(working_environment_not_found), V(invalid_option) (a malformed age, O(volumes) without a working
      environment, a volume name in several SVMs without O(svm)), V(api_error), V(not_found), V(auth_failed),
      V(transport_error), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: volume_not_found
"""

import re
import time

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import volumes as vols
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes

ARGUMENT_SPEC = dict(
    working_environment_id=dict(type="str"),
    working_environment_name=dict(type="str"),
    volumes=dict(type="list", elements="str"),
    svm=dict(type="str"),
    newest_only=dict(type="bool", default=False),
    max_age=dict(type="str"),
    min_age=dict(type="str"),
)

_UNITS = {"m": 60, "h": 3600, "d": 86400, "w": 604800}


def parse_age(option, value):
    """Seconds from '36h', '7d', ...; None when not set."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*([0-9]+)\s*([mhdw])\s*", value)  # ASCII digits: \d takes any script's
    if not match:
        raise ConfigurationError("{0} must be a number with a unit m, h, d or w (for example 36h or 7d), got {1!r}."
                                 .format(option, value), option=option)
    return int(match.group(1)) * _UNITS[match.group(2)]


def targets(client, params):
    """(working environment, backed-up volume) pairs to read backups of."""
    if params["working_environment_id"] or params["working_environment_name"]:
        environments = [wes.resolve(client, params["working_environment_id"], params["working_environment_name"])]
    else:
        everything = wes.list_working_environments(client)
        status = wes.backup_status_by_id(client, [w["id"] for w in everything])
        environments = [w for w in everything if status.get(w["id"], {}).get("enabled")]
    pairs = []
    for we in environments:
        if params["volumes"]:
            protected = vols.pick_backed_up(client, we["id"], params["volumes"], params["svm"])
        else:
            protected = vols.list_backup_volumes(client, we["id"])
        pairs.extend((we, volume) for volume in protected)
    return pairs


def backups_of(client, we, volume):
    """The volume's backups as listed records, newest first."""
    return [backups.listed(we, volume, b) for b in backups.list_backups(client, we["id"], volume["file-system-id"])]


def gather(client, params, now=None):
    max_age = parse_age("max_age", params["max_age"])
    min_age = parse_age("min_age", params["min_age"])
    if params["volumes"] and not (params["working_environment_id"] or params["working_environment_name"]):
        raise ConfigurationError("volumes: name the working environment too (working_environment_id or "
                                 "working_environment_name).", option="volumes")
    now_ms = (now if now is not None else time.time()) * 1000
    result = []
    for listed in map_concurrently(lambda pair: backups_of(client, *pair), targets(client, params)):
        kept = listed
        if max_age is not None:
            kept = [b for b in kept if (b.get("creation_time") or 0) >= now_ms - max_age * 1000]
        if min_age is not None:
            kept = [b for b in kept if (b.get("creation_time") or 0) <= now_ms - min_age * 1000]
        result.extend(kept[:1] if params["newest_only"] else kept)
    return result


def main():
    module = create_module(ARGUMENT_SPEC, mutually_exclusive=[("working_environment_id", "working_environment_name")])
    try:
        found = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, backups=found)


if __name__ == "__main__":
    main()
