# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/demo.yml, as `make demo` runs it, works against a seeded fleet."""

from __future__ import annotations

from conftest import REPO


def test_demo_lists_the_fleet_and_a_job(bluexp_emulator, run_playbook):
    bluexp_emulator.reset(seed=42, fleet_size=12)
    state = bluexp_emulator.state()
    run = run_playbook(REPO / "playbooks" / "demo.yml",
                       "-e", "bluexp_api_url=" + bluexp_emulator.url,
                       "-e", "bluexp_auth_url=" + bluexp_emulator.url,
                       env={"BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"]})
    assert run.rc == 0, run.output[-4000:]
    for we in state["accounts"][0]["working_environments"]:
        assert we["name"] in run.stdout
    assert "12 working environments" in run.stdout
    assert "Newest job" in run.stdout
    assert bluexp_emulator.counters()["token_exchanges"] == 1
