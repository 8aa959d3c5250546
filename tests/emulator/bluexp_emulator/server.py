# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""HTTP(S) front end: turns HTTP into ``Request`` objects, applies latency and faults
(including dropped connections), logs every API call, and writes responses."""
from __future__ import annotations

import contextlib
import json
import socket
import ssl
import sys
import time
import uuid
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from bluexp_emulator.control.urls import CONTROL_PREFIX
from bluexp_emulator.core import tls
from bluexp_emulator.core.http import Request, Response
from bluexp_emulator.emulator import Emulator

MAX_BODY = 16 * 1024 * 1024
INVALID_JSON = "Invalid request payload JSON format"


def parse_body(raw: bytes, content_type: str) -> tuple[Any, str | None]:
    """JSON for API calls; form encoding too, because Auth0 accepts it on /oauth/token."""
    if not raw:
        return None, None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return None, INVALID_JSON
    if "application/x-www-form-urlencoded" in content_type.lower():
        return {key: values[-1] for key, values in parse_qs(text, keep_blank_values=True).items()}, None
    try:
        return json.loads(text), None
    except ValueError:
        return None, INVALID_JSON


def process(emulator: Emulator, request: Request) -> Response | None:
    """Serve one call; ``None`` means: close the connection without answering."""
    if request.path == CONTROL_PREFIX or request.path.startswith(CONTROL_PREFIX + "/"):
        return emulator.control(request)
    match = emulator.router.match(request.method, request.path)
    route = match[0] if match else None
    kind = route.kind if route else "api"
    fault = emulator.faults.pick(request.method, request.path)
    config = emulator.config
    delay_ms = (config.token_latency_ms if kind == "token" else config.latency_ms) + (fault.latency_ms if fault else 0)
    if delay_ms > 0:
        time.sleep(delay_ms / 1000)
    response: Response | None
    if fault is not None and fault.after_apply:
        emulator.dispatch(request, match)
    if fault is not None and fault.drop_connection:
        response = None
    elif fault is not None and (fault.status is not None or fault.body is not None):
        response = fault.answer()
    else:
        response = emulator.dispatch(request, match)
    emulator.requests.record(
        method=request.method, path=request.path, query=request.query, headers=request.headers,
        body=request.body, status=response.status if response else None, time_ms=emulator.clock.now_ms(),
        route_key=route.key if route else f"{request.method} (unmatched)", kind=kind,
        fault_id=fault.id if fault else None,
    )
    return response


class EmulatorRequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, like the real gateway
    # Headers and body go out in separate writes; with Nagle's algorithm on, a kept-alive
    # connection then waits for the client's delayed ACK (about 40 ms) on every response.
    disable_nagle_algorithm = True
    server_version = "BlueXPEmulator/1.0"
    server: EmulatorHTTPServer

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        self._handle()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_GET  # noqa: N815

    def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - signature of the base class
        if self.server.verbose:
            super().log_message(format, *args)

    def _read_body(self) -> bytes | None:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            chunks: list[bytes] = []
            while True:
                size = int(self.rfile.readline().split(b";", 1)[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            return None
        return self.rfile.read(length) if length > 0 else b""

    def _handle(self) -> None:
        raw = self._read_body()
        if raw is None:
            self.send_error(413)
            return
        split = urlsplit(self.path)
        headers: dict[str, str] = {}
        for name, value in self.headers.items():
            key = name.lower()
            headers[key] = f"{headers[key]}, {value}" if key in headers else value
        body, body_error = parse_body(raw, headers.get("content-type", ""))
        host = headers.get("host") or self.server.url.split("://", 1)[1]
        request = Request(method=self.command, path=split.path,
                          query=parse_qs(split.query, keep_blank_values=True),
                          headers=headers, body=body, body_error=body_error,
                          origin=f"{self.server.scheme}://{host.lower()}")
        response = process(self.server.emulator, request)
        if response is None:
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        self._send(response)

    def _send(self, response: Response) -> None:
        payload = b""
        if response.raw is not None:
            payload = response.raw
        elif response.body is not None and response.status not in (204, 304):
            payload = json.dumps(response.body, separators=(",", ":")).encode("utf-8")
        self.send_response(response.status)
        if payload and "Content-Type" not in response.headers:
            self.send_header("Content-Type", "application/json; charset=utf-8")
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("OnCloud-Request-Id", str(uuid.uuid4()))
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(payload)


class EmulatorHTTPServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, emulator: Emulator, host: str = "127.0.0.1", port: int = 0, *,
                 use_tls: bool = False, cert_file: str | Path | None = None, verbose: bool = False) -> None:
        self.emulator = emulator
        self.verbose = verbose
        self.ca_path: Path | None = None
        if ":" in host:
            self.address_family = socket.AF_INET6
        super().__init__((host, port), EmulatorRequestHandler)
        if use_tls:
            files = tls.generate(Path(cert_file) if cert_file else None)
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(files.cert_path, files.key_path)
            # Handshake lazily in the per-connection thread so a silent client cannot stall accept().
            self.socket = context.wrap_socket(self.socket, server_side=True, do_handshake_on_connect=False)
            self.ca_path = files.ca_path
        self.scheme = "https" if use_tls else "http"

    @property
    def port(self) -> int:
        return int(self.server_address[1])

    @property
    def url(self) -> str:
        host = str(self.server_address[0])
        host = f"[{host}]" if ":" in host else host
        return f"{self.scheme}://{host}:{self.port}"

    def handle_error(self, request: Any, client_address: Any) -> None:
        """Clients that hang up or reject the certificate are normal, not server errors."""
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError, OSError)):
            return
        super().handle_error(request, client_address)
