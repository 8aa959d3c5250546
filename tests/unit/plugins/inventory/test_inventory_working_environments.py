# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
import yaml

from ansible import constants as C
from ansible.config.manager import ConfigManager
from ansible.errors import AnsibleError, AnsibleParserError
from ansible.inventory.data import InventoryData
from ansible.parsing.dataloader import DataLoader
from ansible.plugins.loader import inventory_loader

from ansible_collections.bluexp.cloud_backup.plugins.inventory import working_environments
from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _discovery, _http, _retry
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins import emulated
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import (
    documented_options,
    ACCOUNT,
    AGENT_HEADER,
    API_URL,
    AUTH_URL,
    CLIENT_ID,
    CLIENT_SECRET,
    CONNECTOR,
    ISSUED_TOKEN,
    REFRESH_TOKEN,
    STATIC_TOKEN,
    TOKEN_URL,
    assert_no_secret,
    cbs_path,
    reply,
)

PLUGIN = "bluexp.cloud_backup.working_environments"
WE_LIST = cbs_path("v1", "working-environment")
BACKUP_LIST = cbs_path("v1", "backup", "working-environment")
HOST_VARS = {
    "bluexp_id", "bluexp_name", "bluexp_provider", "bluexp_region", "bluexp_ontap_version", "bluexp_type",
    "bluexp_status", "bluexp_cluster_uuid", "bluexp_provider_account_id", "bluexp_backup_enabled",
    "bluexp_backup_status", "bluexp_object_store", "bluexp_volume_count", "bluexp_backed_up_volume_count",
    "bluexp_failed_backup_volume_count", "bluexp_account_id", "bluexp_account_name", "bluexp_connector_id",
    "bluexp_connector_name", "ansible_connection", "ansible_python_interpreter",
}


def we(we_id, name, provider="AWS", region="us-east-1", volumes="4"):
    """A record of GET /api/v1/working-environment, as the API gives it (counts as strings)."""
    return {"id": we_id, "cluster-uuid": "uuid-" + we_id, "name": name, "region": region, "status": "ON",
            "ontap-version": "9.13.1", "type": "VSA", "provider": provider, "provider-account-id": "1234",
            "total-volumes-count": volumes}


def backup_view(record, status="ON", backed_up="3", failed="0", **target):
    """A record of GET /api/v1/backup/working-environment for the environment `record`."""
    view = {"id": record["id"], "name": record["name"], "backup-enablement-status": status,
            "provider": record["provider"], "region": record["region"], "backed-up-volume-count": backed_up,
            "total-volumes-count": record["total-volumes-count"], "failed-backup-volume-count": failed}
    if status == "ON":
        view.update({"bucket": "netapp-backup-" + record["id"], "provider-access-key": "AKIAEXAMPLE"})
    view.update(target)
    return view


AWS = we("VsaWorkingEnvironment-aws1", "prod-aws", "AWS", "us-east-1", "5")
AZURE = we("AzureVsaWorkingEnvironment-az1", "dev-azure", "AZURE", "eastus", "2")
ONPREM = we("OnPremWorkingEnvironment-op1", "prod-onprem", "ONPREM", "", "11")
FLEET = [AWS, AZURE, ONPREM]
BACKUPS = [backup_view(AWS, failed="1"),
           backup_view(AZURE, status="OFF", backed_up="0"),
           backup_view(ONPREM, provider="SGWS", region="", bucket="netapp-backup-op1")]


@pytest.fixture
def plugin(module_transport):
    """The plugin with its documented options registered, every client on the scripted transport."""
    return load_plugin()


@pytest.fixture
def plugin_on_emulator(emulator):
    """The plugin with every client on the emulator (see tests/unit/plugins/emulated.py)."""
    return load_plugin()


def load_plugin():
    loaded = inventory_loader.get(PLUGIN)
    if loaded is not None:
        return loaded
    # Outside ansible-test the collection loader is not installed: register the options from the
    # plugin's documentation and its fragments, as the loader would.
    options = documented_options(working_environments.DOCUMENTATION, working_environments.__file__)
    C.config.initialize_plugin_configuration_definitions("inventory", PLUGIN, options)
    made = working_environments.InventoryModule()
    made._load_name = made.ansible_name = PLUGIN
    made._redirected_names = [PLUGIN]
    return made


@pytest.fixture
def api(fake):
    """The two listings, answered with FLEET and BACKUPS unless a test routes them first."""

    def serve(environments=None, backups=None):
        fake.token()
        fake.add("GET", WE_LIST, reply(200, {"working-environment": FLEET if environments is None else environments}))
        fake.add("GET", BACKUP_LIST, reply(200, {"working-environment": BACKUPS if backups is None else backups}))
        return fake

    return serve


@pytest.fixture
def source(tmp_path):
    """Write an inventory source file; connection options default to the fake API with a refresh token."""

    def write(name="fleet.bluexp.yml", connection=True, **options):
        config = {"plugin": PLUGIN}
        if connection:
            config.update(api_url=API_URL, auth_url=AUTH_URL, account_id=ACCOUNT, connector_id=CONNECTOR,
                          refresh_token=REFRESH_TOKEN)
        config.update(options)
        path = tmp_path / name
        path.write_text(yaml.safe_dump(config))
        return str(path)

    return write


def parse(plugin, path, cache=True):
    inventory = InventoryData()
    plugin.parse(inventory, DataLoader(), path, cache=cache)
    return inventory


