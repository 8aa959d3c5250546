# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Private keys for the tests of private key JWT service accounts, made once per test run."""

from __future__ import annotations

import base64
import functools
import json
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

PASSPHRASE = "pp-SECRET-correct-horse"


@functools.lru_cache(maxsize=None)
def rsa_key(name: str = "service-account") -> rsa.RSAPrivateKey:
    """One RSA key per name: two names give two keys (a key the server does not know)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def pem(key: Any, passphrase: str | None = None, pkcs1: bool = False) -> str:
    encryption = (serialization.BestAvailableEncryption(passphrase.encode()) if passphrase
                  else serialization.NoEncryption())
    layout = serialization.PrivateFormat.TraditionalOpenSSL if pkcs1 else serialization.PrivateFormat.PKCS8
    return key.private_bytes(serialization.Encoding.PEM, layout, encryption).decode("ascii")


def public_pem(key: Any) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def ec_pem() -> str:
    return pem(ec.generate_private_key(ec.SECP256R1()))


def _unb64(part: str) -> bytes:
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def decode_assertion(assertion: str, key: rsa.RSAPrivateKey) -> tuple[dict[str, Any], dict[str, Any]]:
    """Header and claims of a JWT, after checking its RS256 signature with `key`'s public half."""
    header, claims, signature = assertion.split(".")
    key.public_key().verify(_unb64(signature), "{0}.{1}".format(header, claims).encode("ascii"),
                            padding.PKCS1v15(), hashes.SHA256())
    return json.loads(_unb64(header)), json.loads(_unb64(claims))
