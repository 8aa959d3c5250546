# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""pytest fixtures: ``bluexp_emulator`` (per test) and ``bluexp_emulator_session`` (per run).

Options for the per-test fixture come from ``@pytest.mark.bluexp_emulator(seed=..., ...)``;
any ``start_server`` keyword is accepted (e.g. ``clock=ManualClock()``, ``tls=True``).
"""
from __future__ import annotations

from collections.abc import Iterator

import pytest

from bluexp_emulator.handle import EmulatorHandle, start_server


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "bluexp_emulator(**options): options for the bluexp_emulator fixture")


@pytest.fixture
def bluexp_emulator(request: pytest.FixtureRequest) -> Iterator[EmulatorHandle]:
    marker = request.node.get_closest_marker("bluexp_emulator")
    options = dict(marker.kwargs) if marker else {}
    handle = start_server(**options)
    try:
        yield handle
    finally:
        handle.stop()


@pytest.fixture(scope="session")
def bluexp_emulator_session() -> Iterator[EmulatorHandle]:
    handle = start_server()
    try:
        yield handle
    finally:
        handle.stop()
