# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A Console local deployment: the host's own token service (password and client-secret grants)."""
from __future__ import annotations

import json
from typing import Any

import pytest

from bluexp_emulator.handle import ControlError
from emulator_client import Client, Result
from jwt_signing import ASSERTION_TYPE, claims, load_private_key, sign

LOCAL = pytest.mark.bluexp_emulator(deployment="local")
TOKEN_PATHS = ["/oauth/token", "/auth/oauth/token"]


def password_grant(client: Client, path: str = "/oauth/token", *, form: bool = False, **overrides: Any) -> Result:
    body = {"grant_type": "password", "username": "emulator-user", "password": "emulator-password", **overrides}
    body = {name: value for name, value in body.items() if value is not None}
    return client.request("POST", path, form=body) if form else client.request("POST", path, body=body)


def secret_grant(client: Client, **overrides: Any) -> Result:
    body = {"grant_type": "client_credentials", "client_id": "emulator-client-id",
            "client_secret": "emulator-client-secret", **overrides}
    return client.request("POST", "/oauth/token", body={k: v for k, v in body.items() if v is not None})


@LOCAL
def test_state_shows_the_local_user(client: Client) -> None:
    state = client.handle.state()
    assert state["config"]["deployment"] == "local"
    assert client.credentials["username"] == "emulator-user"
    assert client.credentials["password"] == "emulator-password"
    assert "password" not in state["config"] and "username" not in state["config"]


@LOCAL
@pytest.mark.parametrize("path", TOKEN_PATHS)
@pytest.mark.parametrize("form", [False, True], ids=["json", "form"])
def test_password_grant_gives_a_user_token(client: Client, path: str, form: bool) -> None:
    result = password_grant(client, path, form=form)
    assert result.status == 200
    assert set(result.body) == {"access_token", "expires_in", "token_type"}
    assert result.body["token_type"] == "Bearer" and result.body["expires_in"] == 86400


@pytest.mark.bluexp_emulator(deployment="local", accounts=2)
def test_a_local_user_sees_every_account_and_the_api_is_unchanged(client: Client) -> None:
    token = password_grant(client).body["access_token"]
    accounts = client.request("GET", "/tenancy/account", token=token).body
    assert [a["accountPublicId"] for a in accounts] == [a["id"] for a in client.state["accounts"]]
    assert client.cbs("/api/v1/job", token=token).status == 200
    second = client.state["accounts"][1]
    assert client.cbs("/api/v1/job", token=token, account=second["id"],
                      x_agent_id=second["connectors"][0]["x-agent-id"]).status == 200


@LOCAL
@pytest.mark.parametrize("overrides", [{"password": "wrong"}, {"username": "someone-else"}])
def test_wrong_username_or_password_is_invalid_grant(client: Client, overrides: dict[str, str]) -> None:
    result = password_grant(client, **overrides)
    assert result.status == 403
    assert result.body == {"error": "invalid_grant", "error_description": "Wrong username or password."}


@LOCAL
@pytest.mark.parametrize("missing", ["username", "password"])
def test_password_grant_needs_both_fields(client: Client, missing: str) -> None:
    result = password_grant(client, **{missing: None})
    assert result.status == 400
    assert result.body == {"error": "invalid_request", "error_description": f"Missing required parameter: {missing}"}


@pytest.mark.bluexp_emulator(deployment="local", username="admin@example.com", password="Secret-123")
def test_the_local_user_is_configurable(client: Client) -> None:
    assert password_grant(client, username="admin@example.com", password="Secret-123").status == 200
    assert password_grant(client).status == 403


@pytest.mark.bluexp_emulator(deployment="local", accounts=2)
@pytest.mark.parametrize("audience", [None, "https://api.cloud.netapp.com", "anything"])
def test_client_secret_grant_needs_no_audience(client: Client, audience: str | None) -> None:
    result = secret_grant(client, audience=audience)
    assert result.status == 200 and result.body["scope"] == "occm-access"
    accounts = client.request("GET", "/tenancy/account", token=result.body["access_token"]).body
    assert [a["accountPublicId"] for a in accounts] == [client.state["accounts"][0]["id"]]  # a service account


@LOCAL
def test_a_wrong_client_secret_is_refused(client: Client) -> None:
    result = secret_grant(client, client_secret="wrong")
    assert result.status == 401
    assert result.body == {"error": "access_denied", "error_description": "Unauthorized"}


@LOCAL
def test_refresh_tokens_are_a_saas_grant(client: Client) -> None:
    result = client.refresh_grant()
    assert result.status == 400
    assert result.body == {"error": "unsupported_grant_type", "error_description": "Unsupported grant type: refresh_token"}


@LOCAL
@pytest.mark.parametrize("fields", [
    {"client_assertion_type": ASSERTION_TYPE, "client_assertion": "a.b.c"},
    {"client_assertion_type": ASSERTION_TYPE},
    {"client_assertion": "a.b.c"},
])
def test_client_assertions_are_not_supported(client: Client, fields: dict[str, str]) -> None:
    result = secret_grant(client, client_secret=None, client_id=client.credentials["key_client_id"], **fields)
    assert result.status == 400
    assert result.body == {"error": "invalid_request",
                           "error_description": "private key JWT is not supported in a local deployment"}


@LOCAL
def test_a_valid_assertion_is_refused_too(client: Client) -> None:
    credentials = client.credentials
    assertion = sign(load_private_key(credentials["private_key"]),
                     claims(credentials["key_client_id"], client.handle.url + "/"))
    result = secret_grant(client, client_secret=None, client_id=credentials["key_client_id"],
                          audience="https://api.cloud.netapp.com", client_assertion_type=ASSERTION_TYPE,
                          client_assertion=assertion)
    assert result.status == 400 and result.body["error"] == "invalid_request"


def test_reset_switches_the_deployment(client: Client) -> None:
    assert password_grant(client).status == 400
    state = client.handle.reset(deployment="local")
    assert state["config"]["deployment"] == "local" and state["credentials"]["password"] == "emulator-password"
    assert password_grant(client).status == 200
    assert client.refresh_grant().status == 400
    state = client.handle.reset()  # back to the start-up deployment
    assert state["config"]["deployment"] == "saas" and "password" not in state["credentials"]
    assert password_grant(client).body["error"] == "unsupported_grant_type"
    assert client.refresh_grant().status == 200


@pytest.mark.parametrize(("body", "message"), [
    ({"deployment": "cloud"}, "deployment must be one of saas, local"),
    ({"keep_public_key": "no"}, "keep_public_key must be a boolean"),
    ({"password": "x"}, "unknown fields: password; allowed: seed, fleet_size, accounts, connectors, deployment, "
                        "keep_public_key"),
])
def test_reset_checks_its_options(client: Client, body: dict[str, Any], message: str) -> None:
    with pytest.raises(ControlError) as failure:
        client.handle.reset(**body)
    assert failure.value.status == 400 and failure.value.body["message"] == message


@LOCAL
def test_passwords_never_reach_the_request_log(client: Client) -> None:
    password_grant(client)
    password_grant(client, password="wrong-password-value")
    client.request("POST", "/oauth/token?echo=wrong-password-value", body={
        "grant_type": "password", "username": "emulator-user", "password": "wrong-password-value"})
    log = client.handle.requests()
    text = json.dumps(log)
    assert "emulator-password" not in text and "wrong-password-value" not in text
    assert [entry["body"]["password"] for entry in log] == ["<redacted>"] * 3
    assert log[0]["body"]["username"] == "emulator-user"
    assert client.handle.counters()["token_exchanges_by_grant"] == {"password": 3}
