# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.plugin_utils._filters import jinja_filter


def halve(value, strict=False):
    """Half of an even number."""
    if strict and value % 2:
        raise ValueError("{0} is odd".format(value))
    return value // 2


def test_a_filter_passes_arguments_and_returns_the_result():
    assert jinja_filter("halve", halve)(8, strict=True) == 4


def test_a_value_error_names_the_filter_and_is_not_chained():
    with pytest.raises(AnsibleFilterError, match=r"^halve: 3 is odd$") as caught:
        jinja_filter("halve", halve)(3, strict=True)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_other_errors_are_not_hidden():
    with pytest.raises(TypeError):
        jinja_filter("halve", halve)("x")


def test_the_filter_keeps_its_name_and_documentation():
    wrapped = jinja_filter("halve", halve)
    assert wrapped.__name__ == "halve" and wrapped.__doc__ == "Half of an even number."
