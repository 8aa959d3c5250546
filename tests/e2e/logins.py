# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every way into the Console the collection supports, set up against the emulator for a playbook run.

    login = prepare_login(bluexp_emulator, "private_key", tmp_path, seed=42, fleet_size=6)
    run_playbook(..., env=login.env)          # BLUEXP_* variables
    module_defaults: login.options             # or the same credential as module options

`prepare_login` resets the emulator into the deployment the kind belongs to (SaaS, or a Console
local deployment for a local user or a local service account).
"""

from __future__ import annotations

import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests
from cryptography.hazmat.primitives import serialization

# refresh token, client secret, private key JWT, local user, local service account, ready token.
KINDS = ("refresh_token", "client_secret", "private_key", "local_user", "local_service_account", "token")
LOCAL_KINDS = ("local_user", "local_service_account")
PASSPHRASE = "pp-e2e-SECRET-7c1d"
# The start of every JWT this collection signs ({"alg":"RS256",...}): a client assertion in the output.
ASSERTION_PREFIX = "eyJhbGciOiJSUzI1NiIs"


@dataclass
class Login:
    kind: str
    url: str
    options: dict[str, Any]
    env: dict[str, str]
    secrets: list[str] = field(default_factory=list)


def _issued_token(url: str, refresh_token: str) -> str:
    answer = requests.post(url + "/oauth/token", json={
        "grant_type": "refresh_token", "refresh_token": refresh_token,
        "client_id": "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"}, timeout=30)
    answer.raise_for_status()
    return answer.json()["access_token"]


def _encrypted(private_key_pem: str, passphrase: str) -> str:
    key = serialization.load_pem_private_key(private_key_pem.encode(), password=None)
    return key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                             serialization.BestAvailableEncryption(passphrase.encode())).decode("ascii")


def key_body_lines(pem: str) -> list[str]:
    """The base64 lines of a PEM key: what a leak of the key would show."""
    return [line for line in pem.splitlines() if line and not line.startswith("-----") and ":" not in line]


def prepare_login(emulator: Any, kind: str, tmp_path: Path, encrypted_key: bool = False, **reset: Any) -> Login:
    """Reset the emulator for `kind` and return its credential as options and as variables.

    With `encrypted_key`, the private key is encrypted with PASSPHRASE (and given as PEM text in the
    options, as a file in the variables).
    """
    local = kind in LOCAL_KINDS
    emulator.reset(deployment="local" if local else "saas", **reset)
    creds = emulator.state()["credentials"]
    url = emulator.url
    if local:
        options: dict[str, Any] = {"console_url": url}
        env = {"BLUEXP_CONSOLE_URL": url}
    else:
        options = {"api_url": url, "auth_url": url}
        env = {"BLUEXP_API_URL": url, "BLUEXP_AUTH_URL": url}
    secrets: list[str] = []
    if kind == "refresh_token":
        options["refresh_token"] = env["BLUEXP_REFRESH_TOKEN"] = creds["refresh_token"]
        secrets.append(creds["refresh_token"])
    elif kind in ("client_secret", "local_service_account"):
        options["client_id"] = env["BLUEXP_CLIENT_ID"] = creds["client_id"]
        options["client_secret"] = env["BLUEXP_CLIENT_SECRET"] = creds["client_secret"]
        secrets.append(creds["client_secret"])
    elif kind == "private_key":
        pem = creds["private_key"]
        if encrypted_key:
            pem = _encrypted(pem, PASSPHRASE)
            options["private_key_passphrase"] = env["BLUEXP_PRIVATE_KEY_PASSPHRASE"] = PASSPHRASE
            secrets.append(PASSPHRASE)
        key_file = tmp_path / "service-account.pem"
        key_file.write_text(pem)
        key_file.chmod(stat.S_IRUSR | stat.S_IWUSR)
        options.update(client_id=creds["key_client_id"], key_id=creds["key_id"], private_key=pem)
        env.update(BLUEXP_CLIENT_ID=creds["key_client_id"], BLUEXP_KEY_ID=creds["key_id"],
                   BLUEXP_PRIVATE_KEY_FILE=str(key_file))
        secrets.extend(key_body_lines(pem))
    elif kind == "local_user":
        options["username"] = env["BLUEXP_USERNAME"] = creds["username"]
        options["password"] = env["BLUEXP_PASSWORD"] = creds["password"]
        secrets.append(creds["password"])
    elif kind == "token":
        ready = _issued_token(url, creds["refresh_token"])
        options["token"] = env["BLUEXP_TOKEN"] = ready
        secrets.append(ready)
    else:
        raise ValueError(kind)
    return Login(kind, url, options, env, secrets)
