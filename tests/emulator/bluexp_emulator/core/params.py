# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed access to query parameters and JSON bodies for response handlers (parsing only, no rules)."""
from __future__ import annotations

from typing import Any

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request


def query_bool(request: Request, name: str) -> bool | None:
    value = request.query_value(name)
    if value is None or value == "":
        return None
    lowered = value.lower()
    if lowered not in ("true", "false"):
        raise BadRequest(f"query parameter {name!r}: {value!r} is not of type 'boolean'")
    return lowered == "true"


def query_str(request: Request, name: str) -> str | None:
    value = request.query_value(name)
    return value if value else None


def as_number(value: object, integer: bool = False) -> int | float | None:
    """Control-API numbers; numeric strings count too, as templated playbook values often are strings."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = int(value) if integer else float(value)
        except ValueError:
            return None
    if integer and isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int) or (not integer and isinstance(value, float)):
        return value
    return None


class Body:
    """Typed reads of a JSON request body; a value of the wrong type is a 400 naming the field.

    The spec validation has usually rejected such bodies already; this keeps handlers safe
    when the emulator runs without the spec.
    """

    def __init__(self, data: Any, prefix: str = "") -> None:
        if data is None:
            data = {}
        if not isinstance(data, dict):
            raise BadRequest(f"{prefix.rstrip('.') or 'body'}: must be a JSON object")
        self.data: dict[str, Any] = data
        self.prefix = prefix

    @classmethod
    def of(cls, request: Request) -> Body:
        return cls(request.body)

    def has(self, name: str) -> bool:
        return self.data.get(name) is not None

    def _typed(self, name: str, kinds: tuple[type, ...], label: str) -> Any:
        value = self.data.get(name)
        if value is None:
            return None
        if not isinstance(value, kinds) or (isinstance(value, bool) and bool not in kinds):
            raise BadRequest(f"{self.prefix}{name}: {value!r} is not of type '{label}'")
        return value

    def text(self, name: str) -> str | None:
        return self._typed(name, (str,), "string")  # type: ignore[no-any-return]

    def flag(self, name: str) -> bool | None:
        return self._typed(name, (bool,), "boolean")  # type: ignore[no-any-return]

    def number(self, name: str) -> float | None:
        value = self._typed(name, (int, float), "number")
        return None if value is None else float(value)

    def raw(self, name: str) -> Any:
        """As sent (numbers the spec types as strings arrive either way)."""
        return self.data.get(name)

    def child(self, name: str) -> Body | None:
        value = self.data.get(name)
        return None if value is None else Body(value, f"{self.prefix}{name}.")

    def array(self, name: str) -> list[Any] | None:
        return self._typed(name, (list,), "array")  # type: ignore[no-any-return]

    def children(self, name: str) -> list[Body]:
        return [Body(item, f"{self.prefix}{name}[{index}].") for index, item in enumerate(self.array(name) or [])]
