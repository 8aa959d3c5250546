# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest
import yaml

from ansible.module_utils.basic import AnsibleModule, env_fallback

from ansible_collections.bluexp.cloud_backup.plugins.doc_fragments.connection import ModuleDocFragment
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    connection_argument_spec,
    module_argument_spec,
    wait_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    CLIENT_SECRET,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    patch_module_args,
)

SECRET_OPTIONS = ("refresh_token", "client_secret", "token")


def fragment_options(text):
    return yaml.safe_load(text)["options"]


def test_secret_options_are_no_log():
    spec = connection_argument_spec()
    for name in SECRET_OPTIONS:
        assert spec[name].get("no_log") is True, name
    for name in set(spec) - set(SECRET_OPTIONS):
        assert not spec[name].get("no_log"), name


def test_every_connection_option_has_its_bluexp_environment_fallback():
    for name, option in connection_argument_spec().items():
        assert option["fallback"] == (env_fallback, ["BLUEXP_" + name.upper()]), name


def test_defaults():
    spec = connection_argument_spec()
    assert spec["api_url"]["default"] == DEFAULT_API_URL == "https://api.bluexp.netapp.com"
    assert spec["auth_url"]["default"] == DEFAULT_AUTH_URL == "https://netapp-cloud-account.auth0.com"
    assert spec["validate_certs"]["default"] is True
    assert spec["bypass_cache"]["default"] is False
    assert spec["timeout"]["default"] == 60


@pytest.mark.parametrize("fragment, spec", [
    (ModuleDocFragment.DOCUMENTATION, connection_argument_spec()),
    (ModuleDocFragment.WAIT, wait_argument_spec()),
], ids=["connection", "wait"])
def test_doc_fragment_matches_the_argument_spec(fragment, spec):
    documented = fragment_options(fragment)
    assert set(documented) == set(spec)
    for name, option in spec.items():
        doc = documented[name]
        assert doc["type"] == option["type"], name
        assert doc.get("default") == option.get("default"), name
        if "fallback" in option:
            env = option["fallback"][1][0]
            assert "E({0})".format(env) in " ".join(doc["description"]), name


def test_wait_options_and_their_default():
    assert wait_argument_spec()["wait"]["default"] is True
    assert wait_argument_spec(wait_default=False)["wait"]["default"] is False
    assert wait_argument_spec()["wait_timeout"] == {"type": "int", "default": 1800}


def test_module_argument_spec_composition():
    own = {"names": {"type": "list", "elements": "str"}, "timeout": {"type": "int", "default": 5}}
    spec = module_argument_spec(own)
    assert "names" in spec and "api_url" in spec and "wait" not in spec
    assert spec["timeout"] == {"type": "int", "default": 5}, "a module's own option wins"
    with_wait = module_argument_spec({}, with_wait=True, wait_default=False)
    assert with_wait["wait"]["default"] is False and "wait_timeout" in with_wait


def test_specs_are_fresh_copies():
    first = connection_argument_spec()
    first["api_url"]["default"] = "changed"
    assert connection_argument_spec()["api_url"]["default"] == DEFAULT_API_URL


def test_environment_fallbacks_reach_the_module(monkeypatch):
    monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", REFRESH_TOKEN)
    monkeypatch.setenv("BLUEXP_ACCOUNT_ID", "account-env")
    monkeypatch.setenv("BLUEXP_API_URL", "http://127.0.0.1:8080")
    monkeypatch.setenv("BLUEXP_TIMEOUT", "15")
    monkeypatch.setenv("BLUEXP_VALIDATE_CERTS", "false")
    monkeypatch.setenv("BLUEXP_BYPASS_CACHE", "yes")
    with patch_module_args({"connector_id": "from-args"}):
        module = AnsibleModule(argument_spec=module_argument_spec({}))
    params = module.params
    assert params["refresh_token"] == REFRESH_TOKEN
    assert params["account_id"] == "account-env"
    assert params["connector_id"] == "from-args"
    assert params["api_url"] == "http://127.0.0.1:8080"
    assert params["timeout"] == 15
    assert params["validate_certs"] is False
    assert params["bypass_cache"] is True
    assert params["token"] is None


def test_task_arguments_win_over_the_environment(monkeypatch):
    monkeypatch.setenv("BLUEXP_ACCOUNT_ID", "account-env")
    with patch_module_args({"account_id": "account-task", "token": STATIC_TOKEN}):
        module = AnsibleModule(argument_spec=module_argument_spec({}))
    assert module.params["account_id"] == "account-task"


def test_secret_values_are_registered_for_masking(monkeypatch):
    monkeypatch.setenv("BLUEXP_CLIENT_SECRET", CLIENT_SECRET)
    with patch_module_args({"token": STATIC_TOKEN, "refresh_token": REFRESH_TOKEN, "client_id": "sa-id"}):
        module = AnsibleModule(argument_spec=module_argument_spec({}))
    for secret in (STATIC_TOKEN, REFRESH_TOKEN, CLIENT_SECRET):
        assert secret in module.no_log_values
