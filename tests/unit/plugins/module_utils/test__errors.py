# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _errors
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    AuthError,
    BlueXPError,
    ConfigurationError,
    DiscoveryError,
    JobFailedError,
    JobTimeoutError,
    NotFoundError,
    PartialFailure,
    TransportError,
    WriteNotResentError,
)


def test_every_error_is_a_bluexp_error():
    for name in ("ConfigurationError", "TransportError", "WriteNotResentError", "ApiError", "AuthError",
                 "NotFoundError", "DiscoveryError", "JobFailedError", "JobTimeoutError"):
        assert issubclass(getattr(_errors, name), BlueXPError)
    assert issubclass(AuthError, ApiError) and issubclass(NotFoundError, ApiError)


def test_to_result_drops_empty_details():
    error = BlueXPError("boom", job_id=None, option="timeout", missing=[])
    assert error.to_result() == {"msg": "boom", "error_code": "error", "option": "timeout", "missing": []}
    assert str(error) == "boom"


@pytest.mark.parametrize("error, server_message, expected", [
    (None, None, "GET /x failed with HTTP 500"),
    ("Internal Server Error", None, "GET /x failed with HTTP 500 Internal Server Error"),
    (None, "disk full", "GET /x failed with HTTP 500: disk full"),
    ("Internal Server Error", "disk full", "GET /x failed with HTTP 500 Internal Server Error: disk full"),
])
def test_api_error_message(error, server_message, expected):
    exc = ApiError(500, "GET", "/x", server_message=server_message, error=error)
    assert exc.msg == expected
    assert exc.to_result()["msg"] == expected
    assert exc.to_result()["status"] == 500


@pytest.mark.parametrize("raw, error, message, body", [
    (b'{"statusCode": 503, "error": "Service Unavailable", "message": "Connector is down"}',
     "Service Unavailable", "Connector is down",
     {"statusCode": 503, "error": "Service Unavailable", "message": "Connector is down"}),
    (b'{"error": "Conflict", "message": "another operation is in progress"}',
     "Conflict", "another operation is in progress", {"error": "Conflict", "message": "another operation is in progress"}),
    (b'{"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}',
     "invalid_grant", "Unknown or invalid refresh token.",
     {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}),
    (b'{"error": {"code": 7}, "message": "nested"}', None, "nested", {"error": {"code": 7}, "message": "nested"}),
    # A JSON body that is not an object is shown as the text it was.
    (b'["not", "a", "dict"]', None, '["not", "a", "dict"]', ["not", "a", "dict"]),
    (b"Service Unavailable", None, "Service Unavailable", "Service Unavailable"),
    (b"", None, None, None),
    (b"\xff\xfe broken", None, "\ufffd\ufffd broken", "\ufffd\ufffd broken"),
], ids=["hapi", "error+message", "oauth", "non-string error", "json list", "text", "empty", "bad utf-8"])
def test_from_response_reads_every_error_body(raw, error, message, body):
    exc = ApiError.from_response(503, "POST", "/api/v1/restore", raw)
    assert exc.error == error
    assert exc.server_message == message
    assert exc.details.get("body") == body
    assert exc.status == 503 and exc.method == "POST" and exc.path == "/api/v1/restore"


def test_from_response_shortens_long_text():
    exc = ApiError.from_response(502, "GET", "/x", b"<html>" + b"a" * 2000)
    assert len(exc.server_message) == 500
    assert len(exc.details["body"]) == 500


def test_api_error_job_id_detail():
    assert ApiError(500, "POST", "/x", job_id="j-1").to_result()["job_id"] == "j-1"
    assert "job_id" not in ApiError(500, "POST", "/x").to_result()


@pytest.mark.parametrize("error, code", [
    (BlueXPError("x"), "error"),
    (BlueXPError("x", code="no_backup"), "no_backup"),
    (ConfigurationError("x"), "invalid_option"),
    (ConfigurationError("x", code="volume_not_found"), "volume_not_found"),
    (ApiError(500, "GET", "/p"), "api_error"),
    (ApiError(409, "POST", "/p", code="target_exists"), "target_exists"),
    (NotFoundError(404, "GET", "/p"), "not_found"),
    (AuthError(401, "GET", "/p"), "auth_failed"),
    (JobFailedError("x"), "job_failed"),
    (JobTimeoutError("x"), "job_timeout"),
    (PartialFailure("x"), "partial_failure"),
    (DiscoveryError("x"), "discovery_failed"),
    (TransportError("x"), "transport_error"),
    (WriteNotResentError("x"), "write_not_resent"),
], ids=lambda v: v if isinstance(v, str) else type(v).__name__)
def test_every_error_has_a_machine_readable_code(error, code):
    assert error.code == code and error.to_result()["error_code"] == code
