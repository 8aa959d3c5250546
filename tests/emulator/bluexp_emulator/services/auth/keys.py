# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The public key the private key JWT service account is registered with.

Three sources, most recent first: a key registered through the control API, the one given at
start-up (``--client-public-key``), and a key pair the emulator generates when first needed.
Only the generated pair has a private key the emulator knows (and shows in its state).
"""
from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import Any


class InvalidPublicKey(ValueError):
    """A public key that cannot be registered; the message says why."""


@dataclass(frozen=True)
class RegisteredKey:
    key_id: str
    public_key: Any  # cryptography's RSAPublicKey
    private_pem: str | None = None  # only for the generated pair


def crypto_available() -> bool:
    try:
        import cryptography  # noqa: F401 pylint: disable=unused-import,import-outside-toplevel
    except ImportError:
        return False
    return True


def load_public_key(pem: str) -> Any:
    """The RSA public key of a PEM public key or X.509 certificate."""
    from cryptography import x509
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import rsa

    data = pem.strip().encode("utf-8")
    key: Any
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            key = x509.load_pem_x509_certificate(data).public_key()
        else:
            key = serialization.load_pem_public_key(data)
    except (ValueError, UnsupportedAlgorithm):
        raise InvalidPublicKey("not a PEM public key nor a PEM X.509 certificate") from None
    if not isinstance(key, rsa.RSAPublicKey):
        raise InvalidPublicKey(f"not an RSA key ({type(key).__name__.lstrip('_')}); service accounts use RSA keys")
    return key


_generation_lock = threading.Lock()
_generated: tuple[str, Any] | None = None


def _generated_pair() -> tuple[str, Any]:
    """One RSA 2048 pair per process (PKCS#8 PEM, public key): generating one per emulator
    would slow every test down, and all emulators of a process may share it."""
    global _generated  # noqa: PLW0603 - the process-wide pair
    with _generation_lock:
        if _generated is None:
            from cryptography.hazmat.primitives import serialization
            from cryptography.hazmat.primitives.asymmetric import rsa

            private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
            pem = private.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption()).decode("ascii")
            _generated = (pem, private.public_key())
        return _generated


class KeyRegistry:
    """The key in force: registered through the control API, else given at start-up, else generated."""

    def __init__(self, startup_pem: str | None, key_id: str) -> None:
        self._lock = threading.Lock()
        self._startup: RegisteredKey | None = None
        self._registered: RegisteredKey | None = None
        self.configure(startup_pem, key_id)

    def configure(self, startup_pem: str | None, key_id: str) -> None:
        """The start-up key (parsed now, so a bad one fails at start) and the default key id."""
        with self._lock:
            self._key_id = key_id
            self._startup = RegisteredKey(key_id, load_public_key(startup_pem)) if startup_pem else None

    def register(self, pem: str, key_id: str | None = None) -> RegisteredKey:
        key = RegisteredKey(key_id or self._key_id, load_public_key(pem))
        with self._lock:
            self._registered = key
        return key

    def forget_registered(self) -> None:
        with self._lock:
            self._registered = None

    def current(self) -> RegisteredKey | None:
        """The key in force; None when it would have to be generated and cryptography is missing."""
        with self._lock:
            chosen = self._registered or self._startup
        if chosen:
            return chosen
        if not crypto_available():
            return None
        pem, public_key = _generated_pair()
        return RegisteredKey(self._key_id, public_key, pem)

    @staticmethod
    def generated_private_pem() -> str | None:
        """The generated private key, if generated yet (a secret, whichever key is in force)."""
        return _generated[0] if _generated else None
