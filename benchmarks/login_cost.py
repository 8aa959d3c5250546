#!/usr/bin/env python
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What each credential kind costs a module run: a fresh Python that builds the client and gets a token.

    .venv/bin/python benchmarks/login_cost.py --rounds 30

Every round runs each kind once, in turn (interleaved, so that the machine's noise spreads over all
of them), as a module run does it: a new interpreter imports the client, reads the credential (for a
private key: imports cryptography, loads the key, signs an assertion) and exchanges it with the
emulator's token service over HTTP on this host. Reports the median wall time per kind and its
ratio to the refresh token's, for docs/performance.md.
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "emulator"))

from bluexp_emulator.handle import start_server  # noqa: E402

KINDS = ("refresh_token", "client_secret", "private_key", "private_key_encrypted", "token")
PASSPHRASE = "benchmark-passphrase"

# The module's side: import the client, read the credential, one token exchange.
CLIENT = """
import os, sys
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._api import BlueXPClient
params = dict(api_url=os.environ["URL"], auth_url=os.environ["URL"], account_id="a", connector_id="c",
              validate_certs=True, timeout=30)
client = BlueXPClient(params)
client.token()
client.close()
"""


def collections_path(tmp: Path) -> Path:
    namespace = tmp / "ansible_collections" / "bluexp"
    namespace.mkdir(parents=True)
    (namespace / "cloud_backup").symlink_to(ROOT, target_is_directory=True)
    return tmp


def kind_env(kind: str, creds: dict, tmp: Path, url: str) -> dict[str, str]:
    if kind == "refresh_token":
        return {"BLUEXP_REFRESH_TOKEN": creds["refresh_token"]}
    if kind == "client_secret":
        return {"BLUEXP_CLIENT_ID": creds["client_id"], "BLUEXP_CLIENT_SECRET": creds["client_secret"]}
    if kind == "token":
        import requests

        answer = requests.post(url + "/oauth/token", json={
            "grant_type": "refresh_token", "refresh_token": creds["refresh_token"],
            "client_id": "Mu0V1ywgYteI6w1MbD15fKfVIUrNXGWC"}, timeout=30)
        return {"BLUEXP_TOKEN": answer.json()["access_token"]}
    key_file = tmp / (kind + ".pem")
    text = creds["private_key"]
    env = {"BLUEXP_CLIENT_ID": creds["key_client_id"], "BLUEXP_KEY_ID": creds["key_id"],
           "BLUEXP_PRIVATE_KEY_FILE": str(key_file)}
    if kind == "private_key_encrypted":
        from cryptography.hazmat.primitives import serialization

        key = serialization.load_pem_private_key(text.encode(), password=None)
        text = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                 serialization.BestAvailableEncryption(PASSPHRASE.encode())).decode()
        env["BLUEXP_PRIVATE_KEY_PASSPHRASE"] = PASSPHRASE
    key_file.write_text(text)
    return env


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--rounds", type=int, default=30)
    args = parser.parse_args()
    handle = start_server(spec=None)
    try:
        creds = handle.state()["credentials"]
        with tempfile.TemporaryDirectory() as tmp_name:
            tmp = Path(tmp_name)
            base = {k: v for k, v in os.environ.items() if not k.startswith("BLUEXP_")}
            base.update(PYTHONPATH=str(collections_path(tmp / "collections")), URL=handle.url)
            envs = {kind: dict(base, **kind_env(kind, creds, tmp, handle.url)) for kind in KINDS}
            times: dict[str, list[float]] = {kind: [] for kind in KINDS}
            for _round in range(args.rounds):
                for kind in KINDS:
                    start = time.perf_counter()
                    subprocess.run([sys.executable, "-c", CLIENT], env=envs[kind], check=True)
                    times[kind].append(time.perf_counter() - start)
    finally:
        handle.stop()
    reference = statistics.median(times["refresh_token"])
    print("| credential | median per module run | ratio to refresh token |")
    print("|---|---|---|")
    for kind in KINDS:
        median = statistics.median(times[kind])
        print("| {0} | {1:.0f} ms | {2:.2f}x |".format(kind, median * 1000, median / reference))
    print("\n{0} rounds, interleaved; Python {1}".format(args.rounds, sys.version.split()[0]))
    return 0


if __name__ == "__main__":
    sys.exit(main())
