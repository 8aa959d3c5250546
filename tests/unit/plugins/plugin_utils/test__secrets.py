# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from pathlib import Path

import pytest

from ansible.module_utils.common.parameters import remove_values

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import connection_argument_spec
from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._secrets import (
    SECRET_OPTIONS,
    mask_secrets,
    secret_values,
)

ROOT = Path(__file__).resolve().parents[4]
CREDENTIAL_FRAGMENT = "bluexp.cloud_backup.connection.PLUGIN_CREDENTIALS"
# The test every controller plugin that takes a credential has: a token service that echoes it.
ECHO_TEST = "def test_a_token_service_echoing_the_credential_is_masked("


def test_the_secret_options_are_those_every_module_hides():
    hidden = {name for name, spec in connection_argument_spec().items() if spec.get("no_log")}
    assert set(SECRET_OPTIONS) == hidden == {"refresh_token", "client_secret", "token", "private_key",
                                             "private_key_passphrase", "password"}


def test_every_secret_is_masked_wherever_it_appears():
    options = {"refresh_token": "rt-SECRET", "client_secret": "cs-SECRET", "client_id": "public-id", "token": None}
    text = "refused rt-SECRET for public-id (secret cs-SECRET, again rt-SECRET)"
    assert mask_secrets(text, options) == "refused ******** for public-id (secret ********, again ********)"


def test_masking_is_the_one_ansible_module_applies_to_no_log_values():
    options = {"refresh_token": "rt-SECRET", "client_secret": "cs-SECRET"}
    text = "refused rt-SECRET and cs-SECRET"
    assert mask_secrets(text, options) == remove_values(text, ["rt-SECRET", "cs-SECRET"])


def test_a_secret_that_holds_another_is_masked_whole():
    # The shorter one first, as a client secret may begin with the refresh token's text.
    options = {"refresh_token": "abc", "client_secret": "abcdef"}
    assert mask_secrets("abcdef then abc", options) == "******** then ********"


def test_a_token_in_hand_is_masked_too():
    assert mask_secrets("Bearer at-SECRET refused", {}, ["at-SECRET"]) == "Bearer ******** refused"


@pytest.mark.parametrize("options", [{}, {"refresh_token": ""}, {"refresh_token": None, "token": None}])
def test_unset_options_mask_nothing(options):
    assert secret_values(options) == []
    assert mask_secrets("nothing to hide", options) == "nothing to hide"


def credential_plugins():
    """Lookup and inventory plugins that take the BlueXP credential (the PLUGIN_CREDENTIALS fragment)."""
    found = []
    for kind in ("lookup", "inventory"):
        for path in sorted((ROOT / "plugins" / kind).glob("*.py")):
            if CREDENTIAL_FRAGMENT in path.read_text(encoding="utf-8"):
                found.append((kind, path.stem))
    return found


def test_the_scan_finds_the_credential_plugins():
    assert ("lookup", "access_token") in credential_plugins()
    assert ("inventory", "working_environments") in credential_plugins()


@pytest.mark.parametrize("kind, name", credential_plugins())
def test_every_credential_plugin_masks_its_errors_and_is_tested_with_an_echoing_token_service(kind, name):
    """A plugin's error text reaches the screen and ansible.log unfiltered: each one masks it, and each
    has a test whose token service echoes the refresh token and the client secret."""
    source = (ROOT / "plugins" / kind / (name + ".py")).read_text(encoding="utf-8")
    assert "mask_secrets(" in source, "plugins/{0}/{1}.py shows errors without mask_secrets".format(kind, name)
    tests = [p for p in (ROOT / "tests" / "unit" / "plugins" / kind).glob("test_*.py")
             if "." + name in p.read_text(encoding="utf-8") and ECHO_TEST in p.read_text(encoding="utf-8")]
    assert tests, "no test of plugins/{0}/{1}.py with a token service that echoes the credential".format(kind, name)


def test_secrets_in_the_environment_are_masked_too(monkeypatch):
    # The plugins read credential variables through the client, not through their options.
    monkeypatch.setenv("BLUEXP_PASSWORD", "pw-SECRET")
    monkeypatch.setenv("BLUEXP_CLIENT_ID", "public-id")
    assert mask_secrets("refused pw-SECRET for public-id", {}) == "refused ******** for public-id"
