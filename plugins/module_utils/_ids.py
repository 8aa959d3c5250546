# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""IDs become path segments: an ID that is empty, `.` or `..` would change the route.

An empty segment is dropped by URL joining (`job/` reads the job list instead of one job),
and `.` and `..` are collapsed by the HTTP library (`volume/..` names the working
environment). So every ID option is checked before anything is sent, and the client checks
every segment again, whatever its source (an option, or an earlier answer).
"""

from __future__ import annotations

from typing import Any, Iterator, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError

# Options whose values go into request paths or the Connector header, in any module or sub-option.
ID_OPTIONS = frozenset((
    "account_id", "connector_id", "working_environment_id", "working_environment_ids",
    "target_working_environment_id", "job_ids",
))


def segment_problem(value: str) -> str | None:
    """Why `value` would change a route even when quoted, or None when it cannot."""
    if not value.strip():
        return "is empty"
    if value in (".", ".."):
        return "is a relative path segment"
    if any(ord(char) < 32 or ord(char) == 127 for char in value):
        return "contains a control character"
    return None


def id_problem(value: Any) -> str | None:
    """Why `value` cannot be an ID option, or None when it can: stricter than a path segment,
    since no BlueXP ID holds a '/' or surrounding spaces and such a value is a templating slip."""
    if not isinstance(value, str):
        return "is not a string"
    problem = segment_problem(value)
    if problem:
        return problem
    if "/" in value:
        return "contains '/'"
    if value != value.strip():
        return "starts or ends with white space"
    return None


def check_id(value: Any, option: str) -> None:
    problem = id_problem(value)
    if problem:
        raise ConfigurationError("{0} {1}, got {2!r}: an ID must be a non-empty name without '/', control "
                                 "characters or surrounding spaces, and not '.' or '..'.".format(option, problem, value),
                                 option=option)


def check_id_options(params: Mapping[str, Any], spec: Mapping[str, Mapping[str, Any]], prefix: str = "") -> None:
    """Check every ID option of a module's parameters, sub-options included, naming the first bad one."""
    for value, where in _id_values(params, spec, prefix):
        check_id(value, where)


def _id_values(params: Mapping[str, Any], spec: Mapping[str, Mapping[str, Any]],
               prefix: str) -> Iterator[tuple[Any, str]]:
    for option, option_spec in spec.items():
        value = params.get(option)
        if value is None:
            continue
        where = prefix + option
        suboptions = option_spec.get("options")
        if suboptions:
            entries = value if isinstance(value, list) else [value]
            for index, entry in enumerate(entries):
                if isinstance(entry, Mapping):
                    label = "{0}[{1}].".format(where, index) if isinstance(value, list) else where + "."
                    yield from _id_values(entry, suboptions, label)
        elif option in ID_OPTIONS:
            if isinstance(value, list):
                for index, item in enumerate(value):
                    yield item, "{0}[{1}]".format(where, index)
            else:
                yield value, where
