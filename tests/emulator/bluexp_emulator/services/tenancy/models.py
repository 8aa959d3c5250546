# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Accounts and their connectors, and who may see which account."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import Forbidden
from bluexp_emulator.core.ids import IdGenerator

if TYPE_CHECKING:
    from bluexp_emulator.services.auth.models import Principal

CONNECTOR_ID_SUFFIX = "clients"
# Real gateway wording for an RBAC denial (reported by users of the same SaaS gateway).
NOT_ALLOWED = "User is not allowed to do operation"
_CONNECTOR_PROVIDERS = ("aws", "azure", "gcp")


def strip_connector_suffix(value: str) -> str:
    """Clients send the connector id with or without the literal ``clients`` suffix."""
    return value[: -len(CONNECTOR_ID_SUFFIX)] if value.endswith(CONNECTOR_ID_SUFFIX) else value


@dataclass
class Connector:
    client_id: str
    name: str
    provider: str
    ip: str
    system_id: str
    created_ms: int

    @property
    def x_agent_id(self) -> str:
        """The value clients send in the x-agent-id header."""
        return self.client_id + CONNECTOR_ID_SUFFIX

    def to_occm_dict(self, account: Account) -> dict[str, Any]:
        return {
            "account": account.id,
            "accountName": account.name,
            "occm": self.client_id,
            "agentId": self.client_id,
            "status": "ready",
            "occmName": self.name,
            "primaryCallbackUri": f"http://{self.ip}",
            "manualOverrideUris": [],
            "automaticCallbackUris": [f"http://{self.ip}", f"https://{self.ip}"],
            "createDate": str(self.created_ms),
            "agent": {
                "useDockerInfra": True,
                "network": "default",
                "name": self.name,
                "agentId": self.x_agent_id,
                "provider": self.provider,
                "systemId": self.system_id,
            },
        }


@dataclass
class Account:
    id: str
    name: str
    serial: str
    connectors: list[Connector] = field(default_factory=list)

    def to_dict(self, role: str) -> dict[str, Any]:
        return {
            "accountPublicId": self.id,
            "accountName": self.name,
            "isSaas": True,
            "isGov": False,
            "isPrivatePreviewEnabled": False,
            "is3rdPartyServicesEnabled": True,
            "accountSerial": self.serial,
            "userRole": role,
        }


class TenancyBackend:
    def __init__(self) -> None:
        self.accounts: list[Account] = []

    def seed(self, ids: IdGenerator, accounts: int, connectors: int, now_ms: int) -> None:
        self.accounts = []
        for index in range(accounts):
            account = Account(id=ids.account_id(), name=f"Emulated account {index + 1}",
                              serial="96" + ids.digits(18))
            for number in range(connectors):
                provider = _CONNECTOR_PROVIDERS[number % len(_CONNECTOR_PROVIDERS)]
                account.connectors.append(Connector(
                    client_id=ids.connector_id(),
                    name=f"connector-{provider}-{index + 1}-{number + 1}",
                    provider=provider,
                    ip=f"10.{index}.{number}.{ids.rng.randint(10, 250)}",
                    system_id=ids.uuid(),
                    created_ms=now_ms - ids.rng.randint(30, 400) * 86_400_000,
                ))
            self.accounts.append(account)

    def get(self, account_id: str) -> Account | None:
        return next((account for account in self.accounts if account.id == account_id), None)

    def visible_accounts(self, principal: Principal) -> list[Account]:
        return [account for account in self.accounts if principal.can_see(account.id)]

    def require_visible(self, principal: Principal, account_id: str) -> Account:
        """Unknown and foreign accounts look the same to a caller: 403."""
        account = self.get(account_id)
        if account is None or not principal.can_see(account_id):
            raise Forbidden(NOT_ALLOWED)
        return account

    @staticmethod
    def find_connector(account: Account, x_agent_id: str) -> Connector | None:
        client_id = strip_connector_suffix(x_agent_id.strip())
        return next((c for c in account.connectors if c.client_id == client_id), None)