def host_vars(inventory, host):
    """The variables the plugin set (InventoryData adds inventory_file and inventory_dir)."""
    return {k: v for k, v in inventory.get_host(host).vars.items() if not k.startswith("inventory_")}


def members(inventory, group):
    return sorted(h.name for h in inventory.groups[group].get_hosts())


# --- hosts and host variables -----------------------------------------------------------------


def test_one_host_per_working_environment_with_its_variables(plugin, api, source):
    api()
    inventory = parse(plugin, source())
    assert sorted(inventory.hosts) == ["dev-azure", "prod-aws", "prod-onprem"]
    assert host_vars(inventory, "prod-aws") == {
        "bluexp_id": "VsaWorkingEnvironment-aws1",
        "bluexp_name": "prod-aws",
        "bluexp_provider": "AWS",
        "bluexp_region": "us-east-1",
        "bluexp_ontap_version": "9.13.1",
        "bluexp_type": "VSA",
        "bluexp_status": "ON",
        "bluexp_cluster_uuid": "uuid-VsaWorkingEnvironment-aws1",
        "bluexp_provider_account_id": "1234",
        "bluexp_backup_enabled": True,
        "bluexp_backup_status": "ON",
        "bluexp_object_store": {"provider": "AWS", "bucket": "netapp-backup-VsaWorkingEnvironment-aws1",
                                "region": "us-east-1"},
        "bluexp_volume_count": 5,
        "bluexp_backed_up_volume_count": 3,
        "bluexp_failed_backup_volume_count": 1,
        # Named in the source, so neither list was read and the names are unknown.
        "bluexp_account_id": ACCOUNT,
        "bluexp_account_name": None,
        "bluexp_connector_id": AGENT_HEADER,
        "bluexp_connector_name": None,
        "ansible_connection": "local",
        "ansible_python_interpreter": sys.executable,
    }


def test_backup_off_has_no_object_store(plugin, api, source):
    api()
    variables = host_vars(parse(plugin, source()), "dev-azure")
    assert variables["bluexp_backup_enabled"] is False
    assert variables["bluexp_backup_status"] == "OFF"
    assert variables["bluexp_object_store"] is None
    assert variables["bluexp_backed_up_volume_count"] == 0
    assert variables["bluexp_volume_count"] == 2


def test_on_premises_cluster_backs_up_to_its_own_target(plugin, api, source):
    api()
    variables = host_vars(parse(plugin, source()), "prod-onprem")
    assert variables["bluexp_region"] == ""
    assert variables["bluexp_object_store"] == {"provider": "SGWS", "bucket": "netapp-backup-op1", "region": ""}
    assert set(variables) == HOST_VARS


def test_environment_the_backup_listing_does_not_know(plugin, api, source):
    api(backups=[backup_view(AWS)])
    variables = host_vars(parse(plugin, source()), "prod-onprem")
    assert variables["bluexp_backup_enabled"] is False
    assert variables["bluexp_backup_status"] is None
    assert variables["bluexp_object_store"] is None
    assert variables["bluexp_backed_up_volume_count"] == 0
    assert variables["bluexp_failed_backup_volume_count"] == 0
    assert variables["bluexp_volume_count"] == 11


def test_volume_count_falls_back_to_the_backup_listing(plugin, api, source):
    partial = dict(AWS)
    del partial["total-volumes-count"]
    api(environments=[partial, AZURE], backups=[backup_view(AWS), backup_view(AZURE, status="OFF")])
    assert host_vars(parse(plugin, source()), "prod-aws")["bluexp_volume_count"] == 5


def test_hostname_id(plugin, api, source):
    api()
    inventory = parse(plugin, source(hostname="id"))
    assert sorted(inventory.hosts) == sorted(r["id"] for r in FLEET)
    assert host_vars(inventory, AZURE["id"])["bluexp_name"] == "dev-azure"


def test_shared_names_get_the_id_appended_with_a_warning(plugin, api, source, monkeypatch):
    twin = we("VsaWorkingEnvironment-aws2", "prod-aws", "AWS", "eu-west-1")
    api(environments=[AWS, twin, AZURE], backups=[backup_view(AWS), backup_view(twin), backup_view(AZURE)])
    warnings = []
    monkeypatch.setattr(plugin.display, "warning", warnings.append)
    inventory = parse(plugin, source())
    assert sorted(inventory.hosts) == ["dev-azure", "prod-aws_VsaWorkingEnvironment-aws1",
                                       "prod-aws_VsaWorkingEnvironment-aws2"]
    assert host_vars(inventory, "prod-aws_VsaWorkingEnvironment-aws2")["bluexp_region"] == "eu-west-1"
    assert len(warnings) == 1
    assert "'prod-aws'" in warnings[0]
    assert "prod-aws_VsaWorkingEnvironment-aws1, prod-aws_VsaWorkingEnvironment-aws2" in warnings[0]


def test_a_shared_name_stays_renamed_when_a_filter_keeps_one_of_them(plugin, api, source):
    twin = we("VsaWorkingEnvironment-aws2", "prod-aws", "GCP", "europe-west1")
    api(environments=[AWS, twin], backups=[backup_view(AWS), backup_view(twin)])
    inventory = parse(plugin, source(providers=["gcp"]))
    assert list(inventory.hosts) == ["prod-aws_VsaWorkingEnvironment-aws2"]


