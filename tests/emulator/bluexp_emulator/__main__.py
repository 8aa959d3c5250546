# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Command line: ``python -m bluexp_emulator --port 0 --seed 42 ...``; serves until SIGTERM/SIGINT."""
from __future__ import annotations

import argparse
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path

from bluexp_emulator.config import DEPLOYMENTS, EmulatorConfig
from bluexp_emulator.emulator import Emulator
from bluexp_emulator.server import EmulatorHTTPServer
from bluexp_emulator.services.auth.keys import InvalidPublicKey, crypto_available, load_public_key


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    defaults = EmulatorConfig()
    parser = argparse.ArgumentParser(prog="python -m bluexp_emulator", description=__doc__)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--seed", type=int, default=defaults.seed)
    parser.add_argument("--fleet-size", type=int, default=defaults.fleet_size, help="working environments per account")
    parser.add_argument("--accounts", type=int, default=defaults.accounts)
    parser.add_argument("--connectors", type=int, default=defaults.connectors, help="connectors per account")
    parser.add_argument("--latency-ms", type=float, default=defaults.latency_ms)
    parser.add_argument("--token-latency-ms", type=float, default=defaults.token_latency_ms)
    parser.add_argument("--job-duration-s", type=float, default=defaults.job_duration_s)
    parser.add_argument("--token-ttl-s", type=float, default=defaults.token_ttl_s)
    parser.add_argument("--backup-interval-s", type=float, default=defaults.backup_interval_s,
                        help="emulator seconds per scheduled 'hourly' backup (0: no scheduled backups)")
    parser.add_argument("--refresh-token", default=defaults.refresh_token)
    parser.add_argument("--client-id", default=defaults.client_id, help="service account client id")
    parser.add_argument("--client-secret", default=defaults.client_secret, help="service account client secret")
    parser.add_argument("--deployment", choices=DEPLOYMENTS, default=defaults.deployment,
                        help="saas: NetApp's Auth0 token service; local: a Console local deployment")
    parser.add_argument("--key-client-id", default=defaults.key_client_id,
                        help="client id of the private key JWT service account")
    parser.add_argument("--key-id", default=defaults.key_id, help="key id (kid) of its public key")
    parser.add_argument("--client-public-key", metavar="FILE",
                        help="its public key (PEM public key or X.509 certificate); default: a generated key pair")
    parser.add_argument("--username", default=defaults.username, help="local user (local deployment)")
    parser.add_argument("--password", default=defaults.password, help="local user's password (local deployment)")
    parser.add_argument("--tls", action="store_true", help="serve https with a generated certificate")
    parser.add_argument("--cert-file", help="where to write the CA certificate in --tls mode")
    parser.add_argument("--port-file", help="write the bound port to this file")
    parser.add_argument("--verbose", action="store_true", help="print an access log to stderr")
    args = parser.parse_args(argv)
    if args.client_public_key:
        args.client_public_key = _public_key_pem(parser, args.client_public_key)
    return args


def _public_key_pem(parser: argparse.ArgumentParser, path: str) -> str:
    """The file's PEM text, checked now so that a bad key stops the start."""
    if not crypto_available():
        parser.error("--client-public-key needs the Python library cryptography")
    try:
        pem = Path(path).read_text(encoding="utf-8")
        load_public_key(pem)
    except (OSError, UnicodeDecodeError, InvalidPublicKey) as exc:
        parser.error(f"--client-public-key {path}: {exc}")
    return pem


def _write_port(path: str, port: int) -> None:
    """Atomic write, so a script polling for the file never reads it half-written."""
    target = Path(path)
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".port-")
    with os.fdopen(fd, "w") as handle:
        handle.write(f"{port}\n")
    os.replace(tmp, target)


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    config = EmulatorConfig(
        seed=args.seed, fleet_size=args.fleet_size, accounts=args.accounts, connectors=args.connectors,
        latency_ms=args.latency_ms, token_latency_ms=args.token_latency_ms, job_duration_s=args.job_duration_s,
        token_ttl_s=args.token_ttl_s, backup_interval_s=args.backup_interval_s, refresh_token=args.refresh_token,
        client_id=args.client_id, client_secret=args.client_secret, deployment=args.deployment,
        key_client_id=args.key_client_id, key_id=args.key_id, client_public_key=args.client_public_key,
        username=args.username, password=args.password,
    )
    server = EmulatorHTTPServer(Emulator(config), args.host, args.port, use_tls=args.tls,
                                cert_file=args.cert_file, verbose=args.verbose)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_signal: stop.set())
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.1}, daemon=True)
    thread.start()
    if args.port_file:  # before the banner, so whoever waits for the banner finds the file
        _write_port(args.port_file, server.port)
    print(f"BlueXP emulator listening on {server.url}", flush=True)
    if server.ca_path:
        print(f"CA certificate: {server.ca_path}", flush=True)
    try:
        while not stop.wait(0.5):
            pass
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=5)
    return 0


if __name__ == "__main__":
    sys.exit(main())
