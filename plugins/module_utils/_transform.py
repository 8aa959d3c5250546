# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""API field names and values as modules return them.

Return keys are the API's own names in snake_case (kebab-case and camelCase both
occur in the API), never renamed, so a user can find them in NetApp's reference.
"""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any, Iterable, Mapping

_CAMEL_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])")


def snake(name: str) -> str:
    return _CAMEL_BOUNDARY.sub("_", name).replace("-", "_").lower()


def snake_keys(value: Any) -> Any:
    """Recursively rename dict keys to snake_case; lists and scalars pass through."""
    if isinstance(value, dict):
        return {snake(str(k)): snake_keys(v) for k, v in value.items()}
    if isinstance(value, list):
        return [snake_keys(v) for v in value]
    return value


def field(record: Mapping[str, Any], key: str) -> Any:
    """`key` (snake_case) of a record as the API sends it (hyphenated) or as a module returns it.

    Rules shared by the modules (reading the API) and the filters (reading module results)
    take either form through this one accessor.
    """
    value = record.get(key.replace("_", "-"))
    return record.get(key) if value is None else value


def as_int(value: Any) -> int | None:
    """A whole number from what the API (or a templated option) sends: 12, "12", 12.0, "12.0".

    None, "", booleans, fractions ("1.5"), exponents ("1e3"), infinities and anything else
    that is not plainly a whole number give None, so that callers report it instead of
    sending it on or crashing.
    """
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else None
    text = str(value).strip()
    if text.endswith(".0"):
        text = text[:-2]
    sign = text[:1] if text[:1] in "+-" else ""
    digits = text[len(sign):]
    if not digits.isdigit() or not digits.isascii():
        return None
    try:
        return int(sign + digits)
    except ValueError:  # more digits than Python converts (sys.get_int_max_str_digits)
        return None


def iso_utc(epoch: Any, unit: str = "ms") -> str | None:
    """An epoch time (milliseconds as the API sends them, or seconds) as ISO 8601 UTC text."""
    if epoch is None or isinstance(epoch, bool):
        return None
    try:
        seconds = float(epoch) / (1000.0 if unit == "ms" else 1.0)
        return datetime.fromtimestamp(seconds, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    except (TypeError, ValueError, OverflowError, OSError):
        return None


def ints(record: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Convert the named counter fields of a snake_cased record to integers, in place."""
    for key in keys:
        if key in record:
            record[key] = as_int(record[key])
    return record
