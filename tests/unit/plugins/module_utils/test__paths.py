# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import ConfigurationError
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._paths import PATH, PATHS, volume_path


@pytest.mark.parametrize("value, expected", [
    ("/", "/"),
    ("/finance/2026/budget.xlsx", "/finance/2026/budget.xlsx"),
    ("//finance//2026/", "/finance/2026"),
    ("/finance/./2026/.", "/finance/2026"),
    ("  /finance  ", "/finance"),
    ("/a..b/..c/d..", "/a..b/..c/d.."),  # names with dots are names
    ("/finance/ budget .xlsx", "/finance/ budget .xlsx"),
])
def test_the_normal_form(value, expected):
    assert volume_path("path", value) == expected


@pytest.mark.parametrize("value, expected", [("finance/2026", "/finance/2026"), ("./README.txt", "/README.txt")])
def test_from_the_root_when_allowed(value, expected):
    assert volume_path("files", value, from_root=True) == expected


@pytest.mark.parametrize("value, text", [
    ("finance", "'finance' must start with /"),
    ("/..", "has a '..' component"),
    ("/home/../README.txt", "has a '..' component"),
    ("/home/../../../README.txt", "has a '..' component"),
    ("/a\x00b", "contains the control character U+0000"),
    ("/a\tb", "contains the control character U+0009"),
    ("/a\x9bb", "contains the control character U+009B"),
    ("", "is not a path"),
    ("  ", "is not a path"),
    (None, "is not a path"),
    (42, "is not a path"),
    (["/a"], "is not a path"),
])
def test_refused_naming_the_option(value, text):
    with pytest.raises(ConfigurationError) as info:
        volume_path("target_path", value)
    assert info.value.msg.startswith("target_path: ") and text in info.value.msg
    assert info.value.to_result()["option"] == "target_path" and info.value.code == "invalid_option"


def test_an_entry_of_a_list_is_named_as_such():
    with pytest.raises(ConfigurationError, match=r"^files: entry '\.\./x' has a '\.\.' component"):
        volume_path("files", "../x", entry=True, from_root=True)


def test_the_argument_spec_types_read_as_the_documented_ones():
    assert PATH == "str" and PATH.__name__ == "str" and PATHS == "list" and PATHS.__name__ == "list"


@pytest.mark.parametrize("value, expected", [("/a,b.txt", ["/a,b.txt"]), (["/a", "/b,c"], ["/a", "/b,c"]),
                                             (7, ["7"])])
def test_a_list_of_paths_never_splits_a_text_at_its_commas(value, expected):
    assert PATHS(value) == expected


def test_a_path_argument_refuses_a_control_character():
    assert PATH("/restored", param="target_path") == "/restored"
    with pytest.raises(TypeError, match=r"^'/a\\x00' contains the control character U\+0000$"):
        PATH("/a\x00")
