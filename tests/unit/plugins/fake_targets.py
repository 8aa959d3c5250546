# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""FakeCbs plus the backup target operations: StorageGRID, Cloud look-ups and License.

Shapes follow cbs-2.0.6.json and, for what only API 4.x has, cbs-4.0.6-full.yaml:
- `GET api/v1/sg` lists `grids` as `{"sgws": [{name, id}]}`. `POST api/v1/sg` discovers the grid
  that `discoverable[admin-host]` describes and answers `{name, id}`; the grid shows up in the
  listing only after `listing_delay` more listings.
- `POST api/v1/sg/version` answers `versions[storage-server]` (400 for an unknown server).
- `GET api/v2/sg` answers `{"ids": [...]}` from `credential_store`, or 404 when it is None (API 2.x);
  `POST api/v2/sg/credentials`, `PUT|DELETE api/v2/sg/credentials/{name}` change it.
- `POST api/v1/sg/credentials/working-environment/{id}` keeps the body in `we_credentials`.
- Cloud look-ups answer `cloud[path after api/v1/]` (404 when not seeded); Azure resource groups
  are a model (`azure_groups`), filtered by the `region` query, created by POST, listed after
  `group_listing_delay` more listings.
- `GET api/v1/license/working-environment/{id}` checks `provider` against the spec's enum and wants
  `cloudProviderAccountId` except for SGWS (400 otherwise), then answers `licenses[id]`;
  `.../validity` answers `validity[id]` or 404 (a Connector without the 4.x operation).

