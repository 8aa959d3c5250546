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
  sample:
    name: sg-dc1.storage.example.com
    id: 4f1c0a2e-9b7d-4c3e-8a61-2d5e7f9b0c13
    discovered: true
    storage_server: sg-dc1.storage.example.com:10443
    credentials: {account_store: present}
  contains:
    name:
      description: Name (S3 endpoint FQDN) BlueXP lists the grid under.
      type: str
      sample: sg-dc1.storage.example.com
    id:
      description: ID of the grid in BlueXP, the C(storage_grid_id) of backup activation. Null before discovery in check mode.
      type: str
      sample: 4f1c0a2e-9b7d-4c3e-8a61-2d5e7f9b0c13
    discovered:
      description: Whether BlueXP lists the grid.
      type: bool
      sample: true
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
  sample: OnPremWorkingEnvironment-b7Yq0cXr
error_code:
  description:
    - Why the task failed, for playbooks to branch on. V(storagegrid_not_discovered) when BlueXP does not list
      the grid and O(admin_host) is not given to discover it, V(credentials_unknown) when O(update_secret=on_create)
      cannot tell whether the working environment holds credentials, V(not_supported) when the Connector's API
      has no credential store (API 4.x), V(invalid_option) for a malformed option (the message names it),
      V(working_environment_not_found), V(job_timeout) when the grid is not listed within O(wait_timeout),
      V(api_error) (for example a refused discovery), V(auth_failed), V(transport_error), V(write_not_resent),
      V(unexpected_answer).
  returned: failure
  type: str
  sample: storagegrid_not_discovered
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    INT,
    SECONDS,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import storagegrid as sg
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    name=dict(type="str", required=True),
    port=dict(type=INT, default=sg.DEFAULT_S3_PORT),
    admin_host=dict(type="str"),
    admin_username=dict(type="str"),
    admin_password=dict(type="str", no_log=True),
    access_key=dict(type="str", no_log=False),
    secret_key=dict(type="str", no_log=True),
    update_secret=dict(type="str", choices=["always", "on_create"], default="on_create"),
    state=dict(type="str", choices=["present", "absent"], default="present"),
    wait=dict(type="bool", default=True),
    wait_timeout=dict(type=SECONDS, default=300),
)
RULES = dict(
    mutually_exclusive=[("working_environment_id", "working_environment_name")],
    required_together=[("admin_host", "admin_username", "admin_password"), ("access_key", "secret_key")],
)
WORKING_ENVIRONMENT_OPTIONS = ("working_environment_id", "working_environment_name")
# Where credentials are, in the view: "present", "absent", None (cannot be told), or "written" by this run.
STORE = "account_store"
WE = "working_environment"


