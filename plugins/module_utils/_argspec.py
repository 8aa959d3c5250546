# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Argument specs shared by every module; mirrored by doc_fragments/connection.py."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import env_fallback

DEFAULT_API_URL = "https://api.bluexp.netapp.com"
DEFAULT_AUTH_URL = "https://netapp-cloud-account.auth0.com"
DEFAULT_TIMEOUT = 60
DEFAULT_WAIT_TIMEOUT = 1800


def _env(*names: str) -> tuple:
    return (env_fallback, list(names))


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Connection and credential options, each with a BLUEXP_* environment fallback."""
    return dict(
        refresh_token=dict(type="str", no_log=True, fallback=_env("BLUEXP_REFRESH_TOKEN")),
        client_id=dict(type="str", fallback=_env("BLUEXP_CLIENT_ID")),
        client_secret=dict(type="str", no_log=True, fallback=_env("BLUEXP_CLIENT_SECRET")),
        token=dict(type="str", no_log=True, fallback=_env("BLUEXP_TOKEN")),
        account_id=dict(type="str", fallback=_env("BLUEXP_ACCOUNT_ID")),
        connector_id=dict(type="str", fallback=_env("BLUEXP_CONNECTOR_ID")),
        api_url=dict(type="str", default=DEFAULT_API_URL, fallback=_env("BLUEXP_API_URL")),
        auth_url=dict(type="str", default=DEFAULT_AUTH_URL, fallback=_env("BLUEXP_AUTH_URL")),
        validate_certs=dict(type="bool", default=True, fallback=_env("BLUEXP_VALIDATE_CERTS")),
        ca_path=dict(type="path", fallback=_env("BLUEXP_CA_PATH")),
        timeout=dict(type="int", default=DEFAULT_TIMEOUT, fallback=_env("BLUEXP_TIMEOUT")),
        bypass_cache=dict(type="bool", default=False, fallback=_env("BLUEXP_BYPASS_CACHE")),
    )


def wait_argument_spec(wait_default: bool = True) -> dict[str, dict[str, Any]]:
    """Options of modules that start or follow asynchronous jobs."""
    return dict(
        wait=dict(type="bool", default=wait_default),
        wait_timeout=dict(type="int", default=DEFAULT_WAIT_TIMEOUT),
    )


def working_environment_argument_spec() -> dict[str, dict[str, Any]]:
    """How a stateful module names its working environment: by ID or by exact name."""
    return dict(
        working_environment_id=dict(type="str"),
        working_environment_name=dict(type="str"),
    )


def backup_selection_argument_spec() -> dict[str, dict[str, Any]]:
    """Which backup of which volume a recovery module works on."""
    return dict(
        volume=dict(type="str", required=True),
        svm=dict(type="str"),
        backup=dict(type="str"),
        newest_before=dict(type="str"),
    )


BACKUP_SELECTION_RULES = dict(mutually_exclusive=[("backup", "newest_before")])


WORKING_ENVIRONMENT_RULES = dict(
    mutually_exclusive=[("working_environment_id", "working_environment_name")],
    required_one_of=[("working_environment_id", "working_environment_name")],
)


def module_argument_spec(own: dict[str, dict[str, Any]], with_wait: bool = False,
                         wait_default: bool = True) -> dict[str, dict[str, Any]]:
    """A module's full argument spec: its own options plus the shared ones."""
    spec = connection_argument_spec()
    if with_wait:
        spec.update(wait_argument_spec(wait_default))
    spec.update(own)
    return spec


def merge_rules(*rules: dict[str, list]) -> dict[str, list]:
    """One set of AnsibleModule constraints (mutually_exclusive, required_one_of...) from several."""
    merged: dict[str, list] = {}
    for rule in rules:
        for key, value in rule.items():
            merged.setdefault(key, []).extend(value)
    return merged
