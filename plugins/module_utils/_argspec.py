# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Argument specs shared by every module; mirrored by doc_fragments/connection.py."""

from __future__ import annotations

from typing import Any

from ansible.module_utils.basic import env_fallback

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import SECRET_OPTIONS
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int

DEFAULT_TIMEOUT = 60
DEFAULT_WAIT_TIMEOUT = 1800


class StrictInt(str):
    """`type="int"` of an option, converted by the collection instead of ansible-core.

    ansible-core's own conversion is loose, and differs by version: 2.19 and 2.21 take "1e3" as
    1000 and "1e999" as a thousand-digit number, and fail with a traceback (OverflowError) on
    "inf", where 2.16 refuses them; every version takes True as 1. As a callable `type`, this one is called instead:
    only whole numbers pass (12, "12", 12.0; see _transform.as_int), within `maximum`, and
    anything else fails the task with ansible-core's message naming the option, before any call.
    Being also the text "int", it equals the documented `type: int`, which ansible-test
    validate-modules compares it with.
    """

    # How ansible-core names the type in its message ("... unable to convert to int: ...").
    __name__ = "int"
    # What a 64-bit integer holds, the widest number the API takes.
    maximum = 2 ** 63 - 1

    def __call__(self, value: Any) -> int:
        number = as_int(value)
        if number is None:
            raise TypeError("{0} is not a whole number (a fraction, an exponent or an infinity is refused)"
                            .format(_shown(value)))
        if abs(number) > self.maximum:
            raise TypeError("{0} is out of range: at most {1}".format(_shown(number), self.maximum))
        return number


class StrictSeconds(StrictInt):
    """A number of seconds: within what the platform's timers hold (socket timeouts, sleeps)."""

    maximum = 2 ** 31 - 1


def _shown(value: Any) -> str:
    """The value as a message shows it: short, whatever was given."""
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


# The argument spec `type` of every whole-number option, and of every option in seconds.
INT = StrictInt("int")
SECONDS = StrictSeconds("int")


def _env(*names: str) -> tuple:
    return (env_fallback, list(names))


def connection_argument_spec() -> dict[str, dict[str, Any]]:
    """Connection and credential options.

    The credential options have no environment fallback here: _login.py reads the BLUEXP_*
    variables itself, only when the task gives no credential, so that a credential in the task
    always wins over one in the environment. api_url and auth_url have no default here either,
    so that giving them together with console_url can be refused (_login.endpoints).
    """
    spec: dict[str, dict[str, Any]] = {
        name: dict(type="str", no_log=name in SECRET_OPTIONS) for name in (
            "token", "refresh_token", "client_id", "client_secret", "private_key", "private_key_passphrase",
            "key_id", "audience", "username", "password")
    }
    spec.update(
        account_id=dict(type="str", fallback=_env("BLUEXP_ACCOUNT_ID")),
        # The Connector is now called the Console agent; the API's header says agent too.
        connector_id=dict(type="str", aliases=["agent_id"], fallback=_env("BLUEXP_CONNECTOR_ID", "BLUEXP_AGENT_ID")),
        console_url=dict(type="str", fallback=_env("BLUEXP_CONSOLE_URL")),
        api_url=dict(type="str", fallback=_env("BLUEXP_API_URL")),
        auth_url=dict(type="str", fallback=_env("BLUEXP_AUTH_URL")),
        validate_certs=dict(type="bool", default=True, fallback=_env("BLUEXP_VALIDATE_CERTS")),
        ca_path=dict(type="path", fallback=_env("BLUEXP_CA_PATH")),
        timeout=dict(type=SECONDS, default=DEFAULT_TIMEOUT, fallback=_env("BLUEXP_TIMEOUT")),
        bypass_cache=dict(type="bool", default=False, fallback=_env("BLUEXP_BYPASS_CACHE")),
    )
    return spec


def wait_argument_spec(wait_default: bool = True) -> dict[str, dict[str, Any]]:
    """Options of modules that start or follow asynchronous jobs."""
    return dict(
        wait=dict(type="bool", default=wait_default),
        wait_timeout=dict(type=SECONDS, default=DEFAULT_WAIT_TIMEOUT),
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
