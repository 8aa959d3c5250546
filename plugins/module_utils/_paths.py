# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Paths inside a volume, as the options of the file modules take them.

Every path option goes through `volume_path`, so that all of them are read one way. A path in
a backup never needs `..`: the paths that sfr_browse_info and catalog_search_info return are
absolute and normal. Resolving `..` would quietly pick another file than the one written
(`/home/../../../README.txt` is not `/README.txt`), so any `..` is refused instead, as are
control characters (NUL, newline, ...), which no file name the API lists carries.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from ansible.module_utils.common.validation import check_type_list, check_type_str

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError

ROOT = "/"


class PathText(str):
    """`type="str"` of a path option: refuses a control character while ansible-core checks the arguments.

    volume_path() reads the path afterwards, naming the option. This earlier check exists because
    AnsibleModule writes its arguments to syslog before the module runs, and with Python 3.13 a NUL
    there fails the task with "Failed to log to syslog (embedded null character)", which names no
    option (Python 3.11 cuts the line at the NUL). Being also the text "str", it equals the documented type (see _argspec.StrictInt).
    """

    __name__ = "str"

    def __call__(self, value: Any, **core: Any) -> str:
        text = check_type_str(value, **core)
        control = control_character(text)
        if control is not None:
            raise TypeError("{0!r} contains the control character {1}".format(text, control))
        return text


class PathList(str):
    """`type="list"` of a list of paths: one text is one path, never split at its commas.

    ansible-core reads a text given to a list option as comma-separated items, so that
    `files: /finance/q1,q2.xlsx` would restore /finance/q1 and /q2.xlsx. A comma is
    a legal character of a file name.
    """

    __name__ = "list"

    def __call__(self, value: Any, **core: Any) -> list:
        return [value] if isinstance(value, str) else check_type_list(value)


# The argument spec `type` of a path option of type str, and of a list of paths.
PATH = PathText("str")
PATHS = PathList("list")


def control_character(text: str) -> str | None:
    """The first control character of `text` (Unicode category Cc: NUL, newline, ESC, DEL, ...) as U+XXXX."""
    found = next((c for c in text if unicodedata.category(c) == "Cc"), None)
    return None if found is None else "U+{0:04X}".format(ord(found))


def volume_path(option: str, value: Any, entry: bool = False, from_root: bool = False) -> str:
    """The path `value` of `option` in its one normal form: absolute, with single slashes and no `.`
    component or trailing slash (`//finance/./2026/` is `/finance/2026`); surrounding spaces are ignored.

    `entry` says the value is one entry of a list option, `from_root` that a path without its leading
    slash is read from the volume root (`finance/2026` is `/finance/2026`); otherwise it is refused.
    Refused, with a ConfigurationError naming the option and the value: anything but text, an empty
    path, a control character, and a `..` component.
    """
    if not isinstance(value, str) or not value.strip():
        raise _refused(option, value, entry, "is not a path")
    control = control_character(value)
    if control is not None:
        raise _refused(option, value, entry, "contains the control character " + control)
    path = value.strip()
    if not path.startswith(ROOT) and not from_root:
        raise _refused(option, value, entry, "must start with /, from the root of the volume")
    parts = path.split("/")
    if ".." in parts:
        raise _refused(option, value, entry, "has a '..' component; give the path from the root of the volume "
                                             "without '..'")
    return ROOT + "/".join(p for p in parts if p not in ("", "."))


def _refused(option: str, value: Any, entry: bool, problem: str) -> ConfigurationError:
    what = "entry {0!r}".format(value) if entry else repr(value)
    return ConfigurationError("{0}: {1} {2}.".format(option, what, problem), option=option)
