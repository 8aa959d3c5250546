# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Compare what the user asked for with what the API reports.

Only options the user set are compared (None means "leave as it is"), after both sides are
put in one form: the API sends retention and day counts as strings or numbers and rules in
any order, and neither difference is a change. A resource says how each of its fields
compares in a table of `Field`s; the state engine (`_runner`) calls `differences`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any, Callable, Iterable, Mapping, Union

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int


def normalise_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Rules as [{label, retention:int}] sorted by label, labels as the API spells them (ONTAP
    matches SnapMirror labels exactly, so `Daily` and `daily` are two rules)."""
    result = [{"label": str(r.get("label")), "retention": as_int(r.get("retention"))} for r in rules or []]
    return sorted(result, key=lambda r: r["label"])


Normaliser = Callable[[Any], Any]


@dataclass(frozen=True)
class Field:
    """One managed field of a resource view.

    `key` is the field in the view, `option` the module option that sets it (for messages),
    and `compare` how two values are made comparable: "exact", "casefold" (names the API
    treats case-insensitively), "set" (lists whose order means nothing) or a function that
    puts a value in one form (for example normalised backup rules). A desired value of None
    means "not set by the user": the field is left as it is and never reported as a change.
    """

    key: str
    option: str | None = None
    compare: Union[str, Normaliser] = "exact"

    def comparable(self, value: Any) -> Any:
        if value is None:
            return None
        if callable(self.compare):
            return self.compare(value)
        if self.compare == "casefold":
            return value.casefold() if isinstance(value, str) else value
        if self.compare == "set":
            return sorted(json.dumps(item, sort_keys=True) for item in value)
        return value


def differences(fields: tuple[Field, ...], current: Mapping[str, Any] | None,
                desired: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{key: (current, desired)} for every field the user set that differs.

    Without a field table every key of the desired view is compared exactly.
    """
    current = current or {}
    table = fields or tuple(Field(key) for key in desired)
    return {f.key: (current.get(f.key), desired.get(f.key)) for f in table
            if desired.get(f.key) is not None
            and f.comparable(current.get(f.key)) != f.comparable(desired.get(f.key))}