def test_a_single_working_environment_is_still_read_from_the_listing(plugin, api, source):
    calls = api(environments=[AWS])
    inventory = parse(plugin, source())
    assert host_vars(inventory, "prod-aws")["bluexp_backup_status"] == "ON"
    assert [c.path for c in calls.api_calls] == [WE_LIST, BACKUP_LIST]


def test_no_working_environment_gives_no_host_and_one_call(plugin, api, source, fake):
    api(environments=[])
    inventory = parse(plugin, source())
    assert not inventory.hosts
    assert [c.path for c in fake.api_calls] == [WE_LIST]


# --- filters --------------------------------------------------------------------------------


@pytest.mark.parametrize("options, expected", [
    ({"names": ["prod-*"]}, ["prod-aws", "prod-onprem"]),
    ({"names": ["dev-azure", "nothing-*"]}, ["dev-azure"]),
    ({"names": ["PROD-*"]}, []),
    ({"providers": ["aws", "OnPrem"]}, ["prod-aws", "prod-onprem"]),
    ({"names": ["prod-*"], "providers": ["AZURE"]}, []),
], ids=["pattern", "exact name", "names are case-sensitive", "providers ignore case", "both"])
def test_filters(plugin, api, source, fake, options, expected):
    api()
    assert sorted(parse(plugin, source(**options)).hosts) == expected
    # Filters apply to the answers: the same two listings whatever they select.
    assert [c.path for c in fake.api_calls] == [WE_LIST, BACKUP_LIST]


# --- groups ---------------------------------------------------------------------------------


def test_default_groups(plugin, api, source):
    api()
    inventory = parse(plugin, source())
    assert members(inventory, "bluexp_provider_aws") == ["prod-aws"]
    assert members(inventory, "bluexp_provider_azure") == ["dev-azure"]
    assert members(inventory, "bluexp_provider_onprem") == ["prod-onprem"]
    assert "bluexp_provider_gcp" not in inventory.groups
    assert members(inventory, "bluexp_backup_on") == ["prod-aws", "prod-onprem"]
    assert members(inventory, "bluexp_backup_off") == ["dev-azure"]
    assert members(inventory, "bluexp_account_TEST0001") == ["dev-azure", "prod-aws", "prod-onprem"]
    assert members(inventory, "bluexp_connector_" + CONNECTOR) == ["dev-azure", "prod-aws", "prod-onprem"]


def test_keyed_groups_groups_and_compose(plugin, api, source):
    api()
    inventory = parse(plugin, source(
        keyed_groups=[
            {"key": "bluexp_provider | lower", "prefix": "provider"},
            {"key": "bluexp_region", "prefix": "region", "default_value": "on_premises"},
            {"key": "bluexp_backup_status | default('unknown', true) | lower", "prefix": "backup"},
        ],
        groups={"backup_failing": "bluexp_backup_enabled and bluexp_failed_backup_volume_count > 0"},
        compose={"unprotected_volume_count": "bluexp_volume_count - bluexp_backed_up_volume_count",
                 "bucket": "(bluexp_object_store or {}).bucket | default('none')"},
    ))
    assert members(inventory, "provider_aws") == ["prod-aws"]
    assert members(inventory, "region_us_east_1") == ["prod-aws"]
    assert members(inventory, "region_eastus") == ["dev-azure"]
    assert members(inventory, "region_on_premises") == ["prod-onprem"]
    assert members(inventory, "backup_on") == ["prod-aws", "prod-onprem"]
    assert members(inventory, "backup_off") == ["dev-azure"]
    assert members(inventory, "backup_failing") == ["prod-aws"]
    assert host_vars(inventory, "prod-onprem")["unprotected_volume_count"] == 8
    assert host_vars(inventory, "prod-onprem")["bucket"] == "netapp-backup-op1"
    assert host_vars(inventory, "dev-azure")["bucket"] == "none"


def test_an_empty_key_makes_no_group_unless_strict(plugin, api, source):
    api()
    inventory = parse(plugin, source(keyed_groups=[{"key": "bluexp_region", "prefix": "region"}]))
    assert sorted(g for g in inventory.groups if g.startswith("region")) == ["region_eastus", "region_us_east_1"]
    with pytest.raises(AnsibleParserError, match="resulted empty"):
        parse(plugin, source(strict=True, keyed_groups=[{"key": "bluexp_region", "prefix": "region"}]))


def test_a_bad_compose_expression_fails_only_when_strict(plugin, api, source):
    api()
    inventory = parse(plugin, source(compose={"broken": "bluexp_no_such_var.x"}))
    assert "broken" not in host_vars(inventory, "prod-aws")
    with pytest.raises(AnsibleError, match="Could not set broken"):
        parse(plugin, source(strict=True, compose={"broken": "bluexp_no_such_var.x"}))


# --- calls and credentials ------------------------------------------------------------------


def test_one_token_exchange_and_the_two_listing_calls(plugin, api, source, fake):
    api()
    parse(plugin, source())
    assert len(fake.token_calls) == 1
    assert fake.token_calls[0].body["refresh_token"] == REFRESH_TOKEN
    assert [(c.method, c.path) for c in fake.api_calls] == [("GET", WE_LIST), ("GET", BACKUP_LIST)]
    for call in fake.api_calls:
        assert call.headers["Authorization"] == "Bearer " + ISSUED_TOKEN
        assert call.headers["x-agent-id"] == AGENT_HEADER


