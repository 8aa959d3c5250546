# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The shipped playbooks on the ansible-core that runs them: the e2e stage runs these tests on the
oldest and newest supported cores too.

Every play exchanges its credential once, in a no_log set_fact, and hands the token to the modules
through module_defaults. ansible-core before 2.19 templates module_defaults for that set_fact as well,
and its no_log hides why the lookup failed: the playbooks must work there, and name a refused
credential without printing it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import ansible.release
import pytest

from conftest import REPO

pytestmark = pytest.mark.every_core

PLAYBOOKS = sorted(path.name for path in (REPO / "playbooks").glob("*.yml"))
# One host for the plays on localhost, one for those on inventory hosts (demo.yml, protect_fleet.yml).
STATIC_INVENTORY = """
localhost ansible_connection=local
[bluexp_backup_on]
we-1 ansible_connection=local
"""


def test_the_line_runs_its_own_ansible_playbook():
    """conftest runs the ansible-playbook next to the interpreter running the tests: the core under test."""
    done = subprocess.run([str(Path(sys.executable).parent / "ansible-playbook"), "--version"],
                          capture_output=True, text=True, check=True)
    assert "[core {0}]".format(ansible.release.__version__) in done.stdout.splitlines()[0]


def test_every_shipped_playbook_is_covered():
    assert PLAYBOOKS == ["demo.yml", "onboard_storagegrid.yml", "protect_fleet.yml", "protection_report.yml",
                         "ransomware_sweep.yml", "restore_files.yml", "restore_volume.yml"]


@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_a_refused_credential_is_named_not_printed(playbook, bluexp_emulator, run_playbook, tmp_path: Path):
    refused = "refused-refresh-token-5c1d0e7a"
    inventory = tmp_path / "hosts"
    inventory.write_text(STATIC_INVENTORY)

    run = run_playbook(REPO / "playbooks" / playbook, "-i", str(inventory), "-vvvv", env={
        "BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
        "BLUEXP_REFRESH_TOKEN": refused})

    assert run.rc != 0
    # What the token service said, in the output whatever the core (no_log hides the set_fact's own result).
    assert "failed with HTTP 403 invalid_grant: Unknown or invalid refresh token." in run.output, run.output[-4000:]
    assert refused not in run.output
    # The play stopped at its one attempt: no second exchange, no module run.
    log = bluexp_emulator.requests()
    assert [entry["path"] for entry in log if entry["path"].endswith("/oauth/token")] == ["/oauth/token"]
    assert not [entry for entry in log if entry["path"].startswith("/account/")]


def _fleet(bluexp_emulator, fleet_size: int = 4) -> tuple[dict, dict[str, str]]:
    bluexp_emulator.reset(seed=42, fleet_size=fleet_size)
    state = bluexp_emulator.state()
    env = {"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
           "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"]}
    return state, env


def _backed_up_volume(state: dict) -> tuple[dict, dict]:
    """The first working environment and volume that have a backup to restore from."""
    for we in state["accounts"][0]["working_environments"]:
        for volume in we["volume_list"]:
            if volume["backups"]:
                return we, volume
    raise AssertionError("the seeded fleet has no backup")


def _assert_one_token_and_none_printed(bluexp_emulator, run, refresh_token: str) -> None:
    assert run.rc == 0, run.output[-6000:]
    assert re.search(r"^localhost\s+: ok=\d+\s+changed=\d+\s+unreachable=0\s+failed=0", run.stdout, re.MULTILINE)
    assert bluexp_emulator.counters()["token_exchanges"] == 1
    for secret in [refresh_token, *bluexp_emulator.issued_tokens()]:
        assert secret not in run.output


def test_ransomware_sweep(bluexp_emulator, run_playbook):
    _state, env = _fleet(bluexp_emulator)

    run = run_playbook(REPO / "playbooks" / "ransomware_sweep.yml", "-vvvv", env=env)

    _assert_one_token_and_none_printed(bluexp_emulator, run, env["BLUEXP_REFRESH_TOKEN"])
    assert any(route.startswith("POST /api/v1/ransomware/") for route in bluexp_emulator.counters()["by_route"])
    assert "0 with ransomware, 0 scan(s) failed" in run.stdout


def test_restore_volume(bluexp_emulator, run_playbook):
    state, env = _fleet(bluexp_emulator)
    we, volume = _backed_up_volume(state)
    target = volume["name"] + "_restored"

    run = run_playbook(REPO / "playbooks" / "restore_volume.yml", "-vvvv",
                       "-e", "restore_volume_working_environment_name=" + we["name"],
                       "-e", "restore_volume_volume=" + volume["name"], "-e", "restore_volume_target_volume=" + target,
                       env=env)

    _assert_one_token_and_none_printed(bluexp_emulator, run, env["BLUEXP_REFRESH_TOKEN"])
    after = next(w for w in bluexp_emulator.state()["accounts"][0]["working_environments"] if w["id"] == we["id"])
    assert target in [v["name"] for v in after["volume_list"]]


def test_restore_files(bluexp_emulator, run_playbook):
    state, env = _fleet(bluexp_emulator)
    we, volume = _backed_up_volume(state)

    run = run_playbook(REPO / "playbooks" / "restore_files.yml", "-vvvv",
                       "-e", "restore_files_working_environment_name=" + we["name"],
                       "-e", "restore_files_volume=" + volume["name"], "-e", "restore_files_max_files=2", env=env)

    _assert_one_token_and_none_printed(bluexp_emulator, run, env["BLUEXP_REFRESH_TOKEN"])
    assert re.search(r"^localhost\s+: ok=\d+\s+changed=[1-9]", run.stdout, re.MULTILINE), run.stdout[-4000:]
