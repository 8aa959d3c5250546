# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The working_environments inventory plugin, run by ansible-inventory and ansible-playbook."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from conftest import ANSIBLE_CORE
from logins import ASSERTION_PREFIX, KINDS, prepare_login

pytestmark = pytest.mark.every_core

PLUGIN = "bluexp.cloud_backup.working_environments"
LISTINGS = ("GET /api/v1/working-environment", "GET /api/v1/backup/working-environment")
DISCOVERY = ("GET /tenancy/account", "GET /occm/list-occms/{accountId}")

PLAY = """
- name: One task per backed-up working environment on AWS, all on the controller
  hosts: bluexp_backup_on:&bluexp_provider_aws
  gather_facts: false
  module_defaults:
    group/bluexp.cloud_backup.cloud_backup:
      token: "{{ bluexp_token | default(omit) }}"
  pre_tasks:
    - name: One access token for the whole play
      ansible.builtin.set_fact:
        bluexp_token: "{{ lookup('bluexp.cloud_backup.access_token') }}"
      run_once: true
      no_log: true
  tasks:
    - name: Read the host's own working environment
      bluexp.cloud_backup.working_environment_info:
        working_environment_ids: "{{ bluexp_id }}"
      register: we

    - name: The inventory and the module agree
      ansible.builtin.assert:
        that:
          - ansible_connection == 'local'
          - we.working_environments[0].name == bluexp_name
          - we.working_environments[0].backup.enabled
          - we.working_environments[0].backup.bucket == bluexp_object_store.bucket
          - we.working_environments[0].backup.backed_up_volume_count == bluexp_backed_up_volume_count
          - region_group in group_names
      vars:
        region_group: "region_{{ bluexp_region | replace('-', '_') }}"
"""


@pytest.fixture
def run_inventory(collections_path: Path, tmp_path: Path):
    """Run ansible-inventory with this collection, in the same clean environment as run_playbook."""

    def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("BLUEXP_", "ANSIBLE_"))}
        full_env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "local-tmp"),
            "ANSIBLE_NOCOLOR": "1",
        })
        full_env.update(env or {})
        command = [str(Path(sys.executable).parent / "ansible-inventory"), *args]
        return subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=300, check=False)

    return run


@pytest.fixture
def emulator_env(bluexp_emulator) -> dict[str, str]:
    """Endpoints and the user refresh token, the way a user sets them: in the environment."""
    return {
        "BLUEXP_API_URL": bluexp_emulator.url,
        "BLUEXP_AUTH_URL": bluexp_emulator.url,
        "BLUEXP_REFRESH_TOKEN": bluexp_emulator.state()["credentials"]["refresh_token"],
    }


def write_source(tmp_path: Path, name: str = "fleet.bluexp.yml", **options) -> Path:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(dict({"plugin": PLUGIN}, **options)))
    return path


def inventory_json(text: str) -> dict:
    """ansible-inventory --list output; ansible-core 2.19 marks API strings as {"__ansible_unsafe": value}."""
    return json.loads(text, object_hook=lambda d: d["__ansible_unsafe"] if set(d) == {"__ansible_unsafe"} else d)


def unwrapped(text: str) -> str:
    """Output with ansible-core's line wrapping undone: before 2.19 it wraps warnings at 79 columns,
    breaking lines at spaces and after hyphens."""
    return re.sub(r"\s+", " ", re.sub(r"-\n", "-", text))


def counted(counters: dict, *routes: str) -> dict[str, int]:
    return {route: counters["by_route"].get(route, 0) for route in routes}


def hosts_of(listing: dict, group: str) -> set[str]:
    return set(listing.get(group, {}).get("hosts", []))


