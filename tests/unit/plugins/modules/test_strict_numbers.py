# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Every numeric option of every module takes whole numbers only, whatever the ansible-core version.

ansible-core converts type='int' loosely (on 2.19 and 2.21 "1e3" is 1000 and "inf" raises OverflowError,
a traceback instead of a failed task); the modules' options use _argspec.INT and SECONDS instead.
"""

from __future__ import annotations

import pkgutil
from unittest import mock

import pytest

from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _module
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import StrictInt, StrictSeconds
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import load_module

LOOSE_NUMBERS = ["inf", "-inf", ".inf", "1e999", "1e3", "1.5", 1.5, float("inf")]


class _Built(Exception):
    """Raised in place of AnsibleModule: carries what the module would have built it with."""


def _capture(**kwargs):
    raise _Built(kwargs)


def module_names():
    import ansible_collections.bluexp.cloud_backup.plugins.modules as package
    return sorted(info.name for info in pkgutil.iter_modules(package.__path__))


def argument_spec(name):
    """The full argument spec a module hands to AnsibleModule (its own options and the shared ones)."""
    with mock.patch.object(_module, "AnsibleModule", _capture):
        try:
            load_module(name).main()
        except _Built as built:
            return built.args[0]["argument_spec"]
    raise AssertionError("{0} built no AnsibleModule".format(name))


def numeric_options(spec, path=()):
    """(path, option spec) of every option of type int, suboptions included."""
    for name, option in spec.items():
        if option.get("type") == "int":
            yield path + (name,), option
        if option.get("options"):
            yield from numeric_options(option["options"], path + (name,))


def parameters(spec, path, value):
    """The task arguments that set the option at `path` to `value` (a list of dicts where the spec has one)."""
    name, rest = path[0], path[1:]
    if not rest:
        return {name: value}
    inner = parameters(spec[name]["options"], rest, value)
    return {name: [inner] if spec[name].get("type") == "list" else inner}


NUMERIC = [(name, path) for name in module_names() for path, _option in numeric_options(argument_spec(name))]


def test_the_scan_finds_the_numeric_options():
    found = {(name, ".".join(path)) for name, path in NUMERIC}
    for expected in [("job_info", "wait_timeout"), ("working_environment_info", "timeout"),
                     ("backup_policy", "rules.retention"), ("backup_activation", "policy.rules.retention"),
                     ("backup_activation", "policy.archive_after_days"), ("catalog_search_info", "min_size"),
                     ("storagegrid", "port"), ("sfr_browse_info", "max_entries")]:
        assert expected in found
    assert len({name for name, _path in NUMERIC}) == len(module_names()), "every module has timeout"


@pytest.mark.parametrize("name, path", NUMERIC, ids=["{0}:{1}".format(n, ".".join(p)) for n, p in NUMERIC])
def test_every_numeric_option_is_strict(name, path):
    option = dict(numeric_options(argument_spec(name)))[path]
    assert isinstance(option["type"], StrictInt)
    if path[-1].endswith("timeout"):
        assert isinstance(option["type"], StrictSeconds)


@pytest.mark.parametrize("name, path", NUMERIC, ids=["{0}:{1}".format(n, ".".join(p)) for n, p in NUMERIC])
@pytest.mark.parametrize("value", LOOSE_NUMBERS, ids=repr)
def test_a_loose_number_is_refused_naming_the_option(name, path, value):
    spec = argument_spec(name)
    result = ArgumentSpecValidator(spec).validate(parameters(spec, path, value))
    refusals = [str(error) for error in result.errors if "is not a whole number" in str(error)]
    assert len(refusals) == 1, [str(error) for error in result.errors]
    assert "argument '{0}'".format(path[-1]) in refusals[0]
    if len(path) > 1:
        assert "found in '{0}'".format(" -> ".join(path[:-1])) in refusals[0]


# --- whole module runs: a failed task before any request, never a traceback -------------------------------

@pytest.mark.parametrize("module, option, args", [
    ("job_info", "wait_timeout", {"wait_timeout": "inf"}),
    ("working_environment_info", "timeout", {"timeout": "1e999"}),
    ("sfr_browse_info", "max_entries", {"working_environment_name": "we", "volume": "vol", "max_entries": "1e3"}),
    ("backup_policy", "retention", {"working_environment_name": "we", "name": "gold",
                                    "rules": [{"label": "daily", "retention": "1.5"}]}),
    ("backup_activation", "max_transfer_rate", {"working_environment_name": "we", "max_transfer_rate": ".inf"}),
    ("catalog_search_info", "min_size", {"query": "budget", "min_size": 1.5}),
    ("storagegrid_info", "port", {"port": float("inf")}),
    ("storagegrid", "wait_timeout", {"name": "grid", "wait_timeout": "-inf"}),
], ids=lambda v: v if isinstance(v, str) else "")
def test_a_module_given_a_loose_number_fails_before_any_request(emulator, module, option, args):
    result = emulator.run_fail(module, **args)
    assert "argument '{0}'".format(option) in result["msg"] and "is not a whole number" in result["msg"]
    assert emulator.requests() == []
