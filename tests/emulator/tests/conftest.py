# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fixtures for the emulator's own tests."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # tests/emulator, if PYTHONPATH lacks it

from bluexp_emulator.core.spec import Spec
from bluexp_emulator.handle import EmulatorHandle
# Re-exported so pytest registers the fixtures and the marker for this directory.
from bluexp_emulator.pytest_plugin import (  # noqa: F401 pylint: disable=unused-import
    bluexp_emulator,
    bluexp_emulator_session,
    pytest_configure,
)
from backup_flow import Flow
from emulator_client import Client


@pytest.fixture
def client(bluexp_emulator: EmulatorHandle) -> Client:  # noqa: F811 - the fixture imported above
    return Client(bluexp_emulator)


@pytest.fixture
def flow(client: Client) -> Flow:
    return Flow(client)


@pytest.fixture(scope="session")
def spec() -> Spec:
    loaded = Spec.load(announce=False)
    if loaded is None:
        pytest.skip("published API spec not available")
    return loaded
