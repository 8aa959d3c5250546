# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Request log and counters, stored already redacted so no token or secret is ever kept."""
from __future__ import annotations

import threading
from collections import Counter, deque
from collections.abc import Callable, Iterable
from typing import Any

REDACTED = "<redacted>"
# Headers that carry bearer tokens (Ansible also sends the token as X-User-Token).
SECRET_HEADERS = frozenset({"authorization", "x-user-token", "proxy-authorization", "cookie"})
# Body fields that carry secrets: OAuth grants and cloud credentials of CBS bodies.
SECRET_FIELDS = frozenset({
    "refresh_token", "client_secret", "client_assertion", "password", "access_token", "id_token",
    "secret-password", "secret_password", "secret-key", "secret_key", "admin-password",
})

# Below this length, a secret sent in a body is redacted in its field only.
MIN_SCRUBBED_LENGTH = 8


class Redactor:
    """Removes secrets by field name and, as a safety net, every known secret value anywhere."""

    def __init__(self, secret_values: Callable[[], Iterable[str]]) -> None:
        self._secret_values = secret_values

    def header(self, name: str, value: str) -> str:
        if name in SECRET_HEADERS:
            scheme = value.split(" ", 1)[0] if " " in value else ""
            return f"{scheme} {REDACTED}" if scheme else REDACTED
        return value

    def value(self, data: Any, secrets: list[str]) -> Any:
        if isinstance(data, dict):
            return {key: (REDACTED if key in SECRET_FIELDS and item is not None else self.value(item, secrets))
                    for key, item in data.items()}
        if isinstance(data, list):
            return [self.value(item, secrets) for item in data]
        if isinstance(data, str):
            for secret in secrets:
                if secret and secret in data:
                    data = data.replace(secret, REDACTED)
        return data

    def entry(self, entry: dict[str, Any]) -> dict[str, Any]:
        # The secrets this request sends (a client assertion, a wrong password) go too, wherever
        # else they appear in it; short values are left, as scrubbing them would garble the entry.
        sent = [value for value in _secret_fields(entry["body"]) if len(value) >= MIN_SCRUBBED_LENGTH]
        secrets = sorted({s for s in [*self._secret_values(), *sent] if s}, key=len, reverse=True)
        entry = dict(entry)
        entry["headers"] = {name: self.header(name, value) for name, value in entry["headers"].items()}
        for key in ("path", "query", "headers", "body"):
            entry[key] = self.value(entry[key], secrets)
        return entry


def _secret_fields(data: Any) -> list[str]:
    """String values of secret fields anywhere in a body."""
    if isinstance(data, dict):
        return [found for key, item in data.items()
                for found in ([item] if key in SECRET_FIELDS and isinstance(item, str) else _secret_fields(item))]
    if isinstance(data, list):
        return [found for item in data for found in _secret_fields(item)]
    return []


class RequestLog:
    """Bounded log of API calls (control calls are not logged) plus aggregate counters."""

    def __init__(self, redactor: Redactor, max_entries: int = 10_000) -> None:
        self._redactor = redactor
        self._lock = threading.Lock()
        self._entries: deque[dict[str, Any]] = deque(maxlen=max_entries)
        self.reset_counters()

    def reset_counters(self) -> None:
        self._requests = 0
        self._by_route: Counter[str] = Counter()
        self._by_status: Counter[str] = Counter()
        self._grants: Counter[str] = Counter()
        self._cache_control = 0
        self._faults = 0

    def record(self, *, method: str, path: str, query: dict[str, list[str]], headers: dict[str, str],
               body: Any, status: int | None, time_ms: int, route_key: str, kind: str,
               fault_id: str | None = None) -> None:
        entry = self._redactor.entry({
            "method": method, "path": path, "query": query, "headers": headers, "body": body,
            "status": status, "time": time_ms, "route": route_key, "fault": fault_id,
        })
        with self._lock:
            self._entries.append(entry)
            self._requests += 1
            self._by_route[route_key] += 1
            self._by_status["dropped" if status is None else str(status)] += 1
            if kind == "token":
                grant = body.get("grant_type") if isinstance(body, dict) else None
                self._grants[grant if isinstance(grant, str) else "unknown"] += 1
            if "x-netapp-cache-control" in headers:
                self._cache_control += 1
            if fault_id:
                self._faults += 1

    def entries(self) -> list[dict[str, Any]]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> int:
        with self._lock:
            count = len(self._entries)
            self._entries.clear()
            return count

    def clear_counters(self) -> None:
        with self._lock:
            self.reset_counters()

    def counters(self) -> dict[str, Any]:
        with self._lock:
            return {
                "token_exchanges": sum(self._grants.values()),
                "token_exchanges_by_grant": dict(self._grants),
                "requests": self._requests,
                "by_route": dict(self._by_route),
                "by_status": dict(self._by_status),
                "cache_control": self._cache_control,
                "faults_fired": self._faults,
            }
