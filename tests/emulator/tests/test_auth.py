# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Token endpoints and bearer-token checks."""
from __future__ import annotations

import pytest

from bluexp_emulator import ManualClock
from emulator_client import Client, error_body

TOKEN_PATHS = ["/oauth/token", "/auth/oauth/token"]


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_refresh_token_grant_issues_user_token(client: Client, path: str) -> None:
    result = client.refresh_grant(path)
    assert result.status == 200
    assert result.body["token_type"] == "Bearer"
    assert result.body["expires_in"] == 86400
    assert result.body["scope"] == "openid profile cc:update-password"
    assert result.body["access_token"] and result.body["id_token"]
    assert client.request("GET", "/tenancy/account", token=result.body["access_token"]).status == 200


@pytest.mark.parametrize("path", TOKEN_PATHS)
def test_client_credentials_grant_issues_service_token(client: Client, path: str) -> None:
    result = client.client_credentials_grant(path)
    assert result.status == 200
    assert set(result.body) == {"access_token", "scope", "expires_in", "token_type"}
    assert result.body["scope"] == "occm-access"


def test_form_encoded_token_request_is_accepted(client: Client) -> None:
    form = {"grant_type": "client_credentials", "client_id": client.credentials["client_id"],
            "client_secret": client.credentials["client_secret"], "audience": client.credentials["audience"]}
    assert client.request("POST", "/oauth/token", form=form).status == 200


def test_unknown_refresh_token_is_invalid_grant(client: Client) -> None:
    result = client.refresh_grant(refresh_token="not-the-right-one")
    assert result.status == 403
    assert result.body == {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}


def test_refresh_grant_needs_the_public_client_id(client: Client) -> None:
    result = client.refresh_grant(client_id="some-other-client")
    assert result.status == 401
    assert result.body == {"error": "access_denied", "error_description": "Unauthorized"}


@pytest.mark.parametrize("field", ["client_id", "client_secret"])
def test_bad_service_account_credentials_are_denied(client: Client, field: str) -> None:
    result = client.client_credentials_grant(**{field: "wrong"})
    assert result.status == 401
    assert result.body == {"error": "access_denied", "error_description": "Unauthorized"}


def test_client_credentials_needs_the_api_audience(client: Client) -> None:
    missing = client.request("POST", "/oauth/token", body={
        "grant_type": "client_credentials", "client_id": client.credentials["client_id"],
        "client_secret": client.credentials["client_secret"]})
    assert missing.status == 400 and missing.body["error"] == "invalid_request"
    wrong = client.client_credentials_grant(audience="https://example.invalid")
    assert wrong.status == 403 and wrong.body["error"] == "access_denied"


@pytest.mark.parametrize("body", [{"refresh_token": "x"}, ["not", "an", "object"]])
def test_missing_fields_or_unreadable_body_is_invalid_request(client: Client, body: object) -> None:
    result = client.request("POST", "/oauth/token", body=body)
    assert result.status == 400
    assert result.body["error"] == "invalid_request" and result.body["error_description"]


@pytest.mark.parametrize("grant", ["password", "authorization_code"])
def test_saas_refuses_other_grants(client: Client, grant: str) -> None:
    body = {"grant_type": grant, "username": "emulator-user", "password": "emulator-password"}
    result = client.request("POST", "/oauth/token", body=body)
    assert result.status == 400
    assert result.body == {"error": "unsupported_grant_type", "error_description": f"Unsupported grant type: {grant}"}


def test_token_ttl_follows_config(client: Client) -> None:
    client.handle.configure(token_ttl_s=120)
    assert client.refresh_grant().body["expires_in"] == 120


def test_expired_token_is_rejected_with_401(client: Client) -> None:
    assert client.cbs("/api/v1/job").status == 200
    assert client.handle.control("POST", "tokens/expire")["expired"] == 1
    result = client.cbs("/api/v1/job")
    assert result.status == 401
    assert "expired" in result.body["message"]
    assert client.request("GET", "/tenancy/account", token=client.token).status == 401
    assert client.cbs("/api/v1/job", token=client.refresh_grant().body["access_token"]).status == 200


@pytest.mark.bluexp_emulator(clock=ManualClock(), token_ttl_s=60)
def test_token_expires_when_its_lifetime_passes(client: Client) -> None:
    token = client.token
    client.handle.clock.advance(59)
    assert client.cbs("/api/v1/job", token=token).status == 200
    client.handle.clock.advance(1)
    assert client.cbs("/api/v1/job", token=token).status == 401


@pytest.mark.parametrize("authorization", [None, "Basic abc", "Bearer", "Bearer not-issued", "not-issued"])
def test_missing_or_invalid_bearer_is_401(client: Client, authorization: str | None) -> None:
    headers = {"Authorization": authorization} if authorization else {}
    result = client.cbs("/api/v1/job", token=None, headers=headers)
    assert result.status == 401
    assert result.body["statusCode"] == 401 and result.body["error"] == "Unauthorized"


@pytest.mark.parametrize("path", ["/tenancy/account", "/occm/list-occms/{account}"])
def test_discovery_endpoints_need_a_bearer_token(client: Client, path: str) -> None:
    result = client.request("GET", path.format(account=client.account))
    assert result.status == 401
    assert result.body == error_body(401, "Missing authentication")
