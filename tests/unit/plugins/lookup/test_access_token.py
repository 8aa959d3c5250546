# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json

import pytest
import requests
import responses

from ansible import constants as C
from ansible.errors import AnsibleLookupError
from ansible.plugins.loader import lookup_loader

from ansible_collections.bluexp.cloud_backup.plugins.lookup import access_token
from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _http
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins import emulated
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    documented_options,
    AUTH_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    ISSUED_TOKEN,
    REFRESH_TOKEN,
    SECRETS,
    TOKEN_URL,
)

PLUGIN = "bluexp.cloud_backup.access_token"


@pytest.fixture
def lookup(monkeypatch, retry_policy):
    """The lookup with its documented options registered, retries on the fake clock."""
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    plugin = lookup_loader.get(PLUGIN)
    if plugin is None:
        # Outside ansible-test the collection loader is not installed: register the
        # options from the plugin's own documentation, as the loader would.
        options = documented_options(access_token.DOCUMENTATION, access_token.__file__)
        C.config.initialize_plugin_configuration_definitions("lookup", PLUGIN, options)
        plugin = access_token.LookupModule()
        plugin._load_name = PLUGIN
    return plugin


@pytest.fixture
def token_endpoint():
    with responses.RequestsMock() as mocked:
        yield mocked


def sent_body(mocked, index=0):
    return json.loads(mocked.calls[index].request.body)


def assert_secret_free(text):
    for secret in SECRETS:
        assert secret not in text


def test_refresh_token_is_exchanged(lookup, token_endpoint):
    token_endpoint.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN, "expires_in": 86400})
    assert lookup.run([], variables={}, refresh_token=REFRESH_TOKEN, auth_url=AUTH_URL) == [ISSUED_TOKEN]
    assert len(token_endpoint.calls) == 1
    assert sent_body(token_endpoint) == {"grant_type": "refresh_token", "refresh_token": REFRESH_TOKEN,
                                         "client_id": "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"}
    request = token_endpoint.calls[0].request
    assert request.headers["Content-Type"] == "application/json"
    assert request.headers["User-Agent"].startswith("bluexp.cloud_backup/")
    assert "Authorization" not in request.headers


def test_two_credentials_fail_naming_both_before_any_request(lookup, token_endpoint):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=REFRESH_TOKEN)
    assert "refresh_token and client_secret are set: two credentials at once" in str(info.value)
    assert_secret_free(str(info.value))
    assert len(token_endpoint.calls) == 0


def test_service_account_in_the_options_wins_over_a_refresh_token_in_the_environment(
        lookup, token_endpoint, monkeypatch):
    monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", REFRESH_TOKEN)
    token_endpoint.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN})
    result = lookup.run([], variables={}, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, auth_url=AUTH_URL + "/")
    assert result == [ISSUED_TOKEN]
    assert sent_body(token_endpoint) == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                         "client_secret": CLIENT_SECRET, "audience": "https://api.cloud.netapp.com"}


def test_credentials_from_the_environment(lookup, token_endpoint, monkeypatch):
    monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", REFRESH_TOKEN)
    monkeypatch.setenv("BLUEXP_AUTH_URL", AUTH_URL)
    token_endpoint.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN})
    assert lookup.run([], variables={}) == [ISSUED_TOKEN]
    assert sent_body(token_endpoint)["refresh_token"] == REFRESH_TOKEN


def test_default_auth_url_is_netapp_auth0(lookup, token_endpoint):
    token_endpoint.add(responses.POST, "https://netapp-cloud-account.auth0.com/oauth/token",
                       json={"access_token": ISSUED_TOKEN})
    assert lookup.run([], variables={}, refresh_token=REFRESH_TOKEN) == [ISSUED_TOKEN]


def test_tls_options_are_applied(lookup, token_endpoint):
    token_endpoint.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN})
    lookup.run([], variables={}, refresh_token=REFRESH_TOKEN, auth_url=AUTH_URL, validate_certs=False, timeout=9)
    kwargs = token_endpoint.calls[0].request.req_kwargs
    assert kwargs["verify"] is False
    assert kwargs["timeout"] == 9


