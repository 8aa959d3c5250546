# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import platform
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import responses

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _version
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import (
    BlueXPClient,
    path_of,
    user_agent,
    validate_connection_params,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    ConfigurationError,
    NotFoundError,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    ACCOUNT,
    AGENT_HEADER,
    API_URL,
    CONNECTOR,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    assert_no_secret,
    cbs_path,
    client_params,
    reply,
    token_reply,
)

JOB_PATH = cbs_path("v1", "job")


# --- URL building ----------------------------------------------------------------------------

@pytest.mark.parametrize("version", ["v1", "v2", "v3"])
def test_cbs_url_layout(make_client, version):
    client = make_client()
    assert client.cbs_url(version, "working-environment/x") == (
        API_URL + "/account/" + ACCOUNT + "/providers/cloudmanager_cbs/api/" + version + "/working-environment/x")


@pytest.mark.parametrize("api_url", [API_URL + "/", API_URL + "//"])
def test_api_url_trailing_slashes_are_ignored(make_client, api_url):
    assert make_client(api_url=api_url).cbs_url("v1", "/job") == API_URL + JOB_PATH


def test_unknown_api_version_is_refused(make_client):
    with pytest.raises(ValueError):
        make_client().cbs_url("v9", "job")


def test_account_id_is_quoted_in_the_prefix(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", account="acc/../x?y"), reply(200, {"job": []}))
    make_client(account_id="acc/../x?y").cbs("GET", "v1", "job")
    assert fake.calls[0].path == "/account/acc%2F..%2Fx%3Fy/providers/cloudmanager_cbs/api/v1/job"


@pytest.mark.parametrize("segment, quoted", [
    ("plain-id_1.2~3", "plain-id_1.2~3"),
    ("a/b", "a%2Fb"),
    ("../../tenancy", "..%2F..%2Ftenancy"),
    ("x?status=FAILED", "x%3Fstatus%3DFAILED"),
    ("x#frag", "x%23frag"),
    ("with space", "with%20space"),
    ("50%", "50%25"),
    ("ünï", "%C3%BCn%C3%AF"),
])
def test_ids_cannot_change_the_route(make_client, fake, segment, quoted):
    expected = cbs_path("v1", "job") + "/" + quoted
    fake.add("GET", expected, reply(200, {"job": [{"id": segment}]}))
    make_client().cbs("GET", "v1", "job", segment)
    sent = urlsplit(fake.calls[0].url)
    assert sent.path == expected
    assert sent.query == "" and sent.fragment == ""
    assert sent.path.count("/") == JOB_PATH.count("/") + 1


def test_path_of_quotes_and_stringifies():
    assert path_of("a", 3, "b/c") == "a/3/b%2Fc"


@pytest.mark.parametrize("segment", ["", " ", None, ".", "..", "a\x00b", "line\nbreak", "tab\t"])
def test_a_segment_that_would_change_the_route_is_refused_before_sending(make_client, fake, segment):
    with pytest.raises(ConfigurationError) as info:
        make_client().cbs("GET", "v1", "job", segment)
    assert info.value.code == "invalid_id" and "job/{?}" in info.value.msg
    assert fake.calls == []


def test_query_parameters_are_encoded_and_none_is_dropped(make_client, fake):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job", query={"type": "backup working&env", "status": None,
                                                 "partial": True, "cache": False, "max-records": 5})
    call = fake.calls[0]
    assert call.query == {"type": "backup working&env", "partial": "true", "cache": "false", "max-records": "5"}
    assert "status" not in call.url


def test_query_with_only_none_values_adds_no_question_mark(make_client, fake):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job", query={"type": None})
    assert "?" not in fake.calls[0].url


# --- headers ---------------------------------------------------------------------------------

def test_read_headers(make_client, fake):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    make_client().cbs("GET", "v1", "job")
    headers = fake.calls[0].headers
    assert headers["Authorization"] == "Bearer " + STATIC_TOKEN
    assert headers["x-agent-id"] == AGENT_HEADER
    assert headers["Accept"] == "application/json"
    assert "Content-Type" not in headers, "no JSON content header without a body"
    assert "x-netapp-cache-control" not in headers


def test_write_with_body_sends_json_content_type_and_the_body(make_client, fake):
    fake.add("POST", cbs_path("v2", "backup", "working-environment", "we-1"), reply(202, {"job-id": "j-1"}))
    body = {"provider": "AWS", "backup-policy": {"name": "1 day"}}
    assert make_client().cbs("POST", "v2", "backup", "working-environment", "we-1", body=body) == {"job-id": "j-1"}
    call = fake.calls[0]
    assert call.headers["Content-Type"] == "application/json"
    assert call.body == body