def test_account_and_connector_are_discovered_when_not_given(plugin, api, source, fake):
    fake.add("GET", API_URL + "/tenancy/account", reply(200, [{"accountPublicId": ACCOUNT, "accountName": "Lab"}]))
    fake.add("GET", API_URL + "/occm/list-occms/" + ACCOUNT,
             reply(200, {"occms": [{"agentId": CONNECTOR, "occmName": "conn"}]}))
    api()
    path = source(connection=False, api_url=API_URL, auth_url=AUTH_URL, refresh_token=REFRESH_TOKEN)
    assert len(parse(plugin, path).hosts) == 3
    assert [c.path for c in fake.api_calls] == ["/tenancy/account", "/occm/list-occms/" + ACCOUNT,
                                                WE_LIST, BACKUP_LIST]
    assert len(fake.token_calls) == 1


def test_credentials_and_endpoints_from_the_environment(plugin, api, source, fake, monkeypatch):
    for name, value in (("BLUEXP_CLIENT_ID", CLIENT_ID), ("BLUEXP_CLIENT_SECRET", CLIENT_SECRET),
                        ("BLUEXP_API_URL", API_URL), ("BLUEXP_AUTH_URL", AUTH_URL),
                        ("BLUEXP_ACCOUNT_ID", ACCOUNT), ("BLUEXP_CONNECTOR_ID", CONNECTOR),
                        ("BLUEXP_TIMEOUT", "17")):
        monkeypatch.setenv(name, value)
    api()
    inventory = parse(plugin, source(connection=False))
    assert len(inventory.hosts) == 3
    assert fake.token_calls[0].body == {"grant_type": "client_credentials", "client_id": CLIENT_ID,
                                        "client_secret": CLIENT_SECRET, "audience": "https://api.cloud.netapp.com"}
    assert all(c.timeout == 17 for c in fake.calls)


def test_a_ready_token_needs_no_exchange(plugin, api, source, fake, monkeypatch):
    monkeypatch.setenv("BLUEXP_TOKEN", STATIC_TOKEN)
    api()
    parse(plugin, source(refresh_token=None))
    assert not fake.token_calls
    assert fake.api_calls[0].headers["Authorization"] == "Bearer " + STATIC_TOKEN


def test_tls_options_reach_the_transport(plugin, api, source, module_transport, tmp_path):
    api()
    parse(plugin, source(validate_certs=False, ca_path=str(tmp_path / "ca.pem")))
    assert module_transport[0]["validate_certs"] is False
    assert module_transport[0]["ca_path"] == str(tmp_path / "ca.pem")


def test_no_secret_in_host_variables(plugin, api, source):
    api()
    inventory = parse(plugin, source(client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=None))
    for host in inventory.hosts.values():
        assert_no_secret(dict(host.vars))
        assert "AKIAEXAMPLE" not in json.dumps(dict(host.vars))


# --- errors ---------------------------------------------------------------------------------


def test_api_error_names_status_message_and_request(plugin, fake, source):
    fake.token()
    fake.add("GET", WE_LIST, reply(403, {"statusCode": 403, "error": "Forbidden",
                                         "message": "User is not allowed to do operation"}))
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin, source())
    message = str(info.value)
    assert message.startswith(PLUGIN + ": GET " + WE_LIST)
    for text in ("HTTP 403", "Forbidden", "User is not allowed to do operation"):
        assert text in message
    assert info.value.__cause__ is None and info.value.__suppress_context__
    assert_no_secret(message)


def test_refused_credential(plugin, fake, source):
    fake.token(reply(403, {"error": "invalid_grant", "error_description": "Unknown or invalid refresh token."}))
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin, source())
    message = str(info.value)
    for text in ("POST " + TOKEN_URL, "HTTP 403", "invalid_grant", "Unknown or invalid refresh token."):
        assert text in message
    assert_no_secret(message)
    assert not fake.api_calls


def test_no_credential_names_the_options_and_sends_nothing(plugin, fake, source):
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin, source(refresh_token=None))
    for name in ("refresh_token", "client_id", "BLUEXP_REFRESH_TOKEN", "BLUEXP_CLIENT_SECRET"):
        assert name in str(info.value)
    assert not fake.calls


def test_bad_api_url_is_named(plugin, fake, source):
    with pytest.raises(AnsibleParserError, match="api_url must be an http"):
        parse(plugin, source(api_url="api.example.test"))
    assert not fake.calls


def test_missing_requests_is_reported(plugin, fake, source, monkeypatch):
    # What _http looks like on a controller without requests: the client still imports.
    monkeypatch.setattr(_http, "HAS_REQUESTS", False)
    monkeypatch.delattr(_http, "requests")
    with pytest.raises(AnsibleParserError, match="needs the Python library requests"):
        parse(plugin, source())
    assert not fake.calls


# --- cache ----------------------------------------------------------------------------------


def cached_source(source, tmp_path, **options):
    return source(cache=True, cache_plugin="jsonfile", cache_connection=str(tmp_path / "cache"), **options)


def parse_and_store(plugin, path, cache=True):
    """Parse as the inventory manager does: the cache is written after parse()."""
    inventory = parse(plugin, path, cache=cache)
    plugin.update_cache_if_changed()
    return inventory


