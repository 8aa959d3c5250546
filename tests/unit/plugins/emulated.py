# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Module runs against the emulator, in-process: no socket, no thread, no real waiting.

`EmulatorTransport` has the `send` signature of `_http.HttpTransport` and hands each call to the
emulator the way its HTTP server does (faults, request log, auth, spec validation). The emulator
runs on a `ManualClock`; `Emulated.install` makes every sleep of the retry policy and of the job
waiters move that clock, so a job finishes after the polls its duration asks for, whatever the
speed of the machine. tests/emulator must be on sys.path (conftest.py puts it there).
"""

from __future__ import annotations

import copy
import functools
import importlib
import itertools
import json
import pkgutil
import re
import sys
import time
from typing import Any
from urllib.parse import parse_qs, urlsplit

from requests.structures import CaseInsensitiveDict

from bluexp_emulator.config import EmulatorConfig
from bluexp_emulator.control.urls import CONTROL_PREFIX
from bluexp_emulator.core.clock import ManualClock
from bluexp_emulator.core.http import Request, Response
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.emulator import Emulator
from bluexp_emulator.handle import ControlError, build_config
from bluexp_emulator.server import process
from bluexp_emulator.services.auth.models import PUBLIC_CLIENT_ID

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _retry
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._http import ConnectionFailure, HttpResponse
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import MIN_INTERVAL, poll_interval
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins import fakes

API_URL = "https://api.emulator.test"
AUTH_URL = "https://auth.emulator.test"
MODULES = "ansible_collections.bluexp.cloud_backup.plugins.modules."
# A small fleet: one working environment of each kind (AWS, Azure, GCP, on-premises).
DEFAULT_OPTIONS: dict[str, Any] = {"fleet_size": 4}
# POSTs that only read; the integration targets' write counter (setup_bluexp counters.yml)
# leaves out the same ones, by route template.
# Whose `time` follows the emulator's clock (see Emulated._emulate_time).
_TIMED_PACKAGES = ("ansible_collections.bluexp.cloud_backup.plugins.", "bluexp_emulator.")
READ_ONLY_ROUTES = re.compile(r"^GET |oauth/token|/catalog/(search|snapshots)$|/sg/version$")
# The emulator's clock counts from about 1.7e9 s, where a float holds a few tenths of a microsecond.
_CLOCK_SLACK = 1e-6

# Loaded once, at import: the hermetic environment of each test removes BLUEXP_SPEC_DIR later.
SPEC = Spec.load(announce=False)
if SPEC is not None:
    # Now, in the process that collects the tests, rather than in each test: ansible-test runs
    # every test in a fork of it. An operation no spec has reads all of them (the 4.x YAML
    # takes most of a second), and the validation imports jsonschema on first use.
    SPEC.find("GET", "/")
    importlib.import_module("jsonschema")


class _EmulatedTime:
    """The time module as the code under test sees it: sleep, monotonic and time are the emulator's."""

    def __init__(self, harness: "Emulated") -> None:
        self.sleep = harness.sleep
        self.monotonic = harness.clock.now
        self.time = harness.clock.now

    def __getattr__(self, name: str) -> Any:
        return getattr(time, name)


def assert_waited_for(sleeps: list[float], *durations: float) -> None:
    """The jobs of these durations, followed one after the other, were each waited for until they
    ended and seen finished within one poll interval of their end, never polled faster than the
    shortest interval: what a module's wait promises, whatever the waiter's schedule."""
    waited = sum(sleeps)
    shortest = sum(durations)
    longest = sum(seconds + poll_interval(seconds) for seconds in durations)
    assert shortest - _CLOCK_SLACK <= waited <= longest + _CLOCK_SLACK, \
        "waited {0} s (sleeps {1}) for jobs of {2} s: expected {3} to {4} s".format(
            waited, sleeps, list(durations), shortest, longest)
    assert min(sleeps, default=MIN_INTERVAL) >= MIN_INTERVAL, "polled faster than every {0} s: {1}".format(
        MIN_INTERVAL, sleeps)


def load_module(name: str) -> Any:
    """plugins/modules/<name>.py."""
    return importlib.import_module(MODULES + name)


def _import_every_module() -> None:
    """Import the modules once, before the tests fork (see SPEC), rather than once per test."""
    package = importlib.import_module(MODULES.rstrip("."))
    for info in pkgutil.iter_modules(package.__path__):
        load_module(info.name)


_import_every_module()


def _encode(response: Response, request_id: int) -> tuple[dict[str, str], bytes]:
    """Headers and bytes as the emulator's HTTP server would write them."""
    payload = b""
    if response.raw is not None:
        payload = response.raw
    elif response.body is not None and response.status not in (204, 304):
        payload = json.dumps(response.body, separators=(",", ":")).encode("utf-8")
    headers = {"Content-Length": str(len(payload)), "OnCloud-Request-Id": "emulated-{0}".format(request_id)}
    if payload and "Content-Type" not in response.headers:
        headers["Content-Type"] = "application/json; charset=utf-8"
    headers.update(response.headers)
    return headers, payload