def test_write_without_body_has_no_content_type(make_client, fake):
    fake.add("DELETE", cbs_path("v1", "backup", "working-environment", "we-1"), reply(202, {"job-id": "j-1"}))
    make_client().cbs("delete", "v1", "backup", "working-environment", "we-1")
    assert fake.calls[0].method == "DELETE"
    assert "Content-Type" not in fake.calls[0].headers


@pytest.mark.parametrize("connector_id, header", [
    (CONNECTOR, AGENT_HEADER),
    (AGENT_HEADER, AGENT_HEADER),
    ("  " + CONNECTOR + "  ", AGENT_HEADER),
    ("clients", "clients"),
])
def test_agent_header_gets_the_clients_suffix_once(make_client, fake, connector_id, header):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    client = make_client(connector_id=connector_id)
    client.cbs("GET", "v1", "job")
    assert fake.calls[0].headers["x-agent-id"] == header
    assert client.connector_id == header


@pytest.mark.parametrize("bypass_cache, expected", [(False, None), (True, "no-cache"), (None, None)])
def test_cache_control_header_only_with_bypass_cache(make_client, fake, bypass_cache, expected):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    make_client(bypass_cache=bypass_cache).cbs("GET", "v1", "job")
    assert fake.calls[0].headers.get("x-netapp-cache-control") == expected


def test_user_agent_names_the_collection_and_its_version():
    agent = user_agent()
    assert agent.startswith("bluexp.cloud_backup/{0} ".format(_version.COLLECTION_VERSION))
    assert re.search(r" ansible-core/\S+ ", agent)
    assert agent.endswith(" python/" + platform.python_version())


def test_collection_version_matches_galaxy_yml():
    galaxy = Path(_version.__file__).resolve().parents[2] / "galaxy.yml"
    if not galaxy.is_file():
        pytest.skip("galaxy.yml is not part of this test tree")
    yaml = pytest.importorskip("yaml")
    meta = yaml.safe_load(galaxy.read_text(encoding="utf-8"))
    assert "{namespace}.{name}".format(**meta) == _version.COLLECTION_NAME
    assert str(meta["version"]) == _version.COLLECTION_VERSION


def test_default_transport_sends_user_agent_and_tls_settings():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, API_URL + JOB_PATH, json={"job": []})
        client = BlueXPClient(client_params(validate_certs=False))
        assert client.cbs("GET", "v1", "job") == {"job": []}
        request = mocked.calls[0].request
    assert request.headers["User-Agent"] == user_agent()
    assert request.headers["Authorization"] == "Bearer " + STATIC_TOKEN
    assert request.req_kwargs["verify"] is False
    assert request.req_kwargs["timeout"] == 60


def test_timeout_option_is_passed_to_every_send(make_client, fake):
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    make_client(timeout=7).cbs("GET", "v1", "job")
    assert fake.calls[0].timeout == 7


# --- 401 and token renewal -------------------------------------------------------------------

def test_401_renews_the_token_once_then_succeeds(make_client, fake):
    fake.token(token_reply("at-1"), token_reply("at-2"))
    fake.add("GET", JOB_PATH, reply(401, {"message": "jwt expired"}), reply(200, {"job": [{"id": "j"}]}))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN)
    assert client.cbs("GET", "v1", "job") == {"job": [{"id": "j"}]}
    gets = fake.sent("GET")
    assert [c.headers["Authorization"] for c in gets] == ["Bearer at-1", "Bearer at-2"]
    assert len(fake.token_calls) == 2
    # The renewed token serves the following requests without another exchange.
    client.cbs("GET", "v1", "job")
    assert len(fake.token_calls) == 2


def test_401_renews_for_a_write_too(make_client, fake):
    fake.token(token_reply("at-1"), token_reply("at-2"))
    path = cbs_path("v1", "backup", "working-environment", "we-1")
    fake.add("POST", path, reply(401, {"message": "jwt expired"}), reply(202, {"job-id": "j-1"}))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN)
    assert client.cbs("POST", "v1", "backup", "working-environment", "we-1", body={"a": 1}) == {"job-id": "j-1"}
    assert len(fake.sent("POST", path)) == 2


