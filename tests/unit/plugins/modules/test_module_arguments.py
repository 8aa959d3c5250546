# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Property: whatever arguments a module is given, it ends in exit_json or fail_json, never a traceback.

The arguments are drawn from each module's own ARGUMENT_SPEC: values of the declared type mixed with
hostile ones (empty, '.', '..', '/', NUL, 'inf', '1e999', fractions, wrong types), and names and IDs
that exist in the emulated account so that the draws reach past the lookups into the real work. Each
module runs in-process against the emulator, in check mode or not, with waits on the emulator's clock.
The draws are derandomised: the same inputs run on every machine. BLUEXP_PROPERTY_EXAMPLES raises the
count for a longer search (docs/resilience.md).
"""

from __future__ import annotations

import collections
import json
import os
import pkgutil
import traceback
from pathlib import Path
from typing import Any

import pytest
from ansible.module_utils.ansible_release import __version__ as ansible_version
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ansible_collections.bluexp.cloud_backup.plugins import modules as modules_package
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import load_module

MODULES = sorted(info.name for info in pkgutil.iter_modules(modules_package.__path__))
EXAMPLES = int(os.environ.get("BLUEXP_PROPERTY_EXAMPLES", "40"))
REPORTS = Path("tests/output/reports/module-arguments")
# The connection comes from the harness; drawing it would only test the credential checks, many times.
CONNECTION = {"refresh_token", "client_id", "client_secret", "token", "account_id", "connector_id", "api_url",
              "auth_url", "validate_certs", "ca_path", "timeout", "bypass_cache"}
HOSTILE_TEXT = ["", " ", ".", "..", "a/b", "../../etc/passwd", "nul\x00byte", "line\nbreak", "inf", "1e999", "-1",
                "1.5", "true", "{{ x }}", "\u00e9\u00e8", "x" * 300]
HOSTILE_NUMBERS = ["inf", "-inf", "nan", "1e3", "1e999", "1.5", "-1", "0", "", "12abc", 1.5, 1e3, 10 ** 20, -(10 ** 9)]
# Per module: how each draw ended (exit_json, our fail_json with an error_code, ansible-core's argument checks).
OUTCOMES: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
CORE_CRASH = "crashed in ansible-core's argument checks"


def account_names(emulator: Any) -> dict[str, list[str]]:
    """Names and IDs of the emulated account by kind: a draw that uses them gets past the lookups."""
    names: dict[str, set[str]] = collections.defaultdict(set)
    for we in emulator.account["working_environments"]:
        names["we_id"].add(we["id"])
        names["we_name"].add(we["name"])
        for volume in we.get("volume_list") or []:
            names["volume"].add(volume["name"])
            names["svm"].add(volume["svm"])
    return {kind: sorted(values)[:20] for kind, values in names.items()}


def realistic(option: str, names: dict[str, list[str]]) -> st.SearchStrategy:
    """A plausible value for an option, judged by its name."""
    if option.endswith(("working_environment_id", "working_environment_ids")):
        return st.sampled_from(names["we_id"])
    if option.endswith(("working_environment_name", "working_environment_names")):
        return st.sampled_from(names["we_name"])
    if option in ("volume", "volumes", "source_volume", "target_volume", "name", "names"):
        return st.sampled_from(names["volume"] + ["Default", "daily", "before-upgrade"])
    if option.endswith("svm"):
        return st.sampled_from(names["svm"])
    if "path" in option or option == "files":
        return st.sampled_from(["/", "/home", "/home/a.txt", "/etc/hosts", "restored"])
    return st.text(alphabet="abcdefghij-_0123456789", min_size=1, max_size=10)


HOSTILE = st.one_of(st.sampled_from(HOSTILE_TEXT), st.sampled_from(HOSTILE_NUMBERS), st.text(max_size=6),
                    st.lists(st.sampled_from(HOSTILE_TEXT), max_size=2), st.just({"a": 1}))


def typed_value(option: str, spec: dict[str, Any], names: dict[str, list[str]]) -> st.SearchStrategy:
    kind = spec.get("type", "str")
    if spec.get("options"):
        entry = options_strategy(spec["options"], names)
        return st.lists(entry, min_size=1, max_size=2) if kind == "list" else entry
    if spec.get("choices"):
        good = st.sampled_from(list(spec["choices"]))
        return st.lists(good, min_size=1, max_size=3, unique=True) if kind == "list" else good
    if kind == "bool":
        return st.booleans()
    if kind in ("int", "float"):
        return st.integers(0, 400)
    if kind == "list":
        return st.lists(realistic(option, names), min_size=1, max_size=3)
    if kind == "dict":
        return st.dictionaries(st.sampled_from(["key", "name"]), realistic(option, names), max_size=2)
    return realistic(option, names)


def options_strategy(spec: dict[str, dict[str, Any]], names: dict[str, list[str]]) -> st.SearchStrategy:
    """A dict of some of the options, required ones mostly present. Two draws in three are of the declared
    types (to reach the module's own work); in the others any option may be hostile or of another type."""
    chosen = [name for name in spec if name not in CONNECTION]
    typed = {name: typed_value(name, spec[name], names) for name in chosen}

    @st.composite
    def build(draw: Any) -> dict[str, Any]:
        hostile = draw(st.integers(0, 2)) == 0
        args = {}
        for name in chosen:
            if draw(st.integers(0, 9)) < (9 if spec[name].get("required") else 3):
                args[name] = draw(st.one_of(typed[name], HOSTILE) if hostile else typed[name])
        return args

    return build()


def raised_by_core_argument_checks(exc: Exception) -> bool:
    """ansible-core's own argument validation crashes on some inputs before a module's code runs
    (docs/resilience.md lists them): those are counted apart, anything else fails the test."""
    frames = traceback.extract_tb(exc.__traceback__)
    return bool(frames) and "/ansible/module_utils/common/" in frames[-1].filename.replace("\\", "/")


def outcome_of(result: dict[str, Any]) -> str:
    if not result.get("failed"):
        return "changed" if result.get("changed") else "ok"
    return "failed: " + result["error_code"] if "error_code" in result else "refused by argument checks"


@pytest.mark.emulator(backup_interval_s=0)
@pytest.mark.parametrize("module_name", MODULES)
def test_any_arguments_end_in_exit_or_fail_json(emulator, module_name):
    module = load_module(module_name)
    arguments = options_strategy(module.ARGUMENT_SPEC, account_names(emulator))

    @settings(max_examples=EXAMPLES, derandomize=True, deadline=None, database=None,
              suppress_health_check=list(HealthCheck))
    @given(args=arguments, check_mode=st.booleans())
    def run(args, check_mode):
        try:
            result = emulator.run(module_name, _ansible_check_mode=check_mode, **args).result
        except Exception as exc:  # pylint: disable=broad-exception-caught
            if not raised_by_core_argument_checks(exc):
                raise
            OUTCOMES[module_name][CORE_CRASH] += 1
            return
        assert isinstance(result.get("msg", ""), str)
        if result.get("failed"):
            assert result["msg"], "a failure says what failed"
            assert "Traceback" not in result["msg"] and "exception" not in result
        OUTCOMES[module_name][outcome_of(result)] += 1

    run()
    # One file per module and ansible-core: docs/resilience.md sums them (the tests run in parallel).
    report = REPORTS / "{0}-{1}.json".format(ansible_version, module_name)
    report.parent.mkdir(parents=True, exist_ok=True)
    outcomes = OUTCOMES[module_name]
    report.write_text(json.dumps(dict(outcomes, inputs=sum(outcomes.values()), tracebacks_from_the_collection=0),
                                 indent=1, sort_keys=True))
