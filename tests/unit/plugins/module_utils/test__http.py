# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import socket
import threading

import pytest
import requests
import responses
from urllib3.exceptions import MaxRetryError, NameResolutionError, NewConnectionError, ProtocolError

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _http
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import TransportError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import (
    ConnectionFailure,
    HttpResponse,
    HttpTransport,
)

URL = "https://api.example.test/account/a/providers/cloudmanager_cbs/api/v1/job"


# --- a local server that misbehaves on purpose --------------------------------------------------

class SilentServer:
    """Accepts one connection on 127.0.0.1, reads the request, then either closes the
    connection without answering (`drop`) or keeps it open until stopped (`hang`)."""

    def __init__(self, mode):
        self.mode = mode
        self.received = b""
        self._stop = threading.Event()
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._sock.bind(("127.0.0.1", 0))
        self._sock.listen(1)
        self._sock.settimeout(2)
        self.port = self._sock.getsockname()[1]
        self._thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self):
        try:
            conn, dummy = self._sock.accept()
        except OSError:
            return
        with conn:
            conn.settimeout(2)
            try:
                while b"\r\n\r\n" not in self.received:
                    chunk = conn.recv(4096)
                    if not chunk:
                        break
                    self.received += chunk
            except OSError:
                return
            if self.mode == "hang":
                self._stop.wait(2)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc_info):
        self._stop.set()
        self._thread.join(3)
        self._sock.close()

    @property
    def url(self):
        return "http://127.0.0.1:{0}/account/a/providers/cloudmanager_cbs/api/v1/job?x=1".format(self.port)


def closed_port():
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    sock.close()
    return port


# --- failures without a response ----------------------------------------------------------------

@pytest.mark.parametrize("method", ["GET", "POST"])
def test_connection_refused_was_never_sent(method):
    url = "http://127.0.0.1:{0}/job?token=abc".format(closed_port())
    with pytest.raises(ConnectionFailure) as info:
        HttpTransport().send(method, url, json_body={"a": 1} if method == "POST" else None, timeout=2)
    failure = info.value
    assert failure.maybe_sent is False
    assert isinstance(failure, TransportError)
    assert "could not connect" in failure.msg
    assert failure.msg.startswith(method + " ")
    assert "token=abc" not in failure.msg, "the query string is not repeated in messages"
    assert failure.details == {"method": method, "url": url.split("?")[0]}


def test_read_timeout_may_have_been_sent():
    with SilentServer("hang") as server, pytest.raises(ConnectionFailure) as info:
        HttpTransport().send("POST", server.url, json_body={"a": 1}, timeout=0.2)
    assert info.value.maybe_sent is True
    assert "no answer within the timeout" in info.value.msg
    assert server.received.startswith(b"POST /account/a/"), "the server did get the request"


def test_connection_dropped_after_send_may_have_been_sent():
    with SilentServer("drop") as server, pytest.raises(ConnectionFailure) as info:
        HttpTransport().send("DELETE", server.url, timeout=2)
    assert info.value.maybe_sent is True
    assert "connection dropped" in info.value.msg
    assert server.received.startswith(b"DELETE ")


@pytest.mark.parametrize("error, sent", [
    (requests.exceptions.ConnectTimeout("connect timed out"), False),
    (requests.exceptions.SSLError("certificate verify failed"), False),
    (requests.exceptions.InvalidURL("bad url"), False),
    (requests.exceptions.MissingSchema("no schema"), False),
    (requests.exceptions.InvalidSchema("bad schema"), False),
    (requests.exceptions.ConnectionError(MaxRetryError(None, URL, reason=NewConnectionError(None, "refused"))), False),
    (requests.exceptions.ConnectionError(
        MaxRetryError(None, URL, reason=NameResolutionError("api.example.test", None, "no such host"))), False),
    (requests.exceptions.ReadTimeout("read timed out"), True),
    (requests.exceptions.ConnectionError(ProtocolError("Connection aborted.", ConnectionResetError(104))), True),
    (requests.exceptions.ConnectionError("something else"), True),
    (requests.exceptions.ChunkedEncodingError("incomplete"), True),
], ids=["connect timeout", "tls", "invalid url", "missing schema", "invalid schema", "refused", "dns",
        "read timeout", "reset after send", "unknown connection error", "broken body"])
def test_maybe_sent_classification(error, sent):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, URL, body=error)
        with pytest.raises(ConnectionFailure) as info:
            HttpTransport().send("POST", URL, json_body={}, timeout=5)
    assert info.value.maybe_sent is sent
    assert info.value.__cause__ is None and info.value.__suppress_context__, "no chained traceback"


