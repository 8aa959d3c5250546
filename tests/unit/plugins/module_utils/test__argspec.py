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
    INT,
    SECONDS,
    connection_argument_spec,
    module_argument_spec,
    wait_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import CREDENTIAL_ENV
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    CLIENT_SECRET,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    FailJson,
    patch_module_args,
    run_module,
)

SECRET_OPTIONS = ("refresh_token", "client_secret", "token", "private_key", "private_key_passphrase", "password")


def fragment_options(text):
    return yaml.safe_load(text)["options"]


def test_secret_options_are_no_log():
    spec = connection_argument_spec()
    for name in SECRET_OPTIONS:
        assert spec[name].get("no_log") is True, name
    for name in set(spec) - set(SECRET_OPTIONS):
        assert not spec[name].get("no_log"), name


def test_every_connection_option_has_its_bluexp_environment_fallback():
    """Except the credentials: _login.py reads their variables only when the task gives no credential."""
    for name, option in connection_argument_spec().items():
        if name in CREDENTIAL_ENV:
            assert "fallback" not in option, name
        elif name == "connector_id":
            assert option["fallback"] == (env_fallback, ["BLUEXP_CONNECTOR_ID", "BLUEXP_AGENT_ID"])
            assert option["aliases"] == ["agent_id"]
        else:
            assert option["fallback"] == (env_fallback, ["BLUEXP_" + name.upper()]), name


def test_defaults():
    spec = connection_argument_spec()
    # No default, so that api_url or auth_url given with console_url can be refused (_login.endpoints).
    assert "default" not in spec["api_url"] and "default" not in spec["auth_url"]
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
        assert doc.get("aliases") == option.get("aliases"), name
        names = option["fallback"][1] if "fallback" in option else CREDENTIAL_ENV.get(name, ())
        for env in names:
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
    first["timeout"]["default"] = 1
    assert connection_argument_spec()["timeout"]["default"] == 60


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
    # A credential variable is read by the client, after the task's own credential options.
    assert params["refresh_token"] is None
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
    monkeypatch.setenv("BLUEXP_PASSWORD", "pw-SECRET-env")
    monkeypatch.setenv("BLUEXP_PRIVATE_KEY_PASSPHRASE", "pp-SECRET-env")
    with patch_module_args({"token": STATIC_TOKEN, "refresh_token": REFRESH_TOKEN, "client_id": "sa-id",
                            "private_key": "/keys/sa.pem"}):
        module = create_module({})
    for secret in (STATIC_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, "pw-SECRET-env", "pp-SECRET-env", "/keys/sa.pem"):
        assert secret in module.no_log_values


def test_agent_id_is_the_connector_id(monkeypatch):
    with patch_module_args({"agent_id": "agent-1"}):
        assert AnsibleModule(argument_spec=module_argument_spec({})).params["connector_id"] == "agent-1"
    monkeypatch.setenv("BLUEXP_AGENT_ID", "agent-env")
    with patch_module_args({}):
        assert AnsibleModule(argument_spec=module_argument_spec({})).params["connector_id"] == "agent-env"


# --- whole numbers ----------------------------------------------------------------------------------

REFUSED_NUMBERS = ["inf", "-inf", ".inf", "Infinity", "1e999", "1e3", "1E3", "1.5", 1.5, float("inf"), float("nan"),
                   "nan", True, "1_000", "0x10", "\u0661\u0662", "", "12 days", [12], {"n": 12}]


@pytest.mark.parametrize("value, expected", [(12, 12), ("12", 12), (" 12 ", 12), ("+12", 12), (12.0, 12), ("12.0", 12),
                                             (0, 0), (-3, -3), (2 ** 63 - 1, 2 ** 63 - 1)])
def test_a_whole_number_passes(value, expected):
    number = INT(value)
    assert number == expected and isinstance(number, int) and not isinstance(number, bool)


@pytest.mark.parametrize("value", REFUSED_NUMBERS, ids=repr)
def test_anything_else_is_refused_with_a_type_error(value):
    with pytest.raises(TypeError, match="is not a whole number"):
        INT(value)


@pytest.mark.parametrize("kind, too_big", [(INT, 2 ** 63), (INT, -2 ** 63 - 1), (SECONDS, 2 ** 31),
                                           (SECONDS, "99999999999")])
def test_a_number_out_of_range_is_refused(kind, too_big):
    with pytest.raises(TypeError, match="out of range: at most"):
        kind(too_big)


def test_a_thousand_digits_are_refused_and_shown_short():
    with pytest.raises(TypeError) as info:
        INT("9" * 5000)
    assert len(str(info.value)) < 120


def test_the_strict_types_still_read_as_int_for_the_documentation():
    # ansible-test validate-modules compares the spec's type with the documented `type: int`.
    assert INT == SECONDS == "int" and INT.__name__ == SECONDS.__name__ == "int"
    assert connection_argument_spec()["timeout"]["type"] is SECONDS
    assert wait_argument_spec()["wait_timeout"]["type"] is SECONDS


@pytest.mark.parametrize("value", ["inf", "1e999", ".inf", "1e3", "1.5", 1.5], ids=repr)
def test_a_module_refuses_a_loose_number_naming_the_option(value):
    """What ansible-core does with type='int' differs by version (it takes "1e3", and raises
    OverflowError on "inf" on 2.19 and 2.21); with the strict types the module fails cleanly."""
    outcome = run_module(lambda: AnsibleModule(argument_spec=module_argument_spec({}, with_wait=True)),
                         {"wait_timeout": value})
    assert isinstance(outcome, FailJson)
    assert "wait_timeout" in outcome.result["msg"] and "is not a whole number" in outcome.result["msg"]


def test_the_environment_fallback_is_checked_too(monkeypatch):
    monkeypatch.setenv("BLUEXP_TIMEOUT", "1e3")
    outcome = run_module(lambda: AnsibleModule(argument_spec=module_argument_spec({})), {})
    assert isinstance(outcome, FailJson) and "'timeout'" in outcome.result["msg"]
