# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""GET /occm/list-occms/{accountId}; ``excludeStandalone`` and ``source`` are accepted and ignored."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.services.occm.models import list_occms

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def list_connectors(emulator: Emulator, request: Request) -> Response:
    assert request.principal is not None  # set by the bearer guard
    return json_response({"occms": list_occms(emulator.tenancy, request.principal, request.params["accountId"])})
