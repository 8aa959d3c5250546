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
      - Directory to list, from the root of the volume.
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
truncated:
  description: Whether O(max_entries) cut the listing short.
  returned: always
  type: bool
backup:
  description: The backup browsed.
  returned: always
  type: dict
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    BACKUP_SELECTION_RULES,
    WORKING_ENVIRONMENT_RULES,
    backup_selection_argument_spec,
    merge_rules,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, sfr

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    path=dict(type="str", default="/"),
    recursive=dict(type="bool", default=False),
    pattern=dict(type="str"),
    max_entries=dict(type="int", default=1000),
    wait_timeout=dict(type="int", default=600),
)


def gather(client, params):
    if params["max_entries"] < 1:
        raise ConfigurationError("max_entries must be at least 1.", option="max_entries")
    if not params["path"].startswith("/"):
        raise ConfigurationError("path must start with /, got {0!r}.".format(params["path"]), option="path")
    we, volume, backup = backups.resolve_source(client, params)
    sfr.start_explore(client, we["id"], volume["file-system-id"], params["wait_timeout"])
    entries, truncated = sfr.browse(client, we["id"], volume["file-system-id"], backup["id"], params["path"],
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
