# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Test doubles shared by the unit tests: a scripted HTTP transport, a fake clock and
a runner that drives a module's main() and captures exit_json / fail_json."""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import json
from typing import Any, Callable
from unittest import mock
from urllib.parse import parse_qsl, quote, urlsplit

import pytest

from ansible.module_utils import basic

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import HttpResponse

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19

    @contextlib.contextmanager
    def patch_module_args(args=None):
        args = dict(ANSIBLE_MODULE_ARGS=dict(args or {}, _ansible_remote_tmp="/tmp", _ansible_keep_remote_files=False))
        with mock.patch.object(basic, "_ANSIBLE_ARGS", json.dumps(args).encode("utf-8")):
            yield


API_URL = "https://api.example.test"
AUTH_URL = "https://auth.example.test"
TOKEN_URL = AUTH_URL + "/oauth/token"
ACCOUNT = "account-TEST0001"
CONNECTOR = "conn0123456789"
AGENT_HEADER = CONNECTOR + "clients"

# Credential values: distinctive strings so that a leak is easy to find in any output.
STATIC_TOKEN = "at-static-SECRET-d6a1"
REFRESH_TOKEN = "rt-SECRET-3f9b2c"
CLIENT_ID = "sa-client-7e1"
CLIENT_SECRET = "cs-SECRET-81d0aa"
ISSUED_TOKEN = "at-issued-SECRET-5c2e"
SECRETS = (STATIC_TOKEN, REFRESH_TOKEN, CLIENT_SECRET, ISSUED_TOKEN)

CREDENTIALS = {
    "token": {"token": STATIC_TOKEN},
    "service account": {"client_id": CLIENT_ID, "client_secret": CLIENT_SECRET},
    "refresh token": {"refresh_token": REFRESH_TOKEN},
}


def cbs_path(version: str, *segments: str, account: str = ACCOUNT) -> str:
    """The URL path of a cloudmanager_cbs operation, ids quoted the way the client does."""
    path = "/account/{0}/providers/cloudmanager_cbs/api/{1}".format(quote(account, safe=""), version)
    return path + "".join("/" + quote(s, safe="") for s in segments)


def client_params(**overrides: Any) -> dict[str, Any]:
    """Connection options as AnsibleModule would hand them over (defaults applied)."""
    params: dict[str, Any] = dict(
        api_url=API_URL, auth_url=AUTH_URL, account_id=ACCOUNT, connector_id=CONNECTOR,
        token=STATIC_TOKEN, client_id=None, client_secret=None, refresh_token=None,
        validate_certs=True, ca_path=None, timeout=60, bypass_cache=False,
    )
    params.update(overrides)
    return params


def reply(status: int = 200, body: Any = None, headers: dict[str, str] | None = None,
          raw: bytes | None = None) -> HttpResponse:
    """An HTTP answer for FakeTransport: `body` is sent as JSON, `raw` as is."""
    if raw is None:
        raw = b"" if body is None else json.dumps(body).encode("utf-8")
    return HttpResponse(status=status, headers=dict(headers or {}), content=raw)


def token_reply(token: str = ISSUED_TOKEN) -> HttpResponse:
    return reply(200, {"access_token": token, "expires_in": 86400, "token_type": "Bearer"})


@dataclasses.dataclass
class Call:
    method: str
    url: str
    headers: dict[str, str]
    body: Any
    timeout: float

    @property
    def path(self) -> str:
        return urlsplit(self.url).path

    @property
    def query(self) -> dict[str, str]:
        return dict(parse_qsl(urlsplit(self.url).query, keep_blank_values=True))


