# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/demo.yml, as `make demo` runs it, works against a seeded fleet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO


# Every play of the demo (the report, protect_fleet.yml, the runbook roles) on each ansible-core line:
# a fleet that holds every provider, and both working environments with and without backup, is enough.
@pytest.mark.every_core
def test_demo_reports_protects_restores_and_points_to_the_report(bluexp_emulator, run_playbook, tmp_path: Path):
    bluexp_emulator.reset(seed=42, fleet_size=6)
    state = bluexp_emulator.state()
    reports = tmp_path / "reports"
    env = {"BLUEXP_API_URL": bluexp_emulator.url, "BLUEXP_AUTH_URL": bluexp_emulator.url,
           "BLUEXP_REFRESH_TOKEN": state["credentials"]["refresh_token"], "ANSIBLE_INVENTORY_UNPARSED_FAILED": "true",
           "ANSIBLE_FORKS": "10"}

    run = run_playbook(REPO / "playbooks" / "demo.yml", "-i", str(REPO / "playbooks" / "inventory" / "fleet.bluexp.yml"),
                       "-e", "demo_report_dir=" + str(reports), env=env)

    assert run.rc == 0, run.output[-6000:]
    before = json.loads((reports / "before" / "report.json").read_text())
    after = json.loads((reports / "after" / "report.json").read_text())
    fleet = state["accounts"][0]["working_environments"]
    assert before["totals"]["working_environments"] == after["totals"]["working_environments"] == len(fleet)
    # Protecting to the standard leaves only what the standard excludes, and on-premises
    # clusters without a backup target, unprotected.
    assert after["totals"]["protected"] > before["totals"]["protected"]
    assert after["totals"]["unprotected"] < before["totals"]["unprotected"]
    assert after["totals"]["backup_enabled"] == sum(1 for we in fleet if we["backup_enabled"] or we["provider"] != "ONPREM")
    # Volumes the demo has just protected await their first backup: none of them misses the RPO.
    newly = {(v["we_id"], v["volume_id"]) for v in before["volumes"] if not v["protected"]}
    just_protected = [v for v in after["volumes"] if v["protected"] and (v["we_id"], v["volume_id"]) in newly]
    assert just_protected
    assert [v["volume"] for v in just_protected if v["rpo_met"] is False] == []
    assert after["totals"]["awaiting_first_backup"] >= sum(1 for v in just_protected if v["newest_backup"] is None) > 0
    assert (reports / "after" / "report.html").is_file()
    assert str(reports / "after" / "report.html") in run.stdout
    restored = [we for we in bluexp_emulator.state()["accounts"][0]["working_environments"]
                if any(v["name"].endswith("_restored") for v in we["volume_list"])]
    assert len(restored) == 1
    assert "failed=0" in run.stdout
