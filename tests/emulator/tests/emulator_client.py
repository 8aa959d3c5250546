# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""An HTTP client and spec-based shape checks for the emulator's own tests."""
from __future__ import annotations

import json
import urllib.error
import urllib.request
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from bluexp_emulator.core.spec import Spec
from bluexp_emulator.handle import EmulatorHandle
from bluexp_emulator.services.auth.models import AUDIENCE, PUBLIC_CLIENT_ID
from bluexp_emulator.services.cbs.urls import PREFIX


@dataclass
class Result:
    status: int
    headers: dict[str, str]
    body: Any


class Client:
    """Minimal API client over urllib, aware of the seeded account and connector."""

    def __init__(self, handle: EmulatorHandle) -> None:
        self.handle = handle
        state = handle.state()
        self.state = state
        self.credentials = state["credentials"]
        self.account = state["accounts"][0]["id"]
        self.x_agent_id = state["accounts"][0]["connectors"][0]["x-agent-id"]
        self._token: str | None = None

    def request(self, method: str, path: str, *, token: str | None = None, x_agent_id: str | None = None,
                body: Any = None, form: dict[str, str] | None = None, headers: dict[str, str] | None = None,
                raw: bytes | None = None, timeout: float = 10) -> Result:
        all_headers = dict(headers or {})
        data = raw
        if form is not None:
            data = urlencode(form).encode()
            all_headers["Content-Type"] = "application/x-www-form-urlencoded"
        elif body is not None:
            data = json.dumps(body).encode()
            all_headers["Content-Type"] = "application/json"
        if token:
            all_headers["Authorization"] = f"Bearer {token}"
        if x_agent_id:
            all_headers["x-agent-id"] = x_agent_id
        req = urllib.request.Request(self.handle.url + path, data=data, method=method, headers=all_headers)
        try:
            with urllib.request.urlopen(req, timeout=timeout, context=self.handle.ssl_context()) as response:
                raw = response.read()
                return Result(response.status, dict(response.headers), json.loads(raw) if raw else None)
        except urllib.error.HTTPError as error:
            raw = error.read()
            return Result(error.code, dict(error.headers), json.loads(raw) if raw else None)

    def refresh_grant(self, path: str = "/oauth/token", **overrides: str) -> Result:
        body = {"grant_type": "refresh_token", "refresh_token": self.credentials["refresh_token"],
                "client_id": PUBLIC_CLIENT_ID, **overrides}
        return self.request("POST", path, body=body)

    def client_credentials_grant(self, path: str = "/oauth/token", **overrides: str) -> Result:
        body = {"grant_type": "client_credentials", "client_id": self.credentials["client_id"],
                "client_secret": self.credentials["client_secret"], "audience": AUDIENCE, **overrides}
        return self.request("POST", path, body=body)

    @property
    def token(self) -> str:
        if self._token is None:
            self._token = self.refresh_grant().body["access_token"]
        return self._token

    def cbs(self, path: str, *, method: str = "GET", body: Any = None, account: str | None = None,
            x_agent_id: str | None = "default", token: str | None = "default",
            headers: dict[str, str] | None = None) -> Result:
        """Call a cbs path (after the prefix) with the default token and x-agent-id unless overridden."""
        full = PREFIX.replace("{accountId}", account or self.account) + path
        return self.request(method, full, token=self.token if token == "default" else token, body=body,
                            x_agent_id=self.x_agent_id if x_agent_id == "default" else x_agent_id, headers=headers)


def strict(schema: Any) -> Any:
    """Forbid undeclared fields, so a response cannot carry names the spec does not have."""
    if isinstance(schema, dict):
        result = {key: strict(value) for key, value in schema.items()}
        if "properties" in result:
            result.setdefault("additionalProperties", False)
        return result
    if isinstance(schema, list):
        return [strict(item) for item in schema]
    return schema


def assert_shape(spec: Spec, method: str, template: str, body: Any, status: str = "200",
                 source: str | None = None, closed: bool = True) -> None:
    """Validate a response body against the spec's schema for that operation, by default
    with no undeclared field; ``source`` picks one spec file (e.g. the 4.x superset)."""
    from jsonschema import Draft4Validator

    schema = spec.response_schema(method, template, status, source=source)
    assert schema is not None, f"no response schema for {method} {template}"
    validator = Draft4Validator(strict(schema) if closed else schema)
    errors = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
    assert not errors, "; ".join(f"{list(e.absolute_path)}: {e.message}" for e in errors[:5])


def error_body(status: int, message: str) -> dict[str, Any]:
    from http import HTTPStatus

    return {"statusCode": status, "error": HTTPStatus(status).phrase, "message": message}