def test_401_twice_is_an_auth_error(make_client, fake):
    fake.token(token_reply("at-1"), token_reply("at-2"), token_reply("at-3"))
    fake.add("GET", JOB_PATH, reply(401, {"statusCode": 401, "error": "Unauthorized", "message": "Invalid token"}))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN)
    with pytest.raises(AuthError) as info:
        client.cbs("GET", "v1", "job")
    assert info.value.status == 401
    assert "Invalid token" in info.value.msg
    assert "after one renewal" in info.value.msg
    assert len(fake.sent("GET")) == 2
    assert len(fake.token_calls) == 2


def test_static_token_401_fails_without_any_exchange(make_client, fake):
    fake.add("GET", JOB_PATH, reply(401, {"message": "jwt expired"}))
    with pytest.raises(AuthError) as info:
        make_client().cbs("GET", "v1", "job")
    assert "cannot be renewed" in info.value.msg
    assert "jwt expired" in info.value.msg
    assert fake.token_calls == []
    assert len(fake.calls) == 1
    assert_no_secret(info.value.to_result())


# --- the public token() and close() the plugins use ---------------------------------------------

def test_token_exchanges_the_credential_once_and_sends_nothing_else(make_client, fake):
    fake.token(token_reply("at-1"), token_reply("at-2"))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN, account_id=None, connector_id=None)
    assert client.token() == "at-1"
    assert client.token() == "at-1"
    # No discovery and no API call: the lookup needs the token only.
    assert len(fake.token_calls) == 1
    assert fake.api_calls == []


def test_token_is_the_one_the_api_calls_send(make_client, fake):
    fake.token(token_reply("at-1"))
    fake.add("GET", JOB_PATH, reply(200, {"job": []}))
    client = make_client(token=None, refresh_token=REFRESH_TOKEN)
    client.cbs("GET", "v1", "job")
    assert client.token() == "at-1"
    assert fake.sent("GET")[0].headers["Authorization"] == "Bearer at-1"
    assert len(fake.token_calls) == 1


def test_token_of_a_static_token_is_that_token_without_any_exchange(make_client, fake):
    assert make_client().token() == STATIC_TOKEN
    assert fake.calls == []


def test_token_exchange_refused_is_an_auth_error(make_client, fake):
    fake.token(reply(401, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}))
    with pytest.raises(AuthError) as info:
        make_client(token=None, refresh_token=REFRESH_TOKEN).token()
    assert info.value.code == "auth_failed"
    assert_no_secret(info.value.to_result())


def test_close_closes_the_transport_once_per_call(make_client, fake, monkeypatch):
    closed = []
    monkeypatch.setattr(fake, "close", lambda: closed.append(True))
    client = make_client()
    client.close()
    assert closed == [True]
    assert fake.calls == []


def test_close_releases_the_session_of_the_default_transport(monkeypatch):
    client = BlueXPClient.from_params(client_params())
    closed = []
    monkeypatch.setattr(client.transport._session, "close", lambda: closed.append(True))
    client.close()
    assert closed == [True]


def test_403_is_an_auth_error_without_renewal(make_client, fake):
    fake.token(token_reply("at-1"))
    fake.add("GET", JOB_PATH, reply(403, {"error": "Forbidden", "message": "User is not allowed to do operation"}))
    with pytest.raises(AuthError) as info:
        make_client(token=None, refresh_token=REFRESH_TOKEN).cbs("GET", "v1", "job")
    assert info.value.status == 403
    assert "User is not allowed to do operation" in info.value.msg
    assert len(fake.token_calls) == 1
    # Not sent again; the one more read is the account list the failure message adds.
    assert [urlsplit(c.url).path for c in fake.sent("GET")] == [urlsplit(JOB_PATH).path, "/tenancy/account"]


# --- error mapping ---------------------------------------------------------------------------

@pytest.mark.parametrize("status, raw, kind, error, server_message", [
    (500, b'{"statusCode": 500, "error": "Internal Server Error", "message": "Configuration property x is not defined"}',
     ApiError, "Internal Server Error", "Configuration property x is not defined"),
    (400, b'{"error": "Bad Request", "message": "bucket name is invalid"}',
     ApiError, "Bad Request", "bucket name is invalid"),
    (409, b'{"message": "another operation is in progress"}', ApiError, None, "another operation is in progress"),
    (400, b"<html><body>Bad request from the proxy</body></html>",
     ApiError, None, "<html><body>Bad request from the proxy</body></html>"),
    (400, b"", ApiError, None, None),
    (404, b'{"statusCode": 404, "error": "Not Found", "message": "working environment not found"}',
     NotFoundError, "Not Found", "working environment not found"),
    (403, b'{"error": "Forbidden", "message": "not allowed"}', AuthError, "Forbidden", "not allowed"),
], ids=["hapi body", "error+message body", "message only", "html body", "empty body", "404", "403"])
def test_error_mapping(make_client, fake, status, raw, kind, error, server_message):
    fake.add("GET", cbs_path("v1", "job", "j-1"), reply(status, raw=raw))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job", "j-1", query={"x": 1})
    exc = info.value
    assert exc.__class__ is kind
    assert exc.status == status
    assert exc.method == "GET"
    assert exc.path == cbs_path("v1", "job", "j-1"), "the path without host or query"
    assert exc.error == error
    assert exc.server_message == server_message
    assert exc.msg.startswith("GET {0} failed with HTTP {1}".format(exc.path, status))
    if server_message:
        assert server_message in exc.msg
    result = exc.to_result()
    assert result["status"] == status and result["method"] == "GET" and result["path"] == exc.path
    assert result["msg"] == exc.msg
    assert "exception" not in result


