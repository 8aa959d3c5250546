# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The credential kinds of the NetApp Console (formerly BlueXP) and the access token they give.

Each kind knows the body of its token request and what to tell the user when the token service
refuses it; which kind a task uses is decided in _login.py. The token lives in memory for one
module run only; it is never logged, returned or written anywhere.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._assertion import ASSERTION_TYPE, AssertionSigner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ApiError, AuthError

# NetApp's documented public client id for the refresh-token grant; the same for every customer.
REFRESH_TOKEN_CLIENT_ID = "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"
# Audience of Console API tokens for service accounts (the SaaS Console shows it at registration).
API_AUDIENCE = "https://api.cloud.netapp.com"

# post(url, body) -> (status, raw body), retrying as it sees fit; `body` is called for each attempt,
# so that a retried exchange of a private key service account signs a new assertion (a new jti).
TokenPoster = Callable[[str, Callable[[], Mapping[str, Any]]], Any]


class Credential:
    """Knows how to obtain an access token; `renewable` tells if a 401 can be cured."""

    kind = "abstract"
    renewable = True
    # What to check when the token service refuses the credential.
    check = "the credential"

    def token_request(self, token_url: str) -> dict[str, Any]:
        raise NotImplementedError

    def static_token(self) -> str | None:
        return None

    def refusal_hint(self, error: str | None, description: str) -> str:
        return "Check {0} and auth_url.".format(self.check)


class StaticToken(Credential):
    kind = "access token"
    renewable = False

    def __init__(self, token: str) -> None:
        self._token = token

    def token_request(self, token_url: str) -> dict[str, Any]:
        raise AssertionError("a ready token is never exchanged (TokenProvider holds it from the start)")

    def static_token(self) -> str:
        return self._token

    def __repr__(self) -> str:
        return "StaticToken(<hidden>)"


class ServiceAccount(Credential):
    """A service account with a client secret; the local deployment sends no audience."""

    kind = "service account"
    check = "client_id and client_secret"

    def __init__(self, client_id: str, client_secret: str, audience: str | None = API_AUDIENCE) -> None:
        self._client_id = client_id
        self._client_secret = client_secret
        self._audience = audience

    def token_request(self, token_url: str) -> dict[str, Any]:
        body = {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret}
        if self._audience:
            body["audience"] = self._audience
        return body

    def __repr__(self) -> str:
        return "ServiceAccount(client_id={0!r}, client_secret=<hidden>)".format(self._client_id)


class PrivateKeyServiceAccount(Credential):
    """A service account registered with a public key: each exchange signs a new client assertion."""

    kind = "private key service account"
    check = "client_id, private_key and key_id (the key registered for the service account)"

    def __init__(self, client_id: str, signer: AssertionSigner, audience: str = API_AUDIENCE) -> None:
        self._client_id = client_id
        self._signer = signer
        self._audience = audience

    def token_request(self, token_url: str) -> dict[str, Any]:
        # The assertion is addressed to the token service itself: its base URL (Auth0's tenant URL).
        tenant = token_url[:-len("oauth/token")] if token_url.endswith("/oauth/token") else token_url
        return {"grant_type": "client_credentials", "client_id": self._client_id, "audience": self._audience,
                "client_assertion_type": ASSERTION_TYPE,
                "client_assertion": self._signer.assertion(self._client_id, tenant)}

    def refusal_hint(self, error: str | None, description: str) -> str:
        text = description.lower()
        if "expired" in text or "not yet valid" in text or "iat" in text or "nbf" in text:
            return ("The assertion is signed with the controller's clock and valid for a few minutes: "
                    "check that the clock of the host running the task is right.")
        if "service not found" in text or "audience" in text:
            return "Check audience: the value the Console shows for the service account."
        return "Check {0}, and auth_url.".format(self.check)

    def __repr__(self) -> str:
        return "PrivateKeyServiceAccount(client_id={0!r}, private_key=<hidden>)".format(self._client_id)


class RefreshToken(Credential):
    kind = "refresh token"
    check = "refresh_token (generate a new one if it was revoked)"

    def __init__(self, refresh_token: str) -> None:
        self._refresh_token = refresh_token

    def token_request(self, token_url: str) -> dict[str, Any]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token,
                "client_id": REFRESH_TOKEN_CLIENT_ID}

    def __repr__(self) -> str:
        return "RefreshToken(<hidden>)"


class LocalUser(Credential):
    """A user of a Console local deployment, logging in at the Console host (password grant)."""

    kind = "local user"
    check = "username and password (a user of the Console local deployment)"

    def __init__(self, username: str, password: str) -> None:
        self._username = username
        self._password = password

    def token_request(self, token_url: str) -> dict[str, Any]:
        return {"grant_type": "password", "username": self._username, "password": self._password}

    def refusal_hint(self, error: str | None, description: str) -> str:
        return "Check {0} and console_url.".format(self.check)

    def __repr__(self) -> str:
        return "LocalUser(username={0!r}, password=<hidden>)".format(self._username)


class TokenProvider:
    """Exchanges the credential once per run and again only after the API said 401."""

    def __init__(self, credential: Credential, auth_url: str, post: TokenPoster) -> None:
        self.credential = credential
        self._token_url = auth_url.rstrip("/") + "/oauth/token"
        self._post = post
        self._token: str | None = credential.static_token()
        self.exchanges = 0
        # Details are fetched from several threads; they must share one exchange.
        self._lock = threading.Lock()

    def token(self) -> str:
        with self._lock:
            if self._token is None:
                self._token = self._exchange()
            return self._token

    def current(self) -> str | None:
        """The token in hand, if any, without an exchange: for a plugin to mask it in what it shows."""
        return self._token

    def renew(self, rejected: str | None = None) -> bool:
        """Forget a rejected token; True when a new one can be obtained.

        With `rejected`, only that token is forgotten: when several threads got 401 for the
        same token, the first renews it and the others use the new one.
        """
        if not self.credential.renewable:
            return False
        with self._lock:
            if rejected is None or self._token == rejected:
                self._token = None
        return True

    def _exchange(self) -> str:
        self.exchanges += 1
        try:
            status, raw = self._post(self._token_url, lambda: self.credential.token_request(self._token_url))
        except ApiError as exc:
            raise self._auth_error(exc.status, exc.details.get("body")) from None
        if status != 200:
            raise self._auth_error(status, _json_or_none(raw))
        data = _json_or_none(raw)
        token = data.get("access_token") if isinstance(data, dict) else None
        if not token or not isinstance(token, str):
            raise AuthError(status, "POST", self._token_url,
                            server_message="the token response has no access_token")
        return token

    def _auth_error(self, status: int, body: Any) -> AuthError:
        message = error = None
        if isinstance(body, dict):
            message = body.get("error_description") or body.get("message")
            error = body.get("error") if isinstance(body.get("error"), str) else None
        message = message if isinstance(message, str) and message else "token request refused"
        hint = self.credential.refusal_hint(error, message)
        # The body may echo what was sent; only the parsed message and code are kept.
        return AuthError(status, "POST", self._token_url,
                         server_message="{0} ({1} refused). {2}".format(message, self.credential.kind, hint),
                         error=error)


def _json_or_none(raw: Any) -> Any:
    if isinstance(raw, (dict, list)) or raw is None:
        return raw
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None
