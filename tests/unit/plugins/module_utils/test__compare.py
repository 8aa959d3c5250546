# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field, differences, normalise_rules


@pytest.mark.parametrize("rules, expected", [
    (None, []),
    ([], []),
    ([{"label": "weekly", "retention": "52"}, {"label": "daily", "retention": "30"}],
     [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 52}]),
    ([{"label": "daily", "retention": 30}], [{"label": "daily", "retention": 30}]),
    ([{"label": "daily", "retention": 30.0}], [{"label": "daily", "retention": 30}]),
    ([{"label": "daily", "retention": "30.0"}], [{"label": "daily", "retention": 30}]),
    ([{"label": "daily", "retention": "", "period": "x"}], [{"label": "daily", "retention": None}]),
    ([{"label": "daily", "retention": "many"}], [{"label": "daily", "retention": None}]),
    ([{"label": "daily"}], [{"label": "daily", "retention": None}]),
], ids=["none", "empty", "strings unsorted", "int", "float", "float string", "extra keys dropped", "not a number",
        "no retention"])
def test_normalise_rules(rules, expected):
    assert normalise_rules(rules) == expected


def test_normalised_rules_compare_equal_whatever_the_form():
    from_api = [{"label": "weekly", "retention": "12"}, {"label": "daily", "retention": "30"}]
    from_user = [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}]
    assert normalise_rules(from_api) == normalise_rules(from_user)
    assert normalise_rules(from_api) != normalise_rules([{"label": "daily", "retention": 31},
                                                         {"label": "weekly", "retention": 12}])


def test_normalise_rules_does_not_change_its_input():
    rules = [{"label": "b", "retention": "2"}, {"label": "a", "retention": "1"}]
    normalise_rules(rules)
    assert rules == [{"label": "b", "retention": "2"}, {"label": "a", "retention": "1"}]


def test_normalise_rules_accepts_a_generator():
    assert normalise_rules(r for r in [{"label": "a", "retention": 1}]) == [{"label": "a", "retention": 1}]


@pytest.mark.parametrize("current, desired, expected", [
    ({"a": 1}, {"a": 1}, {}),
    ({"a": 1}, {"a": 2}, {"a": (1, 2)}),
    ({"a": 1}, {"a": None}, {}),
    ({}, {"a": 2}, {"a": (None, 2)}),
    ({"a": True}, {"a": False}, {"a": (True, False)}),
    ({"a": 0}, {"a": 0}, {}),
    ({"a": None}, {"a": 0}, {"a": (None, 0)}),
    ({"a": 1, "b": "x"}, {"b": "y"}, {"b": ("x", "y")}),
    ({"r": [1, 2]}, {"r": [1, 2]}, {}),
], ids=["same", "differs", "not set", "missing", "false is a value", "zero same", "zero set", "others ignored",
        "lists"])
def test_differences_only_of_options_set(current, desired, expected):
    assert differences((), current, desired) == expected


def test_no_current_view_means_every_set_field_differs():
    assert differences((), None, {"a": 1, "b": None}) == {"a": (None, 1)}


@pytest.mark.parametrize("field, current, desired, differs", [
    (Field("name", compare="casefold"), "RG-Backup", "rg-backup", False),
    (Field("name", compare="casefold"), "rg-a", "rg-b", True),
    (Field("ids", compare="set"), ["b", "a"], ["a", "b"], False),
    (Field("ids", compare="set"), ["a"], ["a", "b"], True),
    (Field("rules", compare="set"), [{"x": 1, "y": 2}], [{"y": 2, "x": 1}], False),
    (Field("rules", compare=normalise_rules), [{"label": "daily", "retention": "30"}],
     [{"label": "daily", "retention": 30}], False),
    (Field("rules", compare=normalise_rules), [{"label": "daily", "retention": "30"}],
     [{"label": "daily", "retention": 31}], True),
    (Field("n"), 1, 1, False),
    (Field("n"), "1", 1, True),
], ids=["casefold same", "casefold differs", "set same", "set differs", "set of dicts", "normaliser same",
        "normaliser differs", "exact same", "exact is exact"])
def test_field_table_decides_how_values_compare(field, current, desired, differs):
    assert bool(differences((field,), {field.key: current}, {field.key: desired})) is differs


def test_only_fields_of_the_table_are_compared():
    table = (Field("a"),)
    assert differences(table, {"a": 1, "b": 1}, {"a": 1, "b": 2}) == {}
