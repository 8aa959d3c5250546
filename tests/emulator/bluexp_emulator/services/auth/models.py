# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token issuing and checking.

SaaS (NetApp's Auth0 tenant): a user refresh token (which must come with NetApp's fixed public
client id), and service-account client credentials naming the API audience, authenticated by a
client secret or by a client assertion (private key JWT). A Console local deployment: a local
user's password, and service-account client credentials with a client secret. A user sees every
account; a service account belongs to, and sees, only the first account.
"""
from __future__ import annotations

import secrets
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bluexp_emulator.config import LOCAL
from bluexp_emulator.core.clock import Clock
from bluexp_emulator.core.errors import OAuthError, Unauthorized
from bluexp_emulator.services.auth.assertion import ASSERTION_TYPE, AssertionVerifier, ClientAssertion, rejected
from bluexp_emulator.services.auth.keys import KeyRegistry
from bluexp_emulator.services.tenancy.models import TenancyBackend

PUBLIC_CLIENT_ID = "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"
AUDIENCE = "https://api.cloud.netapp.com"
USER_SCOPE = "openid profile cc:update-password"
SERVICE_SCOPE = "occm-access"
SAAS_GRANTS = ("refresh_token", "client_credentials")
LOCAL_GRANTS = ("password", "client_credentials")


def _same(given: str, expected: str) -> bool:
    """Constant-time comparison that also copes with non-ASCII input."""
    return secrets.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


@dataclass(frozen=True)
class Principal:
    kind: str  # "user" or "service-account"
    subject: str
    accounts: tuple[str, ...]
    role: str = "Account Admin"

    def can_see(self, account_id: str) -> bool:
        return account_id in self.accounts


@dataclass
class AccessToken:
    value: str
    principal: Principal
    grant: str
    issued_at: float
    expires_at: float
    forced_expired: bool = False

    def expired(self, now: float) -> bool:
        return self.forced_expired or now >= self.expires_at


@dataclass(frozen=True)
class Credentials:
    refresh_token: str
    client_id: str
    client_secret: str
    key_client_id: str
    username: str
    password: str


class AuthBackend:
    def __init__(self, clock: Clock, tenancy: TenancyBackend, credentials: Credentials, ttl_s: float,
                 keys: KeyRegistry, deployment: str) -> None:
        self.clock = clock
        self.tenancy = tenancy
        self.credentials = credentials
        self.ttl_s = ttl_s
        self.keys = keys
        self.deployment = deployment
        self.assertions = AssertionVerifier()
        self._lock = threading.Lock()
        self._tokens: dict[str, AccessToken] = {}
        self._other_secrets: list[str] = []

    def reset(self) -> None:
        with self._lock:
            self._tokens.clear()
            self._other_secrets.clear()

    # -- token endpoint -------------------------------------------------------------------
    def exchange(self, form: Mapping[str, Any], token_urls: Sequence[str] = ()) -> dict[str, Any]:
        """Answer a token request; ``token_urls`` are the ``aud`` values a client assertion may
        carry (the URLs of this token service, as the client called it)."""
        grant = self._field(form, "grant_type")
        grants = LOCAL_GRANTS if self.deployment == LOCAL else SAAS_GRANTS
        if grant not in grants:
            raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant type: {grant}")
        if grant == "refresh_token":
            return self._refresh_grant(form)
        if grant == "password":
            return self._password_grant(form)
        if form.get("client_assertion") is not None or form.get("client_assertion_type") is not None:
            return self._assertion_grant(form, token_urls)
        return self._client_credentials_grant(form)

    @staticmethod
    def _field(form: Mapping[str, Any], name: str) -> str:
        value = form.get(name)
        if value is None or value == "":
            raise OAuthError(400, "invalid_request", f"Missing required parameter: {name}")
        if not isinstance(value, str):
            raise OAuthError(400, "invalid_request", f"Parameter {name} must be a string")
        return value

    @staticmethod
    def _check_audience(audience: str) -> None:
        if audience != AUDIENCE:
            raise OAuthError(403, "access_denied", f"Service not found: {audience}")

    def _refresh_grant(self, form: Mapping[str, Any]) -> dict[str, Any]:
        refresh_token = self._field(form, "refresh_token")
        client_id = self._field(form, "client_id")
        if form.get("audience") not in (None, ""):
            self._check_audience(self._field(form, "audience"))
        if client_id != PUBLIC_CLIENT_ID:
            raise OAuthError(401, "access_denied", "Unauthorized")
        if not _same(refresh_token, self.credentials.refresh_token):
            raise OAuthError(403, "invalid_grant", "Unknown or invalid refresh token.")
        token = self._issue(self._user("auth0|emulator-user"), "refresh_token")
        id_token = secrets.token_urlsafe(48)
        with self._lock:
            self._other_secrets.append(id_token)
        return {"access_token": token.value, "id_token": id_token, "scope": USER_SCOPE,
                "expires_in": int(self.ttl_s), "token_type": "Bearer"}

    def _password_grant(self, form: Mapping[str, Any]) -> dict[str, Any]:
        """A local user of a local deployment; NetApp's sample answer has no scope nor id token."""
        username = self._field(form, "username")
        password = self._field(form, "password")
        if not (_same(username, self.credentials.username) and _same(password, self.credentials.password)):
            raise OAuthError(403, "invalid_grant", "Wrong username or password.")
        token = self._issue(self._user(f"local|{username}"), "password")
        return {"access_token": token.value, "expires_in": int(self.ttl_s), "token_type": "Bearer"}

    def _client_credentials_grant(self, form: Mapping[str, Any]) -> dict[str, Any]:
        client_id = self._field(form, "client_id")
        client_secret = self._field(form, "client_secret")
        if self.deployment != LOCAL:  # a local deployment documents no audience: ignored there
            self._check_audience(self._field(form, "audience"))
        if not (_same(client_id, self.credentials.client_id)
                and _same(client_secret, self.credentials.client_secret)):
            raise OAuthError(401, "access_denied", "Unauthorized")
        return self._service_token(client_id)

    def _assertion_grant(self, form: Mapping[str, Any], token_urls: Sequence[str]) -> dict[str, Any]:
        if self.deployment == LOCAL:
            raise OAuthError(400, "invalid_request", "private key JWT is not supported in a local deployment")
        if form.get("client_secret") not in (None, ""):
            raise OAuthError(400, "invalid_request", "Send either client_secret or client_assertion, not both")
        if form.get("client_assertion_type") != ASSERTION_TYPE:
            raise OAuthError(400, "invalid_request", f"client_assertion_type must be {ASSERTION_TYPE}")
        raw_assertion = self._field(form, "client_assertion")
        self._check_audience(self._field(form, "audience"))
        assertion = ClientAssertion.parse(raw_assertion)
        # Auth0 takes the client from the assertion when the form does not name it.
        client_id = self._field(form, "client_id") if form.get("client_id") is not None else assertion.claims.get("iss")
        if not isinstance(client_id, str) or not client_id:
            raise rejected("Missing claim: iss")
        if client_id != self.credentials.key_client_id:
            raise rejected(f"Unknown client: {client_id} has no registered public key")
        key = self.keys.current()
        if key is None:
            raise OAuthError(500, "server_error",
                             "The emulator needs the Python library cryptography to check client assertions")
        self.assertions.verify(assertion, client_id, key, token_urls)
        return self._service_token(client_id)

    def _user(self, subject: str) -> Principal:
        return Principal("user", subject, tuple(a.id for a in self.tenancy.accounts))

    def _service_token(self, client_id: str) -> dict[str, Any]:
        first = self.tenancy.accounts[:1]
        principal = Principal("service-account", f"{client_id}@clients", tuple(a.id for a in first))
        token = self._issue(principal, "client_credentials")
        return {"access_token": token.value, "scope": SERVICE_SCOPE,
                "expires_in": int(self.ttl_s), "token_type": "Bearer"}

    def _issue(self, principal: Principal, grant: str) -> AccessToken:
        now = self.clock.now()
        # Opaque and unseeded on purpose: tokens are secrets, not part of the reproducible state.
        token = AccessToken(secrets.token_urlsafe(48), principal, grant, now, now + self.ttl_s)
        with self._lock:
            self._tokens[token.value] = token
        return token

    # -- API side -------------------------------------------------------------------------
    def authenticate(self, authorization: str | None) -> Principal:
        if not authorization:
            raise Unauthorized("Missing authentication")
        scheme, _space, value = authorization.strip().partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise Unauthorized("Bad HTTP authentication header format")
        with self._lock:
            token = self._tokens.get(value.strip())
        if token is None:
            raise Unauthorized("Invalid token")
        if token.expired(self.clock.now()):
            raise Unauthorized("Token expired: the access token has expired, request a new one")
        return token.principal

    def expire_all(self) -> int:
        with self._lock:
            for token in self._tokens.values():
                token.forced_expired = True
            return len(self._tokens)

    def issued_count(self) -> int:
        with self._lock:
            return len(self._tokens)

    def issued_tokens(self) -> list[str]:
        """Every access and id token handed out since the last reset."""
        with self._lock:
            return list(self._tokens) + list(self._other_secrets)

    def secret_values(self) -> list[str]:
        """Everything the request log must never contain (a client assertion is scrubbed by the
        log itself, from the request that carries it)."""
        generated_key = self.keys.generated_private_pem()
        return [*self.issued_tokens(), self.credentials.refresh_token, self.credentials.client_secret,
                self.credentials.password, *([generated_key] if generated_key else [])]
