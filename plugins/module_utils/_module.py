# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""What every module does before its own work: build the AnsibleModule and the client."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import module_argument_spec
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._ids import check_id_options
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import environment_secrets
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import (
    HAS_REQUESTS,
    REQUESTS_IMPORT_ERROR,
)


def create_module(own_spec: dict[str, dict[str, Any]], with_wait: bool = False, wait_default: bool = True,
                  **kwargs: Any) -> AnsibleModule:
    kwargs.setdefault("supports_check_mode", True)
    spec = module_argument_spec(own_spec, with_wait, wait_default)
    module = AnsibleModule(argument_spec=spec, **kwargs)
    # Credentials in BLUEXP_* variables are read by _login.py, not through the argument spec:
    # mask them in everything the module returns, as its no_log options are.
    module.no_log_values.update(environment_secrets())
    if not HAS_REQUESTS:
        module.fail_json(msg=missing_required_lib("requests"), exception=REQUESTS_IMPORT_ERROR)
    try:
        check_id_options(module.params, spec)
    except ConfigurationError as exc:
        module.fail_json(**exc.to_result())
    return module


def new_client(module: AnsibleModule) -> Any:
    # Imported here so that a missing `requests` is reported by create_module first.
    from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient

    return BlueXPClient.from_params(module.params)