def test_tls_failure_message_points_at_the_options():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, body=requests.exceptions.SSLError("certificate verify failed"))
        with pytest.raises(ConnectionFailure) as info:
            HttpTransport().send("GET", URL)
    assert "validate_certs" in info.value.msg and "ca_path" in info.value.msg
    assert info.value.permanent is True and "not retried" in info.value.msg


# --- successful requests ----------------------------------------------------------------------

def test_response_fields_and_request_arguments():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.POST, URL, status=202, json={"job-id": "j-1"}, headers={"Retry-After": "3"})
        response = HttpTransport().send("POST", URL, headers={"x-agent-id": "cclients"}, json_body={"a": [1]},
                                        timeout=12)
        request = mocked.calls[0].request
    assert isinstance(response, HttpResponse)
    assert response.status == 202
    assert response.content == b'{"job-id": "j-1"}'
    assert response.url == URL
    assert response.headers["retry-after"] == "3", "header names are case-insensitive"
    assert request.body == b'{"a": [1]}'
    assert request.headers["x-agent-id"] == "cclients"
    assert request.headers["Content-Type"] == "application/json"
    assert request.req_kwargs["timeout"] == 12


def test_get_without_body_sends_no_body():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        HttpTransport().send("GET", URL)
        assert mocked.calls[0].request.body is None


def test_error_status_is_returned_not_raised():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, status=500, body="oops")
        assert HttpTransport().send("GET", URL).status == 500


def test_one_session_is_reused_across_calls(monkeypatch):
    created = []

    class CountingSession(requests.Session):
        def __init__(self):
            super().__init__()
            created.append(self)

    monkeypatch.setattr(_http.requests, "Session", CountingSession)
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        transport = HttpTransport()
        for dummy in range(3):
            transport.send("GET", URL)
        assert len(mocked.calls) == 3
    assert len(created) == 1


def test_urllib3_does_not_retry_on_its_own():
    transport = HttpTransport()
    for prefix in ("https://api.example.test/", "http://127.0.0.1/"):
        retries = transport._session.get_adapter(prefix).max_retries
        assert retries.total == 0
        assert not retries.read


def test_user_agent_is_set_on_the_session():
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        HttpTransport(user_agent="bluexp.cloud_backup/9.9.9").send("GET", URL)
        assert mocked.calls[0].request.headers["User-Agent"] == "bluexp.cloud_backup/9.9.9"


@pytest.mark.parametrize("validate_certs, ca_path, verify", [
    (True, None, True),
    (True, "/etc/pki/bluexp-ca.pem", "/etc/pki/bluexp-ca.pem"),
    (False, None, False),
    (False, "/etc/pki/bluexp-ca.pem", False),
])
def test_verify_and_ca_path_are_applied(validate_certs, ca_path, verify):
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        HttpTransport(validate_certs=validate_certs, ca_path=ca_path).send("GET", URL)
        assert mocked.calls[0].request.req_kwargs["verify"] == verify


# TLS settings must win over REQUESTS_CA_BUNDLE / CURL_CA_BUNDLE (psf/requests#3829).
@pytest.mark.parametrize("variable", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
@pytest.mark.parametrize("validate_certs, ca_path, verify", [
    (False, None, False),
    (True, "/etc/pki/bluexp-ca.pem", "/etc/pki/bluexp-ca.pem"),
], ids=["validate_certs=false", "ca_path"])
def test_tls_options_win_over_ca_bundle_environment(monkeypatch, variable, validate_certs, ca_path, verify):
    monkeypatch.setenv(variable, "/etc/ssl/certs/some-other-bundle.pem")
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        HttpTransport(validate_certs=validate_certs, ca_path=ca_path).send("GET", URL)
        assert mocked.calls[0].request.req_kwargs["verify"] == verify


def test_ca_bundle_environment_is_used_when_no_option_is_set(monkeypatch):
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", "/etc/ssl/certs/corporate.pem")
    with responses.RequestsMock() as mocked:
        mocked.add(responses.GET, URL, json={})
        HttpTransport().send("GET", URL)
        assert mocked.calls[0].request.req_kwargs["verify"] == "/etc/ssl/certs/corporate.pem"


def test_close_closes_the_session(monkeypatch):
    transport = HttpTransport()
    closed = []
    monkeypatch.setattr(transport._session, "close", lambda: closed.append(True))
    transport.close()
    assert closed == [True]
