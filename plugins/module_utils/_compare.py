# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Compare what the user asked for with what the API reports.

Only options the user set are compared (None means "leave as it is"), after both sides are
put in one form: the API sends retention and day counts as strings or numbers and rules in
any order, and neither difference is a change.
"""

from __future__ import annotations

from typing import Any, Iterable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import as_int


def normalise_rules(rules: Iterable[Mapping[str, Any]] | None) -> list[dict[str, Any]]:
    """Rules as [{label, retention:int}] sorted by label."""
    result = [{"label": str(r.get("label")), "retention": as_int(r.get("retention"))} for r in rules or []]
    return sorted(result, key=lambda r: r["label"])


def differences(current: Mapping[str, Any], desired: Mapping[str, Any]) -> dict[str, tuple[Any, Any]]:
    """{field: (current, desired)} for each field the user set that differs."""
    return {key: (current.get(key), value) for key, value in desired.items()
            if value is not None and current.get(key) != value}
