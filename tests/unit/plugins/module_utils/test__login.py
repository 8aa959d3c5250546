# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._auth import (
    LocalUser,
    PrivateKeyServiceAccount,
    RefreshToken,
    ServiceAccount,
    StaticToken,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._login import (
    DEFAULT_API_URL,
    DEFAULT_AUTH_URL,
    LOCAL,
    SAAS,
    choose_credential,
    endpoints,
    environment_secrets,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    CLIENT_ID,
    CLIENT_SECRET,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    TOKEN_URL,
    assert_no_secret,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.keys import decode_assertion, pem, rsa_key

PASSWORD = "pw-SECRET-local-9"
KEY = pem(rsa_key())


def choose(deployment=SAAS, environ=None, **params):
    return choose_credential(params, deployment, environ or {})


def refused(deployment=SAAS, environ=None, **params):
    with pytest.raises(ConfigurationError) as info:
        choose(deployment, environ, **params)
    assert_no_secret(info.value.msg)
    assert KEY not in info.value.msg and PASSWORD not in info.value.msg
    return info.value


# --- each kind, from the task's options or from the environment --------------------------------

@pytest.mark.parametrize("params, deployment, kind", [
    (dict(token=STATIC_TOKEN), SAAS, StaticToken),
    (dict(token=STATIC_TOKEN), LOCAL, StaticToken),
    (dict(refresh_token=REFRESH_TOKEN), SAAS, RefreshToken),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), SAAS, ServiceAccount),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET), LOCAL, ServiceAccount),
    (dict(client_id=CLIENT_ID, private_key=KEY), SAAS, PrivateKeyServiceAccount),
    (dict(username="ops", password=PASSWORD), LOCAL, LocalUser),
    # An empty string (an unset variable rendered by a template) is no credential.
    (dict(token="", refresh_token=REFRESH_TOKEN), SAAS, RefreshToken),
], ids=["token", "token local", "refresh token", "client secret", "client secret local", "private key",
        "local user", "empty token ignored"])
def test_each_kind_from_the_task(params, deployment, kind):
    assert isinstance(choose(deployment, **params), kind)


@pytest.mark.parametrize("environ, kind", [
    ({"BLUEXP_TOKEN": STATIC_TOKEN}, StaticToken),
    ({"BLUEXP_REFRESH_TOKEN": REFRESH_TOKEN}, RefreshToken),
    ({"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_CLIENT_SECRET": CLIENT_SECRET}, ServiceAccount),
    ({"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_PRIVATE_KEY": KEY}, PrivateKeyServiceAccount),
])
def test_each_kind_from_the_environment(environ, kind):
    assert isinstance(choose(environ=environ), kind)


def test_private_key_file_from_the_environment(tmp_path):
    path = tmp_path / "sa.pem"
    path.write_text(KEY)
    credential = choose(environ={"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_PRIVATE_KEY_FILE": str(path)})
    assert isinstance(credential, PrivateKeyServiceAccount)


def test_local_user_from_the_environment():
    environ = {"BLUEXP_USERNAME": "ops", "BLUEXP_PASSWORD": PASSWORD}
    assert isinstance(choose(LOCAL, environ), LocalUser)


# --- the one precedence: the task's options, then the environment ------------------------------

def test_a_credential_in_the_task_wins_over_the_environment():
    # The fleet pattern: a token from the access_token lookup in module_defaults, while the
    # refresh token that made it stays in the environment.
    assert isinstance(choose(environ={"BLUEXP_REFRESH_TOKEN": REFRESH_TOKEN}, token=STATIC_TOKEN), StaticToken)
    environ = {"BLUEXP_CLIENT_ID": "other", "BLUEXP_CLIENT_SECRET": "x", "BLUEXP_REFRESH_TOKEN": REFRESH_TOKEN}
    assert isinstance(choose(environ=environ, refresh_token=REFRESH_TOKEN), RefreshToken)


