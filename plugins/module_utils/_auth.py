# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""BlueXP credentials and the access token they are exchanged for.

Three ways in, most specific first: a ready access token, a service account
(client credentials grant) or a user refresh token (refresh_token grant with
NetApp's fixed public client id). The token lives in memory for one module run
only; it is never logged, returned or written anywhere.
"""

from __future__ import annotations

import json
import threading
from typing import Any, Callable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConfigurationError,
)

# NetApp's documented public client id for the refresh-token grant; the same for every customer.
REFRESH_TOKEN_CLIENT_ID = "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"
# Audience of BlueXP API tokens for service accounts.
API_AUDIENCE = "https://api.cloud.netapp.com"

# send(method, url, body) -> (status, headers, raw body); the client adds retries.
TokenSender = Callable[[str, str, Mapping[str, Any]], Any]


class Credential:
    """Knows how to obtain an access token; `renewable` tells if a 401 can be cured."""

    kind = "abstract"
    renewable = True

    def token_request(self) -> dict[str, Any] | None:
        raise NotImplementedError

    def static_token(self) -> str | None:
        return None


class StaticToken(Credential):
    kind = "token"
    renewable = False

    def __init__(self, token: str) -> None:
        self._token = token

    def token_request(self) -> None:
        return None

    def static_token(self) -> str:
        return self._token

    def __repr__(self) -> str:
        return "StaticToken(<hidden>)"


class ServiceAccount(Credential):
    kind = "service account"

    def __init__(self, client_id: str, client_secret: str) -> None:
        self._client_id = client_id
        self._client_secret = client_secret

    def token_request(self) -> dict[str, Any]:
        return {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret, "audience": API_AUDIENCE}

    def __repr__(self) -> str:
        return "ServiceAccount(client_id={0!r}, client_secret=<hidden>)".format(self._client_id)


class RefreshToken(Credential):
    kind = "refresh token"

    def __init__(self, refresh_token: str) -> None:
        self._refresh_token = refresh_token

    def token_request(self) -> dict[str, Any]:
        return {"grant_type": "refresh_token", "refresh_token": self._refresh_token,
                "client_id": REFRESH_TOKEN_CLIENT_ID}

    def __repr__(self) -> str:
        return "RefreshToken(<hidden>)"


def credential_from_params(params: Mapping[str, Any]) -> Credential:
    """Pick the credential from module options (environment fallbacks already applied).

    Precedence lets a play pass one `token` through module_defaults while the
    refresh token that produced it stays in the environment.
    """
    if params.get("token"):
        return StaticToken(params["token"])
    client_id, client_secret = params.get("client_id"), params.get("client_secret")
    if client_id or client_secret:
        if not client_id:
            raise ConfigurationError("client_secret is set but client_id is missing: a service account "
                                     "needs both (or set BLUEXP_CLIENT_ID).")
        if not client_secret:
            raise ConfigurationError("client_id is set but client_secret is missing: a service account "
                                     "needs both (or set BLUEXP_CLIENT_SECRET).")
        return ServiceAccount(client_id, client_secret)
    if params.get("refresh_token"):
        return RefreshToken(params["refresh_token"])
    raise ConfigurationError(
        "No BlueXP credential: set one of token, client_id with client_secret, or refresh_token "
        "(or the BLUEXP_TOKEN, BLUEXP_CLIENT_ID/BLUEXP_CLIENT_SECRET or BLUEXP_REFRESH_TOKEN "
        "environment variables).")


class TokenProvider:
    """Exchanges the credential once per run and again only after the API said 401."""

    def __init__(self, credential: Credential, auth_url: str, post: Callable[..., Any]) -> None:
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
        body = self.credential.token_request()
        self.exchanges += 1
        try:
            status, raw = self._post(self._token_url, body)
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
        hint = " Check the {0} credential and auth_url.".format(self.credential.kind)
        # The body may echo what was sent; only the parsed message and code are kept.
        return AuthError(status, "POST", self._token_url,
                         server_message=(message or "token request refused") + hint, error=error)


def _json_or_none(raw: Any) -> Any:
    if isinstance(raw, (dict, list)) or raw is None:
        return raw
    try:
        return json.loads(raw)
    except (TypeError, ValueError):
        return None
