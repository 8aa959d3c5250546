#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: storagegrid_info
short_description: List the StorageGRID servers BlueXP knows, and ask a server for its version
version_added: 0.1.0
description:
  - Lists the StorageGRID servers discovered in BlueXP (C(GET /api/v1/sg)) with, where the Connector's API
    has the credential store (API 4.x), whether credentials are stored for each.
  - With O(versions=true), asks each returned grid for its StorageGRID version (C(POST /api/v1/sg/version),
    a read). With O(version_of), asks any reachable server, discovered or not, for example before
    discovering it with M(bluexp.cloud_backup.storagegrid).
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.INFO_MODULE
options:
  names:
    description:
      - Only return grids with these names (S3 endpoint FQDNs), compared case-insensitively.
    type: list
    elements: str
    aliases: [name]
  versions:
    description:
      - Add each returned grid's StorageGRID version; one call per grid.
    type: bool
    default: false
  version_of:
    description:
      - Address of a StorageGRID server to ask for its version, as C(fqdn) or C(fqdn:port). Answered under
        RV(version) whether BlueXP has discovered the server or not.
    type: str
  port:
    description:
      - S3 endpoint port used to address the listed grids when O(versions=true).
    type: int
    default: 10443
seealso:
  - module: bluexp.cloud_backup.storagegrid
"""

EXAMPLES = r"""
---
- name: Check the grid is reachable and recent enough before discovering it
  bluexp.cloud_backup.storagegrid_info:
    version_of: sg-dc2.storage.example.com:10443
  register: candidate

- name: Stop on an old grid
  ansible.builtin.assert:
    that: candidate.version is version('11.6', '>=')
    fail_msg: "StorageGRID {{ candidate.version }} is too old for DataLock backups"

- name: Every grid with its version
  bluexp.cloud_backup.storagegrid_info:
    versions: true
  register: grids
"""

RETURN = r"""
storagegrids:
  description: The discovered grids, in the order the API lists them.
  returned: always
  type: list
  elements: dict
  sample:
    - name: sg-dc1.storage.example.com
      id: 4f1c0a2e-9b7d-4c3e-8a61-2d5e7f9b0c13
      stored_credentials: true
      version: 11.8.0.3
  contains:
    name:
      description: Name of the grid, the FQDN of its S3 endpoint.
      type: str
      sample: sg-dc1.storage.example.com
    id:
      description: ID of the grid, the C(storage_grid_id) of backup activation.
      type: str
      sample: 4f1c0a2e-9b7d-4c3e-8a61-2d5e7f9b0c13
    stored_credentials:
      description: Whether the account's credential store holds credentials for the grid; null where the API has no store.
      type: bool
      sample: true
    version:
      description: StorageGRID version.
      type: str
      returned: with O(versions=true)
      sample: 11.8.0.3
version:
  description: Version of the server given in O(version_of).
  returned: when O(version_of) is given
  type: str
  sample: 11.8.0.3
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(invalid_option) when O(version_of) is not a server
      address (the message names it), V(api_error) when the server in O(version_of) does not answer as a
      StorageGRID, V(auth_failed), V(transport_error), V(unexpected_answer).
  returned: failure
  type: str
  sample: invalid_option
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import INT
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._fanout import map_concurrently
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import storagegrid as sg

ARGUMENT_SPEC = dict(
    names=dict(type="list", elements="str", aliases=["name"]),
    versions=dict(type="bool", default=False),
    version_of=dict(type="str"),
    port=dict(type=INT, default=sg.DEFAULT_S3_PORT),
)


def gather(client, params):
    result = {}
    if params["version_of"]:
        sg.check_host(sg.host_of(params["version_of"]), "version_of")
        result["version"] = sg.version(client, params["version_of"])
    wanted = {n.lower() for n in params["names"] or []}
    grids = [g for g in sg.list_grids(client) if not wanted or (g.get("name") or "").lower() in wanted]
    stored = sg.stored_credential_names(client) if grids else None
    for grid in grids:
        grid["stored_credentials"] = None if stored is None else sg.has_stored_credentials(stored, grid["name"])
    if params["versions"]:
        versions = map_concurrently(lambda g: sg.version(client, sg.storage_server(g["name"], params["port"])), grids)
        for grid, version in zip(grids, versions):
            grid["version"] = version
    result["storagegrids"] = grids
    return result


def main():
    module = create_module(ARGUMENT_SPEC)
    try:
        result = gather(new_client(module), module.params)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(changed=False, **result)


if __name__ == "__main__":
    main()
