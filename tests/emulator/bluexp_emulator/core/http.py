# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Transport-neutral request and response objects passed between server, router and handlers."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from bluexp_emulator.core.router import Route
    from bluexp_emulator.services.auth.models import Principal


@dataclass
class Request:
    """An incoming call, already split into its parts; header names are lower-case."""

    method: str
    path: str
    query: dict[str, list[str]] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    body: Any = None
    body_error: str | None = None
    params: dict[str, str] = field(default_factory=dict)
    route: Route | None = None
    principal: Principal | None = None
    # The Connector (client id) a cbs call goes through, set by its access rules.
    connector: str | None = None
    # scheme://host[:port] the client addressed (its Host header): where a client assertion must point.
    origin: str = "http://localhost"

    def header(self, name: str) -> str | None:
        return self.headers.get(name.lower())

    def query_value(self, name: str) -> str | None:
        """Last value of a query parameter, like most web frameworks."""
        values = self.query.get(name)
        return values[-1] if values else None


@dataclass
class Response:
    """What a handler returns; the server turns it into bytes."""

    status: int = 200
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)
    # Bytes sent as they are instead of `body` as JSON (an injected malformed answer).
    raw: bytes | None = None


def json_response(body: Any, status: int = 200) -> Response:
    return Response(status=status, body=body)
