# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A fleet of several accounts with several Connectors each: the inventory covers all of it, and the
shipped playbooks run every module with its host's own account and Connector, so nothing is discovered."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import REPO

PLUGIN = "bluexp.cloud_backup.working_environments"
ACCOUNTS, CONNECTORS, FLEET_SIZE = 2, 3, 6


def is_discovery(entry: dict) -> bool:
    return entry["method"] == "GET" and (entry["path"] == "/tenancy/account"
                                         or entry["path"].startswith("/occm/list-occms/"))


@pytest.fixture
def fleet(bluexp_emulator, tmp_path: Path):
    """The emulated fleet, and an inventory source over it whose cache the test warms first."""
    bluexp_emulator.reset(seed=11, fleet_size=FLEET_SIZE, accounts=ACCOUNTS, connectors=CONNECTORS)
    state = bluexp_emulator.state()
    source = tmp_path / "fleet.bluexp.yml"
    source.write_text(yaml.safe_dump({
        "plugin": PLUGIN, "cache": True, "cache_plugin": "ansible.builtin.jsonfile",
        "cache_connection": str(tmp_path / "inventory-cache"), "cache_timeout": 3600}))
    env = {"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
           "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"],
           "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true"}
    return state, source, env


def run_inventory(collections_path: Path, tmp_path: Path, env: dict[str, str], *args: str) -> dict:
    full_env = {k: v for k, v in os.environ.items() if not k.startswith(("BLUEXP_", "ANSIBLE_"))}
    full_env.update({"ANSIBLE_COLLECTIONS_PATH": str(collections_path), "ANSIBLE_NOCOLOR": "1",
                     "ANSIBLE_LOCAL_TEMP": str(tmp_path / "local-tmp")}, **env)
    done = subprocess.run([str(Path(sys.executable).parent / "ansible-inventory"), *args], env=full_env,
                          capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr
    if "--list" not in args:
        return {}
    return json.loads(done.stdout, object_hook=lambda d: d["__ansible_unsafe"] if set(d) == {"__ansible_unsafe"} else d)


def test_inventory_covers_every_account_and_connector(bluexp_emulator, fleet, collections_path, tmp_path):
    state, source, env = fleet
    listing = run_inventory(collections_path, tmp_path, env, "-i", str(source), "--list")

    hostvars = listing["_meta"]["hostvars"]
    everyone = [(account, we) for account in state["accounts"] for we in account["working_environments"]]
    assert len(hostvars) == len(everyone) == ACCOUNTS * FLEET_SIZE
    by_id = {variables["bluexp_id"]: variables for variables in hostvars.values()}
    for account, we in everyone:
        variables = by_id[we["id"]]
        connector = next(c for c in account["connectors"] if c["client_id"] == we["connector_id"])
        assert variables["bluexp_account_id"] == account["id"]
        assert variables["bluexp_account_name"] == account["name"]
        assert variables["bluexp_connector_id"] == connector["x-agent-id"]
        assert variables["bluexp_connector_name"] == connector["name"]
        assert Path(variables["ansible_python_interpreter"]).resolve() == Path(sys.executable).resolve()
    for account in state["accounts"]:
        group = "bluexp_account_" + account["id"].removeprefix("account-")
        assert len(listing[group]["hosts"]) == FLEET_SIZE
        for connector in account["connectors"]:
            held = [we for we in account["working_environments"] if we["connector_id"] == connector["client_id"]]
            hosts = listing.get("bluexp_connector_" + connector["client_id"], {}).get("hosts", [])
            assert sorted(hostvars[h]["bluexp_id"] for h in hosts) == sorted(we["id"] for we in held)
    # One token exchange; the account list, each account's Connectors, and two listings per Connector.
    counters = bluexp_emulator.counters()
    assert counters["token_exchanges"] == 1
    assert counters["by_route"]["GET /tenancy/account"] == 1
    assert counters["by_route"]["GET /occm/list-occms/{accountId}"] == ACCOUNTS
    assert counters["by_route"]["GET /api/v1/working-environment"] == ACCOUNTS * CONNECTORS
    assert counters["by_route"]["GET /api/v1/backup/working-environment"] == ACCOUNTS * CONNECTORS


def test_shipped_playbooks_discover_nothing_on_inventory_hosts(bluexp_emulator, fleet, collections_path, run_playbook,
                                                               tmp_path):
    _state, source, env = fleet
    run_inventory(collections_path, tmp_path, env, "-i", str(source), "--graph")  # warms the cache
    inventory_discovery = sum(1 for entry in bluexp_emulator.requests() if is_discovery(entry))
    assert inventory_discovery == 1 + ACCOUNTS
    bluexp_emulator.control("DELETE", "/requests")
    reports = tmp_path / "reports"

    protect = run_playbook(REPO / "playbooks" / "protect_fleet.yml", "-i", str(source), "--forks", "6", env=env)
    report = run_playbook(REPO / "playbooks" / "protection_report.yml", "-i", str(source),
                          "-e", "protection_report_hosts=all", "-e", "protection_report_dir=" + str(reports), env=env)
    sweep = run_playbook(REPO / "playbooks" / "ransomware_sweep.yml", "-i", str(source),
                         "-e", "ransomware_sweep_hosts=bluexp_backup_on", "--forks", "6", env=env)

    for run in (protect, report, sweep):
        assert run.rc == 0, run.output[-6000:]
    log = bluexp_emulator.requests()
    modules = [entry for entry in log if entry["path"].startswith("/account/")]
    assert modules, "the playbooks sent no API request"
    # Every module run went straight to its host's Connector: the inventory came from its cache,
    # so every discovery request in the log would have come from a module.
    discovery = [entry for entry in log if is_discovery(entry)]
    print("discovery requests of the module runs: {0} (of {1} requests)".format(len(discovery), len(log)))
    assert discovery == []
    # Each request named its working environment's own Connector (the emulator would have said 404 otherwise).
    assert not [entry for entry in modules if entry["status"] >= 400]
    used = {(entry["path"].split("/")[2], entry["headers"]["x-agent-id"]) for entry in modules}
    assert len(used) == ACCOUNTS * CONNECTORS
    # The report covers the whole fleet, and the protect play reached every cloud working environment.
    written = json.loads((reports / "report.json").read_text())
    assert written["totals"]["working_environments"] == ACCOUNTS * FLEET_SIZE
    after = bluexp_emulator.state()
    cloud = [we for account in after["accounts"] for we in account["working_environments"] if we["provider"] != "ONPREM"]
    assert all(we["backup_enabled"] for we in cloud)
    # One token exchange per play; the inventory's was the warm-up's.
    assert bluexp_emulator.counters()["token_exchanges"] == 1 + 3


def test_protect_rerun_reads_the_fleet_once_and_writes_nothing(bluexp_emulator, fleet, collections_path, run_playbook,
                                                               tmp_path):
    """A converged fleet over several accounts and Connectors: the rerun is one fleet-wide read (two calls per
    working environment, two listings per Connector), no write, no per-host module run, and every host ok."""
    _state, source, env = fleet
    run_inventory(collections_path, tmp_path, env, "-i", str(source), "--graph")  # warms the cache
    first = run_playbook(REPO / "playbooks" / "protect_fleet.yml", "-i", str(source), "--forks", "6", env=env)
    assert first.rc == 0, first.output[-6000:]
    bluexp_emulator.control("DELETE", "/requests")

    rerun = run_playbook(REPO / "playbooks" / "protect_fleet.yml", "-i", str(source), "--forks", "6", env=env)
    assert rerun.rc == 0, rerun.output[-6000:]
    assert "changed=1" not in rerun.output and "changed=0" in rerun.output
    calls = [entry for entry in bluexp_emulator.requests() if entry["path"].startswith("/account/")]
    assert [entry for entry in calls if entry["method"] != "GET"] == []
    hosts = {line.split()[0] for line in rerun.output.splitlines() if " ok=" in line}
    volumes = [entry for entry in calls if entry["path"].endswith("/volume")]
    others = [entry for entry in calls if entry not in volumes]
    connectors = {entry["headers"]["x-agent-id"] for entry in calls}
    print("rerun: {0} requests for {1} hosts over {2} Connectors".format(len(calls), len(hosts), len(connectors)))
    # Each host's volumes (the ONTAP list and the backup list), and per Connector the listing and the
    # backup status of its working environments (or, for a Connector of one, those two read by ID).
    assert len(volumes) == 2 * len(hosts)
    assert len(others) == 2 * len(connectors)
    # No host ran a module of its own: no policy, job or single backup volume was read.
    assert not [entry for entry in calls if "/backup-policy" in entry["path"] or "/job" in entry["path"]]


def test_a_failed_job_fails_its_host_alone(bluexp_emulator, fleet, run_playbook):
    """The jobs of the fleet are waited for together, but a job that fails fails the host that started it, with the
    job's error, and stops that host's further writes; the other hosts converge."""
    state, source, env = fleet
    cloud = [we for account in state["accounts"] for we in account["working_environments"] if we["provider"] != "ONPREM"]
    inactive = [we for we in cloud if not we["backup_enabled"]]
    assert inactive, "the seeded fleet needs a cloud working environment without backup"
    victim = inactive[0]
    bluexp_emulator.add_job_fault(working_environment_id=victim["id"], error="bucket quota exceeded")

    run = run_playbook(REPO / "playbooks" / "protect_fleet.yml", "-i", str(source), "--forks", "6", env=env)
    assert run.rc == 2, run.output[-6000:]
    recap = {line.split()[0]: line for line in run.output.splitlines() if " ok=" in line and " failed=" in line}
    failed = {host for host, line in recap.items() if " failed=0" not in line}
    assert len(failed) == 1 and next(iter(failed)).startswith(victim["name"]), recap
    assert "Protecting {0} failed".format(victim["name"]) in run.output
    assert "bucket quota exceeded" in run.output
    after = {we["id"]: we for account in bluexp_emulator.state()["accounts"] for we in account["working_environments"]}
    assert after[victim["id"]]["protected_volumes"] == 0, "no volume write after the failed activation"
    others = [we for we in cloud if we["id"] != victim["id"]]
    assert all(after[we["id"]]["backup_enabled"] for we in others)
    assert sum(after[we["id"]]["protected_volumes"] for we in others) > sum(we["protected_volumes"] for we in others)
