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
  - With O(state=enabled), sets up the indexing service for the working environment (once) and turns
    indexing on, so that M(bluexp.cloud_backup.catalog_search_info) finds files in its backups.
  - With O(state=disabled), turns indexing off. Backups are not touched either way.
  - The current state is read from the working environment's C(catalog-enabled) flag, so a rerun reports
    no change and sends no write.
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
      - Whether indexing is on.
    type: str
    choices: [enabled, disabled]
    default: enabled
seealso:
  - module: bluexp.cloud_backup.catalog_search_info
"""

EXAMPLES = r"""
---
- name: Index the backups of the file servers
  bluexp.cloud_backup.catalog:
    working_environment_name: "{{ item }}"
  loop: [files-east-1, files-west-1]
"""

RETURN = r"""
catalog:
  description: The catalog state after the task (predicted in check mode).
  returned: always
  type: dict
  sample: {enabled: true}
jobs:
  description: The set-up job, when the task started one.
  returned: when a job was started
  type: list
  elements: dict
working_environment_id:
  description: ID of the working environment.
  returned: always
  type: str
"""

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    WORKING_ENVIRONMENT_RULES,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import BlueXPError, ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import activation as act
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import working_environments as wes
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job

ARGUMENT_SPEC = dict(
    working_environment_argument_spec(),
    state=dict(type="str", choices=["enabled", "disabled"], default="enabled"),
)


def run(client, params, outcome):
    we = wes.resolve(client, params["working_environment_id"], params["working_environment_name"])
    outcome.extra["working_environment_id"] = we["id"]
    backup = act.get(client, we["id"])
    enabled = bool((backup or {}).get("catalog-enabled"))
    outcome.before = {"enabled": enabled}
    wanted = params["state"] == "enabled"
    outcome.after = {"enabled": wanted}
    if enabled == wanted:
        return
    if wanted and not act.is_active(backup):
        raise ConfigurationError("{0} has no active backup and recovery: activate it with "
                                 "bluexp.cloud_backup.backup_activation before indexing its backups.".format(
                                     we.get("name")), option="state")
    outcome.changed = True
    if outcome.check_mode:
        return
    jobs = []
    if wanted:
        # Set-up provisions the indexing service; it is asked for every time indexing is turned on,
        # since the API offers no way to read whether it was done before.
        jobs.append(follow_job(client, client.cbs("POST", "v2", "catalog", "working-environments", we["id"], "setup"),
                               params))
    client.cbs("PUT", "v1", "catalog", "working-environments", we["id"],
               body={"state": "ENABLE" if wanted else "DISABLE"})
    outcome.extra["jobs"] = [j for j in jobs if j]


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **WORKING_ENVIRONMENT_RULES)
    outcome = Outcome(module, "catalog")
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
