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
import urllib.request
from pathlib import Path

import pytest

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
