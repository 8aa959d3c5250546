# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""Malformed and hostile answers: whatever a successful (HTTP 200) answer holds, a module ends in
exit_json or fail_json with an error_code, and a plugin in its own Ansible error, never in a
Python traceback.

Every route a module reads is in ROUTES (test_every_route_a_module_reads_is_faulted checks it
against the request log of each module's typical run). Each route is answered once with each kind
of body, through a module that reads it: a string, a number, null, an empty list, an empty object,
HTML, truncated JSON, and for a list under a key, that key null, a string, or holding a string.
The test ids read `scenario | route | body`; a traceback fails its test with the exception.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Any, Callable

import pytest
import yaml

from ansible import constants as C
from ansible.errors import AnsibleLookupError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader, lookup_loader

from ansible_collections.bluexp.cloud_backup.plugins.inventory import working_environments
from ansible_collections.bluexp.cloud_backup.plugins.lookup import access_token
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import cloud
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import API_URL, AUTH_URL, READ_ONLY_ROUTES
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import ExitJson, FailJson, documented_options

pytestmark = pytest.mark.emulator(backup_interval_s=0)

JSON = "application/json"
# Any answer: whatever the route, these are no answer of its shape.
BODIES = {
    "a string": ('"maintenance"', JSON),
    "a number": ("503", JSON),
    "null": ("null", JSON),
    "an empty list": ("[]", JSON),
    "an empty object": ("{}", JSON),
    "HTML": ("<html><body><h1>Service Unavailable</h1></body></html>", "text/html"),
    "truncated JSON": ('{"items": [{"id": "a1", "na', JSON),
}
# A list under a key: the key there, but not holding a list of objects.
KEYED_BODIES = {
    "the list null": "null",
    "the list a string": '"none"',
    "a string in the list": '["x"]',
}
BARE = "(a bare list)"
UNEXPECTED = frozenset({"unexpected_answer"})


# --- what each module run reads ---------------------------------------------------------------

def protected(emulator: Any) -> tuple[dict[str, Any], dict[str, Any]]:
    """aws-dr-01 and its protected volume with the most backups."""
    we = emulator.working_environment(provider="AWS", backup_enabled=True)
    return we, max((v for v in we["volume_list"] if v["backup_status"] == "ON"), key=lambda v: v["backups"])


def backup_source(emulator: Any) -> dict[str, Any]:
    we, volume = protected(emulator)
    return dict(working_environment_name=we["name"], volume=volume["name"], svm=volume["svm"])


def indexed(emulator: Any) -> None:
    emulator.api("POST", "v2", "catalog", "working-environments", protected(emulator)[0]["id"], "setup")
    emulator.advance(60)


def a_file_in_the_newest_backup(emulator: Any) -> str:
    we, volume = protected(emulator)
    newest = emulator.api("GET", "v1", "backup", "working-environment", we["id"], "volume", volume["id"],
                          "snapshot")["snapshot"][0]
    emulator.api("POST", "v1", "sfr", "working-environment", we["id"], "volume", volume["id"], "file-explore", "start")
    emulator.advance(60)
    listing = emulator.api("GET", "v1", "sfr", "working-environment", we["id"], "volume", volume["id"], "snapshot",
                           newest["id"], "file-explore", "list", query={"path": "/"})["context"]
    return next(entry["path"] for entry in listing if entry["type"] != "directory")


def cloud_options(emulator: Any) -> dict[str, Any]:
    """Every subset, with options for which each has entries."""
    clouds = emulator.account["cloud"]
    subscription, project, region = clouds["azure_subscriptions"][0], clouds["gcp_projects"][0], "us-central1"
    vault = emulator.api("GET", "v1", "azure", "subscription", subscription, "vault")["vault"][0]["name"]
    ring = emulator.api("GET", "v1", "gcp", "project", project, "region", region, "keyrings")["keyRings"][0]["name"]
    return dict(gather_subset=list(cloud.SUBSETS), aws_account_id=clouds["aws_accounts"][0], aws_region="us-east-1",
                azure_subscription=subscription, azure_region="eastus", azure_vault=vault, gcp_project=project,
                gcp_region=region, gcp_key_ring=ring)


def grid(emulator: Any) -> str:
    return emulator.account["storagegrids"][0]["name"]


def a_job(emulator: Any) -> str:
    return emulator.control("GET", "jobs")["jobs"][0]["id"]


# name: emulator -> (module, its typical arguments); arranged through the API, never faulted.
SCENARIOS: dict[str, Callable[[Any], tuple[str, dict[str, Any]]]] = {
    "working_environment_info": lambda e: ("working_environment_info", {}),
    "working_environment_info with details": lambda e: ("working_environment_info", dict(
        working_environment_ids=[protected(e)[0]["id"]], details=["volumes", "svms", "ip_spaces", "backup_policies"])),
    "backup_info": lambda e: ("backup_info", dict(working_environment_name=protected(e)[0]["name"])),
    "backup": lambda e: ("backup", dict(backup_source(e), name="before-upgrade")),
    "backup_activation": lambda e: ("backup_activation", dict(
        working_environment_id=protected(e)[0]["id"], state="absent", delete_backups=True, _ansible_check_mode=True)),
    "backup_activation to StorageGRID": lambda e: ("backup_activation", dict(
        working_environment_id=e.working_environment(provider="ONPREM")["id"], provider="SGWS", bucket="backups",
        ip_space="Default",
        sgws=dict(storage_server=grid(e) + ":10443", access_key="ak", secret_password="sk"),
        _ansible_check_mode=True)),
    "backup_policy": lambda e: ("backup_policy", dict(
        working_environment_id=protected(e)[0]["id"], name="weekly", rules=[dict(label="weekly", retention=12)],
        _ansible_check_mode=True)),
    "catalog": lambda e: ("catalog", dict(working_environment_id=protected(e)[0]["id"], _ansible_check_mode=True)),
    "catalog_search_info": lambda e: (indexed(e), ("catalog_search_info", dict(query="budget", snapshots=True)))[1],
    "cloud_info": lambda e: ("cloud_info", cloud_options(e)),
    "azure_resource_group": lambda e: ("azure_resource_group", dict(
        azure_subscription=e.account["cloud"]["azure_subscriptions"][0], name="rg-backup", region="eastus",
        _ansible_check_mode=True)),
    "job_info": lambda e: ("job_info", {}),
    "job_info by ID": lambda e: ("job_info", dict(job_ids=[a_job(e)])),
    "job_info, account and Connector discovered": lambda e: ("job_info", dict(account_id=None, connector_id=None)),
    "license_info": lambda e: ("license_info", dict(working_environment_ids=[protected(e)[0]["id"]])),
    "ransomware_scan": lambda e: ("ransomware_scan", dict(backup_source(e), force=True)),
    "restore": lambda e: ("restore", dict(backup_source(e), target_svm=protected(e)[1]["svm"],
                                          target_volume="vol_restored")),
    "sfr_browse_info": lambda e: ("sfr_browse_info", backup_source(e)),
    "sfr_restore": lambda e: ("sfr_restore", dict(backup_source(e), files=[a_file_in_the_newest_backup(e)])),
    "storagegrid": lambda e: ("storagegrid", dict(name=grid(e), access_key="ak", secret_key="sk",
                                                  _ansible_check_mode=True)),
    "storagegrid_info": lambda e: ("storagegrid_info", dict(versions=True, version_of=grid(e))),
    "volume_backup": lambda e: ("volume_backup", dict(working_environment_id=protected(e)[0]["id"],
                                                      volumes=[protected(e)[1]["name"]], state="paused")),
}


@dataclasses.dataclass(frozen=True)
class Route:
    """A route as the emulator's request log names it, the scenario that reads it, and where its list is:
    `key` for {key: [...]}, BARE for a bare list, None for an object. `any_items`: a list of text or objects.
    `hostile`: more answers of this route, fields deep inside them null or of another type, as (kind, body,
    the error codes expected or None where the module may take it)."""

    scenario: str
    route: str
    key: str | None = None
    any_items: bool = False
    hostile: tuple[tuple[str, str, frozenset[str] | None], ...] = ()

    @property
    def method(self) -> str:
        return self.route.split(" ", 1)[0]

    @property
    def pattern(self) -> str:
        """The fault's path regex: the route's own path, any value in its {parameters}."""
        template = self.route.split(" ", 1)[1]
        return "".join("[^/]+" if part.startswith("{") else re.escape(part)
                       for part in re.split(r"(\{[^}]+\})", template)) + "$"

    def matches(self, read: str) -> bool:
        """Whether a route of the request log ("GET /api/v1/job/{jobId}") is this one."""
        method, path = read.split(" ", 1)
        return method == self.method and re.search(self.pattern, path) is not None


WE = "{workingEnvironmentId}"
ROUTES = [
    Route("working_environment_info", "GET /api/v1/working-environment", "working-environment"),
    Route("working_environment_info", "GET /api/v1/backup/working-environment", "working-environment"),
    Route("working_environment_info with details", "GET /api/v1/working-environment/" + WE),
    Route("working_environment_info with details", "GET /api/v1/backup/working-environment/" + WE),
    Route("working_environment_info with details", "GET /api/v1/working-environment/" + WE + "/volume", "volume"),
    Route("working_environment_info with details", "GET /api/v1/backup/working-environment/" + WE + "/volume",
          "volume"),
    Route("working_environment_info with details", "GET /api/v2/working-environment/" + WE + "/svm", "svm"),
    Route("working_environment_info with details", "GET /api/v1/working-environment/" + WE + "/ip-space",
          "ip-space"),
    Route("working_environment_info with details", "GET /api/v1/working-environment/" + WE + "/backup-policy",
          "backup-policy"),
    Route("backup_policy", "GET /api/v1/working-environment/" + WE + "/backup-policy", "backup-policy"),
    Route("volume_backup", "GET /api/v1/working-environment/" + WE + "/volume", "volume"),
    Route("volume_backup", "GET /api/v1/backup/working-environment/" + WE + "/volume", "volume"),
    Route("backup_info", "GET /api/v1/backup/working-environment/" + WE + "/volume/{volumeId}/snapshot", "snapshot"),
    Route("ransomware_scan",
          "GET /api/v1/backup/working-environment/" + WE + "/volume/{volumeId}/snapshot/{snapshotId}"),
    Route("job_info", "GET /api/v1/job", "job"),
    Route("job_info by ID", "GET /api/v1/job/{jobId}", "job"),
    Route("backup", "GET /api/v1/job/{jobId}", "job", hostile=(
        ("a failed job with a text volume", '{"job": [{"id": "j1", "status": "FAILED", '
                                            '"data": {"multi-volume-backup": {"volume": ["vol1"]}}}]}', UNEXPECTED),)),
    Route("sfr_restore", "GET /api/v1/job/{jobId}", "job", hostile=(
        # No per-file results: the job's own status says how each file went.
        ("a finished job with a null restore", '{"job": [{"id": "j1", "status": "COMPLETED", '
                                               '"data": {"restore": null}}]}', None),
        ("a finished job with a text batch", '{"job": [{"id": "j1", "status": "COMPLETED", '
                                             '"data": {"restore": {"batch": ["b1"]}}}]}', UNEXPECTED))),
    Route("job_info, account and Connector discovered", "GET /tenancy/account", BARE),
    Route("job_info, account and Connector discovered", "GET /occm/list-occms/{accountId}", "occms"),
    Route("license_info", "GET /api/v1/license/working-environment/" + WE),
    Route("license_info", "GET /api/v1/license/working-environment/" + WE + "/validity"),
    Route("restore", "GET /api/v1/restore/status", "job"),
    Route("sfr_browse_info", "GET /api/v2/sfr/volume/{volumeId}/file-explore/status"),
    Route("sfr_browse_info", "GET /api/v1/sfr/working-environment/" + WE + "/volume/{volumeId}/snapshot/{snapshotId}"
                             "/file-explore/list", "context"),
    Route("catalog_search_info", "POST /api/v1/catalog/search", "results"),
    Route("catalog_search_info", "POST /api/v1/catalog/snapshots"),
    Route("storagegrid_info", "GET /api/v1/sg", "sgws"),
    Route("storagegrid_info", "GET /api/v2/sg", "ids", any_items=True),
    Route("storagegrid_info", "POST /api/v1/sg/version"),
    Route("azure_resource_group", "GET /api/v1/azure/subscription/{subscriptionId}/resource-group", "resource-group"),
    Route("azure_resource_group", "GET /api/v1/azure/subscription/{subscriptionId}/region", "region"),
] + [
    # cloud_info hands each list on as it is: text or objects.
    Route("cloud_info", "GET /api/v1/" + "/".join(subset.path), subset.answer_key, any_items=True)
    for subset in cloud.SUBSETS.values()
]


def bodies(route: Route) -> list[tuple[str, str, str]]:
    """(kind, body, content type) of every malformed answer the route gets."""
    kinds = [(kind, body, content_type) for kind, (body, content_type) in BODIES.items()]
    if route.key not in (None, BARE):
        kinds += [(kind, '{{"{0}": {1}}}'.format(route.key, value), JSON) for kind, value in KEYED_BODIES.items()]
    return kinds + [(kind, body, JSON) for kind, body, dummy in route.hostile]


def expected_codes(route: Route, kind: str) -> frozenset[str] | None:
    """The error codes the module may fail with; None where the answer may be taken as it is."""
    hostile = {hostile_kind: codes for hostile_kind, dummy, codes in route.hostile}
    if kind in hostile:
        return hostile[kind]
    if kind in ("HTML", "truncated JSON"):
        return frozenset({"api_error"})
    if kind == "an empty list" and route.key == BARE:
        return frozenset({"discovery_failed"})  # no account visible, as an empty list says
    if kind == "an empty object" and route.key is None:
        return None  # an object of optional fields
    if kind == "a string in the list" and route.any_items:
        return None
    return UNEXPECTED


CASES = [pytest.param(route, kind, body, content_type,
                      id="{0} | {1} | {2}".format(route.scenario, route.route, kind))
         for route in ROUTES for kind, body, content_type in bodies(route)]


def reads(emulator: Any) -> list[str]:
    """The routes the requests so far read (GETs and the POSTs that only read), in order, once each."""
    found = ["{0} {1}".format(entry["method"], entry["route"].split(" ", 1)[-1]) for entry in emulator.requests()
             if READ_ONLY_ROUTES.search(entry["route"]) and "oauth/token" not in entry["route"]]
    return list(dict.fromkeys(found))


# --- the tables cover what the modules read ---------------------------------------------------

@pytest.mark.parametrize("scenario", list(SCENARIOS))
def test_every_route_a_module_reads_is_faulted(emulator, scenario):
    module, args = SCENARIOS[scenario](emulator)
    emulator.clear_requests()
    outcome = emulator.run(module, **args)
    assert isinstance(outcome, ExitJson), "the typical run of {0} failed: {1}".format(module, outcome.result)
    read = reads(emulator)
    assert [r for r in read if not any(route.matches(r) for route in ROUTES)] == [], "routes missing from ROUTES"
    assert [route.route for route in ROUTES if route.scenario == scenario
            and not any(route.matches(r) for r in read)] == [], "routes {0} does not read".format(module)


# --- modules ----------------------------------------------------------------------------------

@pytest.mark.parametrize("route, kind, body, content_type", CASES)
def test_a_malformed_answer_ends_in_exit_or_fail_json(emulator, route, kind, body, content_type):
    module, args = SCENARIOS[route.scenario](emulator)
    fault = emulator.add_fault(method=route.method, path=route.pattern, body=body, content_type=content_type, count=1)
    try:
        outcome = emulator.run(module, **args)
    except Exception as exc:  # noqa: BLE001 - a traceback of the module is what this test is for
        pytest.fail("{0} raised {1!r} when {2} answered with {3}".format(module, exc, route.route, kind))
    [fired] = [f["fired"] for f in emulator.control("GET", "faults")["faults"] if f["id"] == fault["id"]]
    assert fired == 1, "{0} did not read {1}".format(module, route.route)
    codes = expected_codes(route, kind)
    if codes is None:
        assert isinstance(outcome, ExitJson) or outcome.result.get("error_code"), outcome.result
        return
    assert isinstance(outcome, FailJson), "{0} took {1} from {2}: {3}".format(module, kind, route.route, outcome.result)
    assert outcome.result["error_code"] in codes, outcome.result
    if outcome.result["error_code"] == "unexpected_answer":
        assert outcome.result["method"] == route.method and re.search(route.pattern, outcome.result["path"])
        assert " answered with an unexpected shape: expected " in outcome.result["msg"]
    if outcome.result["error_code"] == "api_error":
        assert outcome.result["status"] == 200 and "the response is not JSON" in outcome.result["msg"]


# --- the inventory plugin and the access_token lookup -----------------------------------------

INVENTORY = "bluexp.cloud_backup.working_environments"
LOOKUP = "bluexp.cloud_backup.access_token"
TOKEN = Route("access_token", "POST /oauth/token")
INVENTORY_ROUTES = [TOKEN,
                    Route("inventory", "GET /tenancy/account", BARE),
                    Route("inventory", "GET /occm/list-occms/{accountId}", "occms"),
                    Route("inventory", "GET /api/v1/working-environment", "working-environment"),
                    Route("inventory", "GET /api/v1/backup/working-environment", "working-environment")]
TOKEN_BODIES = [("an access token of another type", '{"access_token": 42, "token_type": "Bearer"}', JSON),
                ("a null access token", '{"access_token": null}', JSON)]


def refresh_token(emulator: Any) -> str:
    return emulator.emulator.summary()["credentials"]["refresh_token"]


@pytest.fixture
def inventory_plugin():
    loaded = inventory_loader.get(INVENTORY)
    if loaded is not None:
        return loaded
    # Outside ansible-test the collection loader is not installed: register the documented options.
    options = documented_options(working_environments.DOCUMENTATION, working_environments.__file__)
    C.config.initialize_plugin_configuration_definitions("inventory", INVENTORY, options)
    made = working_environments.InventoryModule()
    made._load_name = made.ansible_name = INVENTORY
    made._redirected_names = [INVENTORY]
    return made


@pytest.fixture
def lookup_plugin():
    loaded = lookup_loader.get(LOOKUP)
    if loaded is not None:
        return loaded
    options = documented_options(access_token.DOCUMENTATION, access_token.__file__)
    C.config.initialize_plugin_configuration_definitions("lookup", LOOKUP, options)
    made = access_token.LookupModule()
    made._load_name = LOOKUP
    return made


@pytest.mark.parametrize("route, kind, body, content_type", [
    pytest.param(route, kind, body, content_type, id="{0} | {1}".format(route.route, kind))
    for route in INVENTORY_ROUTES for kind, body, content_type in bodies(route) + (
        TOKEN_BODIES if route is TOKEN else [])])
def test_the_inventory_fails_with_a_parser_error(emulator, inventory_plugin, tmp_path, route, kind, body,
                                                 content_type):
    """Account and Connectors discovered, the credential exchanged: every answer the plugin reads."""
    source = tmp_path / "fleet.bluexp.yml"
    source.write_text(yaml.safe_dump({"plugin": INVENTORY, "api_url": API_URL, "auth_url": AUTH_URL,
                                      "refresh_token": refresh_token(emulator)}))
    emulator.add_fault(method=route.method, path=route.pattern, body=body, content_type=content_type, count=1)
    with pytest.raises(AnsibleParserError) as info:
        inventory_plugin.parse(InventoryData(), DataLoader(), str(source), cache=False)
    assert str(info.value).startswith(INVENTORY + ": ")


@pytest.mark.parametrize("kind, body, content_type", [
    pytest.param(kind, body, content_type, id=kind) for kind, body, content_type in bodies(TOKEN) + TOKEN_BODIES])
def test_the_access_token_lookup_fails_with_a_lookup_error(emulator, lookup_plugin, kind, body, content_type):
    emulator.add_fault(method="POST", path=TOKEN.pattern, body=body, content_type=content_type, count=1)
    with pytest.raises(AnsibleLookupError) as info:
        lookup_plugin.run([], refresh_token=refresh_token(emulator), auth_url=AUTH_URL, api_url=API_URL)
    assert "token response" in str(info.value) or "token request refused" in str(info.value)
