# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""No credential and no access token appears in the output of a -vvvv run, for every way in."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from logins import ASSERTION_PREFIX, prepare_login

PLAY = """
- name: Use every module with the credential given to it
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/bluexp.cloud_backup.cloud_backup: "{{ bluexp_connection }}"
  tasks:
    - name: Working environments with details
      bluexp.cloud_backup.working_environment_info:
        details: [volumes, backup_policies]
      register: fleet

    - name: Jobs
      bluexp.cloud_backup.job_info:
      register: jobs

    - name: A policy change previewed with its diff
      bluexp.cloud_backup.backup_policy:
        working_environment_id: "{{ (fleet.working_environments | selectattr('backup.enabled') | first).id }}"
        name: secret-scan
        rules:
          - {label: daily, retention: 7}
      check_mode: true
      register: policy

    - name: A failing call, so that error paths are printed too
      bluexp.cloud_backup.working_environment_info:
        working_environment_ids: VsaWorkingEnvironment-missing0
      ignore_errors: true

    - name: Show everything that was registered
      ansible.builtin.debug:
        var: item
      loop: ["{{ fleet }}", "{{ jobs }}", "{{ policy }}"]
"""

LOOKUP_PLAY = """
- name: Token from the lookup, stored once
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Exchange once
      ansible.builtin.set_fact:
        bluexp_token: "{{ lookup('bluexp.cloud_backup.access_token') }}"
      no_log: true

    - name: Use it
      bluexp.cloud_backup.working_environment_info:
        token: "{{ bluexp_token }}"
      register: fleet

    - name: Show the result
      ansible.builtin.debug:
        var: fleet
"""


# How the credential reaches the run: as options in module_defaults, or as BLUEXP_* variables.
WAYS = [
    ("refresh_token", "options"), ("client_secret", "options"), ("token", "options"),
    ("refresh_token", "environment"), ("refresh_token", "lookup"),
    ("private_key", "options"), ("private_key", "environment"), ("private_key", "lookup"),
    ("local_user", "options"), ("local_user", "lookup"), ("local_service_account", "environment"),
]


@pytest.mark.parametrize("kind, way", WAYS, ids=["-".join(way) for way in WAYS])
def test_vvvv_output_holds_no_secret(kind, way, bluexp_emulator, run_playbook, tmp_path: Path):
    # The private key is an encrypted one, so that its passphrase is scanned for too.
    login = prepare_login(bluexp_emulator, kind, tmp_path, encrypted_key=True)
    creds = bluexp_emulator.state()["credentials"]
    connection = login.options if way == "options" else {}
    env = login.env if way != "options" else {}
    playbook = tmp_path / "play.yml"
    playbook.write_text(LOOKUP_PLAY if way == "lookup" else PLAY)
    vars_file = tmp_path / "vars.yml"
    vars_file.write_text(json.dumps({"bluexp_connection": connection}))

    run = run_playbook(playbook, "-vvvv", "--diff", "-e", "@" + str(vars_file), env=env)

    assert run.rc == 0, run.output[-4000:]
    assert "ok=" in run.stdout
    secrets = login.secrets + [creds["refresh_token"], creds["client_secret"]] + bluexp_emulator.issued_tokens()
    assert len(secrets) >= 3 and bluexp_emulator.issued_tokens()
    for secret in secrets:
        assert secret not in run.output, "a secret of a {0} given as {1} leaked in the output".format(kind, way)
    assert ASSERTION_PREFIX not in run.output, "a client assertion leaked in the output"


LEAKY_PLAY = """
- name: A careless play that prints its token
  hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Print the token (never do this)
      ansible.builtin.debug:
        msg: "{{ lookup('bluexp.cloud_backup.access_token') }}"
"""


def test_the_check_catches_a_printed_token(bluexp_emulator, run_playbook, tmp_path: Path):
    """The scan above is only worth something if it sees a token that is printed."""
    creds = bluexp_emulator.state()["credentials"]
    playbook = tmp_path / "leaky.yml"
    playbook.write_text(LEAKY_PLAY)
    run = run_playbook(playbook, env={"BLUEXP_REFRESH_TOKEN": creds["refresh_token"],
                                      "BLUEXP_AUTH_URL": bluexp_emulator.url})
    assert run.rc == 0, run.output[-4000:]
    tokens = bluexp_emulator.issued_tokens()
    assert tokens and any(token in run.output for token in tokens)