def test_the_other_options_of_a_kind_come_from_the_task_else_the_environment():
    credential = choose(environ={"BLUEXP_CLIENT_ID": CLIENT_ID}, client_secret=CLIENT_SECRET)
    assert credential.token_request(TOKEN_URL)["client_id"] == CLIENT_ID
    credential = choose(environ={"BLUEXP_CLIENT_ID": "from-env"}, client_id=CLIENT_ID, client_secret=CLIENT_SECRET)
    assert credential.token_request(TOKEN_URL)["client_id"] == CLIENT_ID


@pytest.mark.parametrize("params, named", [
    (dict(token=STATIC_TOKEN, refresh_token=REFRESH_TOKEN), "token and refresh_token"),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, private_key=KEY), "client_secret and private_key"),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN),
     "refresh_token and client_secret"),
    (dict(token=STATIC_TOKEN, username="ops", password=PASSWORD), "token and password"),
])
def test_two_kinds_in_the_task_fail_naming_both(params, named):
    error = refused(**params)
    assert named in error.msg and "two credentials" in error.msg


def test_two_kinds_in_the_environment_fail_naming_both_variables():
    environ = {"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_CLIENT_SECRET": CLIENT_SECRET,
               "BLUEXP_REFRESH_TOKEN": REFRESH_TOKEN}
    error = refused(environ=environ)
    assert "BLUEXP_REFRESH_TOKEN and BLUEXP_CLIENT_SECRET" in error.msg
    assert "the task's options come before the environment" in error.msg


def test_both_private_key_variables_fail_naming_both():
    error = refused(environ={"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_PRIVATE_KEY": KEY,
                             "BLUEXP_PRIVATE_KEY_FILE": "/k.pem"})
    assert "BLUEXP_PRIVATE_KEY and BLUEXP_PRIVATE_KEY_FILE" in error.msg


# --- incomplete or misplaced credentials --------------------------------------------------------

@pytest.mark.parametrize("params, missing, env", [
    (dict(client_secret=CLIENT_SECRET), "client_id", "BLUEXP_CLIENT_ID"),
    (dict(private_key=KEY), "client_id", "BLUEXP_CLIENT_ID"),
])
def test_half_a_service_account_names_the_missing_option(params, missing, env):
    error = refused(**params)
    assert "{0} is missing".format(missing) in error.msg and env in error.msg
    assert error.details["option"] == missing


def test_password_without_username_names_username():
    error = refused(LOCAL, password=PASSWORD)
    assert error.details["option"] == "username" and "username is missing" in error.msg


@pytest.mark.parametrize("params, named", [
    (dict(client_id=CLIENT_ID), "neither client_secret nor private_key"),
    (dict(username="ops"), "password is missing"),
])
def test_identity_without_its_secret(params, named):
    assert named in refused(LOCAL if "username" in params else SAAS, **params).msg


def test_half_a_service_account_is_not_covered_by_a_refresh_token_in_the_environment():
    # Falling back silently would act with another identity than the one configured.
    error = refused(environ={"BLUEXP_REFRESH_TOKEN": REFRESH_TOKEN}, client_id=CLIENT_ID)
    assert error.details["option"] == "client_id"


@pytest.mark.parametrize("params, stray", [
    (dict(refresh_token=REFRESH_TOKEN, client_id=CLIENT_ID), "client_id"),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, key_id="k1"), "key_id"),
    (dict(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, username="ops"), "username"),
])
def test_an_option_of_another_kind_is_named(params, stray):
    error = refused(**params)
    assert error.details["option"] == stray and "does not take it" in error.msg


@pytest.mark.parametrize("params", [
    dict(token=""), dict(token="", refresh_token="", client_id="", client_secret=""), dict(),
])
def test_no_credential_names_every_option_and_env_var(params):
    message = refused(**params).msg
    for name in ("token", "refresh_token", "client_id", "client_secret", "private_key", "username", "password",
                 "BLUEXP_TOKEN", "BLUEXP_REFRESH_TOKEN", "BLUEXP_CLIENT_ID", "BLUEXP_CLIENT_SECRET",
                 "BLUEXP_PRIVATE_KEY", "BLUEXP_PRIVATE_KEY_FILE", "BLUEXP_USERNAME", "BLUEXP_PASSWORD"):
        assert name in message


# --- deployments --------------------------------------------------------------------------------

