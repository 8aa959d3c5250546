# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fault injection: rules matched against incoming API calls (never control calls)."""
from __future__ import annotations

import math
import random
import re
import threading
from dataclasses import dataclass, field
from typing import Any

from bluexp_emulator.core.errors import BadRequest, EmulatorError
from bluexp_emulator.core.http import Response
from bluexp_emulator.core.params import as_number

_ALLOWED = {"method", "path", "status", "message", "count", "probability", "retry_after",
            "latency_ms", "drop_connection", "after_apply", "body", "content_type"}


@dataclass
class FaultRule:
    """One rule. ``count`` is the number of firings left (None = unlimited)."""

    id: str
    method: str | None = None
    path: str | None = None
    status: int | None = None
    message: str | None = None
    count: int | None = None
    probability: float | None = None
    retry_after: float | None = None
    latency_ms: int = 0
    drop_connection: bool = False
    # Serve the call first, then fail its answer: the write is applied and the client never learns it.
    after_apply: bool = False
    # Sent as the answer's bytes in place of the real one (a hostile or broken server), with `status` or 200.
    body: str | None = None
    content_type: str = "application/json"
    fired: int = 0
    pattern: re.Pattern[str] | None = field(default=None, repr=False)

    def matches(self, method: str, path: str) -> bool:
        if self.count is not None and self.count <= 0:
            return False
        if self.method and self.method != method:
            return False
        return self.pattern is None or self.pattern.search(path) is not None

    def answer(self) -> Response:
        """What the fault sends instead of the real answer (a dropped connection is None at the caller)."""
        if self.body is not None:
            return Response(status=self.status or 200, headers={"Content-Type": self.content_type},
                            raw=self.body.encode("utf-8"))
        return self.error().to_response()

    def error(self) -> EmulatorError:
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(self.retry_after))  # the header carries whole seconds
        status = self.status or 500
        message = self.message or _default_message(status)
        return EmulatorError(status, message, headers)

    def to_dict(self) -> dict[str, Any]:
        return {
            "id": self.id, "method": self.method, "path": self.path, "status": self.status,
            "message": self.message, "count": self.count, "probability": self.probability,
            "retry_after": self.retry_after, "latency_ms": self.latency_ms,
            "drop_connection": self.drop_connection, "after_apply": self.after_apply, "body": self.body,
            "content_type": self.content_type, "fired": self.fired,
        }


def _default_message(status: int) -> str:
    if status == 429:
        return "Rate limit exceeded"
    if status >= 500:
        return "Injected server error"
    return "Injected error"


def _flag(payload: dict[str, Any], name: str) -> bool:
    value = payload.get(name, False)
    if isinstance(value, str) and value.lower() in ("true", "false"):
        value = value.lower() == "true"
    if not isinstance(value, bool):
        raise BadRequest(f"fault field '{name}' must be a boolean")
    return value


def _number(payload: dict[str, Any], name: str, kind: type, minimum: float, maximum: float | None = None) -> Any:
    raw = payload.get(name)
    if raw is None:
        return None
    value = as_number(raw, integer=kind is int)
    if value is None or value < minimum or (maximum is not None and value > maximum):
        bounds = f">= {minimum}" + (f" and <= {maximum}" if maximum is not None else "")
        raise BadRequest(f"fault field '{name}' must be a {kind.__name__} {bounds}")
    return kind(value)


def parse_rule(payload: Any, fault_id: str) -> FaultRule:
    """Validate a control-API fault definition strictly, so typos do not silently match nothing."""
    if not isinstance(payload, dict):
        raise BadRequest("fault definition must be a JSON object")
    unknown = set(payload) - _ALLOWED
    if unknown:
        raise BadRequest(f"unknown fault fields: {', '.join(sorted(unknown))}")
    method = payload.get("method")
    if method is not None and not isinstance(method, str):
        raise BadRequest("fault field 'method' must be a string")
    path = payload.get("path")
    pattern = None
    if path is not None:
        if not isinstance(path, str):
            raise BadRequest("fault field 'path' must be a regular expression string")
        try:
            pattern = re.compile(path)
        except re.error as exc:
            raise BadRequest(f"fault field 'path' is not a valid regular expression: {exc}") from None
    message = payload.get("message")
    if message is not None and not isinstance(message, str):
        raise BadRequest("fault field 'message' must be a string")
    drop = payload.get("drop_connection", False)
    if isinstance(drop, str) and drop.lower() in ("true", "false"):
        drop = drop.lower() == "true"
    if not isinstance(drop, bool):
        raise BadRequest("fault field 'drop_connection' must be a boolean")
    after_apply = _flag(payload, "after_apply")
    body = payload.get("body")
    if body is not None and not isinstance(body, str):
        raise BadRequest("fault field 'body' must be a string (the answer's bytes, sent as they are)")
    content_type = payload.get("content_type", "application/json")
    if not isinstance(content_type, str):
        raise BadRequest("fault field 'content_type' must be a string")
    rule = FaultRule(
        id=fault_id,
        method=method.upper() if method else None,
        path=path,
        status=_number(payload, "status", int, 100, 599),
        message=message,
        count=_number(payload, "count", int, 1),
        probability=_number(payload, "probability", float, 0.0, 1.0),
        retry_after=_number(payload, "retry_after", float, 0.0),
        latency_ms=_number(payload, "latency_ms", int, 0) or 0,
        drop_connection=drop,
        after_apply=after_apply,
        body=body,
        content_type=content_type,
        pattern=pattern,
    )
    if rule.status is None and not rule.drop_connection and not rule.latency_ms and rule.body is None:
        raise BadRequest("a fault needs at least one of 'status', 'latency_ms', 'drop_connection' or 'body'")
    if rule.after_apply and rule.status is None and not rule.drop_connection and rule.body is None:
        raise BadRequest("an 'after_apply' fault needs 'status', 'drop_connection' or 'body': what replaces the answer")
    return rule


class FaultRegistry:
    """Ordered rules; the first matching rule that passes its probability roll fires."""

    def __init__(self, seed: int) -> None:
        self._lock = threading.Lock()
        self.reset(seed)

    def reset(self, seed: int) -> None:
        with self._lock:
            self._rules: list[FaultRule] = []
            self._next = 1
            # Own generator so probabilistic faults stay reproducible whatever the fleet consumed.
            self._rng = random.Random(f"faults-{seed}")
            self.fired_total = 0

    def add(self, payload: Any) -> FaultRule:
        with self._lock:
            rule = parse_rule(payload, f"fault-{self._next}")
            self._next += 1
            self._rules.append(rule)
            return rule

    def list(self) -> list[FaultRule]:
        with self._lock:
            return list(self._rules)

    def clear(self) -> int:
        with self._lock:
            count = len(self._rules)
            self._rules = []
            return count

    def remove(self, fault_id: str) -> bool:
        with self._lock:
            before = len(self._rules)
            self._rules = [rule for rule in self._rules if rule.id != fault_id]
            return len(self._rules) != before

    def pick(self, method: str, path: str) -> FaultRule | None:
        """Fire at most one rule for this call and account for it."""
        with self._lock:
            for rule in self._rules:
                if not rule.matches(method, path):
                    continue
                if rule.probability is not None and self._rng.random() >= rule.probability:
                    continue
                if rule.count is not None:
                    rule.count -= 1
                rule.fired += 1
                self.fired_total += 1
                return rule
            return None
