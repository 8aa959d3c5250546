# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._auth import (
    API_AUDIENCE,
    REFRESH_TOKEN_CLIENT_ID,
    RefreshToken,
    ServiceAccount,
    StaticToken,
    TokenProvider,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    AuthError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import ConnectionFailure
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    AUTH_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    ISSUED_TOKEN,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    TOKEN_URL,
    assert_no_secret,
    cbs_path,
    reply,
    token_reply,
)


class RecordingPost:
    """The `post(url, body) -> (status, raw)` callable TokenProvider is given."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.calls = []

    def __call__(self, url, body):
        self.calls.append((url, dict(body())))
        answer = self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]
        if isinstance(answer, BaseException):
            raise answer
        return answer


def ok(token=ISSUED_TOKEN):
    return 200, json.dumps({"access_token": token, "expires_in": 86400}).encode()


# --- request bodies of the grants ------------------------------------------------------------

def test_service_account_uses_client_credentials_grant_with_audience():
    body = ServiceAccount(CLIENT_ID, CLIENT_SECRET).token_request(TOKEN_URL)
    assert body == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                    "client_secret": CLIENT_SECRET, "audience": "https://api.cloud.netapp.com"}
    assert API_AUDIENCE == "https://api.cloud.netapp.com"


def test_refresh_token_uses_netapp_fixed_public_client_id():
    body = RefreshToken(REFRESH_TOKEN).token_request(TOKEN_URL)
    assert body == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN,
                    "client_id": "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"}
    assert REFRESH_TOKEN_CLIENT_ID == "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"


def test_static_token_needs_no_exchange():
    post = RecordingPost(AssertionError("no token request expected"))
    provider = TokenProvider(StaticToken(STATIC_TOKEN), AUTH_URL, post)
    assert provider.token() == STATIC_TOKEN
    assert provider.token() == STATIC_TOKEN
    assert post.calls == []
    assert provider.exchanges == 0


@pytest.mark.parametrize("auth_url", [AUTH_URL, AUTH_URL + "/", AUTH_URL + "//"])
def test_token_endpoint_is_auth_url_oauth_token(auth_url):
    post = RecordingPost(ok())
    TokenProvider(RefreshToken(REFRESH_TOKEN), auth_url, post).token()
    assert post.calls == [(TOKEN_URL, RefreshToken(REFRESH_TOKEN).token_request(TOKEN_URL))]


@pytest.mark.parametrize("credential", [RefreshToken(REFRESH_TOKEN), ServiceAccount(CLIENT_ID, CLIENT_SECRET)],
                         ids=["refresh token", "service account"])
def test_token_is_exchanged_once_per_run(credential):
    post = RecordingPost(ok("first"), ok("second"))
    provider = TokenProvider(credential, AUTH_URL, post)
    assert [provider.token() for dummy in range(5)] == ["first"] * 5
    assert len(post.calls) == 1
    assert provider.exchanges == 1


@pytest.mark.parametrize("params", [
    dict(token=None, refresh_token=REFRESH_TOKEN),
    dict(token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET),
], ids=["refresh token", "service account"])
def test_client_exchanges_once_for_many_requests(make_client, fake, params):
    fake.token(token_reply("at-1"), token_reply("at-2"))
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": []}))
    client = make_client(**params)
    for dummy in range(4):
        client.cbs("GET", "v1", "job")
    assert len(fake.token_calls) == 1
    sent_body = fake.token_calls[0].body
    assert sent_body == client.tokens.credential.token_request(TOKEN_URL)
    assert fake.token_calls[0].headers["Content-Type"] == "application/json"
    assert {c.headers["Authorization"] for c in fake.sent("GET")} == {"Bearer at-1"}


# --- renew() ---------------------------------------------------------------------------------

def test_static_token_cannot_renew():
    provider = TokenProvider(StaticToken(STATIC_TOKEN), AUTH_URL, RecordingPost(ok()))
    assert provider.renew() is False
    # The token stays: nothing better is available.
    assert provider.token() == STATIC_TOKEN
    assert provider.exchanges == 0


@pytest.mark.parametrize("credential", [RefreshToken(REFRESH_TOKEN), ServiceAccount(CLIENT_ID, CLIENT_SECRET)],
                         ids=["refresh token", "service account"])
def test_renew_forgets_the_token_and_the_next_call_exchanges_again(credential):
    post = RecordingPost(ok("first"), ok("second"))
    provider = TokenProvider(credential, AUTH_URL, post)
    assert provider.token() == "first"
    assert provider.renew() is True
    assert len(post.calls) == 1, "renew() itself must not call the token endpoint"
    assert provider.token() == "second"
    assert provider.token() == "second"
    assert provider.exchanges == 2


@pytest.mark.parametrize("credential", [RefreshToken(REFRESH_TOKEN), ServiceAccount(CLIENT_ID, CLIENT_SECRET)],
                         ids=["refresh token", "service account"])
def test_renewing_an_already_replaced_token_keeps_the_new_one(credential):
    """Two threads got 401 for the same token: only the first renewal exchanges again."""
    post = RecordingPost(ok("first"), ok("second"))
    provider = TokenProvider(credential, AUTH_URL, post)
    assert provider.token() == "first"
    assert provider.renew("first") is True
    assert provider.token() == "second"
    assert provider.renew("first") is True
    assert provider.token() == "second"
    assert provider.exchanges == 2


# --- OAuth error bodies ----------------------------------------------------------------------

@pytest.mark.parametrize("credential, status, body, code, description", [
    (RefreshToken(REFRESH_TOKEN), 403,
     {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
     "invalid_grant", "Unknown or invalid refresh token."),
    (ServiceAccount(CLIENT_ID, CLIENT_SECRET), 401,
     {"error": "access_denied", "error_description": "Unauthorized"},
     "access_denied", "Unauthorized"),
    (ServiceAccount(CLIENT_ID, CLIENT_SECRET), 400,
     {"statusCode": 400, "error": "Bad Request", "message": "audience is not allowed"},
     "Bad Request", "audience is not allowed"),
], ids=["403 invalid_grant", "401 access_denied", "400 message body"])
def test_oauth_error_maps_to_auth_error_with_status_and_description(credential, status, body, code, description):
    provider = TokenProvider(credential, AUTH_URL, RecordingPost((status, json.dumps(body).encode())))
    with pytest.raises(AuthError) as info:
        provider.token()
    error = info.value
    assert error.status == status
    assert error.method == "POST"
    assert str(status) in error.msg
    assert code in error.msg
    assert description in error.msg
    assert credential.kind in error.msg, "the message says which credential was refused"
    assert "auth_url" in error.msg
    assert_no_secret(error.to_result())


def test_token_error_body_echoing_the_secret_is_not_repeated():
    body = {"error": "invalid_grant", "error_description": "refresh token revoked",
            "request": {"refresh_token": REFRESH_TOKEN, "client_secret": CLIENT_SECRET}}
    provider = TokenProvider(RefreshToken(REFRESH_TOKEN), AUTH_URL, RecordingPost((403, json.dumps(body).encode())))
    with pytest.raises(AuthError) as info:
        provider.token()
    assert "refresh token revoked" in info.value.msg
    assert_no_secret(info.value.to_result())
    assert_no_secret(str(info.value))


@pytest.mark.parametrize("status, raw", [(500, b"<html>oops</html>"), (403, b""), (502, None)])
def test_token_error_without_json_body_still_names_status(status, raw):
    provider = TokenProvider(RefreshToken(REFRESH_TOKEN), AUTH_URL, RecordingPost((status, raw)))
    with pytest.raises(AuthError) as info:
        provider.token()
    assert info.value.status == status
    assert "HTTP {0}".format(status) in info.value.msg
    assert "token request refused" in info.value.msg


@pytest.mark.parametrize("raw", [b"{}", b'{"access_token": ""}', b"not json", b"[]"])
def test_token_response_without_access_token_is_an_auth_error(raw):
    provider = TokenProvider(RefreshToken(REFRESH_TOKEN), AUTH_URL, RecordingPost((200, raw)))
    with pytest.raises(AuthError) as info:
        provider.token()
    assert "no access_token" in info.value.msg


# A sender that raises ApiError still ends in AuthError.
def test_api_error_raised_by_the_sender_becomes_auth_error():
    refused = ApiError(403, "POST", "/oauth/token", body={"error": "invalid_grant", "error_description": "expired"})
    provider = TokenProvider(RefreshToken(REFRESH_TOKEN), AUTH_URL, RecordingPost(refused))
    with pytest.raises(AuthError) as info:
        provider.token()
    assert info.value.status == 403
    assert "invalid_grant" in info.value.msg and "expired" in info.value.msg


def test_client_maps_token_endpoint_refusal(make_client, fake):
    fake.token(reply(403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN)
    with pytest.raises(AuthError) as info:
        client.cbs("GET", "v1", "job")
    assert "HTTP 403" in info.value.msg and "Unknown or invalid refresh token." in info.value.msg
    assert fake.api_calls == [], "no API request without a token"
    assert len(fake.token_calls) == 1, "a refused credential is not retried"
    assert_no_secret(info.value.to_result())


def test_client_retries_the_token_exchange_like_a_read(make_client, fake, clock):
    dropped = ConnectionFailure("POST {0}: connection dropped".format(TOKEN_URL), maybe_sent=True,
                                method="POST", url=TOKEN_URL)
    fake.token(reply(503), dropped, token_reply("at-1"))
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"job": []}))
    client = make_client(token=None, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    client.cbs("GET", "v1", "job")
    assert len(fake.token_calls) == 3
    assert client.tokens.exchanges == 1
    assert len(clock.sleeps) == 2


# --- secrets stay hidden ---------------------------------------------------------------------

@pytest.mark.parametrize("credential", [
    StaticToken(STATIC_TOKEN), ServiceAccount(CLIENT_ID, CLIENT_SECRET), RefreshToken(REFRESH_TOKEN),
], ids=["token", "service account", "refresh token"])
def test_repr_never_contains_the_secret(credential):
    for text in (repr(credential), str(credential), "{0!r}".format([credential])):
        assert_no_secret(text)
        assert "hidden" in text


def test_service_account_repr_shows_the_client_id():
    assert CLIENT_ID in repr(ServiceAccount(CLIENT_ID, CLIENT_SECRET))


def test_token_provider_repr_hides_the_token():
    provider = TokenProvider(RefreshToken(REFRESH_TOKEN), AUTH_URL, RecordingPost(ok()))
    provider.token()
    assert_no_secret(repr(provider))
    assert_no_secret(repr(provider.credential))