def read_entry(path):
    """A jsonfile cache entry; ansible-core 2.19 and later wrap it in a serialised payload."""
    stored = json.loads(path.read_text())
    return json.loads(stored["__payload__"]) if "__payload__" in stored else stored


def test_a_fresh_cache_makes_no_call(plugin, api, source, fake, tmp_path):
    api()
    path = cached_source(source, tmp_path)
    first = parse_and_store(plugin, path)
    calls = len(fake.calls)
    assert calls == 3

    second = parse_and_store(plugin, path)
    assert len(fake.calls) == calls
    assert sorted(second.hosts) == sorted(first.hosts)
    for host in first.hosts:
        assert host_vars(second, host) == host_vars(first, host)
    assert members(second, "bluexp_backup_off") == ["dev-azure"]


def test_the_cache_holds_the_api_answers_and_never_a_secret(plugin, api, source, tmp_path):
    api()
    path = cached_source(source, tmp_path, client_id=CLIENT_ID, client_secret=CLIENT_SECRET, refresh_token=None)
    parse_and_store(plugin, path)
    files = list((tmp_path / "cache").iterdir())
    assert len(files) == 1
    text = files[0].read_text()
    assert_no_secret(text)
    for word in (CLIENT_ID, "Bearer", "AKIAEXAMPLE"):
        assert word not in text
    stored = read_entry(files[0])
    assert sorted(stored) == ["format", "scopes"]
    [scope] = stored["scopes"]
    assert sorted(scope) == ["account_id", "account_name", "backup", "connector_id", "connector_name",
                             "working_environments"]
    assert [r["id"] for r in scope["working_environments"]] == [r["id"] for r in FLEET]


def test_filters_and_groups_apply_to_cached_answers(plugin, api, source, fake, tmp_path):
    api()
    parse_and_store(plugin, cached_source(source, tmp_path))
    calls = len(fake.calls)
    inventory = parse_and_store(plugin, cached_source(source, tmp_path, providers=["AZURE"]))
    assert list(inventory.hosts) == ["dev-azure"]
    assert len(fake.calls) == calls


def test_flush_cache_reads_the_api_again_and_stores_it(plugin, api, source, fake, tmp_path):
    api()
    path = cached_source(source, tmp_path)
    parse_and_store(plugin, path)
    parse_and_store(plugin, path, cache=False)
    assert len(fake.sent("GET", WE_LIST)) == 2
    parse_and_store(plugin, path)
    assert len(fake.sent("GET", WE_LIST)) == 2


def test_another_account_is_not_served_from_the_cache(plugin, api, source, fake, tmp_path):
    api()
    parse_and_store(plugin, cached_source(source, tmp_path))
    other = "account-OTHER001"
    fake.add("GET", cbs_path("v1", "working-environment", account=other),
             reply(200, {"working-environment": [AZURE, ONPREM]}))
    fake.add("GET", cbs_path("v1", "backup", "working-environment", account=other),
             reply(200, {"working-environment": []}))
    inventory = parse_and_store(plugin, cached_source(source, tmp_path, account_id=other))
    assert sorted(inventory.hosts) == ["dev-azure", "prod-onprem"]


def test_cache_off_reads_the_api_every_time(plugin, api, source, fake):
    api()
    path = source()
    parse(plugin, path)
    parse(plugin, path)
    assert len(fake.sent("GET", WE_LIST)) == 2


def test_an_unreadable_cache_entry_is_replaced(plugin, api, source, fake, tmp_path):
    api()
    path = cached_source(source, tmp_path)
    parse_and_store(plugin, path)
    entry = next((tmp_path / "cache").iterdir())
    entry.write_text(json.dumps({"something": "else"}))
    assert len(parse_and_store(plugin, path).hosts) == 3
    assert len(fake.sent("GET", WE_LIST)) == 2
    assert "working_environments" in read_entry(entry)["scopes"][0]


# --- source files ---------------------------------------------------------------------------


@pytest.mark.parametrize("name, wanted", [
    ("fleet.bluexp.yml", True),
    ("fleet.bluexp.yaml", True),
    ("bluexp.yml", True),
    ("bluexp.yaml", True),
    ("fleet.yml", False),
    ("mybluexp.yml", False),
    ("fleet.bluexp.json", False),
])
def test_verify_file(plugin, tmp_path, name, wanted):
    path = tmp_path / name
    path.write_text("plugin: " + PLUGIN)
    assert plugin.verify_file(str(path)) is wanted


def test_verify_file_needs_a_readable_file(plugin, tmp_path):
    assert not plugin.verify_file(str(tmp_path / "missing.bluexp.yml"))


def test_a_source_for_another_plugin_is_refused(plugin, tmp_path, fake):
    path = tmp_path / "other.bluexp.yml"
    path.write_text("plugin: amazon.aws.aws_ec2\n")
    with pytest.raises(AnsibleParserError, match="Incorrect plugin name"):
        parse(plugin, str(path))
    assert not fake.calls


# --- several accounts and Connectors ---------------------------------------------------------

SECOND = "account-TEST0002"
EAST, WEST, THIRD = "connEAST", "connWEST", "connTHIRD"
GCP = we("GcpVsaWorkingEnvironment-gcp1", "prod-aws", "GCP", "europe-west1", "1")  # shares a name with AWS


def occm(connector, account, name):
    return {"account": account, "accountName": "Name of " + account, "occm": connector, "agentId": connector,
            "occmName": name, "agent": {"agentId": connector + "clients", "name": name}}


