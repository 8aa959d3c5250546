# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The command line entry point."""
from __future__ import annotations

import json
import os
import signal
import ssl
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from jwt_signing import ASSERTION_TYPE, claims, other_key, public_pem, sign

EMULATOR_DIR = Path(__file__).resolve().parents[1]


def _start(*args: str) -> subprocess.Popen[str]:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(EMULATOR_DIR), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, "-m", "bluexp_emulator", "--port", "0", "--fleet-size", "2", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)


def _stop(process: subprocess.Popen[str], signum: int = signal.SIGTERM) -> int:
    process.send_signal(signum)
    process.communicate(timeout=10)  # also closes the pipes
    return process.returncode


def test_cli_serves_until_sigterm(tmp_path: Path) -> None:
    port_file = tmp_path / "port"
    process = _start("--seed", "3", "--port-file", str(port_file))
    try:
        line = process.stdout.readline().strip()  # type: ignore[union-attr]
        assert line.startswith("BlueXP emulator listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        assert port_file.read_text().strip() == url.rsplit(":", 1)[1]
        with urllib.request.urlopen(url + "/_emulator/state", timeout=10) as response:
            assert json.load(response)["seed"] == 3
    finally:
        assert _stop(process) == 0


@pytest.mark.parametrize("signum", [signal.SIGINT])
def test_cli_tls_prints_the_ca_path(tmp_path: Path, signum: int) -> None:
    ca_file = tmp_path / "ca.pem"
    process = _start("--tls", "--cert-file", str(ca_file))
    try:
        url = process.stdout.readline().strip().rsplit(" ", 1)[1]  # type: ignore[union-attr]
        assert url.startswith("https://")
        assert process.stdout.readline().strip() == f"CA certificate: {ca_file}"  # type: ignore[union-attr]
        context = ssl.create_default_context(cafile=str(ca_file))
        with urllib.request.urlopen(url + "/_emulator/state", context=context, timeout=10) as response:
            assert response.status == 200
    finally:
        assert _stop(process, signum) == 0


def _post(url: str, body: dict[str, str]) -> tuple[int, dict[str, str]]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST",
                                     headers={"Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, json.load(response)
    except urllib.error.HTTPError as error:
        return error.code, json.load(error)


def test_cli_registers_a_client_public_key(tmp_path: Path) -> None:
    key_file = tmp_path / "service-account.pub"
    key_file.write_text(public_pem(other_key()))
    process = _start("--client-public-key", str(key_file), "--key-id", "console-key", "--key-client-id", "sa-1")
    try:
        url = process.stdout.readline().strip().rsplit(" ", 1)[1]  # type: ignore[union-attr]
        with urllib.request.urlopen(url + "/_emulator/state", timeout=10) as response:
            credentials = json.load(response)["credentials"]
        assert credentials["private_key"] is None
        assert (credentials["key_id"], credentials["key_client_id"]) == ("console-key", "sa-1")
        assertion = sign(other_key(), claims("sa-1", url + "/"), kid="console-key")
        status, body = _post(url + "/oauth/token", {
            "grant_type": "client_credentials", "client_id": "sa-1", "audience": "https://api.cloud.netapp.com",
            "client_assertion_type": ASSERTION_TYPE, "client_assertion": assertion})
        assert status == 200 and body["token_type"] == "Bearer"
    finally:
        assert _stop(process) == 0


def test_cli_refuses_a_bad_public_key_file(tmp_path: Path) -> None:
    key_file = tmp_path / "not-a-key.pem"
    key_file.write_text("hello")
    process = _start("--client-public-key", str(key_file))
    _stdout, stderr = process.communicate(timeout=30)
    assert process.returncode == 2
    assert f"--client-public-key {key_file}: not a PEM public key nor a PEM X.509 certificate" in stderr


def test_cli_local_deployment_with_its_user() -> None:
    process = _start("--deployment", "local", "--username", "admin", "--password", "Local-Pass-1")
    try:
        url = process.stdout.readline().strip().rsplit(" ", 1)[1]  # type: ignore[union-attr]
        status, body = _post(url + "/oauth/token",
                             {"grant_type": "password", "username": "admin", "password": "Local-Pass-1"})
        assert status == 200 and body["access_token"]
        status, body = _post(url + "/auth/oauth/token",
                             {"grant_type": "refresh_token", "refresh_token": "emulator-refresh-token"})
        assert (status, body["error"]) == (400, "unsupported_grant_type")
    finally:
        assert _stop(process) == 0
