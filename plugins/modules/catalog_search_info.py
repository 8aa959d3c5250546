#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: catalog_search_info
short_description: Search files across the indexed BlueXP backups
version_added: 0.1.0
description:
  - Searches the indexed catalog (Search & Restore) for files, folders or volumes by name, with filters
    for type, extension, size, date and location, across the working environments whose catalog is enabled
    (M(bluexp.cloud_backup.catalog)).
  - With O(snapshots=true), also lists for each result the backups that hold it, which is what
    M(bluexp.cloud_backup.sfr_restore) needs to restore it.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  query:
    description:
      - Text to search for in names.
    type: str
    required: true
  type:
    description:
      - Kind of result.
    type: str
    choices: [FILE, DIRECTORY, VOLUME]
  working_environment_ids:
    description:
      - Only search these working environments.
    type: list
    elements: str
  extensions:
    description:
      - Only files with these extensions, for example V(xlsx).
    type: list
    elements: str
  min_size:
    description:
      - Only results of at least this many bytes.
    type: int
  max_size:
    description:
      - Only results of at most this many bytes.
    type: int
  created_after:
    description:
      - Only results created after this ISO 8601 time (the catalog's C(creationDate) filter).
    type: str
  created_before:
    description:
      - Only results created before this ISO 8601 time.
    type: str
  location:
    description:
      - Search local snapshots or cloud backups.
    type: str
    choices: [LOCAL, CLOUD]
  snapshots:
    description:
      - Add, to each result, the backups that hold it (one more call per result).
    type: bool
    default: false
  max_results:
    description:
      - Return at most this many results.
    type: int
    default: 100
seealso:
  - module: bluexp.cloud_backup.catalog
  - module: bluexp.cloud_backup.sfr_restore
"""

EXAMPLES = r"""
---
- name: Find the budget spreadsheet and the backups that hold it
  bluexp.cloud_backup.catalog_search_info:
    query: budget
    type: FILE
    extensions: [xlsx]
    snapshots: true
  register: found

- name: Restore the newest copy of the first match to its volume, under /restored
  bluexp.cloud_backup.sfr_restore:
    working_environment_id: "{{ found.results[0].working_environment_id }}"
    volume: "{{ found.results[0].volume_id }}"
    backup: "{{ found.results[0].snapshots[0].snapshot_id }}"
    files: ["{{ found.results[0].path }}"]
    target_path: /restored
"""

RETURN = r"""
results:
  description:
    - Matches, with the API's fields in snake_case (C(resource_name), C(resource_type), C(working_environment_id),
      C(volume_id), C(volume_name), C(svm_name), C(resource_size), C(mtime), C(latest_snapshot_creation_time),
      C(snapshots_count)), plus C(path), the path to give M(bluexp.cloud_backup.sfr_restore).
    - With O(snapshots=true), C(snapshots) lists the backups that hold it, newest first.
  returned: always
  type: list
  elements: dict
  sample:
    - resource_name: finance/2026/budget.xlsx
      resource_type: FILE
      path: /finance/2026/budget.xlsx
      working_environment_id: VsaWorkingEnvironment-99hPYEgk
      volume_id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
      volume_name: vol_finance
      svm_name: svm_prod
      resource_size: 52311
      snapshots_count: 14
      snapshots:
        - snapshot_id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
          snapshot_name: Daily_20261127_2100
          snapshot_size: 52311
          snapshot_creation_time: 1795813200000
  contains:
    resource_name:
      description: Path of the file or folder in its volume, as the catalog lists it.
      type: str
      sample: finance/2026/budget.xlsx
    resource_type:
      description: V(FILE) or V(FOLDER).
      type: str
      sample: FILE
    path:
      description: The path to give M(bluexp.cloud_backup.sfr_restore) (O(bluexp.cloud_backup.sfr_restore#module:files)).
      type: str
      sample: /finance/2026/budget.xlsx
    working_environment_id:
      description: Working environment of the volume.
      type: str
      sample: VsaWorkingEnvironment-99hPYEgk
    volume_id:
      description: ID of the volume.
      type: str
      sample: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
    volume_name:
      description: Name of the volume.
      type: str
      sample: vol_finance
    svm_name:
      description: SVM of the volume.
      type: str
      sample: svm_prod
    resource_size:
      description: Size in bytes.
      type: int
      sample: 52311
    snapshots_count:
      description: Number of indexed backups that hold it.
      type: int
      sample: 14
    snapshots:
      description: The backups that hold it, newest first, with the API's fields in snake_case.
      type: list
      elements: dict
      returned: with O(snapshots=true)
      sample:
        - snapshot_id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
          snapshot_name: Daily_20261127_2100
          snapshot_size: 52311
          snapshot_creation_time: 1795813200000
      contains:
        snapshot_id:
          description: ID of the backup, what O(bluexp.cloud_backup.sfr_restore#module:backup) takes.
          type: str
          sample: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
        snapshot_name:
          description: Name of the backup.
          type: str
          sample: Daily_20261127_2100
        snapshot_creation_time:
          description: When the backup was taken, in milliseconds since the epoch.
          type: int
          sample: 1795813200000
truncated:
  description: Whether more results exist than were returned.
  returned: always
  type: bool
  sample: false
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(invalid_option) (bad query, sizes or times), V(not_found), V(api_error), V(auth_failed),
      V(transport_error), V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: invalid_option
"""

import posixpath

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import INT
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import catalog
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources.backups import parse_time
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

ARGUMENT_SPEC = dict(
    query=dict(type="str", required=True),
    type=dict(type="str", choices=["FILE", "DIRECTORY", "VOLUME"]),
    working_environment_ids=dict(type="list", elements="str"),
    extensions=dict(type="list", elements="str"),
    min_size=dict(type=INT),
    max_size=dict(type=INT),
    created_after=dict(type="str"),
    created_before=dict(type="str"),
    location=dict(type="str", choices=["LOCAL", "CLOUD"]),
    snapshots=dict(type="bool", default=False),
    max_results=dict(type=INT, default=100),
)


def validate(params):
    if not params["query"].strip():
        raise ConfigurationError("query must not be empty.", option="query")
    if params["max_results"] < 1:
        raise ConfigurationError("max_results must be at least 1.", option="max_results")
    for option in ("min_size", "max_size"):
        if params[option] is not None and params[option] < 0:
            raise ConfigurationError("{0} must not be negative.".format(option), option=option)
    if params["min_size"] is not None and params["max_size"] is not None and params["min_size"] > params["max_size"]:
        raise ConfigurationError("min_size is larger than max_size.", option="min_size")


def gather(client, params):
    validate(params)
    body = catalog.search_body(params["type"], params["working_environment_ids"], params["extensions"],
                               params["min_size"], params["max_size"],
                               parse_time("created_after", params["created_after"]),
                               parse_time("created_before", params["created_before"]), params["location"])
    raw, more = catalog.search(client, params["query"], body)
    results = []
    for item in raw[:params["max_results"]]:
        record = snake_keys(item)
        # The catalog names a file by its path in the volume; sfr_restore wants an absolute path.
        record["path"] = posixpath.normpath("/" + (item.get("resourceName") or "").lstrip("/"))
        if params["snapshots"]:
            record["snapshots"] = catalog.snapshots_holding(client, item)
        results.append(record)
    return results, more or len(raw) > params["max_results"]


def main():
    module = create_module(ARGUMENT_SPEC)
    try:
        results, truncated = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, results=results, truncated=truncated)


if __name__ == "__main__":
    main()
