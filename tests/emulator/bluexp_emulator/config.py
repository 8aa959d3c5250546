# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Start-up options of the emulator; the control API can change the runtime ones."""
from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

DEFAULT_REFRESH_TOKEN = "emulator-refresh-token"
DEFAULT_CLIENT_ID = "emulator-client-id"
DEFAULT_CLIENT_SECRET = "emulator-client-secret"
DEFAULT_KEY_CLIENT_ID = "emulator-key-client-id"
DEFAULT_KEY_ID = "emulator-key-1"
DEFAULT_USERNAME = "emulator-user"
DEFAULT_PASSWORD = "emulator-password"

# SaaS: the Auth0 token service of NetApp; local: a Console local deployment (dark site).
SAAS = "saas"
LOCAL = "local"
DEPLOYMENTS = (SAAS, LOCAL)

# Options that POST /_emulator/config may change while running.
RUNTIME_OPTIONS = ("latency_ms", "token_latency_ms", "job_duration_s", "token_ttl_s", "backup_interval_s",
                   "listing_delay_s")
# Options that POST /_emulator/reset may change.
SEED_OPTIONS = ("seed", "fleet_size", "accounts", "connectors")


@dataclass
class EmulatorConfig:
    seed: int = 42
    fleet_size: int = 24
    accounts: int = 1
    connectors: int = 1
    latency_ms: float = 0.0
    token_latency_ms: float = 0.0
    job_duration_s: float = 2.0
    token_ttl_s: float = 86400.0
    # Compressed schedule: one "hourly" backup per this many seconds of emulator time
    # (daily = 24x, weekly = 168x ...); 0 turns scheduled backups off.
    backup_interval_s: float = 60.0
    # Eventual consistency: a resource group created, or a StorageGRID discovered, shows in its
    # listing only this many seconds of emulator time later (0: at once).
    listing_delay_s: float = 0.0
    refresh_token: str = DEFAULT_REFRESH_TOKEN
    client_id: str = DEFAULT_CLIENT_ID
    client_secret: str = DEFAULT_CLIENT_SECRET
    deployment: str = SAAS
    # The private key JWT service account: its public key (PEM key or certificate) when one is
    # registered at start-up; otherwise the emulator generates a key pair when first needed.
    key_client_id: str = DEFAULT_KEY_CLIENT_ID
    key_id: str = DEFAULT_KEY_ID
    client_public_key: str | None = None
    # The local user of a local deployment (password grant).
    username: str = DEFAULT_USERNAME
    password: str = DEFAULT_PASSWORD

    def public(self) -> dict[str, Any]:
        """Config without credentials (those are reported separately, on purpose)."""
        data = asdict(self)
        for key in CREDENTIAL_OPTIONS:
            data.pop(key)
        return data


CREDENTIAL_OPTIONS = ("refresh_token", "client_id", "client_secret", "key_client_id", "key_id", "client_public_key",
                      "username", "password")


LIMITS: dict[str, tuple[float, float]] = {
    "seed": (0, 2**63),
    "fleet_size": (0, 1000),
    "accounts": (1, 50),
    "connectors": (0, 20),
    "latency_ms": (0, 600_000),
    "token_latency_ms": (0, 600_000),
    "job_duration_s": (0, 86_400),
    "token_ttl_s": (0, 10 * 86_400),
    "backup_interval_s": (0, 86_400),
    "listing_delay_s": (0, 86_400),
}
INTEGER_OPTIONS = frozenset({"seed", "fleet_size", "accounts", "connectors"})
