# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every credential kind through a module, against the emulator's token service; and each way in
which a private key or a local login goes wrong: one message naming the option, no traceback,
never the key, the passphrase or the password."""

from __future__ import annotations

import json

import pytest
from cryptography.hazmat.primitives import serialization

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _assertion
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import AUTH_URL
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.keys import (
    PASSPHRASE,
    ec_pem,
    pem,
    public_pem,
    rsa_key,
)

MODULE = "job_info"
OTHER_KEY = pem(rsa_key("not-registered"))


def key_login(emulator, **extra):
    creds = emulator.state()["credentials"]
    args = dict(token=None, client_id=creds["key_client_id"], key_id=creds["key_id"], private_key=creds["private_key"])
    args.update(extra)
    return args


def local(emulator):
    """The emulator as a Console local deployment, on one host."""
    emulator.reset(deployment="local")
    creds = emulator.state()["credentials"]
    return creds, dict(token=None, api_url=None, auth_url=None, console_url=AUTH_URL)


def grants(emulator):
    return [entry.get("body", {}).get("grant_type") for entry in emulator.requests() if "oauth/token" in entry["path"]]


def assert_clean(result, *secrets):
    text = json.dumps(result)
    assert "Traceback" not in text and "exception" not in result
    for secret in secrets:
        assert secret not in text
    assert "PRIVATE KEY" not in text and "eyJhbGciOiJSUzI1NiIs" not in text


# --- each kind works --------------------------------------------------------------------------------

def test_private_key_service_account(emulator):
    emulator.run_ok(MODULE, **key_login(emulator))
    assert grants(emulator) == ["client_credentials"]


def test_encrypted_private_key_from_a_file(emulator, tmp_path):
    # The emulator's registered key, encrypted as a careful user keeps it.
    key = serialization.load_pem_private_key(emulator.state()["credentials"]["private_key"].encode(), password=None)
    path = tmp_path / "sa.pem"
    path.write_text(pem(key, PASSPHRASE))
    emulator.run_ok(MODULE, **key_login(emulator, private_key=str(path), private_key_passphrase=PASSPHRASE))


def test_private_key_from_the_environment(emulator, tmp_path, monkeypatch):
    creds = emulator.state()["credentials"]
    path = tmp_path / "sa.pem"
    path.write_text(creds["private_key"])
    monkeypatch.setenv("BLUEXP_CLIENT_ID", creds["key_client_id"])
    monkeypatch.setenv("BLUEXP_PRIVATE_KEY_FILE", str(path))
    emulator.run_ok(MODULE, token=None)
    assert grants(emulator) == ["client_credentials"]


def test_local_user(emulator):
    creds, args = local(emulator)
    emulator.run_ok(MODULE, username=creds["username"], password=creds["password"], **args)
    assert grants(emulator) == ["password"]


def test_local_service_account(emulator):
    creds, args = local(emulator)
    emulator.run_ok(MODULE, client_id=creds["client_id"], client_secret=creds["client_secret"], **args)
    assert grants(emulator) == ["client_credentials"]
    body = next(entry["body"] for entry in emulator.requests() if "oauth/token" in entry["path"])
    assert "audience" not in body


def test_agent_id_names_the_connector(emulator):
    emulator.run_ok(MODULE, connector_id=None, agent_id=emulator.connector_id)


# --- bad input: refused before any request ----------------------------------------------------------

@pytest.mark.parametrize("extra, option, text", [
    (dict(private_key="/nonexistent/sa.pem"), "private_key", "private_key is neither PEM text"),
    (dict(private_key="ec"), "private_key", "is an elliptic curve (EC) key"),
    (dict(private_key="encrypted", private_key_passphrase="pp-SECRET-wrong"), "private_key_passphrase",
     "private_key_passphrase does not decrypt private_key"),
    (dict(private_key="encrypted"), "private_key_passphrase", "private_key is encrypted"),
], ids=["unreadable", "not RSA", "wrong passphrase", "no passphrase"])
def test_a_bad_key_fails_naming_the_option_before_any_request(emulator, extra, option, text):
    extra = dict(extra)
    if extra["private_key"] == "ec":
        extra["private_key"] = ec_pem()
    elif extra["private_key"] == "encrypted":
        extra["private_key"] = pem(rsa_key(), PASSPHRASE)
    result = emulator.run_fail(MODULE, **key_login(emulator, **extra))
    assert text in result["msg"] and result["error_code"] == "invalid_option"
    assert result.get("option") == option
    assert emulator.requests() == []
    assert_clean(result, PASSPHRASE, "pp-SECRET-wrong")


def test_private_key_on_a_local_deployment_fails_before_any_request(emulator):
    _creds, args = local(emulator)
    result = emulator.run_fail(MODULE, client_id="sa", private_key=OTHER_KEY, **args)
    assert "private_key is not supported by the Console local deployment" in result["msg"]
    assert emulator.requests() == []
    assert_clean(result)


def test_two_credentials_fail_naming_both_before_any_request(emulator):
    creds = emulator.state()["credentials"]
    result = emulator.run_fail(MODULE, **key_login(emulator, client_secret=creds["client_secret"]))
    assert "client_secret and private_key are set: two credentials at once" in result["msg"]
    assert emulator.requests() == []
    assert_clean(result, creds["client_secret"])


# --- refused by the token service ---------------------------------------------------------------------

def _refused(emulator, secrets=(), **args):
    result = emulator.run_fail(MODULE, **args)
    assert result["error_code"] == "auth_failed"
    assert "POST " + AUTH_URL + "/oauth/token" in result["msg"]
    assert len(grants(emulator)) == 1, "a refused credential is not sent again"
    assert_clean(result, *secrets)
    return result["msg"]


def test_a_key_the_console_does_not_know(emulator):
    message = _refused(emulator, **key_login(emulator, private_key=OTHER_KEY))
    assert "HTTP 401" in message and "Invalid signature" in message
    assert "Check client_id, private_key and key_id" in message


def test_a_key_registered_under_another_key_id(emulator):
    emulator.control("POST", "credentials", {"public_key": public_pem(rsa_key("rotated")), "key_id": "key-2"})
    message = _refused(emulator, **key_login(emulator, private_key=pem(rsa_key("rotated")), key_id="key-1"))
    assert "Invalid kid" in message and "key_id" in message


@pytest.mark.parametrize("skew, text", [(-3600, "Expired client assertion"), (3600, "not yet valid")],
                         ids=["clock an hour behind", "clock an hour ahead"])
def test_an_assertion_out_of_its_time(emulator, monkeypatch, skew, text):
    real = _assertion.wall_clock
    monkeypatch.setattr(_assertion, "wall_clock", lambda: real() + skew)
    message = _refused(emulator, **key_login(emulator))
    assert text in message and "check that the clock of the host running the task is right" in message


def test_a_wrong_audience(emulator):
    message = _refused(emulator, **key_login(emulator, audience="https://elsewhere.example.test"))
    assert "Service not found" in message and "Check audience" in message


def test_a_wrong_password(emulator):
    creds, args = local(emulator)
    message = _refused(emulator, ("pw-SECRET-wrong",), username=creds["username"], password="pw-SECRET-wrong", **args)
    assert "HTTP 403" in message and "Wrong username or password." in message
    assert "Check username and password" in message


def test_a_refresh_token_is_not_sent_to_a_local_deployment(emulator):
    creds, args = local(emulator)
    result = emulator.run_fail(MODULE, refresh_token=creds["refresh_token"], **args)
    assert result["option"] == "refresh_token" and "not supported by the Console local deployment" in result["msg"]
    assert emulator.requests() == []


def test_a_retried_exchange_signs_a_new_assertion(emulator):
    # The token service took the first assertion, then its answer was lost: the retry must not
    # repeat that jti, which the service has used up.
    emulator.add_fault(method="POST", path="/oauth/token$", status=503, count=1, after_apply=True)
    emulator.run_ok(MODULE, **key_login(emulator))
    exchanges = [entry for entry in emulator.requests() if "oauth/token" in entry["path"]]
    assert [entry["status"] for entry in exchanges] == [503, 200]


class SameId:
    """What uuid.uuid4() gives when every assertion gets the same jti."""

    hex = "same-jti"


def test_a_reused_assertion_is_what_the_token_service_refuses(emulator, monkeypatch):
    # The guard of the test above: the emulator does refuse a jti it has seen.
    monkeypatch.setattr("uuid.uuid4", SameId)
    emulator.run_ok(MODULE, **key_login(emulator))
    emulator.clear_requests()
    message = _refused(emulator, **key_login(emulator))
    assert "The jti has already been used" in message