class EmulatorTransport:
    """HttpTransport's `send`, served by an Emulator without HTTP."""

    def __init__(self, emulator: Emulator, user_agent: str = "") -> None:
        self.emulator = emulator
        self.user_agent = user_agent
        self._ids = itertools.count(1)

    def send(self, method: str, url: str, headers: Any = None, json_body: Any = None,
             timeout: float = 60) -> HttpResponse:
        split = urlsplit(url)
        names = {name.lower(): str(value) for name, value in (headers or {}).items()}
        if self.user_agent:
            names.setdefault("user-agent", self.user_agent)
        body = None
        if json_body is not None:
            names.setdefault("content-type", "application/json")
            # Through JSON as on the wire: what cannot be serialised fails here as it would there.
            body = json.loads(json.dumps(json_body))
        request = Request(method=method.upper(), path=split.path,
                          query=parse_qs(split.query, keep_blank_values=True), headers=names, body=body,
                          origin="{0}://{1}".format(split.scheme, split.netloc))
        response = process(self.emulator, request)
        bare_url = url.split("?", 1)[0]
        if response is None:  # a drop_connection fault: the request reached the server
            raise ConnectionFailure("{0} {1}: connection dropped before the server answered".format(method, bare_url),
                                    maybe_sent=True, method=method, url=bare_url)
        response_headers, payload = _encode(response, next(self._ids))
        return HttpResponse(status=response.status, headers=CaseInsensitiveDict(response_headers), content=payload,
                            url=url)

    def close(self) -> None:
        pass


