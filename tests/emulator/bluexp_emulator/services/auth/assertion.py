# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Client assertions of the private key JWT grant (RFC 7523), checked like Auth0's private_key_jwt.

Times are checked against the real wall clock, not the emulator's clock: the client signs with
the real time, while tests move the emulator's clock by hours.
"""
from __future__ import annotations

import base64
import binascii
import json
import math
import re
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bluexp_emulator.core.errors import OAuthError
from bluexp_emulator.services.auth.keys import RegisteredKey

ASSERTION_TYPE = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
ALGORITHMS = ("RS256", "RS384", "PS256")
# Clock skew tolerated between the signer and the emulator's host.
LEEWAY_S = 30
# Auth0 accepts assertions valid for five minutes at most: they are one-time credentials.
MAX_LIFETIME_S = 300
_BASE64URL = re.compile(r"^[A-Za-z0-9_-]*$")


def rejected(description: str) -> OAuthError:
    return OAuthError(401, "invalid_client", description)


def _b64url_decode(part: str) -> bytes:
    if not _BASE64URL.match(part) or len(part) % 4 == 1:
        raise ValueError("not base64url")
    return base64.urlsafe_b64decode(part + "=" * (-len(part) % 4))


def _json_object(part: str, name: str) -> dict[str, Any]:
    try:
        value = json.loads(_b64url_decode(part))
    except (ValueError, binascii.Error):
        raise rejected(f"Malformed client assertion: the {name} is not base64url-encoded JSON") from None
    if not isinstance(value, dict):
        raise rejected(f"Malformed client assertion: the {name} is not a JSON object")
    return value


@dataclass(frozen=True)
class ClientAssertion:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes

    @classmethod
    def parse(cls, token: str) -> ClientAssertion:
        parts = token.split(".")
        # An empty signature is well-formed (alg "none"): refused for its alg, not its form.
        if len(parts) != 3 or not parts[0] or not parts[1]:
            raise rejected("Malformed client assertion: a JWT has three base64url parts separated by dots")
        header = _json_object(parts[0], "header")
        claims = _json_object(parts[1], "payload")
        try:
            signature = _b64url_decode(parts[2])
        except (ValueError, binascii.Error):
            raise rejected("Malformed client assertion: the signature is not base64url") from None
        return cls(header, claims, f"{parts[0]}.{parts[1]}".encode("ascii"), signature)


def token_service_urls(origin: str, path: str) -> list[str]:
    """The ``aud`` values accepted for a call to ``origin`` + ``path``: the token service's base
    URL with its trailing slash (Auth0's tenant URL), or the token endpoint itself; for the
    ``/auth/oauth/token`` path also its own base, ``/auth/``."""
    bases = ["/"]
    if path.endswith("/oauth/token") and path != "/oauth/token":
        bases.append(path[:-len("oauth/token")])
    return [origin + base + suffix for base in bases for suffix in ("", "oauth/token")]


def _normalised(url: str) -> str:
    """Scheme and host in lower case and the default port left out, so equal URLs compare equal."""
    parts = urlsplit(url.strip())
    try:
        port = parts.port
    except ValueError:
        return url
    host = (parts.hostname or "").lower()
    netloc = f"[{host}]" if ":" in host else host
    if port is not None and port != {"http": 80, "https": 443}.get(parts.scheme.lower()):
        netloc += f":{port}"
    return f"{parts.scheme.lower()}://{netloc}{parts.path}{'?' + parts.query if parts.query else ''}"


def _signature_valid(algorithm: str, key: Any, data: bytes, signature: bytes) -> bool:
    from cryptography.exceptions import InvalidSignature
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import padding

    digest: hashes.HashAlgorithm = hashes.SHA384() if algorithm == "RS384" else hashes.SHA256()
    # JWS PS256 fixes the salt to the length of the digest (RFC 7518 §3.5).
    scheme = (padding.PSS(padding.MGF1(digest), padding.PSS.DIGEST_LENGTH) if algorithm.startswith("PS")
              else padding.PKCS1v15())
    try:
        key.verify(signature, data, scheme, digest)
    except InvalidSignature:
        return False
    return True


def _time_claim(claims: dict[str, Any], name: str) -> float | None:
    value = claims.get(name)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise rejected(f"Invalid {name}: must be a NumericDate (seconds since the epoch)")
    return float(value)


class AssertionVerifier:
    """Checks assertions and remembers their ``jti`` for as long as they could be replayed."""

    def __init__(self, wall_clock: Callable[[], float] = time.time) -> None:
        self.wall_clock = wall_clock  # replaceable by tests
        self._lock = threading.Lock()
        self._seen: dict[tuple[str, str], float] = {}  # (client id, jti) -> when it may be forgotten

    def verify(self, assertion: ClientAssertion, client_id: str, key: RegisteredKey,
               token_urls: Sequence[str]) -> None:
        header, claims = assertion.header, assertion.claims
        algorithm = header.get("alg")
        if algorithm not in ALGORITHMS:
            raise rejected(f"Invalid alg: {algorithm}; the key accepts {', '.join(ALGORITHMS)}")
        if "kid" in header and header["kid"] != key.key_id:
            raise rejected(f"Invalid kid: {header['kid']} is not the key registered for {client_id}")
        if not _signature_valid(algorithm, key.public_key, assertion.signing_input, assertion.signature):
            raise rejected("Invalid signature")
        for name in ("iss", "sub"):
            if claims.get(name) != client_id:
                raise rejected(f"Invalid {name}: must be the client id {client_id}")
        self._check_aud(claims.get("aud"), token_urls)
        expires = self._check_times(claims)
        jti = claims.get("jti")
        if not isinstance(jti, str) or not jti:
            raise rejected("Missing claim: jti")
        self._consume(client_id, jti, expires)

    @staticmethod
    def _check_aud(aud: Any, token_urls: Sequence[str]) -> None:
        given = aud if isinstance(aud, list) else [aud]
        accepted = {_normalised(url) for url in token_urls}
        if not any(isinstance(value, str) and _normalised(value) in accepted for value in given):
            expected = token_urls[0] if token_urls else "the token service's URL"
            raise rejected(f"Invalid aud: expected {expected}")

    def _check_times(self, claims: dict[str, Any]) -> float:
        now = self.wall_clock()
        expires = _time_claim(claims, "exp")
        if expires is None:
            raise rejected("Missing claim: exp")
        issued = _time_claim(claims, "iat")
        not_before = _time_claim(claims, "nbf")
        if expires <= now - LEEWAY_S:
            raise rejected("Expired client assertion")
        if issued is not None and issued > now + LEEWAY_S:
            raise rejected("Client assertion not yet valid: iat is in the future")
        if not_before is not None and not_before > now + LEEWAY_S:
            raise rejected("Client assertion not yet valid: nbf is in the future")
        lifetime = expires - issued if issued is not None else expires - now - LEEWAY_S
        if lifetime > MAX_LIFETIME_S:
            raise rejected(f"Client assertion lifetime exceeds {MAX_LIFETIME_S} seconds")
        return expires

    def _consume(self, client_id: str, jti: str, expires: float) -> None:
        now = self.wall_clock()
        with self._lock:
            # Past its exp (and the leeway) an assertion is refused anyway: its jti can go.
            for seen, until in list(self._seen.items()):
                if until < now:
                    del self._seen[seen]
            if (client_id, jti) in self._seen:
                raise rejected("The jti has already been used")
            self._seen[(client_id, jti)] = expires + LEEWAY_S