def test_long_non_json_error_body_is_shortened(make_client, fake):
    fake.add("GET", JOB_PATH, reply(400, raw=b"x" * 5000))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job")
    assert len(info.value.server_message) == 500


def test_not_found_ok_returns_none(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", "nope"), reply(404, {"message": "no such job"}))
    assert make_client().cbs("GET", "v1", "job", "nope", not_found_ok=True) is None


def test_not_found_ok_does_not_hide_other_errors(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", "j"), reply(400, {"message": "bad id"}))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job", "j", not_found_ok=True)
    assert info.value.status == 400


@pytest.mark.parametrize("status, raw, expected", [
    (200, b'{"job": []}', {"job": []}),
    (202, b'{"job-id": "j-1"}', {"job-id": "j-1"}),
    (200, b"", None),
    (204, b"", None),
    (200, b"[1, 2]", [1, 2]),
])
def test_success_bodies_are_decoded(make_client, fake, status, raw, expected):
    fake.add("GET", JOB_PATH, reply(status, raw=raw))
    assert make_client().cbs("GET", "v1", "job") == expected


def test_success_with_non_json_body_is_an_api_error(make_client, fake):
    fake.add("GET", JOB_PATH, reply(200, raw=b"<html>login page</html>"))
    with pytest.raises(ApiError) as info:
        make_client().cbs("GET", "v1", "job")
    assert "not JSON" in info.value.msg
    assert info.value.path == JOB_PATH


# --- connection options are checked before anything is sent ----------------------------------

@pytest.mark.parametrize("overrides, option", [
    (dict(api_url="api.bluexp.netapp.com"), "api_url"),
    (dict(console_url="console.example.test", api_url=None, auth_url=None), "console_url"),
    (dict(console_url="https://console.example.test"), "console_url"),
    (dict(api_url="ftp://api.example.test"), "api_url"),
    (dict(api_url="https://"), "api_url"),
    (dict(api_url="https:///path-only"), "api_url"),
    (dict(auth_url="netapp-cloud-account.auth0.com"), "auth_url"),
    (dict(auth_url="file:///etc/passwd"), "auth_url"),
    (dict(timeout=0), "timeout"),
    (dict(timeout=-5), "timeout"),
    (dict(wait_timeout=-1), "wait_timeout"),
    # The URL is checked before the credential, so the first problem is named first.
    (dict(api_url="nonsense", token=None), "api_url"),
])
def test_bad_connection_option_is_named_before_any_request(fake, retry_policy, overrides, option):
    with pytest.raises(ConfigurationError) as info:
        BlueXPClient(client_params(**overrides), transport=fake, retry=retry_policy())
    assert info.value.msg.startswith(option + " ")
    assert info.value.details["option"] == option
    assert fake.calls == []


@pytest.mark.parametrize("overrides", [
    dict(api_url="http://127.0.0.1:8080", auth_url="http://127.0.0.1:8080/auth"),
    dict(api_url="https://api.bluexp.netapp.com/"),
    dict(timeout=None),
    dict(wait_timeout=0),
])
def test_good_connection_options_pass(overrides):
    validate_connection_params(client_params(**overrides))


def test_client_construction_sends_nothing(fake, retry_policy):
    BlueXPClient(client_params(token=None, refresh_token=REFRESH_TOKEN, account_id=None, connector_id=None),
                 transport=fake, retry=retry_policy())
    assert fake.calls == []


def test_from_params_builds_a_client_with_the_default_transport():
    client = BlueXPClient.from_params(client_params())
    assert isinstance(client.transport, _api.HttpTransport)
    assert client.timeout == 60
