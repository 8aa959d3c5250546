# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import functools
import os
import sys
import time

import pytest

# The emulator is a plain package under tests/emulator (ansible-test copies it with the collection).
_EMULATOR_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))), "emulator")
if _EMULATOR_DIR not in sys.path:
    sys.path.insert(0, _EMULATOR_DIR)

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _retry  # noqa: E402
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import Emulated  # noqa: E402
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (  # noqa: E402
    FakeClock,
    FakeTransport,
    client_params,
)

# Environment that changes what the code under test does: credentials and connection
# fallbacks of the modules, and what `requests` reads when trust_env is on.
_ENV_PREFIXES = ("BLUEXP_",)
_ENV_NAMES = ("HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY", "NO_PROXY", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE")


def pytest_configure(config):
    config.addinivalue_line("markers", "emulator(**options): EmulatorConfig options of the emulator fixture "
                                       "(seed, fleet_size, job_duration_s, backup_interval_s ...)")


@pytest.fixture(autouse=True)
def hermetic_environment(monkeypatch):
    for name in list(os.environ):
        if name.startswith(_ENV_PREFIXES) or name.upper() in _ENV_NAMES:
            monkeypatch.delenv(name, raising=False)


@pytest.fixture(autouse=True)
def no_real_sleep(monkeypatch):
    """Code that looks up time.sleep at call time must never really wait in a unit test."""

    def refuse(seconds):
        raise AssertionError("time.sleep({0}) called for real in a unit test".format(seconds))

    monkeypatch.setattr(time, "sleep", refuse)


@pytest.fixture
def clock():
    return FakeClock()


@pytest.fixture
def fake():
    return FakeTransport()


@pytest.fixture
def retry_policy(clock):
    """The default policy with time faked: fixed jitter (rand 0.5) and a recording sleep."""
    return functools.partial(_retry.RetryPolicy, sleep=clock.sleep, clock=clock.monotonic, rand=lambda: 0.5)


@pytest.fixture
def make_client(fake, retry_policy):
    """BlueXPClient over the scripted transport; keyword arguments override connection options."""

    def factory(retry=None, **overrides):
        return _api.BlueXPClient(client_params(**overrides), transport=fake, retry=retry or retry_policy())

    return factory


@pytest.fixture
def module_transport(monkeypatch, fake, retry_policy):
    """Make every client a module builds use the scripted transport and the fake clock.

    Returns the keyword arguments the module passed to HttpTransport, to check TLS options.
    """
    built = []

    def transport_factory(**kwargs):
        built.append(kwargs)
        return fake

    monkeypatch.setattr(_api, "HttpTransport", transport_factory)
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    return built


@pytest.fixture
def make_emulator(monkeypatch):
    """Start a fresh, seeded emulator with EmulatorConfig `options` and point every module run at it."""

    def factory(**options):
        emulated = Emulated(**options)
        emulated.install(monkeypatch)
        return emulated

    return factory


@pytest.fixture
def emulator(request, make_emulator):
    """A fresh emulator per test (options from @pytest.mark.emulator(...)); see emulated.Emulated."""
    marker = request.node.get_closest_marker("emulator")
    return make_emulator(**(marker.kwargs if marker else {}))
