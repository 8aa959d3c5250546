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
from typing import Any, Iterable

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


def as_int(value: Any) -> int | None:
    """The API sends many counters as strings ("12"); None stays None."""
    if value is None or value == "":
        return None
    try:
        return int(float(value))
    except (TypeError, ValueError):
        return None


def ints(record: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """Convert the named counter fields of a snake_cased record to integers, in place."""
    for key in keys:
        if key in record:
            record[key] = as_int(record[key])
    return record