class FakeTransport:
    """A scripted HTTP conversation with the same `send` signature as HttpTransport.

    `add(method, target, *answers)` routes requests whose method matches and whose URL
    path (or full URL without query, when `target` starts with http) equals `target`.
    Answers are used in order and the last one repeats. An answer is an HttpResponse,
    an exception instance to raise, or a callable taking the Call and returning either.
    A request that matches no route fails the test.
    """

    def __init__(self) -> None:
        self.calls: list[Call] = []
        self._routes: list[tuple[str, str, list[Any]]] = []

    def add(self, method: str, target: str, *answers: Any) -> "FakeTransport":
        if not answers:
            raise ValueError("a route needs at least one answer")
        self._routes.append((method.upper(), target, list(answers)))
        return self

    def token(self, *answers: Any) -> "FakeTransport":
        return self.add("POST", TOKEN_URL, *(answers or (token_reply(),)))

    def send(self, method: str, url: str, headers: Any = None, json_body: Any = None,
             timeout: float = 60) -> HttpResponse:
        call = Call(method, url, dict(headers or {}), copy.deepcopy(json_body), timeout)
        self.calls.append(call)
        for route_method, target, answers in self._routes:
            if route_method == method and _matches(target, url):
                answer = answers.pop(0) if len(answers) > 1 else answers[0]
                if callable(answer) and not isinstance(answer, HttpResponse):
                    answer = answer(call)
                if isinstance(answer, BaseException):
                    raise answer
                return dataclasses.replace(answer, url=url)
        raise AssertionError("unexpected request: {0} {1}".format(method, url))

    def close(self) -> None:
        pass

    # --- inspection -----------------------------------------------------------------

    def sent(self, method: str | None = None, target: str | None = None) -> list[Call]:
        return [c for c in self.calls
                if (method is None or c.method == method) and (target is None or _matches(target, c.url))]

    @property
    def token_calls(self) -> list[Call]:
        return self.sent("POST", TOKEN_URL)

    @property
    def api_calls(self) -> list[Call]:
        return [c for c in self.calls if not c.url.startswith(TOKEN_URL)]


def _matches(target: str, url: str) -> bool:
    if target.startswith(("http://", "https://")):
        if "?" in target:
            return url == target
        return url.split("?", 1)[0] == target
    return urlsplit(url).path == target


class FakeClock:
    """monotonic() and sleep() that only move when asked to."""

    def __init__(self, start: float = 1000.0) -> None:
        self.now = start
        self.sleeps: list[float] = []

    def monotonic(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        assert seconds >= 0, "negative sleep {0}".format(seconds)
        self.sleeps.append(seconds)
        self.now += seconds


class ExitJson(Exception):
    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


class FailJson(Exception):
    def __init__(self, result: dict[str, Any]) -> None:
        super().__init__(result)
        self.result = result


def _exit_json(self, **kwargs: Any) -> None:
    kwargs.setdefault("changed", False)
    raise ExitJson(kwargs)


def _fail_json(self, msg: str, **kwargs: Any) -> None:
    kwargs["msg"] = msg
    kwargs["failed"] = True
    raise FailJson(kwargs)


def run_module(main: Callable[[], None], args: dict[str, Any]) -> ExitJson | FailJson:
    """Run a module's main() with `args`; return the captured exit or failure."""
    with patch_module_args(args), \
            mock.patch.object(basic.AnsibleModule, "exit_json", _exit_json), \
            mock.patch.object(basic.AnsibleModule, "fail_json", _fail_json), \
            pytest.raises((ExitJson, FailJson)) as info:
        main()
    return info.value


def run_ok(main: Callable[[], None], args: dict[str, Any]) -> dict[str, Any]:
    outcome = run_module(main, args)
    assert isinstance(outcome, ExitJson), "module failed: {0}".format(outcome.result)
    return outcome.result


def run_fail(main: Callable[[], None], args: dict[str, Any]) -> dict[str, Any]:
    outcome = run_module(main, args)
    assert isinstance(outcome, FailJson), "module did not fail: {0}".format(outcome.result)
    return outcome.result


def assert_no_secret(value: Any) -> None:
    """No credential or token value anywhere in a result, error or message."""
    dumped = json.dumps(value, default=repr) if not isinstance(value, str) else value
    for secret in SECRETS:
        assert secret not in dumped, "a credential value leaked: {0}".format(secret)


def documented_options(documentation: str, plugin_file: str) -> dict[str, Any]:
    """A plugin's options from its DOCUMENTATION and doc fragments, as the plugin loader reads them.

    For plain pytest runs, where the collection loader is not installed: this collection's
    fragments are merged here, ansible-core's by ansible-core.
    """
    import yaml
    from ansible.plugins.loader import fragment_loader
    from ansible.utils.plugin_docs import add_fragments

    from ansible_collections.bluexp.cloud_backup.plugins.doc_fragments import connection

    doc = yaml.safe_load(documentation)
    own = "bluexp.cloud_backup.connection."
    names = doc.get("extends_documentation_fragment") or []
    doc["extends_documentation_fragment"] = [n for n in names if not n.startswith(own)]
    add_fragments(doc, plugin_file, fragment_loader)
    for name in names:
        if name.startswith(own):
            fragment = yaml.safe_load(getattr(connection.ModuleDocFragment, name[len(own):]))
            for option, spec in fragment["options"].items():
                doc.setdefault("options", {}).setdefault(option, spec)
    return doc["options"]
