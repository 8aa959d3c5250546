# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Connector discovery rules (the data lives in the tenancy backend)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bluexp_emulator.services.tenancy.models import TenancyBackend

if TYPE_CHECKING:
    from bluexp_emulator.services.auth.models import Principal


def list_occms(tenancy: TenancyBackend, principal: Principal, account_id: str) -> list[dict[str, Any]]:
    account = tenancy.require_visible(principal, account_id)
    return [connector.to_occm_dict(account) for connector in account.connectors]