@pytest.fixture
def fleet_api(fake):
    """Two accounts: the first with Connectors EAST (AWS, ONPREM) and WEST (AZURE), the second with THIRD (GCP)."""
    served = {(ACCOUNT, EAST): [AWS, ONPREM], (ACCOUNT, WEST): [AZURE], (SECOND, THIRD): [GCP]}

    def listing(key, backup):
        def answer(call):
            records = served.get((key, call.headers["x-agent-id"][:-len("clients")]))
            if records is None:
                return reply(403, {"message": "not a Connector of this account"})
            if backup:
                records = [backup_view(r) for r in records]
            return reply(200, {"working-environment": records})
        return answer

    fake.token()
    fake.add("GET", API_URL + "/tenancy/account", reply(200, [
        {"accountPublicId": ACCOUNT, "accountName": "Production"}, {"accountPublicId": SECOND, "accountName": "Lab"}]))
    fake.add("GET", API_URL + "/occm/list-occms/" + ACCOUNT,
             reply(200, {"occms": [occm(EAST, ACCOUNT, "cm-east"), occm(WEST, ACCOUNT, "cm-west")]}))
    fake.add("GET", API_URL + "/occm/list-occms/" + SECOND, reply(200, {"occms": [occm(THIRD, SECOND, "cm-lab")]}))
    for account in (ACCOUNT, SECOND):
        fake.add("GET", cbs_path("v1", "working-environment", account=account), listing(account, False))
        fake.add("GET", cbs_path("v1", "backup", "working-environment", account=account), listing(account, True))
    return fake


def fleet_source(source, **options):
    return source(connection=False, api_url=API_URL, auth_url=AUTH_URL, refresh_token=REFRESH_TOKEN, **options)


def test_every_account_and_connector_is_read_with_one_token_exchange(plugin, fleet_api, source, monkeypatch):
    for name in ("BLUEXP_ACCOUNT_ID", "BLUEXP_CONNECTOR_ID"):
        monkeypatch.delenv(name, raising=False)
    inventory = parse(plugin, fleet_source(source))
    assert sorted(inventory.hosts) == ["dev-azure", "prod-aws_GcpVsaWorkingEnvironment-gcp1",
                                       "prod-aws_VsaWorkingEnvironment-aws1", "prod-onprem"]
    assert len(fleet_api.token_calls) == 1
    paths = [c.path for c in fleet_api.api_calls]
    assert paths[:3] == ["/tenancy/account", "/occm/list-occms/" + ACCOUNT, "/occm/list-occms/" + SECOND]
    # Two listings per Connector, each sent once, with the Connector's own x-agent-id.
    sent = sorted((c.path, c.headers["x-agent-id"]) for c in fleet_api.api_calls[3:])
    scopes = ((ACCOUNT, EAST), (ACCOUNT, WEST), (SECOND, THIRD))
    listings = (("v1", "working-environment"), ("v1", "backup", "working-environment"))
    assert sent == sorted((cbs_path(*p, account=a), c + "clients") for a, c in scopes for p in listings)
    for call in fleet_api.api_calls:
        assert call.headers["Authorization"] == "Bearer " + ISSUED_TOKEN


def test_each_host_carries_its_account_and_connector(plugin, fleet_api, source, monkeypatch):
    for name in ("BLUEXP_ACCOUNT_ID", "BLUEXP_CONNECTOR_ID"):
        monkeypatch.delenv(name, raising=False)
    inventory = parse(plugin, fleet_source(source))
    azure = host_vars(inventory, "dev-azure")
    assert (azure["bluexp_account_id"], azure["bluexp_account_name"]) == (ACCOUNT, "Production")
    assert (azure["bluexp_connector_id"], azure["bluexp_connector_name"]) == (WEST + "clients", "cm-west")
    gcp = host_vars(inventory, "prod-aws_GcpVsaWorkingEnvironment-gcp1")
    assert (gcp["bluexp_account_id"], gcp["bluexp_connector_id"]) == (SECOND, THIRD + "clients")
    assert gcp["bluexp_backup_enabled"] is True
    assert members(inventory, "bluexp_account_TEST0001") == ["dev-azure", "prod-aws_VsaWorkingEnvironment-aws1",
                                                             "prod-onprem"]
    assert members(inventory, "bluexp_account_TEST0002") == ["prod-aws_GcpVsaWorkingEnvironment-gcp1"]
    assert members(inventory, "bluexp_connector_connEAST") == ["prod-aws_VsaWorkingEnvironment-aws1", "prod-onprem"]
    assert members(inventory, "bluexp_connector_connWEST") == ["dev-azure"]
    assert members(inventory, "bluexp_connector_connTHIRD") == ["prod-aws_GcpVsaWorkingEnvironment-gcp1"]


def test_accounts_restrict_and_skip_the_account_list(plugin, fleet_api, source):
    inventory = parse(plugin, fleet_source(source, accounts=[SECOND]))
    assert list(inventory.hosts) == ["prod-aws"]  # the name is no longer shared
    assert "/tenancy/account" not in [c.path for c in fleet_api.api_calls]
    assert host_vars(inventory, "prod-aws")["bluexp_account_name"] == "Name of " + SECOND  # from the Connector list