class Emulated:
    """A fresh, seeded emulator for one test, with the connection a module run needs.

    `run_ok` / `run_fail` run a module's main() against it; `control` calls the control API
    (faults, job faults, clock, licenses ...); `requests` and `writes` read its request log.
    """

    def __init__(self, **options: Any) -> None:
        self.clock = ManualClock()
        self.emulator = Emulator(build_config(EmulatorConfig(), **{**DEFAULT_OPTIONS, **options}),
                                 clock=self.clock, spec=SPEC)
        self.transport = EmulatorTransport(self.emulator)
        self.sleeps: list[float] = []
        self.transports_built: list[dict[str, Any]] = []
        self.token = ""
        self._token_issued = 0.0
        self._login()

    # --- time and wiring ------------------------------------------------------------------------

    def sleep(self, seconds: float) -> None:
        """What every sleep of the code under test does: move the emulator's clock."""
        assert seconds >= 0, "negative sleep {0}".format(seconds)
        self.sleeps.append(seconds)
        self.clock.advance(seconds)

    def install(self, monkeypatch: Any) -> None:
        """Every client a module builds talks to this emulator; every wait moves its clock."""
        def transport_factory(**kwargs: Any) -> EmulatorTransport:
            self.transports_built.append(kwargs)
            return EmulatorTransport(self.emulator, user_agent=kwargs.get("user_agent", ""))

        self._monkeypatch = monkeypatch
        monkeypatch.setattr(_api, "HttpTransport", transport_factory)
        monkeypatch.setattr(_api, "RetryPolicy", functools.partial(
            _retry.RetryPolicy, sleep=self.sleep, clock=self.clock.now, rand=lambda: 0.5))
        self._emulate_time()

    def _emulate_time(self) -> None:
        """The collection's modules (and the emulator's fault latency) see the emulator's clock.

        Their `time` global is replaced, not the time module itself: pytest-xdist's threads share
        that module, and a sleep that returns at once would make them spin. JobWaiter and
        wait_until look time.sleep / time.monotonic up when they start, so each waiter is reached
        wherever it is built; time.time follows too, so that "now" in a module (license days
        left, RPO) is the emulator's now. Called again before each run for modules imported since.
        """
        emulated = _EmulatedTime(self)
        for name, module in list(sys.modules.items()):
            if name.startswith(_TIMED_PACKAGES) and getattr(module, "time", None) is time:
                self._monkeypatch.setattr(module, "time", emulated)

    def _login(self) -> None:
        """A user token from the emulator's auth, without a logged request."""
        credentials = self.emulator.summary()["credentials"]
        if self.emulator.config.deployment == "local":  # no refresh tokens there: the local user
            grant = {"grant_type": "password", "username": credentials["username"],
                     "password": credentials["password"]}
        else:
            grant = {"grant_type": "refresh_token", "client_id": PUBLIC_CLIENT_ID,
                     "refresh_token": credentials["refresh_token"]}
        answer = self.emulator.auth.exchange(grant)
        self.token = answer["access_token"]
        self._token_issued = self.clock.now()

    def _fresh_token(self) -> str:
        """The user token, renewed when the emulator's clock has used up half its lifetime
        (a test that moves time by days must not see its module runs refused)."""
        if self.clock.now() - self._token_issued > self.emulator.config.token_ttl_s / 2:
            self._login()
        return self.token

    def reset(self, **options: Any) -> dict[str, Any]:
        """POST /_emulator/reset (seed, fleet_size, accounts, connectors); a new token."""
        summary = self.control("POST", "reset", options)
        self._login()
        return summary

    # --- the seeded account ---------------------------------------------------------------------

    def state(self) -> dict[str, Any]:
        return self.control("GET", "state")

    @property
    def account(self) -> dict[str, Any]:
        return self.state()["accounts"][0]

    @property
    def account_id(self) -> str:
        return self.emulator.tenancy.accounts[0].id

    @property
    def connector_id(self) -> str:
        return self.emulator.tenancy.accounts[0].connectors[0].client_id

    def working_environments(self, **match: Any) -> list[dict[str, Any]]:
        """The state's working environments whose fields equal `match` (provider="AWS", backup_enabled=True)."""
        return [we for we in self.account["working_environments"]
                if all(we.get(key) == value for key, value in match.items())]

    def working_environment(self, **match: Any) -> dict[str, Any]:
        """The first working environment matching; fails the test when there is none."""
        found = self.working_environments(**match)
        assert found, "no seeded working environment with {0}".format(match)
        return found[0]

    def cbs_path(self, version: str, *segments: str) -> str:
        """The path of a cloudmanager_cbs operation of the seeded account, ids quoted as the client does."""
        return fakes.cbs_path(version, *segments, account=self.account_id)

    def api(self, method: str, version: str, *segments: str, json: Any = None,  # noqa: A002
            query: dict[str, str] | None = None) -> Any:
        """Arrange state through a cloudmanager_cbs operation, as a user would elsewhere: not in the
        request log, never faulted. Fails the test when the emulator refuses it."""
        request = Request(method=method.upper(), path=self.cbs_path(version, *segments),
                          query={key: [value] for key, value in (query or {}).items()},
                          headers={"authorization": "Bearer " + self._fresh_token(), "x-agent-id": self.connector_id},
                          body=copy.deepcopy(json))
        response = self.emulator.dispatch(request)
        assert response.status < 400, "{0} {1}: {2} {3}".format(method, request.path, response.status, response.body)
        return response.body

    # --- control API ----------------------------------------------------------------------------

    def control(self, method: str, path: str, json: Any = None) -> Any:  # noqa: A002 - mirrors the handle
        """Call /_emulator/<path> in-process; a rejected call raises ControlError."""
        if not path.startswith(CONTROL_PREFIX):
            path = CONTROL_PREFIX + "/" + path.lstrip("/")
        request = Request(method=method.upper(), path=path, body=copy.deepcopy(json))
        response = self.emulator.control(request)
        if response.status >= 400:
            raise ControlError(response.status, response.body)
        return response.body

    def add_fault(self, **rule: Any) -> dict[str, Any]:
        """An HTTP fault rule (method, path regex, status, message, count, retry_after, drop_connection)."""
        return self.control("POST", "faults", rule)

    def add_job_fault(self, **rule: Any) -> dict[str, Any]:
        """The next matching job fails or hangs (job_type, working_environment_id, volume_id, outcome, error)."""
        return self.control("POST", "job-faults", rule)

    def advance(self, seconds: float) -> None:
        self.control("POST", "clock", {"advance_s": seconds})

    # --- request log ----------------------------------------------------------------------------

    def requests(self) -> list[dict[str, Any]]:
        """Every API call since the start or the last `clear_requests`, oldest first."""
        return self.control("GET", "requests")

    def calls(self) -> list[tuple[str, str]]:
        """(method, path) of every API call, token exchanges included."""
        return [(entry["method"], entry["path"]) for entry in self.requests()]

    def writes(self) -> list[dict[str, Any]]:
        """Requests that may change something: not GET, not a token exchange, not a read-only POST."""
        return [entry for entry in self.requests() if not READ_ONLY_ROUTES.search(entry["route"])]

    def clear_requests(self) -> None:
        self.control("DELETE", "requests")

    # --- module runs ----------------------------------------------------------------------------

    def args(self, **extra: Any) -> dict[str, Any]:
        """Connection options of the seeded account and connector with the user token, plus `extra`
        (a None value removes an option, e.g. token=None with refresh_token=...)."""
        base: dict[str, Any] = {"api_url": API_URL, "auth_url": AUTH_URL, "account_id": self.account_id,
                                "connector_id": self.connector_id, "token": self._fresh_token()}
        base.update(extra)
        return {key: value for key, value in base.items() if value is not None}

    def _main(self, module: str) -> Any:
        main = load_module(module).main
        self._emulate_time()
        return main

    def run(self, module: str, **args: Any) -> fakes.ExitJson | fakes.FailJson:
        return fakes.run_module(self._main(module), self.args(**args))

    def run_ok(self, module: str, **args: Any) -> dict[str, Any]:
        """exit_json's result of plugins/modules/<module>.py run with `args`; fails the test if it failed."""
        return fakes.run_ok(self._main(module), self.args(**args))

    def run_fail(self, module: str, **args: Any) -> dict[str, Any]:
        """fail_json's result of plugins/modules/<module>.py run with `args`; fails the test if it succeeded."""
        return fakes.run_fail(self._main(module), self.args(**args))