def test_list_matches_the_emulator_with_one_exchange_and_two_listings(bluexp_emulator, run_inventory, emulator_env,
                                                                      tmp_path: Path):
    source = write_source(tmp_path, keyed_groups=[{"key": "bluexp_region", "prefix": "region",
                                                   "default_value": "on_premises"}])
    done = run_inventory("-i", str(source), "--list", env=emulator_env)

    assert done.returncode == 0, done.stderr
    counters = bluexp_emulator.counters()
    assert counters["token_exchanges"] == 1
    # No account or Connector was given: one discovery call each, then the two listings.
    assert counted(counters, *LISTINGS, *DISCOVERY) == dict.fromkeys(LISTINGS + DISCOVERY, 1)
    assert counters["requests"] == 5

    listing = inventory_json(done.stdout)
    hostvars = listing["_meta"]["hostvars"]
    fleet = bluexp_emulator.state()["accounts"][0]["working_environments"]
    assert sorted(hostvars) == sorted(we["name"] for we in fleet)
    for we in fleet:
        variables = hostvars[we["name"]]
        assert variables["bluexp_id"] == we["id"]
        assert variables["bluexp_name"] == we["name"]
        assert variables["bluexp_provider"] == we["provider"]
        assert variables["bluexp_type"] == we["type"]
        assert variables["bluexp_provider_account_id"] == we["provider_account_id"]
        assert variables["bluexp_backup_enabled"] is we["backup_enabled"]
        assert variables["bluexp_backup_status"] == ("ON" if we["backup_enabled"] else "OFF")
        assert variables["bluexp_volume_count"] == we["volumes"]
        assert variables["bluexp_backed_up_volume_count"] == we["protected_volumes"]
        # The state does not show failures; the seed has some.
        assert 0 <= variables["bluexp_failed_backup_volume_count"] <= we["protected_volumes"]
        assert variables["ansible_connection"] == "local"
        if we["backup_enabled"]:
            assert set(variables["bluexp_object_store"]) == {"provider", "bucket", "region"}
            assert variables["bluexp_object_store"]["bucket"]
        else:
            assert variables["bluexp_object_store"] is None
        assert we["name"] in hosts_of(listing, "bluexp_provider_" + we["provider"].lower())
    assert hosts_of(listing, "bluexp_backup_on") == {we["name"] for we in fleet if we["backup_enabled"]}
    assert hosts_of(listing, "bluexp_backup_off") == {we["name"] for we in fleet if not we["backup_enabled"]}
    assert hosts_of(listing, "region_on_premises") == {we["name"] for we in fleet if we["provider"] == "ONPREM"}


def test_account_and_connector_from_the_environment_skip_discovery(bluexp_emulator, run_inventory, emulator_env,
                                                                   tmp_path: Path):
    account = bluexp_emulator.state()["accounts"][0]
    env = dict(emulator_env, BLUEXP_ACCOUNT_ID=account["id"], BLUEXP_CONNECTOR_ID=account["connectors"][0]["agent_id"])
    done = run_inventory("-i", str(write_source(tmp_path, providers=["gcp"])), "--list", env=env)

    assert done.returncode == 0, done.stderr
    counters = bluexp_emulator.counters()
    assert counters["token_exchanges"] == 1
    assert counted(counters, *LISTINGS, *DISCOVERY) == dict(dict.fromkeys(LISTINGS, 1), **dict.fromkeys(DISCOVERY, 0))
    listing = inventory_json(done.stdout)
    gcp = {we["name"] for we in account["working_environments"] if we["provider"] == "GCP"}
    assert gcp and set(listing["_meta"]["hostvars"]) == gcp
    assert hosts_of(listing, "bluexp_provider_gcp") == gcp


@pytest.mark.parametrize("kind", KINDS)
def test_vvvv_output_and_cache_hold_no_secret(kind, bluexp_emulator, run_inventory, tmp_path: Path):
    login = prepare_login(bluexp_emulator, kind, tmp_path, encrypted_key=True)
    creds = bluexp_emulator.state()["credentials"]
    cache = tmp_path / "cache"
    source = write_source(tmp_path, cache=True, cache_plugin="ansible.builtin.jsonfile", cache_connection=str(cache),
                          cache_timeout=600)
    done = run_inventory("-i", str(source), "--list", "-vvvv", env=login.env)

    assert done.returncode == 0, done.stderr
    assert "_meta" in done.stdout
    output = done.stdout + done.stderr
    cached = "".join(path.read_text() for path in cache.rglob("*") if path.is_file())
    assert cached, "the inventory cache was written"
    secrets = [*login.secrets, creds["refresh_token"], creds["client_secret"], *bluexp_emulator.issued_tokens()]
    assert len(login.secrets) >= 1 and bluexp_emulator.issued_tokens(), "the run was given a credential and a token"
    for secret in secrets:
        assert secret not in output and secret not in cached
    assert "Bearer" not in output and ASSERTION_PREFIX not in output + cached


