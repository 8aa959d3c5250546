# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""StorageGRID grids "on the network" and the credentials BlueXP keeps for them.

A grid is named after its S3 endpoint FQDN (what ``storage-server`` names); its admin node
has an IP address and an FQDN of its own (what discovery's ``admin-host`` names). Secrets
are never kept: a credential record holds its access key and how many times its secret was
written (``updates``), so tests can tell whether a write happened.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

ADMIN_USERNAME = "root"
ADMIN_PASSWORD = "emulator-sg-admin"  # seeded, documented; never shown by the emulator
S3_PORT = 10443
ADMIN_PORT = 443
CA_SIGNED = "ca-signed"
SELF_SIGNED = "self-signed"


@dataclass
class WeCredentials:
    """S3 credentials saved for one working environment (2.0.6)."""

    access_key: str
    updates: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"access_key": self.access_key, "updates": self.updates}


@dataclass
class StoredCredentials:
    """The 4.x credential store's entry of a grid."""

    port: str
    access_key: str
    updates: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {"port": self.port, "access_key": self.access_key, "updates": self.updates}


@dataclass
class StorageGrid:
    id: str
    name: str  # S3 endpoint FQDN
    admin_host: str  # admin node FQDN
    admin_ip: str
    version: str
    certificate: str
    s3_port: int = S3_PORT
    discovered: bool = False
    listed_from: float = 0.0  # emulator time (epoch s) from which GET /api/v1/sg shows it once discovered
    we_credentials: dict[str, WeCredentials] = field(default_factory=dict)
    stored: StoredCredentials | None = None

    def serves(self, host: str, port: int | None) -> bool:
        """Whether ``host[:port]`` reaches this grid's S3 endpoint."""
        return host.lower() == self.name.lower() and port in (None, self.s3_port)

    def administers(self, host: str, port: int | None) -> bool:
        """Whether ``host[:port]`` reaches this grid's admin node (by IP or FQDN)."""
        return host.lower() in (self.admin_ip, self.admin_host.lower()) and port in (None, ADMIN_PORT)

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "id": self.id}

    def summary(self) -> dict[str, Any]:
        return {
            "name": self.name, "id": self.id, "admin_host": self.admin_host, "admin_ip": self.admin_ip,
            "s3_port": self.s3_port, "version": self.version, "certificate": self.certificate,
            "discovered": self.discovered,
            "we_credentials": {we_id: record.to_dict() for we_id, record in self.we_credentials.items()},
            "stored_credentials": self.stored.to_dict() if self.stored else None,
        }


def parse_address(value: str) -> tuple[str, int | None] | None:
    """``(host, port)`` of ``host``, ``host:port`` or ``https://host[:port][/]``; None if it is
    not such an address (another scheme, a path, a bad port)."""
    text = value.strip()
    if "://" in text:
        scheme, text = text.split("://", 1)
        if scheme.lower() != "https":
            return None
    text = text.rstrip("/")
    port: int | None = None
    if ":" in text:
        text, _colon, raw_port = text.rpartition(":")
        if not (raw_port.isascii() and raw_port.isdigit()) or not 0 < int(raw_port) < 65536:
            return None
        port = int(raw_port)
    if not text or "/" in text or ":" in text:
        return None
    return text, port
