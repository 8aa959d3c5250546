#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

DOCUMENTATION = r"""
module: catalog
short_description: Enable or disable the indexed catalog (Search & Restore) of a working environment
version_added: 0.1.0
description:
  - With O(state=present), sets up the indexing service for the working environment (once) and turns
    indexing on, so that M(bluexp.cloud_backup.catalog_search_info) finds files in its backups.
  - With O(state=absent), turns indexing off. Backups are not touched either way.
  - The current state is read from the working environment's C(catalog-enabled) flag, so a rerun reports
    no change and sends no write.
  - The set-up is started once. A set-up job already running in BlueXP on the working environment, started by
    an earlier run that did not see it end (O(wait_timeout), a lost answer), is followed to its end with
    O(wait) and the state read again; without O(wait), and in check mode, it is reported (RV(already_running),
    RV(jobs)) with no change and nothing is sent.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.WAIT
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  state:
    description:
      - Whether indexing is on, in the words of the collection's other modules.
      - V(enabled) and V(disabled), the values of earlier releases, are still accepted as other names of
        V(present) and V(absent).
    type: str
    choices: [present, absent, enabled, disabled]
    default: present
seealso:
  - module: bluexp.cloud_backup.catalog_search_info
"""

EXAMPLES = r"""
---
- name: Index the backups of the file servers
  bluexp.cloud_backup.catalog:
    working_environment_name: "{{ item }}"
  loop: [files-east-1, files-west-1]

- name: Stop indexing a retired file server
  bluexp.cloud_backup.catalog:
    working_environment_name: files-old-1
    state: absent
"""

RETURN = r"""
catalog:
  description: The catalog state after the task (predicted in check mode).
  returned: always
  type: dict
  sample: {enabled: true}
jobs:
  description: The set-up job, when the task started one or found one already running (RV(already_running)).
  returned: when a job was started or found running
  type: list
  elements: dict
  sample: [{id: 7b1c2d3e-0f4a-4b5c-8d9e-0a1b2c3d4e5f, status: COMPLETED, type: catalog-setup}]
already_running:
  description:
    - True when a set-up job was found already running in BlueXP (RV(jobs)) and was not started again; the task
      then reports no change, and its message says how to follow it.
  returned: when a job was found running
  type: bool
  sample: true
error_code:
  description:
    - Why the task failed, for playbooks to branch on; V(not_activated) when backup and recovery is not active
      on the working environment, V(working_environment_not_found), V(invalid_option), V(job_failed),
      V(job_timeout), V(api_error), V(auth_failed), V(transport_error), V(write_not_resent), V(unexpected_answer).
  returned: failure
  type: str
  sample: not_activated
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
  sample: VsaWorkingEnvironment-99hPYEgk
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import catalog, jobs
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Resource, run_resource

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    state=dict(type="str", choices=["present", "absent", "enabled", "disabled"], default="present"),
)
# The values of earlier releases, kept as other names of present and absent.
INDEXING_ON = ("present", "enabled")


class Catalog(Resource):
    """Indexing of one working environment: always exists, on or off."""

    result_key = "catalog"
    fields = (Field("enabled", option="state"),)

    def locate(self):
        self.we = wes.resolve(self.client, self.params["working_environment_id"],
                              self.params["working_environment_name"])
        self.extra["working_environment_id"] = self.we["id"]

    def read(self):
        self.activation = act.get(self.client, self.we["id"])
        return {"enabled": catalog.is_enabled(self.activation)}

    def desired(self, current):
        return {"enabled": self.params["state"] in INDEXING_ON}

    def check(self, current, desired, changes):
        if desired["enabled"] and not act.is_active(self.activation):
            raise ConfigurationError("{0} has no active backup and recovery: activate it with "
                                     "bluexp.cloud_backup.backup_activation before indexing its backups."
                                     .format(self.we.get("name")), option="state", code="not_activated")

    def running(self, current, desired, changes):
        if not desired["enabled"]:
            return []  # turning indexing off is answered at once
        return jobs.running_jobs(self.client, (jobs.CATALOG_SETUP,), self.we["id"])

    def update(self, current, desired, changes):
        if desired["enabled"]:
            # Set-up provisions the indexing service; it is asked for every time indexing is turned
            # on, since the API offers no way to read whether it was done before.
            self.follow(catalog.setup(self.client, self.we["id"]))
        return catalog.set_indexing(self.client, self.we["id"], desired["enabled"])


def main():
    run_resource(create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES), Catalog)


if __name__ == "__main__":
    main()
