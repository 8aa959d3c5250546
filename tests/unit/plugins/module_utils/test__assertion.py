# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._assertion import (
    ASSERTION_LIFETIME,
    AssertionSigner,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.keys import (
    PASSPHRASE,
    decode_assertion,
    ec_pem,
    pem,
    rsa_key,
)

TENANT = "https://tenant.example.test/"


def signer(key_text, passphrase=None, key_id=None, now=1_900_000_000.0):
    return AssertionSigner(key_text, passphrase, key_id, clock=lambda: now)


def test_assertion_is_an_rs256_jwt_for_the_client_and_the_token_service():
    header, claims = decode_assertion(signer(pem(rsa_key())).assertion("sa-1", TENANT), rsa_key())
    assert header == {"alg": "RS256", "typ": "JWT"}
    assert claims["iss"] == claims["sub"] == "sa-1"
    assert claims["aud"] == TENANT
    assert claims["iat"] == claims["nbf"] == 1_900_000_000
    assert claims["exp"] - claims["iat"] == ASSERTION_LIFETIME <= 600


def test_key_id_goes_into_the_header():
    header = decode_assertion(signer(pem(rsa_key()), key_id="kid-7").assertion("sa-1", TENANT), rsa_key())[0]
    assert header["kid"] == "kid-7"


def test_every_assertion_has_its_own_jti():
    one = signer(pem(rsa_key()))
    ids = {decode_assertion(one.assertion("sa-1", TENANT), rsa_key())[1]["jti"] for _attempt in range(20)}
    assert len(ids) == 20


@pytest.mark.parametrize("layout", ["pkcs8", "pkcs1"])
def test_key_is_read_from_pem_text_or_from_a_file(tmp_path, layout):
    text = pem(rsa_key(), pkcs1=layout == "pkcs1")
    path = tmp_path / "key.pem"
    path.write_text(text)
    for given in (text, str(path), "  \n" + text):
        decode_assertion(signer(given).assertion("sa-1", TENANT), rsa_key())


def test_path_with_tilde_is_expanded(tmp_path, monkeypatch):
    monkeypatch.setenv("HOME", str(tmp_path))
    (tmp_path / "key.pem").write_text(pem(rsa_key()))
    decode_assertion(signer("~/key.pem").assertion("sa-1", TENANT), rsa_key())


def test_encrypted_key_is_decrypted_with_the_passphrase():
    decode_assertion(signer(pem(rsa_key(), PASSPHRASE), PASSPHRASE).assertion("sa-1", TENANT), rsa_key())


def _refused(key_text, passphrase=None):
    with pytest.raises(ConfigurationError) as info:
        signer(key_text, passphrase)
    message = info.value.msg
    # Never the key, never the passphrase.
    assert "PRIVATE KEY" not in message and PASSPHRASE not in message
    assert "MII" not in message
    return info.value


@pytest.mark.parametrize("given, reason", [
    ("/nonexistent/dir/key.pem", "No such file or directory"),
    ("MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQ", "No such file or directory"),
])
def test_unreadable_key_names_the_option(given, reason):
    error = _refused(given)
    assert error.details["option"] == "private_key"
    assert "private_key is neither PEM text" in error.msg and reason in error.msg


def test_unreadable_file_names_the_option(tmp_path):
    if os.geteuid() == 0:
        pytest.skip("root reads any file")
    path = tmp_path / "key.pem"
    path.write_text(pem(rsa_key()))
    path.chmod(0)
    assert "Permission denied" in _refused(str(path)).msg


def test_directory_is_not_a_key(tmp_path):
    assert "private_key is neither PEM text" in _refused(str(tmp_path)).msg


def test_pem_that_is_not_a_key():
    error = _refused("-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n")
    assert error.msg == "private_key is not a PEM private key (PKCS#8 or PKCS#1)."


def test_key_that_is_not_rsa():
    error = _refused(ec_pem())
    assert error.details["option"] == "private_key"
    assert "is an elliptic curve (EC) key" in error.msg and "RSA" in error.msg


def test_wrong_passphrase():
    error = _refused(pem(rsa_key(), PASSPHRASE), "pp-SECRET-wrong")
    assert error.details["option"] == "private_key_passphrase"
    assert error.msg == "private_key_passphrase does not decrypt private_key."


def test_encrypted_key_without_passphrase():
    error = _refused(pem(rsa_key(), PASSPHRASE))
    assert error.details["option"] == "private_key_passphrase"
    assert "private_key is encrypted" in error.msg


def test_passphrase_for_a_key_that_is_not_encrypted():
    error = _refused(pem(rsa_key()), PASSPHRASE)
    assert "not encrypted" in error.msg


def test_without_cryptography_the_option_and_the_library_are_named(monkeypatch):
    key_text = pem(rsa_key())
    # What the import sees where cryptography is not installed.
    monkeypatch.setitem(sys.modules, "cryptography", None)
    error = _refused(key_text)
    assert error.details["option"] == "private_key"
    assert "cryptography" in error.msg


def test_repr_hides_the_key():
    assert "PRIVATE" not in repr(signer(pem(rsa_key())))


def test_cryptography_is_imported_only_for_a_private_key():
    """Other credentials do not pay for its import in every module run."""
    code = ("import sys; from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _login; "
            "print('cryptography' in sys.modules)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)))
    assert done.stdout.strip() == "False"
