# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Typed access to query parameters for response handlers (parsing only, no rules)."""
from __future__ import annotations

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
