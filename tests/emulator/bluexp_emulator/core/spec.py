# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Optional request validation against NetApp's published Swagger 2.0 specs.

The specs are reference data kept outside the repository. When they are present, every
validated route checks its query parameters, declared headers and JSON body with
jsonschema (Draft 4, the dialect Swagger 2.0 schemas are written in); when they are absent
the emulator still runs, without validation.
"""
from __future__ import annotations

import copy
import functools
import json
import os
import re
import sys
import threading
from pathlib import Path
from typing import Any

from bluexp_emulator.core.errors import BadRequest

SPEC_DIR_ENV = "BLUEXP_SPEC_DIR"
PRIMARY = "cbs-2.0.6.json"
FALLBACK = "cbs-4.0.6-full.yaml"
TENANCY = "tenancy.json"
# Headers checked by the access rules before validation runs, with their own status codes.
GUARDED_HEADERS = frozenset({"authorization", "x-agent-id"})
# Numeric-looking fields the spec types as strings while NetApp's own examples send numbers.
LENIENT_STRING_FIELDS = frozenset({"retention", "archive-after-days", "attached-volumes-count"})
# Numbers that 4.x turned into strings (``inode`` of restore v3 file entries): both are accepted.
LENIENT_NUMBER_FIELDS = frozenset({"inode"})
_warned = False
_SCHEMA_KEYS = ("type", "enum", "items", "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum",
                "pattern", "minLength", "maxLength", "minItems", "maxItems")


def default_spec_dir() -> Path:
    """``../shared/bluexp-api`` next to the repository root (this file is 4 levels below it)."""
    repo_root = Path(__file__).resolve().parents[4]
    return repo_root.parent / "shared" / "bluexp-api"


def find_spec_dir() -> Path | None:
    configured = os.environ.get(SPEC_DIR_ENV)
    directory = Path(configured) if configured else default_spec_dir()
    return directory if (directory / PRIMARY).is_file() else None


def _load_yaml(path: Path) -> dict[str, Any]:
    import yaml  # PyYAML ships with ansible-core; only needed for the 4.x superset

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    with path.open(encoding="utf-8") as handle:
        return yaml.load(handle, Loader=loader)  # noqa: S506 - safe loader


def _inline_refs(node: Any, root: dict[str, Any], depth: int = 0) -> Any:
    """Resolve local ``#/definitions/...`` references so each schema stands alone."""
    if depth > 50:
        return node
    if isinstance(node, dict):
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#/"):
            target: Any = root
            for part in ref[2:].split("/"):
                target = target.get(part, {}) if isinstance(target, dict) else {}
            return _inline_refs(target, root, depth + 1)
        return {key: _inline_refs(value, root, depth + 1) for key, value in node.items()}
    if isinstance(node, list):
        return [_inline_refs(item, root, depth + 1) for item in node]
    return node


def _lenient(schema: Any) -> Any:
    """Accept numbers where the spec says string for the known numeric-looking fields."""
    if isinstance(schema, dict):
        result = {key: _lenient(value) for key, value in schema.items()}
        props = result.get("properties")
        if isinstance(props, dict):
            for name in LENIENT_STRING_FIELDS & set(props):
                if props[name].get("type") == "string" and "enum" not in props[name]:
                    props[name] = {**props[name], "type": ["string", "number"]}
            for name in LENIENT_NUMBER_FIELDS & set(props):
                if props[name].get("type") == "number":
                    props[name] = {**props[name], "type": ["number", "string"]}
        return result
    if isinstance(schema, list):
        return [_lenient(item) for item in schema]
    return schema


def _coerce(raw: list[str], declared: dict[str, Any]) -> Any:
    """Convert query strings to the declared type; leave them as strings if they do not fit."""
    kind = declared.get("type")
    if kind == "array":
        items = [part for value in raw for part in value.split(",")]
        return [_coerce([item], declared.get("items", {})) for item in items]
    value = raw[-1]
    if kind == "boolean" and value.lower() in ("true", "false"):
        return value.lower() == "true"
    if kind == "integer" and re.fullmatch(r"-?\d+", value):
        return int(value)
    if kind == "number":
        try:
            return float(value)
        except ValueError:
            return value
    return value