def test_connectors_restrict_across_accounts(plugin, fleet_api, source, monkeypatch):
    monkeypatch.delenv("BLUEXP_ACCOUNT_ID", raising=False)
    inventory = parse(plugin, fleet_source(source, connectors=[WEST, THIRD + "clients"]))
    assert sorted(inventory.hosts) == ["dev-azure", "prod-aws"]
    assert not fleet_api.sent("GET", cbs_path("v1", "working-environment", account=ACCOUNT))[0].headers[
        "x-agent-id"].startswith(EAST)


def test_one_account_and_its_connectors_named_send_no_discovery(plugin, fleet_api, source):
    inventory = parse(plugin, fleet_source(source, accounts=[ACCOUNT], connectors=[EAST, WEST]))
    assert sorted(inventory.hosts) == ["dev-azure", "prod-aws", "prod-onprem"]
    assert not [c for c in fleet_api.api_calls if not c.path.startswith("/account/")]


def test_accounts_and_connectors_win_over_account_id_and_connector_id(plugin, fleet_api, source):
    inventory = parse(plugin, fleet_source(source, accounts=[SECOND], account_id=ACCOUNT, connectors=[THIRD],
                                           connector_id=EAST))
    assert list(inventory.hosts) == ["prod-aws"]
    inventory = parse(plugin, fleet_source(source, account_id=ACCOUNT, connector_id=WEST))
    assert list(inventory.hosts) == ["dev-azure"]


def test_an_unknown_connector_fails_listing_those_found(plugin, fleet_api, source, monkeypatch):
    monkeypatch.delenv("BLUEXP_ACCOUNT_ID", raising=False)
    with pytest.raises(AnsibleParserError, match=r"connNOPEclients is no Connector of account .* found: connEASTclients"):
        parse(plugin, fleet_source(source, connectors=["connNOPE"]))


def test_no_account_visible_fails(plugin, fake, source, monkeypatch):
    monkeypatch.delenv("BLUEXP_ACCOUNT_ID", raising=False)
    fake.token()
    fake.add("GET", API_URL + "/tenancy/account", reply(200, []))
    with pytest.raises(AnsibleParserError, match="no BlueXP account is visible"):
        parse(plugin, fleet_source(source))


def test_an_account_without_connector_has_no_host_and_a_warning(plugin, fake, source, monkeypatch):
    warnings = []
    monkeypatch.setattr(plugin.display, "warning", warnings.append)
    fake.token()
    fake.add("GET", API_URL + "/occm/list-occms/" + ACCOUNT, reply(200, {"occms": []}))
    assert not parse(plugin, fleet_source(source, accounts=[ACCOUNT])).hosts
    assert warnings == ["{0}: account {1} has no Connector; it has no host.".format(PLUGIN, ACCOUNT)]


def test_python_interpreter_defaults_to_the_controllers_and_can_be_set(plugin, api, source):
    api()
    assert host_vars(parse(plugin, source()), "prod-aws")["ansible_python_interpreter"] == sys.executable
    inventory = parse(plugin, source(python_interpreter="{{ ansible_playbook_python }}"))
    assert host_vars(inventory, "prod-aws")["ansible_python_interpreter"] == "{{ ansible_playbook_python }}"


def test_the_cache_keeps_every_scope_and_is_kept_per_restriction(plugin, fleet_api, source, tmp_path, monkeypatch):
    monkeypatch.delenv("BLUEXP_ACCOUNT_ID", raising=False)
    monkeypatch.delenv("BLUEXP_CONNECTOR_ID", raising=False)
    config = {"cache": True, "cache_plugin": "jsonfile", "cache_connection": str(tmp_path / "cache")}
    everything = fleet_source(source, **config)
    first = parse_and_store(plugin, everything)
    calls = len(fleet_api.calls)
    second = parse_and_store(plugin, everything)
    assert len(fleet_api.calls) == calls
    assert sorted(second.hosts) == sorted(first.hosts)
    assert host_vars(second, "dev-azure")["bluexp_connector_id"] == WEST + "clients"
    lab = parse_and_store(plugin, fleet_source(source, name="lab.bluexp.yml", accounts=[SECOND], **config))
    assert list(lab.hosts) == ["prod-aws"]
    assert len(fleet_api.calls) > calls


# --- a fleet that cannot be listed ------------------------------------------------------------


@pytest.fixture
def emulated_source(emulator, source):
    """A source file for the emulator's seeded account and Connector with `credential` (its own by default)."""
    creds = emulator.state()["credentials"]

    def write(credential=None, **options):
        connection = dict(api_url=emulated.API_URL, auth_url=emulated.AUTH_URL, account_id=emulator.account_id,
                          connector_id=emulator.connector_id)
        connection.update(credential or {"refresh_token": creds["refresh_token"]})
        return source(connection=False, **dict(connection, **options))

    return write


def listing_calls(emulator):
    return [r for r in emulator.requests() if r["method"] == "GET" and r["path"].endswith("/api/v1/working-environment")]


@pytest.mark.parametrize("status, attempts", [(500, 2), (503, _retry.RetryPolicy().max_attempts)],
                         ids=["500 twice in a row", "503 after the read retries"])
