# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Guard for SaaS routes that only need a valid bearer token (tenancy, occm)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def require_bearer(emulator: Emulator, request: Request) -> None:
    request.principal = emulator.auth.authenticate(request.header("authorization"))