def test_a_cached_second_run_makes_no_call(bluexp_emulator, run_inventory, emulator_env, tmp_path: Path):
    cache = tmp_path / "cache"
    source = write_source(tmp_path, cache=True, cache_plugin="ansible.builtin.jsonfile",
                          cache_connection=str(cache), cache_timeout=600)
    first = run_inventory("-i", str(source), "--list", env=emulator_env)
    assert first.returncode == 0, first.stderr
    requests = bluexp_emulator.counters()["requests"]
    assert requests == 5

    second = run_inventory("-i", str(source), "--list", env=emulator_env)
    assert second.returncode == 0, second.stderr
    assert bluexp_emulator.counters()["requests"] == requests
    assert inventory_json(second.stdout) == inventory_json(first.stdout)

    stored = "".join(path.read_text() for path in cache.iterdir())
    assert bluexp_emulator.state()["accounts"][0]["working_environments"][0]["id"] in stored
    for secret in [emulator_env["BLUEXP_REFRESH_TOKEN"], *bluexp_emulator.issued_tokens()]:
        assert secret not in stored


@pytest.mark.skipif(ANSIBLE_CORE < (2, 19), reason="ansible-inventory has --flush-cache from ansible-core 2.19 on")
def test_flush_cache_reads_the_fleet_again(bluexp_emulator, run_inventory, emulator_env, tmp_path: Path):
    source = write_source(tmp_path, cache=True, cache_plugin="ansible.builtin.jsonfile",
                          cache_connection=str(tmp_path / "cache"), cache_timeout=600)
    first = run_inventory("-i", str(source), "--list", env=emulator_env)
    assert first.returncode == 0, first.stderr

    flushed = run_inventory("-i", str(source), "--list", "--flush-cache", env=emulator_env)
    assert flushed.returncode == 0, flushed.stderr
    counters = bluexp_emulator.counters()
    assert counters["token_exchanges"] == 2
    assert counted(counters, *LISTINGS) == dict.fromkeys(LISTINGS, 2)


def test_an_api_error_names_status_message_and_request(bluexp_emulator, run_inventory, emulator_env,
                                                       tmp_path: Path):
    bluexp_emulator.add_fault(method="GET", path="/api/v1/working-environment$", status=403,
                              message="User is not allowed to do operation")
    env = dict(emulator_env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true")
    done = run_inventory("-i", str(write_source(tmp_path)), "--list", env=env)

    assert done.returncode != 0
    output = unwrapped(done.stdout + done.stderr)
    for text in (PLUGIN + ": GET /account/", "/api/v1/working-environment failed with HTTP 403",
                 "User is not allowed to do operation"):
        assert text in output
    assert "Traceback" not in output
    assert emulator_env["BLUEXP_REFRESH_TOKEN"] not in output
    for token in bluexp_emulator.issued_tokens():
        assert token not in output


def test_a_playbook_runs_per_working_environment(bluexp_emulator, run_playbook, emulator_env, tmp_path: Path):
    source = write_source(tmp_path, keyed_groups=[{"key": "bluexp_region", "prefix": "region"}])
    playbook = tmp_path / "per_we.yml"
    playbook.write_text(PLAY)
    fleet = bluexp_emulator.state()["accounts"][0]["working_environments"]
    expected = sorted(we["name"] for we in fleet if we["provider"] == "AWS" and we["backup_enabled"])
    assert len(expected) > 1

    run = run_playbook(playbook, "-i", str(source), "--forks", "5", "-vvvv", env=emulator_env)

    assert run.rc == 0, run.output
    for secret in [emulator_env["BLUEXP_REFRESH_TOKEN"], *bluexp_emulator.issued_tokens()]:
        assert secret not in run.output
    recap = re.findall(r"^(\S+)\s+: ok=\d+\s+changed=0\s+unreachable=0\s+failed=0", run.stdout, re.MULTILINE)
    assert sorted(recap) == expected
    counters = bluexp_emulator.counters()
    # One exchange for the inventory, one for the play's lookup; the hosts share that token.
    assert counters["token_exchanges"] == 2
    assert counted(counters, *LISTINGS) == dict.fromkeys(LISTINGS, 1)
    assert counters["by_route"]["GET /api/v1/working-environment/{workingEnvironmentId}"] == len(expected)