class Spec:
    """Operations of the CBS specs (2.0.6 first, then the 4.x superset) and tenancy."""

    def __init__(self, directory: Path) -> None:
        self.directory = directory
        self._docs: dict[str, dict[str, Any] | None] = {}
        self._validators: dict[tuple[str, str, str], Any] = {}
        self._lock = threading.Lock()

    @classmethod
    def load(cls, announce: bool = True) -> Spec | None:
        """The spec if present; otherwise ``None`` and (once per process) a warning."""
        global _warned  # noqa: PLW0603 - warn once per process
        directory = find_spec_dir()
        if directory is None:
            if announce and not _warned:
                _warned = True
                print(f"warning: API spec not found (set {SPEC_DIR_ENV}); request validation is disabled",
                      file=sys.stderr)
            return None
        return _cached_spec(str(directory))

    def _doc(self, name: str) -> dict[str, Any] | None:
        with self._lock:
            if name not in self._docs:
                path = self.directory / name
                if not path.is_file():
                    self._docs[name] = None
                elif name.endswith(".json"):
                    self._docs[name] = json.loads(path.read_text(encoding="utf-8"))
                else:
                    self._docs[name] = _load_yaml(path)
            return self._docs[name]

    def find(self, method: str, template: str, source: str | None = None) -> tuple[str, dict[str, Any]] | None:
        """The first spec file (in priority order, or only ``source``) that declares this operation."""
        for name in (source,) if source else (PRIMARY, TENANCY, FALLBACK):
            doc = self._doc(name)
            operation = ((doc or {}).get("paths", {}).get(template) or {}).get(method.lower())
            if operation:
                return name, _inline_refs(operation, doc or {})
        return None

    def has_operation(self, method: str, template: str) -> bool:
        return self.find(method, template) is not None

    def response_schema(self, method: str, template: str, status: str = "200",
                        source: str | None = None) -> dict[str, Any] | None:
        found = self.find(method, template, source)
        if found is None:
            return None
        response = found[1].get("responses", {}).get(status) or {}
        return response.get("schema")

    def _validator(self, method: str, template: str, part: str) -> Any:
        from jsonschema import Draft4Validator

        key = (method, template, part)
        with self._lock:
            if key in self._validators:
                return self._validators[key]
        found = self.find(method, template)
        validator: tuple[Any, Any] | None = None
        if found is not None:
            params = found[1].get("parameters", [])
            if part == "body":
                body = next((p for p in params if p.get("in") == "body"), None)
                if body is not None:
                    validator = (Draft4Validator(_lenient(copy.deepcopy(body.get("schema", {})))),
                                 bool(body.get("required")))
            else:
                declared = {p["name"]: p for p in params if p.get("in") == part}
                if part == "query" and found[0] == PRIMARY:
                    declared.update(self._later_query_parameters(method, template, declared))
                schema = {
                    "type": "object",
                    "properties": {name: {k: p[k] for k in _SCHEMA_KEYS if k in p} for name, p in declared.items()},
                    "required": sorted(name for name, p in declared.items() if p.get("required")
                                       and name.lower() not in GUARDED_HEADERS),
                }
                if not schema["required"]:
                    del schema["required"]
                validator = (Draft4Validator(schema), declared)
        with self._lock:
            self._validators[key] = validator
        return validator

    def _later_query_parameters(self, method: str, template: str,
                                declared: dict[str, Any]) -> dict[str, dict[str, Any]]:
        """Query parameters 4.x added to a 2.0.6 operation (e.g. the SFR list filters): checked
        when sent, never required."""
        later = self.find(method, template, FALLBACK)
        if later is None:
            return {}
        return {p["name"]: {**p, "required": False} for p in later[1].get("parameters", [])
                if p.get("in") == "query" and p["name"] not in declared}

    def validate_request(self, method: str, template: str, query: dict[str, list[str]],
                         headers: dict[str, str], body: Any) -> None:
        """Raise ``BadRequest`` with the validator's message on the first violation."""
        found = self._validator(method, template, "query")
        if found is not None:
            validator, declared = found
            values = {name: _coerce(raw, declared[name]) for name, raw in query.items() if name in declared and raw}
            self._check(validator, values, "query parameter")
        found = self._validator(method, template, "header")
        if found is not None:
            validator, declared = found
            lower = {name.lower(): name for name in declared}
            values = {lower[name]: value for name, value in headers.items() if name in lower}
            self._check(validator, values, "header")
        found = self._validator(method, template, "body")
        if found is not None:
            validator, required = found
            if body is None:
                if required:
                    raise BadRequest("request body is required")
                return
            self._check(validator, body, "body")

    @staticmethod
    def _check(validator: Any, instance: Any, where: str) -> None:
        from jsonschema.exceptions import best_match

        error = best_match(validator.iter_errors(instance))
        if error is None:
            return
        location = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in error.absolute_path)
        if where == "body":
            raise BadRequest(f"body{location}: {error.message}")
        name = location.lstrip(".").split(".", 1)[0] if location else ""
        raise BadRequest(f"{where} {name!r}: {error.message}" if name else f"{where}: {error.message}")


@functools.lru_cache(maxsize=4)
def _cached_spec(directory: str) -> Spec:
    """One parsed copy per process: the fixture starts many emulators."""
    return Spec(Path(directory))
