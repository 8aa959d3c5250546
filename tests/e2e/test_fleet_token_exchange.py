# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A play over many working environments exchanges its credential exactly once."""

from __future__ import annotations

import json
from pathlib import Path

FLEET_PLAY = """
- name: Report on every working environment, one host each
  hosts: working_environments
  connection: local
  gather_facts: false
  tasks:
    - name: Exchange the refresh token once for the whole play
      ansible.builtin.set_fact:
        bluexp_token: "{{ lookup('bluexp.cloud_backup.access_token') }}"
      delegate_to: localhost
      delegate_facts: false
      run_once: true
      no_log: true

    - name: Every host reads its own working environment with the shared token
      module_defaults:
        group/bluexp.cloud_backup.cloud_backup:
          token: "{{ bluexp_token }}"
          account_id: "{{ bluexp_account_id }}"
          connector_id: "{{ bluexp_connector_id }}"
      bluexp.cloud_backup.working_environment_info:
        working_environment_ids: "{{ we_id }}"
        details: [volumes]
      register: we

    - name: The host got its own environment
      ansible.builtin.assert:
        that:
          - we.working_environments | length == 1
          - we.working_environments[0].id == we_id
          - we.working_environments[0].volumes | length > 0
"""


def test_twenty_working_environments_one_token_exchange(bluexp_emulator, run_playbook, tmp_path: Path):
    bluexp_emulator.reset(seed=7, fleet_size=20)
    state = bluexp_emulator.state()
    account = state["accounts"][0]
    hosts = {"we-{0:02d}".format(i): {"we_id": we["id"]} for i, we in enumerate(account["working_environments"])}
    assert len(hosts) == 20
    inventory = tmp_path / "inventory.json"
    inventory.write_text(json.dumps({"working_environments": {"hosts": hosts, "vars": {
        "ansible_connection": "local",
        "bluexp_account_id": account["id"],
        "bluexp_connector_id": account["connectors"][0]["agent_id"],
    }}}))
    playbook = tmp_path / "fleet.yml"
    playbook.write_text(FLEET_PLAY)
    before = bluexp_emulator.counters()["token_exchanges"]

    run = run_playbook(playbook, "-i", str(inventory), "--forks", "5", env={
        "BLUEXP_API_URL": bluexp_emulator.url,
        "BLUEXP_AUTH_URL": bluexp_emulator.url,
        "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"],
    })

    assert run.rc == 0, run.output
    assert "ok=3" in run.stdout
    counters = bluexp_emulator.counters()
    assert counters["token_exchanges"] - before == 1
    # Each host read its environment with the shared token: 20 WE reads, no discovery calls.
    assert counters["by_route"].get("GET /api/v1/working-environment/{workingEnvironmentId}") == 20
    assert not any(route.startswith("GET /tenancy") for route in counters["by_route"])