TARGET_PLAY = """
- name: Register a StorageGRID and back a cluster up to it, with every secret given
  hosts: localhost
  connection: local
  gather_facts: false
  module_defaults:
    group/bluexp.cloud_backup.cloud_backup: "{{ bluexp_connection }}"
  tasks:
    - name: Discovery refused (wrong admin password), so that error paths are printed too
      bluexp.cloud_backup.storagegrid:
        name: "{{ grid.name }}"
        admin_host: "{{ grid.admin_ip }}"
        admin_username: root
        admin_password: "{{ wrong_admin_password }}"
      ignore_errors: true

    - name: Discover it and keep the tenant keys in the account
      bluexp.cloud_backup.storagegrid:
        name: "{{ grid.name }}"
        admin_host: "{{ grid.admin_ip }}"
        admin_username: root
        admin_password: "{{ admin_password }}"
        access_key: IT4SECRETSCANKEY0001
        secret_key: "{{ tenant_secret }}"
      diff: true
      register: grid_result

    - name: Rotate the keys
      bluexp.cloud_backup.storagegrid:
        name: "{{ grid.name }}"
        access_key: IT4SECRETSCANKEY0001
        secret_key: "{{ rotated_secret }}"
        update_secret: always
      diff: true
      register: rotated

    - name: Activate backup to it
      bluexp.cloud_backup.backup_activation:
        working_environment_id: "{{ cluster.id }}"
        provider: SGWS
        ip_space: Default
        sgws:
          storage_server: "{{ grid_result.storagegrid.storage_server }}"
          access_key: IT4SECRETSCANKEY0001
          secret_password: "{{ rotated_secret }}"
        policy:
          name: scan-policy
          rules: [{label: daily, retention: 7}]
      diff: true
      register: activated

    - name: Write the cluster's credentials
      bluexp.cloud_backup.storagegrid:
        name: "{{ grid.name }}"
        working_environment_id: "{{ cluster.id }}"
        access_key: IT4SECRETSCANKEY0001
        secret_key: "{{ rotated_secret }}"
        update_secret: always
      register: we_credentials

    - name: Show everything that was registered
      ansible.builtin.debug:
        var: item
      loop: ["{{ grid_result }}", "{{ rotated }}", "{{ activated }}", "{{ we_credentials }}"]
"""


def test_vvvv_output_holds_no_target_secret(bluexp_emulator, run_playbook, tmp_path: Path):
    """StorageGRID admin password and S3 secrets stay hidden, in results, diffs and errors alike."""
    state = bluexp_emulator.state()
    account = state["accounts"][0]
    grid = next(g for g in account["storagegrids"] if not g["discovered"])
    cluster = next(we for we in account["working_environments"]
                   if we["provider"] == "ONPREM" and not we["backup_enabled"])
    secrets = {"admin_password": "emulator-sg-admin", "wrong_admin_password": "Wrong-sg-admin-3c91",
               "tenant_secret": "Tenant-secret-0d7e4b2a9c", "rotated_secret": "Rotated-secret-6a1f8e3b5d"}
    playbook = tmp_path / "targets.yml"
    playbook.write_text(TARGET_PLAY)
    vars_file = tmp_path / "vars.yml"
    vars_file.write_text(json.dumps(dict(secrets, grid=grid, cluster=cluster, bluexp_connection={
        "api_url": bluexp_emulator.url, "auth_url": bluexp_emulator.url,
        "refresh_token": state["credentials"]["refresh_token"]})))

    run = run_playbook(playbook, "-vvvv", "-e", "@" + str(vars_file))

    assert run.rc == 0, run.output[-4000:]
    assert "failed=0" in run.stdout and "ignored=1" in run.stdout
    assert "IT4SECRETSCANKEY0001" in run.output  # the scan reads the right output
    for name, secret in secrets.items():
        assert secret not in run.output, "{0} leaked in the output".format(name)
    for token in bluexp_emulator.issued_tokens():
        assert token not in run.output


@pytest.mark.every_core
def test_vvvv_onboarding_playbook_holds_no_secret(bluexp_emulator, run_playbook, tmp_path: Path):
    """Secrets handed to a role travel through two roles' variables; none is ever printed."""
    state = bluexp_emulator.state()
    account = state["accounts"][0]
    grid = next(g for g in account["storagegrids"] if not g["discovered"])
    cluster = next(we for we in account["working_environments"]
                   if we["provider"] == "ONPREM" and not we["backup_enabled"])
    secrets = {"storagegrid_target_admin_password": "emulator-sg-admin",
               "storagegrid_target_secret_key": "Role-tenant-secret-41e9c7"}
    vars_file = tmp_path / "onboarding.yml"
    vars_file.write_text(json.dumps(dict(
        secrets, storagegrid_target_name=grid["name"], storagegrid_target_admin_host=grid["admin_ip"],
        storagegrid_target_access_key="IT4ROLESCANKEY000001", storagegrid_target_store_credentials=True,
        storagegrid_target_working_environment_id=cluster["id"], storagegrid_target_volumes=["vol_.*"])))
    env = {"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
           "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"]}

    run = run_playbook(REPO / "playbooks" / "onboard_storagegrid.yml", "-vvvv", "-e", "@" + str(vars_file), env=env)

    assert run.rc == 0, run.output[-4000:]
    assert "IT4ROLESCANKEY000001" in run.output  # the scan reads the right output
    for name, secret in secrets.items():
        assert secret not in run.output, "{0} leaked in the output".format(name)
    for token in bluexp_emulator.issued_tokens() + [state["credentials"]["refresh_token"]]:
        assert token not in run.output
