# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client assertions made by the tests themselves, signed with cryptography (no JWT library)."""
from __future__ import annotations

import base64
import functools
import json
import time
import uuid
from typing import Any

from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"


def b64url(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode("ascii")


def encode(value: Any) -> str:
    return b64url(json.dumps(value, separators=(",", ":")).encode("utf-8"))


def load_private_key(pem: str) -> rsa.RSAPrivateKey:
    key = serialization.load_pem_private_key(pem.encode("ascii"), password=None)
    assert isinstance(key, rsa.RSAPrivateKey)
    return key


@functools.cache
def other_key() -> rsa.RSAPrivateKey:
    """A key the emulator does not know (until a test registers its public half)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@functools.cache
def ec_key() -> ec.EllipticCurvePrivateKey:
    return ec.generate_private_key(ec.SECP256R1())


def public_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    return key.public_key().public_bytes(serialization.Encoding.PEM,
                                         serialization.PublicFormat.SubjectPublicKeyInfo).decode("ascii")


def claims(client_id: str, aud: str, *, now: float | None = None, lifetime: int = 120,
           **overrides: Any) -> dict[str, Any]:
    """RFC 7523 claims valid from ``now`` (real time by default); ``None`` overrides drop a claim."""
    issued = int(time.time() if now is None else now)
    values = {"iss": client_id, "sub": client_id, "aud": aud, "iat": issued, "nbf": issued,
              "exp": issued + lifetime, "jti": uuid.uuid4().hex, **overrides}
    return {name: value for name, value in values.items() if value is not None}


def sign(key: rsa.RSAPrivateKey, payload: dict[str, Any], *, alg: str = "RS256", **header: Any) -> str:
    """A compact JWS of ``payload``; ``header`` adds fields (``kid``...) or replaces ``typ``."""
    signing_input = f"{encode({'alg': alg, 'typ': 'JWT', **header})}.{encode(payload)}"
    digest = hashes.SHA384() if alg.endswith("384") else hashes.SHA256()
    if alg.startswith("PS"):
        scheme: padding.AsymmetricPadding = padding.PSS(padding.MGF1(digest), padding.PSS.DIGEST_LENGTH)
    else:
        scheme = padding.PKCS1v15()
    signature = key.sign(signing_input.encode("ascii"), scheme, digest)
    return f"{signing_input}.{b64url(signature)}"
