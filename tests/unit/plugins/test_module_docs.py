# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""The modules' RETURN blocks, as ansible-doc and the reference pages show them.

Every documented key has a sample; a sample of a string key stays a string once YAML has read it
(YAML 1.1 turns a bare ON, yes or no into a boolean); every sub-key the EXAMPLES read from a
registered result (``result.key.sub``, ``result.key[0].sub``) is documented under ``contains``.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from typing import Any, Iterator

import pytest
import yaml

from ansible_collections.bluexp.cloud_backup.plugins import modules as modules_package

MODULES = sorted(info.name for info in pkgutil.iter_modules(modules_package.__path__))
# Keys every module result has, documented by ansible-core rather than by each module.
COMMON_KEYS = {"changed", "failed", "msg", "skipped", "diff", "warnings"}
REGISTER = re.compile(r"^\s*register:\s*(\w+)\s*$", re.M)


def load(name: str) -> Any:
    return importlib.import_module("{0}.{1}".format(modules_package.__name__, name))


def return_doc(name: str) -> dict[str, Any]:
    return yaml.safe_load(load(name).RETURN) or {}


def documented_keys(doc: dict[str, Any], prefix: str = "") -> Iterator[tuple[str, dict[str, Any]]]:
    for key, spec in doc.items():
        yield prefix + key, spec
        if isinstance(spec.get("contains"), dict):
            yield from documented_keys(spec["contains"], prefix + key + ".")


def example_reads(examples: str) -> Iterator[tuple[str, list[str]]]:
    """Each ``<register>.<key>...`` expression of the examples, as its chain of key names (indexes dropped)."""
    for register in set(REGISTER.findall(examples)):
        for match in re.finditer(r"\b{0}((?:\.\w+|\[[^\]]*\])+)".format(register), examples):
            yield match.group(0), re.findall(r"\.(\w+)", match.group(1))


def undocumented_read(doc: dict[str, Any], chain: list[str]) -> str | None:
    """The first key of ``chain`` that the RETURN block does not document, or None."""
    if chain[0] in COMMON_KEYS:
        return None
    level: dict[str, Any] | None = doc
    for depth, key in enumerate(chain):
        if level is None or key not in level:
            return ".".join(chain[:depth + 1])
        level = level[key].get("contains")
    return None


@pytest.mark.parametrize("name", MODULES)
def test_every_returned_key_has_a_sample(name: str) -> None:
    missing = [key for key, spec in documented_keys(return_doc(name)) if "sample" not in spec]
    assert not missing, "{0}: RETURN keys without a sample: {1}".format(name, ", ".join(missing))


@pytest.mark.parametrize("name", MODULES)
def test_string_samples_stay_strings(name: str) -> None:
    wrong = ["{0} ({1!r})".format(key, spec["sample"]) for key, spec in documented_keys(return_doc(name))
             if spec.get("type") == "str" and "sample" in spec and not isinstance(spec["sample"], str)]
    assert not wrong, "{0}: type str keys whose sample YAML reads as another type: {1}".format(name, ", ".join(wrong))


@pytest.mark.parametrize("name", MODULES)
def test_examples_read_only_documented_keys(name: str) -> None:
    doc = return_doc(name)
    unknown = ["{0} ({1})".format(expression, key) for expression, chain in example_reads(load(name).EXAMPLES)
               for key in [undocumented_read(doc, chain)] if key]
    assert not unknown, "{0}: EXAMPLES read keys RETURN does not document: {1}".format(name, ", ".join(unknown))


def test_an_undocumented_sub_key_is_found() -> None:
    doc = {"volume": {"type": "dict", "sample": {}}}
    assert undocumented_read(doc, ["volume", "file_system_id"]) == "volume.file_system_id"
    assert undocumented_read({"volume": {"contains": {"name": {}}}}, ["volume", "name"]) is None
    assert list(example_reads("register: restored\nmsg: '{{ restored.volume[0].name }}'")) == [
        ("restored.volume[0].name", ["volume", "name"])]
