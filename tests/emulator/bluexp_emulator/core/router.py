# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""METHOD + path template routing with named groups (no string splitting in handlers)."""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING
from urllib.parse import unquote

from bluexp_emulator.core.errors import NotFound
from bluexp_emulator.core.http import Request, Response

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator

Handler = Callable[["Emulator", Request], Response]
Guard = Callable[["Emulator", Request], None]

_PARAM = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")


def compile_template(template: str) -> re.Pattern[str]:
    """Turn ``/a/{id}/b`` into an anchored regex with a named group per parameter."""
    parts: list[str] = []
    last = 0
    for match in _PARAM.finditer(template):
        parts.append(re.escape(template[last:match.start()]))
        parts.append(f"(?P<{match.group(1)}>[^/]+)")
        last = match.end()
    parts.append(re.escape(template[last:]))
    return re.compile("^" + "".join(parts) + "$")


@dataclass(frozen=True)
class Route:
    """One operation. ``key`` names it in counters; ``kind`` is api, token or control."""

    method: str
    template: str
    handler: Handler
    key: str = ""
    guard: Guard | None = None
    kind: str = "api"
    validate: bool = False
    pattern: re.Pattern[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "pattern", compile_template(self.template))
        if not self.key:
            object.__setattr__(self, "key", f"{self.method} {self.template}")


class Router:
    def __init__(self, routes: Iterable[Route]) -> None:
        self.routes = list(routes)

    def match(self, method: str, path: str) -> tuple[Route, dict[str, str]] | None:
        for route in self.routes:
            if route.method != method:
                continue
            found = route.pattern.match(path)
            if found:
                return route, {name: unquote(value) for name, value in found.groupdict().items()}
        return None

    def resolve(self, method: str, path: str) -> tuple[Route, dict[str, str]]:
        """Like ``match`` but an unknown route is the gateway's plain 404."""
        found = self.match(method, path)
        if found is None:
            raise NotFound("Not Found")
        return found