@pytest.mark.parametrize("params, option", [
    (dict(client_id=CLIENT_ID, private_key=KEY), "private_key"),
    (dict(refresh_token=REFRESH_TOKEN), "refresh_token"),
])
def test_kinds_a_local_deployment_does_not_support(params, option):
    error = refused(LOCAL, **params)
    assert error.details["option"] == option
    assert "not supported by the Console local deployment" in error.msg


def test_password_on_the_saas_console_points_to_console_url():
    error = refused(SAAS, username="ops", password=PASSWORD)
    assert error.details["option"] == "password" and "console_url" in error.msg


def test_private_key_is_not_read_on_a_local_deployment():
    # Refused for the deployment before the key is even opened.
    error = refused(LOCAL, client_id=CLIENT_ID, private_key="/nonexistent.pem")
    assert "not supported" in error.msg


def test_endpoints_default_to_the_saas_console():
    assert endpoints({}) == (DEFAULT_API_URL, DEFAULT_AUTH_URL, SAAS)
    assert DEFAULT_API_URL == "https://api.bluexp.netapp.com"
    assert DEFAULT_AUTH_URL == "https://netapp-cloud-account.auth0.com"


def test_console_url_is_both_api_and_token_service():
    assert endpoints({"console_url": "https://console.example.test/"}) == (
        "https://console.example.test", "https://console.example.test", LOCAL)


@pytest.mark.parametrize("given", [dict(api_url="https://a.test"), dict(auth_url="https://b.test")])
def test_console_url_with_api_or_auth_url_is_refused(given):
    with pytest.raises(ConfigurationError) as info:
        endpoints(dict(console_url="https://console.example.test", **given))
    assert "console_url and {0} are both set".format(next(iter(given))) in info.value.msg


@pytest.mark.parametrize("option", ["console_url", "api_url", "auth_url"])
def test_url_options_must_be_urls(option):
    with pytest.raises(ConfigurationError) as info:
        endpoints({option: "console.example.test"})
    assert info.value.details["option"] == option


# --- grant bodies -------------------------------------------------------------------------------

def test_local_service_account_sends_no_audience():
    body = choose(LOCAL, client_id=CLIENT_ID, client_secret=CLIENT_SECRET).token_request(TOKEN_URL)
    assert body == {"grant_type": "client_credentials", "client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}


def test_local_user_uses_the_password_grant():
    body = choose(LOCAL, username="ops", password=PASSWORD).token_request(TOKEN_URL)
    assert body == {"grant_type": "password", "username": "ops", "password": PASSWORD}


def test_private_key_grant_carries_a_fresh_assertion_for_the_token_service():
    credential = choose(client_id=CLIENT_ID, private_key=KEY, key_id="k1", audience="https://aud.example.test")
    first, second = credential.token_request(TOKEN_URL), credential.token_request(TOKEN_URL)
    assert first["grant_type"] == "client_credentials" and first["client_id"] == CLIENT_ID
    assert first["audience"] == "https://aud.example.test"
    assert first["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"
    assert "client_secret" not in first
    header, claims = decode_assertion(first["client_assertion"], rsa_key())
    assert header["kid"] == "k1"
    assert claims["aud"] == "https://auth.example.test/"
    assert claims["jti"] != decode_assertion(second["client_assertion"], rsa_key())[1]["jti"]


def test_private_key_audience_defaults_to_the_api():
    body = choose(client_id=CLIENT_ID, private_key=KEY).token_request(TOKEN_URL)
    assert body["audience"] == "https://api.cloud.netapp.com"


def test_environment_secrets_lists_only_the_secret_variables():
    environ = {"BLUEXP_CLIENT_ID": CLIENT_ID, "BLUEXP_PASSWORD": PASSWORD, "BLUEXP_PRIVATE_KEY_FILE": "/k.pem",
               "BLUEXP_PRIVATE_KEY_PASSPHRASE": "pp", "BLUEXP_TOKEN": STATIC_TOKEN, "BLUEXP_KEY_ID": "k1"}
    assert sorted(environment_secrets(environ)) == sorted([PASSWORD, "/k.pem", "pp", STATIC_TOKEN])
