# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""https mode with a generated CA."""
from __future__ import annotations

import ssl
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from bluexp_emulator import start_server


def test_tls_serves_https_with_the_generated_ca(tmp_path: Path) -> None:
    ca_file = tmp_path / "ca.pem"
    with start_server(tls=True, cert_file=ca_file, fleet_size=1) as handle:
        assert handle.url.startswith("https://127.0.0.1:")
        assert handle.ca_path == ca_file and ca_file.read_text().startswith("-----BEGIN CERTIFICATE-----")
        context = ssl.create_default_context(cafile=str(ca_file))
        with urllib.request.urlopen(handle.url + "/_emulator/state", context=context, timeout=10) as response:
            assert response.status == 200
        localhost = handle.url.replace("127.0.0.1", "localhost")
        with urllib.request.urlopen(localhost + "/_emulator/state", context=context, timeout=10) as response:
            assert response.status == 200
        with pytest.raises(urllib.error.URLError) as failure:
            urllib.request.urlopen(handle.url + "/_emulator/state", context=ssl.create_default_context(), timeout=10)
        assert isinstance(failure.value.reason, ssl.SSLCertVerificationError)
        assert handle.state()["accounts"]  # the handle's control calls trust the CA too
