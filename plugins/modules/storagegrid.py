#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: storagegrid
short_description: Register an on-premises StorageGRID as a backup target and keep its S3 credentials
version_added: 0.1.0
description:
  - Makes a NetApp StorageGRID known to BlueXP (discovery through its admin node), so that on-premises
    ONTAP clusters can back up to it with M(bluexp.cloud_backup.backup_activation) and O(bluexp.cloud_backup.backup_activation#module:provider=SGWS).
  - Optionally saves the grid's S3 credentials (a tenant access key and secret key), either in the account's
    credential store (API 4.x) or for one working environment.
  - The grid is identified by O(name), the FQDN of its S3 endpoint, which is the name BlueXP lists it under.
    A grid that is listed already is not discovered again.
  - Secrets are never returned and never compared, since the API does not return them. Whether credentials
    exist is read from the API, and O(update_secret) decides whether existing ones are written again.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  name:
    description:
      - FQDN of the grid's S3 endpoint, for example V(sg-dc1.storage.example.com), as BlueXP lists it
        (see M(bluexp.cloud_backup.storagegrid_info)). Compared case-insensitively.
      - No scheme and no port; the port is O(port).
    type: str
    required: true
  port:
    description:
      - Port of the S3 endpoint. Used in the C(fqdn:port) server address that credentials and backup
        activation refer to.
    type: int
    default: 10443
  admin_host:
    description:
      - IP address or FQDN of the grid's primary admin node. Needed only to discover a grid that BlueXP does
        not list yet; ignored when it is listed.
    type: str
  admin_username:
    description:
      - Grid manager user for the discovery, together with O(admin_host).
    type: str
  admin_password:
    description:
      - Password of O(admin_username). Never logged or returned.
    type: str
  working_environment_id:
    description:
      - Save the S3 credentials for this working environment (an on-premises cluster) instead of the
        account's credential store.
      - Mutually exclusive with O(working_environment_name).
    type: str
  working_environment_name:
    description:
      - Exact name of the working environment to save the S3 credentials for.
    type: str
  access_key:
    description:
      - S3 access key of the StorageGRID tenant that holds the backups. Together with O(secret_key).
      - Without a working environment, the credentials go into the account's credential store
        (C(POST /api/v2/sg/credentials), API 4.x).
    type: str
  secret_key:
    description:
      - S3 secret access key of O(access_key). Never logged or returned.
    type: str
  update_secret:
    description:
      - When to write credentials that exist already. The API never returns a secret, so a changed secret
        cannot be detected; it is written again only when asked for.
      - V(on_create) writes credentials only where there are none. Credentials in the account's store exist
        when the store lists the grid. A working environment holds credentials when it backs up to this grid,
        since activation gave them; for a working environment that does not, the API cannot tell, so the
        module fails rather than write on every run.
      - V(always) writes them on every run (for example to rotate keys) and then always reports a change.
    type: str
    choices: [always, on_create]
    default: on_create
  state:
    description:
      - V(present) makes sure the grid is discovered and, with O(access_key), that credentials are saved.
      - V(absent) removes the grid's credentials from the account's credential store. The API offers no way
        to forget a discovered grid or the credentials of a working environment.
    type: str
    choices: [present, absent]
    default: present
  wait:
    description:
      - After discovering a grid, wait until BlueXP lists it.
    type: bool
    default: true
  wait_timeout:
    description:
      - Seconds to wait for the grid to be listed.
    type: int
    default: 300
notes:
  - Discovery needs the Connector to reach the admin node; the S3 endpoint must be reachable from the ONTAP
    cluster's intercluster LIFs for backups to work. Check the grid's version first with
    M(bluexp.cloud_backup.storagegrid_info) and O(bluexp.cloud_backup.storagegrid_info#module:version_of).
seealso:
  - module: bluexp.cloud_backup.storagegrid_info
  - module: bluexp.cloud_backup.backup_activation
"""

EXAMPLES = r"""
---
- name: Discover the grid and keep its tenant keys in the account
  bluexp.cloud_backup.storagegrid:
    name: sg-dc1.storage.example.com
    admin_host: 10.20.0.10
    admin_username: root
    admin_password: "{{ vault_sg_admin_password }}"
    access_key: "{{ vault_sg_access_key }}"
    secret_key: "{{ vault_sg_secret_key }}"
  register: grid

- name: Back up an on-premises cluster to it
  bluexp.cloud_backup.backup_activation:
    working_environment_name: onprem-paris
    provider: SGWS
    ip_space: Default
    sgws:
      storage_server: "{{ grid.storagegrid.storage_server }}"
      access_key: "{{ vault_sg_access_key }}"
      secret_password: "{{ vault_sg_secret_key }}"
    policy:
      name: 1-year
      rules: [{label: daily, retention: 30}, {label: monthly, retention: 12}]

- name: Rotate the keys a cluster uses for this grid
  bluexp.cloud_backup.storagegrid:
    name: sg-dc1.storage.example.com
    working_environment_name: onprem-paris
    access_key: "{{ vault_sg_new_access_key }}"
    secret_key: "{{ vault_sg_new_secret_key }}"
    update_secret: always
"""

RETURN = r"""
storagegrid:
  description: The grid after the task (predicted in check mode). Never contains a secret.
  returned: always
  type: dict
  contains:
    name:
      description: Name (S3 endpoint FQDN) BlueXP lists the grid under.
      type: str
      sample: sg-dc1.storage.example.com
    id:
      description: ID of the grid in BlueXP, the C(storage_grid_id) of backup activation. Null before discovery in check mode.
      type: str
    discovered:
      description: Whether BlueXP lists the grid.
      type: bool
    storage_server:
      description: The C(fqdn:port) address for O(bluexp.cloud_backup.backup_activation#module:sgws.storage_server).
      type: str
      sample: sg-dc1.storage.example.com:10443
    credentials:
      description:
        - Where credentials are saved; V(present), V(absent), V(written) (saved by this task) or null
          where the task did not look (the API never returns the secret itself).
      type: dict
      sample: {account_store: present}
working_environment_id:
  description: ID of the working environment the credentials were saved for.
  returned: when a working environment is given
  type: str
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import working_environment_argument_spec
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import storagegrid as sg
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    name=dict(type="str", required=True),
    port=dict(type="int", default=sg.DEFAULT_S3_PORT),
    admin_host=dict(type="str"),
    admin_username=dict(type="str"),
    admin_password=dict(type="str", no_log=True),
    access_key=dict(type="str", no_log=False),
    secret_key=dict(type="str", no_log=True),
    update_secret=dict(type="str", choices=["always", "on_create"], default="on_create"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type="int", default=300),
)
RULES = dict(
    mutually_exclusive=[("working_environment_id", "working_environment_name")],
    required_together=[("admin_host", "admin_username", "admin_password"), ("access_key", "secret_key")],
)
WORKING_ENVIRONMENT_OPTIONS = ("working_environment_id", "working_environment_name")


def validate(params):
    sg.check_host(params["name"], "name")
    if not 0 < params["port"] < 65536:
        raise ConfigurationError("port: {0} is not a TCP port (1-65535).".format(params["port"]), option="port")
    if params["admin_host"]:
        sg.check_host(params["admin_host"], "admin_host")
    for_we = any(params[o] for o in WORKING_ENVIRONMENT_OPTIONS)
    if for_we and not params["access_key"]:
        raise ConfigurationError("access_key: required with a working environment; the module saves S3 "
                                 "credentials for it.", option="access_key")
    if params["state"] == "absent" and (for_we or params["access_key"] or params["admin_host"]):
        raise ConfigurationError("state: absent removes the grid's credentials from the account's store and takes "
                                 "only name; the API cannot remove a working environment's credentials or "
                                 "forget a discovered grid.", option="state")


def discover(client, params, outcome):
    """Discover a grid BlueXP does not list yet; its listing is what later runs find."""
    if not params["admin_host"]:
        raise ConfigurationError("admin_host: StorageGRID {0} is not discovered in BlueXP; give admin_host, "
                                 "admin_username and admin_password to discover it.".format(params["name"]),
                                 option="admin_host")
    outcome.changed = True
    if outcome.check_mode:
        return {"name": params["name"], "id": None}
    grid = sg.discover(client, params["admin_host"], params["admin_username"], params["admin_password"])
    if (grid.get("name") or "").lower() != params["name"].lower():
        outcome.warn("BlueXP lists the grid discovered through {0} as {1!r}, not {2!r}: use name={1!r} in later "
                     "runs.".format(params["admin_host"], grid.get("name"), params["name"]))
    elif params["wait"]:
        grid = wait_until(lambda: sg.find_grid(sg.list_grids(client), name=params["name"]), params["wait_timeout"],
                          "StorageGRID {0} to be listed".format(params["name"]))
    return grid


def credential_store(client):
    names = sg.stored_credential_names(client)
    if names is None:
        raise ConfigurationError("access_key: this Connector's API has no credential store (API 4.x); name the "
                                 "working environment to save the credentials for.", option="access_key")
    return names


def ensure_store_credentials(client, params, outcome, grid, names):
    exists = sg.has_stored_credentials(names, grid["name"])
    outcome.before["credentials"] = {"account_store": "present" if exists else "absent"}
    if exists and params["update_secret"] == "on_create":
        outcome.after["credentials"] = {"account_store": "present"}
        return
    outcome.changed = True
    outcome.after["credentials"] = {"account_store": "written"}
    if not outcome.check_mode:
        sg.store_credentials(client, grid["name"], params["port"], params["access_key"], params["secret_key"],
                             update=exists)


def ensure_we_credentials(client, params, outcome, grid):
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    in_use = bool(grid.get("id")) and sg.backs_up_to(act.get(client, we["id"]), grid)
    outcome.before["credentials"] = {"working_environment": "present" if in_use else None}
    if in_use and params["update_secret"] == "on_create":
        outcome.after["credentials"] = {"working_environment": "present"}
        return
    if params["update_secret"] == "on_create":
        raise ConfigurationError(
            "update_secret: {0} does not back up to {1}, and the API cannot tell whether it holds credentials for "
            "it. Backup activation (provider SGWS) gives them; set update_secret=always to write them now."
            .format(we.get("name"), grid["name"]), option="update_secret")
    outcome.changed = True
    outcome.after["credentials"] = {"working_environment": "written"}
    if not outcome.check_mode:
        sg.save_we_credentials(client, we["id"], sg.storage_server(grid["name"], params["port"]),
                               params["access_key"], params["secret_key"])


def ensure_absent(client, params, outcome):
    grid = sg.find_grid(sg.list_grids(client), name=params["name"]) or {"name": params["name"], "id": None}
    names = sg.stored_credential_names(client)
    exists = sg.has_stored_credentials(names, params["name"])
    outcome.before = view(grid, discovered=grid["id"] is not None, port=params["port"],
                          credentials={"account_store": "present" if exists else "absent"})
    outcome.after = dict(outcome.before, credentials={"account_store": "absent"})
    if exists:
        outcome.changed = True
        if not outcome.check_mode:
            sg.delete_stored_credentials(client, grid["name"])


def view(grid, discovered, port, credentials=None):
    return {"name": grid.get("name"), "id": grid.get("id"), "discovered": discovered,
            "storage_server": sg.storage_server(grid.get("name"), port), "credentials": credentials or {}}


def run(client, params, outcome):
    validate(params)
    if params["state"] == "absent":
        ensure_absent(client, params, outcome)
        return
    for_we = any(params[o] for o in WORKING_ENVIRONMENT_OPTIONS)
    # Read before any write, so that a Connector without the store fails before discovering.
    stored = credential_store(client) if params["access_key"] and not for_we else None
    known = sg.find_grid(sg.list_grids(client), name=params["name"])
    outcome.before = view(known or {"name": params["name"]}, known is not None, params["port"])
    grid = known or discover(client, params, outcome)
    outcome.after = view(grid, True, params["port"])
    if params["access_key"]:
        if for_we:
            ensure_we_credentials(client, params, outcome, grid)
        else:
            ensure_store_credentials(client, params, outcome, grid, stored)


def main():
    module = create_module(ARGUMENT_SPEC, **RULES)
    outcome = Outcome(module, "storagegrid")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
