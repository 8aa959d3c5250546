# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A stateful local emulator of NetApp BlueXP backup and recovery (cloudmanager_cbs),
with its token, tenancy and connector-discovery endpoints and a control API."""
from __future__ import annotations

from bluexp_emulator.config import EmulatorConfig
from bluexp_emulator.core.clock import Clock, ManualClock, SystemClock
from bluexp_emulator.emulator import Emulator
from bluexp_emulator.handle import ControlError, EmulatorHandle, start_server

__all__ = [
    "Clock", "ControlError", "Emulator", "EmulatorConfig", "EmulatorHandle", "ManualClock", "SystemClock",
    "start_server",
]