Every body is checked for the fields the spec requires; a request that breaks it gets a 400, so a
test sees it fail instead of passing on a wrong body.
"""

from __future__ import annotations

import copy
import functools
import json
import os
import re
import types
from pathlib import Path
from typing import Any

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _api, _runner, _waiter
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import FakeCbs
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import Call, reply

# Secrets of the targets: distinctive so that a leak is easy to find in any output.
ADMIN_PASSWORD = "sg-admin-SECRET-5e1d"
SECRET_KEY = "sg-s3-SECRET-90ab"
TARGET_SECRETS = (ADMIN_PASSWORD, SECRET_KEY)

LICENSE_PROVIDERS = ("AWS", "AZURE", "GCP", "SGWS")
CBS_TEMPLATE_PREFIX = "/account/{accountId}/providers/cloudmanager_cbs"

# Read when the tests are collected: the autouse fixture of conftest clears BLUEXP_* later.
_SPEC_DIR_SETTING = os.environ.get("BLUEXP_SPEC_DIR")


def grid(name: str, grid_id: str) -> dict[str, Any]:
    return {"name": name, "id": grid_id}


def _missing(body: Any, required: tuple[str, ...]) -> Any:
    if not isinstance(body, dict):
        return reply(400, {"message": "a JSON object body is required"})
    absent = [k for k in required if not body.get(k)]
    if absent:
        return reply(400, {"statusCode": 400, "error": "Bad Request", "message": "missing: " + ", ".join(absent)})
    strings = [k for k in body if not isinstance(body[k], str)]
    if strings:
        return reply(400, {"message": "must be strings: " + ", ".join(strings)})
    return None


class FakeTargets(FakeCbs):
    def __init__(self) -> None:
        super().__init__()
        # StorageGRID
        self.grids: list[dict[str, Any]] = []
        self.discoverable: dict[str, dict[str, Any]] = {}
        self.listing_delay = 0
        self._pending_grids: list[list[Any]] = []
        self.versions: dict[str, str] = {}
        self.credential_store: dict[str, dict[str, Any]] | None = {}
        self.we_credentials: dict[str, dict[str, Any]] = {}
        # Cloud
        self.cloud: dict[str, Any] = {}
        self.azure_regions: dict[str, list[dict[str, Any]]] = {}
        self.azure_groups: dict[str, list[dict[str, Any]]] = {}
        self.group_listing_delay = 0
        self._pending_groups: list[list[Any]] = []
        # License
        self.licenses: dict[str, dict[str, Any]] = {}
        self.validity: dict[str, dict[str, Any]] = {}
        self._routes_table.extend((method, re.compile(pattern + "$"), handler) for method, pattern, handler in (
            ("GET", r"v1/sg", self._sg_list),
            ("POST", r"v1/sg", self._sg_discover),
            ("POST", r"v1/sg/version", self._sg_version),
            ("GET", r"v2/sg", self._store_list),
            ("POST", r"v2/sg/credentials", self._store_create),
            ("PUT", r"v2/sg/credentials/([^/]+)", self._store_update),
            ("DELETE", r"v2/sg/credentials/([^/]+)", self._store_delete),
            ("POST", r"v1/sg/credentials/working-environment/([^/]+)", self._we_credentials),
            ("GET", r"v1/azure/subscription/([^/]+)/region", self._azure_region_list),
            ("GET", r"v1/azure/subscription/([^/]+)/resource-group", self._group_list),
            ("POST", r"v1/azure/subscription/([^/]+)/resource-group", self._group_create),
            ("GET", r"v1/((?:aws|azure|gcp)/.+)", self._cloud_get),
            ("GET", r"v1/license/working-environment/([^/]+)", self._license),
            ("GET", r"v1/license/working-environment/([^/]+)/validity", self._validity),
        ))

    # --- seeding -------------------------------------------------------------------------

    def add_grid(self, name: str, grid_id: str) -> dict[str, Any]:
        record = grid(name, grid_id)
        self.grids.append(record)
        return record

    def back_up_to_grid(self, we_id: str, record: dict[str, Any], port: int = 10443, **fields: Any) -> None:
        values = {"provider": "SGWS", "storage-grid-id": record["id"],
                  "storage-server": "{0}:{1}".format(record["name"], port), "bucket": "netapp-backup-" + we_id}
        values.update(fields)
        self.activate_environment(we_id, **values)

    # --- StorageGRID ---------------------------------------------------------------------

    def _sg_list(self, call: Call) -> Any:
        for pending in list(self._pending_grids):
            if pending[0] <= 0:
                self.grids.append(pending[1])
                self._pending_grids.remove(pending)
            else:
                pending[0] -= 1
        return {"sgws": self.grids}

    def _sg_discover(self, call: Call) -> Any:
        problem = _missing(call.body, ("admin-host", "admin-username", "admin-password"))
        if problem:
            return problem
        found = self.discoverable.get(call.body["admin-host"])
        if found is None:
            return reply(400, {"message": "cannot reach the admin node " + call.body["admin-host"]})
        if self.listing_delay:
            self._pending_grids.append([self.listing_delay, dict(found)])
        else:
            self.grids.append(dict(found))
        return dict(found)

    def _sg_version(self, call: Call) -> Any:
        problem = _missing(call.body, ("storage-server",))
        if problem:
            return problem
        server = call.body["storage-server"]
        if server not in self.versions:
            return reply(400, {"message": "StorageGRID {0} does not answer".format(server)})
        return {"version": self.versions[server]}

    def _store_list(self, call: Call) -> Any:
        if self.credential_store is None:
            return reply(404, {"message": "Cannot GET /api/v2/sg"})
        return {"ids": list(self.credential_store)}

    def _store_create(self, call: Call) -> Any:
        if self.credential_store is None:
            return reply(404, {"message": "Cannot POST /api/v2/sg/credentials"})
        problem = _missing(call.body, ("storage-server-name", "port", "access-key", "secret-password"))
        if problem:
            return problem
        name = call.body["storage-server-name"]
        if name in self.credential_store:
            return reply(400, {"message": "credentials for {0} exist already".format(name)})
        self.credential_store[name] = copy.deepcopy(call.body)
        return reply(200)

    def _store_update(self, call: Call, name: str) -> Any:
        if self.credential_store is None or name not in self.credential_store:
            return reply(404, {"message": "no credentials for " + name})
        problem = _missing(call.body, ())
        if problem:
            return problem
        self.credential_store[name].update(copy.deepcopy(call.body))
        return reply(200)

    def _store_delete(self, call: Call, name: str) -> Any:
        if self.credential_store is None or name not in self.credential_store:
            return reply(404, {"message": "no credentials for " + name})
        del self.credential_store[name]
        return reply(204)

    def _we_credentials(self, call: Call, we_id: str) -> Any:
        problem = _missing(call.body, ("storage-server", "access-key", "secret-password"))
        if problem:
            return problem
        if not any(w["id"] == we_id for w in self.environments):
            return reply(404, {"message": "no working environment " + we_id})
        self.we_credentials[we_id] = copy.deepcopy(call.body)
        return reply(200)

    # --- Cloud ---------------------------------------------------------------------------

    def _cloud_get(self, call: Call, rest: str) -> Any:
        if rest not in self.cloud:
            return reply(404, {"message": "not seeded: " + rest})
        return copy.deepcopy(self.cloud[rest])

    def _azure_region_list(self, call: Call, subscription: str) -> Any:
        if subscription not in self.azure_regions:
            return reply(404, {"message": "no subscription " + subscription})
        return {"region": self.azure_regions[subscription]}

    def _group_list(self, call: Call, subscription: str) -> Any:
        for pending in list(self._pending_groups):
            if pending[0] <= 0:
                self.azure_groups.setdefault(pending[1], []).append(pending[2])
                self._pending_groups.remove(pending)
            else:
                pending[0] -= 1
        region = call.query.get("region")
        groups = self.azure_groups.get(subscription, [])
        return {"resource-group": [g for g in groups if region is None or g["region"] == region]}

    def _group_create(self, call: Call, subscription: str) -> Any:
        problem = _missing(call.body, ("name", "region"))
        if problem:
            return problem
        record = {"name": call.body["name"], "region": call.body["region"],
                  "id": "/subscriptions/{0}/resourceGroups/{1}".format(subscription, call.body["name"])}
        if self.group_listing_delay:
            self._pending_groups.append([self.group_listing_delay, subscription, record])
        else:
            self.azure_groups.setdefault(subscription, []).append(record)
        return {"state": "SUCCESS"}

    # --- License -------------------------------------------------------------------------

    def _license(self, call: Call, we_id: str) -> Any:
        provider = call.query.get("provider")
        if provider not in LICENSE_PROVIDERS:
            return reply(400, {"message": "query parameter 'provider': {0!r} is not one of {1}".format(
                provider, ", ".join(LICENSE_PROVIDERS))})
        if provider != "SGWS" and not call.query.get("cloudProviderAccountId"):
            return reply(400, {"message": "cloudProviderAccountId is required for " + provider})
        if not any(w["id"] == we_id for w in self.environments):
            return reply(404, {"message": "no working environment " + we_id})
        return copy.deepcopy(self.licenses.get(we_id, {"eligible": False}))

    def _validity(self, call: Call, we_id: str) -> Any:
        if we_id not in self.validity:
            return reply(404, {"message": "Cannot GET validity"})
        return copy.deepcopy(self.validity[we_id])


def install(monkeypatch: Any, retry_policy: Any, clock: Any) -> FakeTargets:
    """Make every client a module builds talk to a new FakeTargets; jobs and listings polled on the fake clock."""
    api = FakeTargets()
    monkeypatch.setattr(_api, "HttpTransport", lambda **kwargs: api)
    monkeypatch.setattr(_api, "RetryPolicy", retry_policy)
    monkeypatch.setattr(_runner, "JobWaiter", functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic))
    # wait_until looks time.sleep and time.monotonic up when called: both go to the fake clock.
    monkeypatch.setattr(_waiter, "time", types.SimpleNamespace(sleep=clock.sleep, monotonic=clock.monotonic))
    return api


def leaked(value: Any, secrets: tuple[str, ...] = TARGET_SECRETS) -> list[str]:
    """The secrets found anywhere in a result, a diff or a list of warnings."""
    dumped = json.dumps(value, default=repr)
    return [s for s in secrets if s in dumped]


# --- the published specs ---------------------------------------------------------------------

def spec_dir() -> Path:
    if _SPEC_DIR_SETTING:
        return Path(_SPEC_DIR_SETTING)
    return Path(__file__).resolve().parents[4] / "shared" / "bluexp-api"


class Spec:
    """Operations of cbs-2.0.6.json (the contract) and cbs-4.0.6-full.yaml (API 4.x)."""

    def __init__(self, directory: Path) -> None:
        self.operations: list[tuple[str, str, str, dict[str, Any]]] = []
        self.docs: dict[str, dict[str, Any]] = {}
        for source in ("cbs-2.0.6.json", "cbs-4.0.6-full.yaml"):
            path = directory / source
            if source.endswith(".json"):
                doc = json.loads(path.read_text(encoding="utf-8"))
            else:
                import yaml

                loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
                doc = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)  # noqa: S506 - safe loader
            self.docs[source] = doc
            for template, item in (doc.get("paths") or {}).items():
                for method, definition in (item or {}).items():
                    if method in ("get", "put", "post", "delete", "patch"):
                        self.operations.append((source, method.upper(), template, definition))

    def find(self, method: str, path: str, source: str | None = None) -> tuple[str, str, dict[str, Any]] | None:
        """(source, template, definition) of the operation a concrete request is, preferring literal segments."""
        found = []
        for op_source, op_method, template, definition in self.operations:
            if op_method != method or (source and op_source != source):
                continue
            parts = [re.escape(p) if not p.startswith("{") else "[^/]+" for p in template.split("/")]
            if re.match("^" + "/".join(parts) + "$", path):
                literal = sum(1 for p in template.split("/") if p and not p.startswith("{"))
                found.append((op_source != "cbs-2.0.6.json", -literal, op_source, template, definition))
        if not found:
            return None
        best = sorted(found, key=lambda f: f[:2])[0]
        return best[2], best[3], best[4]

    def query_parameters(self, definition: dict[str, Any]) -> set[str]:
        return {p.get("name") for p in definition.get("parameters") or [] if p.get("in") == "query"}

    def response_keys(self, source: str, definition: dict[str, Any], status: str = "200") -> set[str]:
        """Top-level property names of an operation's answer (Swagger 2 or OpenAPI 3)."""
        answer = (definition.get("responses") or {}).get(status) or {}
        schema = answer.get("schema")
        if schema is None:
            content = answer.get("content") or {}
            schema = next(iter(content.values()), {}).get("schema") if content else None
        schema = self._resolve(source, schema or {})
        return set((schema.get("properties") or {}).keys())

    def _resolve(self, source: str, schema: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in schema:
            node: Any = self.docs[source]
            for part in schema["$ref"].lstrip("#/").split("/"):
                node = node[part]
            schema = node
        return schema


@functools.lru_cache(maxsize=1)
def _load_spec(directory: str) -> Spec:
    return Spec(Path(directory))


def load_spec() -> Spec:
    """The specs, read once; the test is skipped where they are not available."""
    directory = spec_dir()
    if not (directory / "cbs-2.0.6.json").is_file() or not (directory / "cbs-4.0.6-full.yaml").is_file():
        pytest.skip("the API specs are not in {0}; set BLUEXP_SPEC_DIR".format(directory))
    return _load_spec(str(directory))