@pytest.mark.parametrize("credential, status, body, expected", [
    ({"refresh_token": REFRESH_TOKEN}, 403,
     {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."},
     ["HTTP 403", "invalid_grant", "Unknown or invalid refresh token.", "refresh token refused", "Check refresh_token"]),
    ({"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET}, 401,
     {"error": "access_denied", "error_description": "Unauthorized"},
     ["HTTP 401", "access_denied", "Unauthorized", "service account refused", "Check client_id and client_secret"]),
], ids=["403 invalid_grant", "401 access_denied"])
def test_refused_credential_raises_with_the_server_message_but_not_the_secret(
        lookup, token_endpoint, credential, status, body, expected):
    token_endpoint.add(responses.POST, TOKEN_URL, status=status, json=body)
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, auth_url=AUTH_URL, **credential)
    message = str(info.value)
    assert message.startswith("access_token: ")
    for text in expected:
        assert text in message
    assert_secret_free(message)
    assert_secret_free(repr(info.value))
    assert len(token_endpoint.calls) == 1, "a refused credential is not retried"


def test_unreachable_token_service(lookup, token_endpoint, clock):
    token_endpoint.add(responses.POST, TOKEN_URL, body=requests.exceptions.ConnectTimeout("timed out"))
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, refresh_token=REFRESH_TOKEN, auth_url=AUTH_URL)
    assert "timed out while connecting" in str(info.value)
    assert_secret_free(str(info.value))
    assert len(token_endpoint.calls) == 6
    assert len(clock.sleeps) == 5


def test_token_service_busy_then_answers(lookup, token_endpoint, clock):
    token_endpoint.add(responses.POST, TOKEN_URL, status=429, headers={"Retry-After": "2"})
    token_endpoint.add(responses.POST, TOKEN_URL, json={"access_token": ISSUED_TOKEN})
    assert lookup.run([], variables={}, refresh_token=REFRESH_TOKEN, auth_url=AUTH_URL) == [ISSUED_TOKEN]
    assert clock.sleeps == [2.0]


def test_no_credential_names_the_options(lookup, token_endpoint):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={})
    message = str(info.value)
    for name in ("refresh_token", "client_id", "client_secret", "BLUEXP_REFRESH_TOKEN", "BLUEXP_CLIENT_ID"):
        assert name in message
    assert len(token_endpoint.calls) == 0


def test_half_a_service_account_names_the_missing_option(lookup, token_endpoint):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, client_id=CLIENT_ID, auth_url=AUTH_URL)
    assert "client_id is set but neither client_secret nor private_key is" in str(info.value)
    assert len(token_endpoint.calls) == 0


def test_only_a_client_secret_names_the_missing_client_id(lookup, token_endpoint):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, client_secret=CLIENT_SECRET, auth_url=AUTH_URL)
    assert "client_id is missing" in str(info.value)
    assert_secret_free(str(info.value))


@pytest.mark.parametrize("options, option", [
    ({"auth_url": "netapp-cloud-account.auth0.com"}, "auth_url"),
    ({"api_url": "ftp://api"}, "api_url"),
    ({"timeout": 0}, "timeout"),
])
def test_bad_option_is_named_before_any_request(lookup, token_endpoint, options, option):
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, refresh_token=REFRESH_TOKEN, **options)
    assert str(info.value).startswith("access_token: " + option)
    assert len(token_endpoint.calls) == 0


def test_missing_requests_is_reported(lookup, monkeypatch):
    # What _http looks like on a controller without requests: the client still imports.
    monkeypatch.setattr(_http, "HAS_REQUESTS", False)
    monkeypatch.delattr(_http, "requests")
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, refresh_token=REFRESH_TOKEN)
    assert "needs the Python library requests" in str(info.value)


# --- a token service that echoes the credential ---------------------------------------------------


@pytest.mark.parametrize("way", ["refresh_token", "service_account", "both"])
@pytest.mark.parametrize("status", [403, 500])
def test_a_token_service_echoing_the_credential_is_masked(emulator, lookup, way, status, monkeypatch):
    """Whatever the token service puts in its error, the lookup's error holds no secret it was given,
    as an option or in the environment ("both": a service account, and a refresh token in the environment)."""
    creds = emulator.state()["credentials"]
    given = {"auth_url": emulated.AUTH_URL, "api_url": emulated.API_URL}
    if way == "refresh_token":
        given["refresh_token"] = creds["refresh_token"]
    if way in ("service_account", "both"):
        given.update(client_id=creds["client_id"], client_secret=creds["client_secret"])
    if way == "both":
        monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", creds["refresh_token"])
        given["refresh_token"] = creds["refresh_token"]  # checked below, not passed
    passed = {name: value for name, value in given.items() if not (way == "both" and name == "refresh_token")}
    emulator.add_fault(method="POST", path="/oauth/token$", status=status,
                       message="bad request refresh_token={0} client_secret={1}".format(
                           creds["refresh_token"], creds["client_secret"]))
    with pytest.raises(AnsibleLookupError) as info:
        lookup.run([], variables={}, **passed)
    message = str(info.value)
    assert "HTTP {0}".format(status) in message and "bad request refresh_token=" in message
    for option in ("refresh_token", "client_secret"):
        if option in given:
            assert given[option] not in message and given[option] not in repr(info.value)
            assert "{0}=********".format(option) in message, "masked as modules mask no_log values"