class StorageGrid(Resource):
    """A grid as BlueXP lists it, with where its S3 credentials are kept.

    Discovering the grid and writing its credentials are the two writes of one update. The API never
    returns a secret, and a working environment's credentials cannot be read at all, so the view is
    read once; the writes then record what this run did ("written"), and that is the view after them.
    """

    result_key = "storagegrid"
    fields = (Field("discovered", option="admin_host"), Field("credentials", option="access_key"))

    def __init__(self, client, params):
        super().__init__(client, params)
        self.grid = None
        self.discovered = False
        self.credentials = {}
        self.we = None

    def validate(self):
        params = self.params
        sg.check_host(params["name"], "name")
        if not 0 < params["port"] < 65536:
            raise ConfigurationError("port: {0} is not a TCP port (1-65535).".format(params["port"]), option="port")
        if params["admin_host"]:
            sg.check_host(params["admin_host"], "admin_host")
        if self.for_we and not params["access_key"]:
            raise ConfigurationError("access_key: required with a working environment; the module saves S3 "
                                     "credentials for it.", option="access_key")
        if params["state"] == "absent" and (self.for_we or params["access_key"] or params["admin_host"]):
            raise ConfigurationError("state: absent removes the grid's credentials from the account's store and "
                                     "takes only name; the API cannot remove a working environment's credentials "
                                     "or forget a discovered grid.", option="state")

    @property
    def for_we(self):
        return any(self.params[o] for o in WORKING_ENVIRONMENT_OPTIONS)

    @property
    def target(self):
        """Which credentials the task manages: the account's store or a working environment's."""
        return WE if self.for_we else STORE

    def read(self):
        grid = self.grid
        return {"name": grid.get("name"), "id": grid.get("id"), "discovered": self.discovered,
                "storage_server": sg.storage_server(grid.get("name"), self.params["port"]),
                "credentials": dict(self.credentials)}

    def locate(self):
        """The grid, its credentials and their working environment, read once: a secret cannot be read
        back, so after the writes the view is what this run wrote."""
        params = self.params
        wants_store = params["state"] == "absent" or (params["access_key"] and not self.for_we)
        # Read before any write, so that a Connector without the store fails before discovering.
        names = sg.stored_credential_names(self.client) if wants_store else None
        if names is None and wants_store and params["state"] == "present":
            raise ConfigurationError("access_key: this Connector's API has no credential store (API 4.x); name the "
                                     "working environment to save the credentials for.", option="access_key",
                                     code="not_supported")
        listed = sg.find_grid(sg.list_grids(self.client), name=params["name"])
        self.grid, self.discovered = listed or {"name": params["name"]}, listed is not None
        if wants_store:
            self.credentials = {STORE: "present" if sg.has_stored_credentials(names, params["name"]) else "absent"}
        elif params["access_key"]:
            self.we = wes.resolve(self.client, params["working_environment_id"], params["working_environment_name"])
            self.extra["working_environment_id"] = self.we["id"]
            in_use = bool(self.grid.get("id")) and sg.backs_up_to(act.get(self.client, self.we["id"]), self.grid)
            self.credentials = {WE: "present" if in_use else None}

    def desired(self, current):
        params = self.params
        if params["state"] == "absent":
            return {"credentials": {STORE: "absent"}}
        wanted = None
        if params["access_key"]:
            wanted = {self.target: "written" if params["update_secret"] == "always" else "present"}
        return {"discovered": True, "credentials": wanted}

    def check(self, current, desired, changes):
        params = self.params
        if "discovered" in changes and not params["admin_host"]:
            raise ConfigurationError("admin_host: StorageGRID {0} is not discovered in BlueXP; give admin_host, "
                                     "admin_username and admin_password to discover it.".format(params["name"]),
                                     option="admin_host", code="storagegrid_not_discovered")
        if "credentials" in changes and self.target == WE and params["update_secret"] == "on_create":
            raise ConfigurationError(
                "update_secret: {0} does not back up to {1}, and the API cannot tell whether it holds credentials "
                "for it. Backup activation (provider SGWS) gives them; set update_secret=always to write them now."
                .format(self.we.get("name"), current["name"]), option="update_secret", code="credentials_unknown")

    def predict(self, current, desired):
        after = dict(current, discovered=True) if desired.get("discovered") else dict(current)
        if desired["credentials"] and desired["credentials"] != current["credentials"]:
            after["credentials"] = {k: "written" if v == "present" else v for k, v in desired["credentials"].items()}
        return after

    def update(self, current, desired, changes):
        if "discovered" in changes:
            self.grid, self.discovered = self.discover(), True
        if "credentials" in changes:
            self.write_credentials(desired["credentials"])

    def discover(self):
        """Discover a grid BlueXP does not list yet; its listing is what later runs find."""
        params = self.params
        grid = sg.discover(self.client, params["admin_host"], params["admin_username"], params["admin_password"])
        if (grid.get("name") or "").lower() != params["name"].lower():
            self.warnings.append("BlueXP lists the grid discovered through {0} as {1!r}, not {2!r}: use name={1!r} "
                                 "in later runs.".format(params["admin_host"], grid.get("name"), params["name"]))
        elif params["wait"]:
            grid = wait_until(lambda: sg.find_grid(sg.list_grids(self.client), name=params["name"]),
                              params["wait_timeout"], "StorageGRID {0} to be listed".format(params["name"]))
        return grid

    def write_credentials(self, wanted):
        params, name = self.params, self.grid["name"]
        if wanted.get(STORE) == "absent":
            sg.delete_stored_credentials(self.client, name)
            self.credentials = {STORE: "absent"}
        elif self.target == STORE:
            sg.store_credentials(self.client, name, params["port"], params["access_key"], params["secret_key"],
                                 update=self.credentials.get(STORE) == "present")
            self.credentials = {STORE: "written"}
        else:
            sg.save_we_credentials(self.client, self.we["id"], sg.storage_server(name, params["port"]),
                                   params["access_key"], params["secret_key"])
            self.credentials = {WE: "written"}


def main():
    run_resource(create_module(ARGUMENT_SPEC, **RULES), StorageGrid)


if __name__ == "__main__":
    main()
