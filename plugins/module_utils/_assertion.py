# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Client assertions of a private key JWT service account (RFC 7523, Auth0's private_key_jwt).

The service account has no secret: each token exchange carries a fresh JWT signed with its RSA
private key. The key is read and checked once, when the client is built, so that a bad key fails
the task before any request; the signing is done by `cryptography`, never by hand. Messages name
the option and never show the key, its path's content or the passphrase.
"""

from __future__ import annotations

import base64
import json
import os
import time
import uuid
from types import SimpleNamespace
from typing import Any, Callable

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError

# Short-lived on purpose: an assertion is a bearer credential until it expires. Auth0 refuses a
# reused `jti`, so each exchange signs a new one anyway.
ASSERTION_LIFETIME = 300
ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
PEM_START = "-----BEGIN"
# The controller's own clock, taken here once: what a token service compares `iat` and `exp` with.
wall_clock = time.time


def _b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def _compact_json(value: dict[str, Any]) -> bytes:
    return json.dumps(value, separators=(",", ":"), sort_keys=True).encode("utf-8")


def _pem_bytes(private_key: str) -> bytes:
    """The PEM text given, or read from the file the option names."""
    if private_key.lstrip().startswith(PEM_START):
        return private_key.encode("utf-8")
    path = os.path.expanduser(private_key.strip())
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (OSError, ValueError) as exc:
        # Only the reason: the value may be key text pasted without its PEM header.
        reason = getattr(exc, "strerror", None) or "not a file name"
        raise ConfigurationError(
            "private_key is neither PEM text (starting with {0}) nor a readable file: {1}.".format(PEM_START, reason),
            option="private_key") from None


def _cryptography() -> SimpleNamespace:
    """cryptography's parts, imported only when a private key is used: the import takes tens of
    milliseconds that a module run with any other credential does not pay."""
    try:
        from cryptography.exceptions import UnsupportedAlgorithm
        from cryptography.hazmat.primitives import hashes, serialization
        from cryptography.hazmat.primitives.asymmetric import dsa, ec, ed448, ed25519, padding, rsa
    except ImportError:
        from ansible.module_utils.basic import missing_required_lib

        raise ConfigurationError(
            "private_key needs the Python library cryptography. " + missing_required_lib("cryptography"),
            option="private_key") from None
    return SimpleNamespace(UnsupportedAlgorithm=UnsupportedAlgorithm, hashes=hashes, serialization=serialization,
                           dsa=dsa, ec=ec, ed448=ed448, ed25519=ed25519, padding=padding, rsa=rsa)


def load_rsa_key(private_key: str, passphrase: str | None) -> Any:
    """The RSA private key of `private_key` (PEM text or a path), decrypted with `passphrase`."""
    crypto = _cryptography()
    data = _pem_bytes(private_key)
    encrypted = b"ENCRYPTED" in data
    if encrypted and not passphrase:
        raise ConfigurationError("private_key is encrypted: set private_key_passphrase (or "
                                 "BLUEXP_PRIVATE_KEY_PASSPHRASE).", option="private_key_passphrase")
    if passphrase and not encrypted:
        raise ConfigurationError("private_key_passphrase is set but private_key is not encrypted.",
                                 option="private_key_passphrase")
    try:
        key = crypto.serialization.load_pem_private_key(
            data, password=passphrase.encode("utf-8") if passphrase else None)
    except (ValueError, TypeError, crypto.UnsupportedAlgorithm):
        # cryptography says "Bad decrypt" for a wrong passphrase and "Could not deserialize" for
        # anything that is not a key; its text is not shown, it never holds the key but says less.
        if encrypted:
            raise ConfigurationError("private_key_passphrase does not decrypt private_key.",
                                     option="private_key_passphrase") from None
        raise ConfigurationError("private_key is not a PEM private key (PKCS#8 or PKCS#1).",
                                 option="private_key") from None
    if not isinstance(key, crypto.rsa.RSAPrivateKey):
        raise ConfigurationError(
            "private_key is {0}; the NetApp Console registers RSA keys for service accounts.".format(
                _key_kind(crypto, key)), option="private_key")
    return key


def _key_kind(crypto: SimpleNamespace, key: Any) -> str:
    kinds = ((crypto.ec.EllipticCurvePrivateKey, "an elliptic curve (EC) key"), (crypto.dsa.DSAPrivateKey, "a DSA key"),
             (crypto.ed25519.Ed25519PrivateKey, "an Ed25519 key"), (crypto.ed448.Ed448PrivateKey, "an Ed448 key"))
    return next((text for kind, text in kinds if isinstance(key, kind)), "not an RSA key")


class AssertionSigner:
    """Signs one fresh client assertion per token exchange (RS256)."""

    def __init__(self, private_key: str, passphrase: str | None = None, key_id: str | None = None,
                 clock: Callable[[], float] | None = None) -> None:
        self._crypto = _cryptography()
        self._key = load_rsa_key(private_key, passphrase)
        self._key_id = key_id
        self._clock = clock

    def assertion(self, client_id: str, audience: str) -> str:
        """A JWT for `client_id`, addressed to the token service `audience`, valid for a few minutes."""
        now = int((self._clock or wall_clock)())
        header = {"alg": "RS256", "typ": "JWT"}
        if self._key_id:
            header["kid"] = self._key_id
        claims = {"iss": client_id, "sub": client_id, "aud": audience, "iat": now, "nbf": now,
                  "exp": now + ASSERTION_LIFETIME, "jti": uuid.uuid4().hex}
        signing_input = _b64url(_compact_json(header)) + "." + _b64url(_compact_json(claims))
        signature = self._key.sign(signing_input.encode("ascii"), self._crypto.padding.PKCS1v15(),
                                   self._crypto.hashes.SHA256())
        return signing_input + "." + _b64url(signature)

    def __repr__(self) -> str:
        return "AssertionSigner(<hidden>)"
