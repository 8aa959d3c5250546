# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Checks recorded requests against NetApp's published API specs.

The specs stay outside the repository: they are read from BLUEXP_SPEC_DIR, by default
../shared/bluexp-api next to the repository root. cbs-2.0.6.json is the contract; an
operation found only in cbs-4.0.6-full.yaml is checked against that file. Unlike the
emulator, the checker is strict: a number where the spec says string is a violation.
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterable

from jsonschema import Draft4Validator
from jsonschema.exceptions import best_match

CBS_PREFIX = "/account/{accountId}/providers/cloudmanager_cbs"
CONTRACT = "cbs-2.0.6.json"
SUPERSET = "cbs-4.0.6-full.yaml"
TENANCY = "tenancy.json"
METHODS = ("get", "put", "post", "delete", "patch")


def spec_dir() -> Path:
    configured = os.environ.get("BLUEXP_SPEC_DIR")
    if configured:
        return Path(configured)
    return Path(__file__).resolve().parents[2].parent / "shared" / "bluexp-api"


@dataclass(frozen=True)
class Operation:
    source: str
    method: str
    template: str
    definition: dict = field(hash=False, compare=False, repr=False)
    category: str = ""

    @property
    def key(self) -> str:
        return "{0} {1}".format(self.method.upper(), self.template)

    def literal_segments(self) -> int:
        return sum(1 for part in self.template.split("/") if part and not part.startswith("{"))


def _load(path: Path) -> dict[str, Any]:
    if path.suffix == ".json":
        return json.loads(path.read_text(encoding="utf-8"))
    import yaml

    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
    return yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader


def _pattern(template: str) -> re.Pattern[str]:
    parts = [re.escape(p) if not p.startswith("{") else "[^/]+" for p in template.split("/")]
    return re.compile("^" + "/".join(parts) + "$")


class Contract:
    def __init__(self, directory: Path | None = None) -> None:
        self.directory = directory or spec_dir()
        if not (self.directory / CONTRACT).is_file():
            raise FileNotFoundError("The API spec {0} is not in {1}; set BLUEXP_SPEC_DIR.".format(
                CONTRACT, self.directory))
        self.operations: list[Operation] = []
        for source in (CONTRACT, TENANCY, SUPERSET):
            path = self.directory / source
            if not path.is_file():
                continue
            doc = _load(path)
            for template, item in (doc.get("paths") or {}).items():
                for method in METHODS:
                    if method in (item or {}):
                        definition = item[method]
                        tags = definition.get("tags") or [""]
                        self.operations.append(Operation(source, method, template, definition, tags[0]))
        self._patterns = {op: _pattern(op.template) for op in self.operations}

    def contract_operations(self) -> list[Operation]:
        return [op for op in self.operations if op.source == CONTRACT]

    def match(self, method: str, path: str) -> Operation | None:
        """The operation of a concrete request; the contract first, then the superset."""
        candidates = [op for op in self.operations
                      if op.method == method.lower() and self._patterns[op].match(path)]
        if not candidates:
            return None
        order = {CONTRACT: 0, TENANCY: 0, SUPERSET: 1}
        return sorted(candidates, key=lambda op: (order[op.source], -op.literal_segments()))[0]

    def violations(self, request: dict[str, Any]) -> list[str]:
        """Every way the request breaks the spec; empty when it conforms."""
        method, path = request["method"], request["path"]
        operation = self.match(method, path)
        if operation is None:
            return ["{0} {1}: no such operation in the published specs".format(method, path)]
        problems = []
        params = operation.definition.get("parameters") or []
        headers = {k.lower(): v for k, v in (request.get("headers") or {}).items()}
        query = request.get("query") or {}
        for param in params:
            name, where = param.get("name", ""), param.get("in")
            if where == "header" and param.get("required") and not headers.get(name.lower()):
                problems.append("missing required header {0!r}".format(name))
            if where == "query":
                if param.get("required") and name not in query:
                    problems.append("missing required query parameter {0!r}".format(name))
                if name in query:
                    problems.extend(_query_problems(name, query[name], param))
        declared_query = {p.get("name") for p in params if p.get("in") == "query"}
        for name in query:
            if name not in declared_query:
                problems.append("query parameter {0!r} is not declared".format(name))
        body_param = next((p for p in params if p.get("in") == "body"), None)
        body = request.get("body")
        if body_param is None and body not in (None, {}, ""):
            problems.append("a body was sent to an operation that declares none")
        if body_param is not None:
            if body is None and body_param.get("required"):
                problems.append("the required body is missing")
            elif body is not None:
                error = best_match(Draft4Validator(body_param.get("schema") or {}).iter_errors(body))
                if error is not None:
                    where = "".join("[{0}]".format(p) if isinstance(p, int) else ".{0}".format(p)
                                    for p in error.absolute_path)
                    problems.append("body{0}: {1}".format(where, error.message))
        return ["{0} {1} ({2}): {3}".format(method, path, operation.key, p) for p in problems]

    def coverage(self, requests: Iterable[dict[str, Any]]) -> tuple[set[Operation], list[Operation]]:
        """(contract operations exercised, contract operations not exercised)."""
        used = set()
        for request in requests:
            operation = self.match(request["method"], request["path"])
            if operation is not None and operation.source == CONTRACT:
                used.add(operation)
        missing = [op for op in self.contract_operations() if op not in used]
        return used, missing


def _query_problems(name: str, values: Any, param: dict[str, Any]) -> list[str]:
    values = values if isinstance(values, list) else [values]
    kind, enum = param.get("type"), param.get("enum")
    problems = []
    for raw in values:
        value = str(raw)
        if kind == "boolean" and value not in ("true", "false"):
            problems.append("query parameter {0!r} must be true or false, got {1!r}".format(name, value))
        if kind in ("integer", "number") and not re.fullmatch(r"-?\d+(\.\d+)?", value):
            problems.append("query parameter {0!r} must be a number, got {1!r}".format(name, value))
        if enum and value not in enum:
            problems.append("query parameter {0!r} must be one of {1}, got {2!r}".format(name, enum, value))
    return problems


def is_api_request(request: dict[str, Any]) -> bool:
    """Requests the specs describe: the cbs service and account discovery."""
    path = request.get("path", "")
    return "/providers/cloudmanager_cbs/" in path or path == "/tenancy/account"
