#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: sfr_browse_info
short_description: Browse the files and folders inside a BlueXP backup
version_added: 0.1.0
description:
  - Lists a directory inside a backup of a volume, or a whole tree with O(recursive=true), following the
    API's pages, optionally filtered by a name pattern.
  - Starts the explore operation that mounts the backup for browsing and waits for it; that changes no
    data, so the module runs the same in check mode.
  - The returned entries can be given to M(bluexp.cloud_backup.sfr_restore) as they are.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.BACKUP_SELECTION
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  path:
    description:
      - Directory to list, from the root of the volume (it starts with V(/)).
      - Read in its normal form (V(//finance/./2026/) is V(/finance/2026)). A V(..) component or a control
        character (such as NUL or a newline) fails the task, before any request; V(..) is never resolved.
    type: str
    default: /
  recursive:
    description:
      - List the whole tree below O(path), breadth first.
    type: bool
    default: false
  pattern:
    description:
      - Only return entries whose name matches this shell pattern, for example V(*.xlsx).
    type: str
  max_entries:
    description:
      - Stop after this many entries; RV(truncated) then says so.
    type: int
    default: 1000
  wait_timeout:
    description:
      - Seconds to wait for the explore operation.
    type: int
    default: 600
seealso:
  - module: bluexp.cloud_backup.sfr_restore
  - module: bluexp.cloud_backup.catalog_search_info
"""

EXAMPLES = r"""
---
- name: What is in the finance share of last night's backup
  bluexp.cloud_backup.sfr_browse_info:
    working_environment_name: prod-east-1
    volume: vol_finance
    newest_before: "2026-11-28T06:00:00Z"
    path: /finance/2026
    pattern: "*.xlsx"
  register: listing
"""

RETURN = r"""
entries:
  description: Files and folders, with the API's fields (C(name), C(path), C(type), C(size), C(mtime), C(inode)).
  returned: always
  type: list
  elements: dict
  sample:
    - name: budget.xlsx
      path: /finance/2026/budget.xlsx
      type: FILE
      size: 52311
      mtime: 1795640400000
      inode: 96
truncated:
  description: Whether O(max_entries) cut the listing short.
  returned: always
  type: bool
  sample: false
backup:
  description:
    - The backup browsed, with the API's fields in snake_case, plus C(volume_name), C(volume_id) and
      C(working_environment_id).
  returned: always
  type: dict
  sample:
    id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    name: Daily_20261127_2100
    creation_time: 1795813200000
    volume_name: vol_finance
    volume_id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
    working_environment_id: VsaWorkingEnvironment-99hPYEgk
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(working_environment_not_found), V(volume_not_found) (no such volume among the backed-up ones),
      V(no_backup) (the volume has no backup, or none before O(newest_before)),
      V(backup_not_found) (no backup of that name or ID), V(not_found) (O(path) is not in the backup),
      V(job_failed) (the backups could not be mounted for browsing), V(job_timeout), V(invalid_option),
      V(api_error), V(auth_failed), V(transport_error), V(write_not_resent), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: no_backup
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    BACKUP_SELECTION_RULES,
    INT,
    SECONDS,
    WORKING_ENVIRONMENT_RULES,
    backup_selection_argument_spec,
    merge_rules,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._paths import PATH, volume_path
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, sfr

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    path=dict(type=PATH, default="/"),
    recursive=dict(type="bool", default=False),
    pattern=dict(type="str"),
    max_entries=dict(type=INT, default=1000),
    wait_timeout=dict(type=SECONDS, default=600),
)


def gather(client, params):
    if params["max_entries"] < 1:
        raise ConfigurationError("max_entries must be at least 1.", option="max_entries")
    path = volume_path("path", params["path"])
    we, volume, backup = backups.resolve_source(client, params)
    sfr.start_explore(client, we["id"], volume["file-system-id"], params["wait_timeout"])
    entries, truncated = sfr.browse(client, we["id"], volume["file-system-id"], backup["id"], path,
                                    params["recursive"], params["max_entries"], params["pattern"])
    return {"entries": entries, "truncated": truncated,
            "backup": backups.describe(we, volume, backup)}


def main():
    module = create_module(ARGUMENT_SPEC, **merge_rules(WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES))
    try:
        result = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
