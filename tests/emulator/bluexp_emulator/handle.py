# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Running an emulator in a background thread, and a small client for its control API."""
from __future__ import annotations

import json
import ssl
import threading
import urllib.error
import urllib.request
from dataclasses import fields
from pathlib import Path
from typing import Any

from bluexp_emulator.config import EmulatorConfig
from bluexp_emulator.control.urls import CONTROL_PREFIX
from bluexp_emulator.core.clock import Clock
from bluexp_emulator.emulator import _AUTO, Emulator
from bluexp_emulator.server import EmulatorHTTPServer


class ControlError(RuntimeError):
    """A control API call was rejected; the message is the emulator's."""

    def __init__(self, status: int, body: Any) -> None:
        message = body.get("message") if isinstance(body, dict) else body
        super().__init__(f"{status}: {message}")
        self.status = status
        self.body = body


class EmulatorHandle:
    """A started emulator: its URL, the in-process ``Emulator`` and control API shortcuts."""

    def __init__(self, server: EmulatorHTTPServer, thread: threading.Thread) -> None:
        self.server = server
        self._thread = thread
        self.emulator: Emulator = server.emulator
        self.url = server.url
        self.port = server.port
        self.ca_path: Path | None = server.ca_path

    @property
    def clock(self) -> Clock:
        return self.emulator.clock

    def ssl_context(self) -> ssl.SSLContext | None:
        return ssl.create_default_context(cafile=str(self.ca_path)) if self.ca_path else None

    def control(self, method: str, path: str, json: Any = None) -> Any:  # noqa: A002 - mirrors requests' API
        """Call ``/_emulator/<path>`` and return the decoded JSON; errors raise ``ControlError``."""
        if not path.startswith(CONTROL_PREFIX):
            path = CONTROL_PREFIX + "/" + path.lstrip("/")
        data = None if json is None else _dumps(json)
        request = urllib.request.Request(self.url + path, data=data, method=method.upper(),
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=30, context=self.ssl_context()) as response:
                return _loads(response.read())
        except urllib.error.HTTPError as error:
            raise ControlError(error.code, _loads(error.read())) from None

    def reset(self, **options: Any) -> Any:
        return self.control("POST", "reset", options)

    def state(self) -> Any:
        return self.control("GET", "state")

    def requests(self) -> Any:
        return self.control("GET", "requests")

    def counters(self) -> Any:
        return self.control("GET", "counters")

    def configure(self, **options: Any) -> Any:
        return self.control("POST", "config", options)

    def add_fault(self, **rule: Any) -> Any:
        return self.control("POST", "faults", rule)

    def add_job_fault(self, **rule: Any) -> Any:
        """Make the next matching job fail or hang (``job_type``, ``volume_id``, ``outcome``...)."""
        return self.control("POST", "job-faults", rule)

    def plant_ransomware(self, **verdict: Any) -> Any:
        """The verdict of the next scan of a backup (``verdict``, ``volume_id``, ``snapshot_id``...)."""
        return self.control("POST", "ransomware", verdict)

    def set_license(self, **license_: Any) -> Any:
        """A WE's license (``working_environment_id``, ``state``, ``trial_days_left``, ``snapmirror_license``)."""
        return self.control("POST", "licenses", license_)

    def issued_tokens(self) -> list[str]:
        """Tokens issued so far, for tests that check output for leaks (in-process only:
        the control API never returns a token)."""
        return self.emulator.auth.issued_tokens()

    def stop(self) -> None:
        if self._thread.is_alive():
            self.server.shutdown()
        self.server.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> EmulatorHandle:
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _dumps(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def _loads(raw: bytes) -> Any:
    return json.loads(raw) if raw else None


_CONFIG_FIELDS = {field.name for field in fields(EmulatorConfig)}


def build_config(config: EmulatorConfig | None = None, **options: Any) -> EmulatorConfig:
    unknown = set(options) - _CONFIG_FIELDS
    if unknown:
        raise TypeError(f"unknown emulator options: {', '.join(sorted(unknown))}")
    base = config or EmulatorConfig()
    return EmulatorConfig(**{**{name: getattr(base, name) for name in _CONFIG_FIELDS}, **options})


def start_server(*, host: str = "127.0.0.1", port: int = 0, tls: bool = False, cert_file: str | Path | None = None,
                 clock: Clock | None = None, config: EmulatorConfig | None = None, spec: Any = _AUTO,
                 verbose: bool = False, **options: Any) -> EmulatorHandle:
    """Start an emulator on a (by default free) port in a daemon thread.

    ``options`` are ``EmulatorConfig`` fields (seed, fleet_size, accounts, connectors,
    latency_ms, job_duration_s, refresh_token, ...). Pass a ``ManualClock`` as ``clock`` to
    move time by hand.
    """
    emulator = Emulator(build_config(config, **options), clock=clock, spec=spec)
    server = EmulatorHTTPServer(emulator, host, port, use_tls=tls, cert_file=cert_file, verbose=verbose)
    # A short poll interval keeps stop() fast, which matters for per-test servers.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.005},
                              name=f"bluexp-emulator-{server.port}", daemon=True)
    thread.start()
    return EmulatorHandle(server, thread)