def test_a_listing_that_fails_fails_the_source(plugin_on_emulator, emulator, emulated_source, monkeypatch,
                                               status, attempts):
    monkeypatch.setattr(C, "INVENTORY_ANY_UNPARSED_IS_FAILED", False)
    emulator.add_fault(method="GET", path="/api/v1/working-environment$", status=status, message="listing down")
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin_on_emulator, emulated_source())
    message = str(info.value)
    assert message.startswith(PLUGIN + ": GET " + emulator.cbs_path("v1", "working-environment"))
    assert "HTTP {0}".format(status) in message and "listing down" in message
    connector = _discovery.normalise_connector_id(emulator.connector_id)
    assert ("The working environments of account {0} through Connector {1} could not be listed, so this source "
            "has no host.".format(emulator.account_id, connector)) in message
    # By default Ansible only warns about a failed source: the message says how to make it stop the run.
    assert message.endswith("Set ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED=true to stop the run instead.")
    assert len(listing_calls(emulator)) == attempts


def test_a_refused_token_exchange_fails_the_source_and_lists_nothing(plugin_on_emulator, emulator, emulated_source,
                                                                     monkeypatch):
    monkeypatch.setattr(C, "INVENTORY_ANY_UNPARSED_IS_FAILED", True)
    emulator.add_fault(method="POST", path="/oauth/token$", status=403, message="refresh token revoked")
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin_on_emulator, emulated_source())
    message = str(info.value)
    for text in ("POST " + emulated.AUTH_URL + "/oauth/token", "HTTP 403", "refresh token revoked",
                 "refresh token refused", "Check refresh_token"):
        assert text in message
    # Fatal already: no advice to make it so.
    assert message.endswith("The working environments could not be listed, so this source has no host.")
    assert [r["path"] for r in emulator.requests()] == ["/oauth/token"]


@pytest.mark.parametrize("way", ["refresh_token", "service_account", "both"])
def test_a_token_service_echoing_the_credential_is_masked(
        plugin_on_emulator, emulator, emulated_source, way, monkeypatch):
    """"both": a service account in the source, and a refresh token in the environment."""
    creds = emulator.state()["credentials"]
    credential = {}
    if way == "refresh_token":
        credential["refresh_token"] = creds["refresh_token"]
    if way in ("service_account", "both"):
        credential.update(client_id=creds["client_id"], client_secret=creds["client_secret"])
    if way == "both":
        monkeypatch.setenv("BLUEXP_REFRESH_TOKEN", creds["refresh_token"])
    emulator.add_fault(method="POST", path="/oauth/token$", status=401,
                       message="bad request refresh_token={0} client_secret={1}".format(
                           creds["refresh_token"], creds["client_secret"]))
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin_on_emulator, emulated_source(credential))
    message = str(info.value)
    assert "HTTP 401" in message and "bad request refresh_token=" in message
    if way == "both":
        credential["refresh_token"] = creds["refresh_token"]
    for option, value in credential.items():
        if option != "client_id":
            assert value not in message and value not in repr(info.value)
            assert "{0}=********".format(option) in message, "masked as modules mask no_log values"


def test_an_api_error_echoing_the_access_token_is_masked(plugin, fake, source):
    fake.token()
    fake.add("GET", WE_LIST, reply(401, {"message": "token {0} is not valid here".format(ISSUED_TOKEN)}))
    with pytest.raises(AnsibleParserError) as info:
        parse(plugin, source())
    assert "token ******** is not valid here" in str(info.value)
    assert_no_secret(str(info.value))


# --- the shipped ansible.cfg ----------------------------------------------------------------------

ROOT = Path(working_environments.__file__).resolve().parents[2]
# `ansible-playbook -i SOURCE PLAYBOOK` and `ansible-inventory -i SOURCE` as the playbooks' headers show them.
DOCUMENTED_COMMAND = re.compile(r"^#\s+(?:\S+=\S+\s+)*ansible-(?:playbook|inventory)\s+(.*)$", re.MULTILINE)


def test_the_shipped_ansible_cfg_makes_a_source_that_fails_stop_the_run(monkeypatch):
    for name in ("ANSIBLE_INVENTORY_ANY_UNPARSED_IS_FAILED", "ANSIBLE_INVENTORY_UNPARSED_FAILED"):
        monkeypatch.delenv(name, raising=False)
    config = ConfigManager(conf_file=str(ROOT / "ansible.cfg"))
    value, origin = config.get_config_value_and_origin("INVENTORY_ANY_UNPARSED_IS_FAILED")
    assert value is True and origin == str(ROOT / "ansible.cfg")
    # Not "no source parsed": the runbooks run on localhost without any source.
    assert config.get_config_value("INVENTORY_UNPARSED_IS_FAILED") is False


def test_the_playbooks_are_documented_to_run_where_the_ansible_cfg_is():
    """Ansible reads ./ansible.cfg: the commands in the playbooks' headers name their files from the collection
    root, so that they run there."""
    assert (ROOT / "ansible.cfg").is_file()
    commands = [(path.name, match) for path in sorted((ROOT / "playbooks").rglob("*.yml"))
                for match in DOCUMENTED_COMMAND.findall(path.read_text(encoding="utf-8"))]
    with_inventory = [(name, command) for name, command in commands if "-i " in command]
    assert len(with_inventory) >= 3
    for name, command in commands:
        words = command.split()
        files = [w for w in words if w.startswith("playbooks/")]
        if words[0].startswith("bluexp.cloud_backup."):
            continue  # a playbook of the installed collection, by name: no inventory source
        assert files, "{0}: {1!r} does not name its files from the collection root".format(name, command)
        for relative in files:
            assert (ROOT / relative).is_file(), "{0}: {1} is not a file of the collection".format(name, relative)
