# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""playbooks/demo.yml, as `make demo` runs it, works against a seeded fleet."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from conftest import REPO
from logins import ASSERTION_PREFIX, KINDS, prepare_login


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


def _token_grants(emulator) -> list[str]:
    return [(r.get("body") or {}).get("grant_type") for r in emulator.requests() if r["path"].endswith("/oauth/token")]


def _protected_volumes(emulator) -> int:
    return sum(we["protected_volumes"] for we in emulator.state()["accounts"][0]["working_environments"])


# The demo's protect-and-restore path (protect the fleet, restore a volume and files; the reports are
# the refresh token test's above) with every other credential kind the collection takes, each given
# through the BLUEXP_* variables to the inventory, the lookup and the modules.
@pytest.mark.parametrize("kind", [kind for kind in KINDS if kind != "refresh_token"])
def test_demo_protects_and_restores_with_each_credential(kind, bluexp_emulator, run_playbook, tmp_path: Path):
    # One working environment of each provider is enough for the path; jobs end sooner than the
    # default 2 s (nothing here waits for a job to be still running).
    login = prepare_login(bluexp_emulator, kind, tmp_path, seed=42, fleet_size=4)
    bluexp_emulator.configure(job_duration_s=0.2)
    protected_before = _protected_volumes(bluexp_emulator)
    env = dict(login.env, ANSIBLE_INVENTORY_UNPARSED_FAILED="true", ANSIBLE_FORKS="10")

    run = run_playbook(REPO / "playbooks" / "demo.yml", "-i", str(REPO / "playbooks" / "inventory" / "fleet.bluexp.yml"),
                       "--tags", "protect,restore_volume,restore_files", "-e", "demo_report_dir=" + str(tmp_path),
                       env=env)

    assert run.rc == 0, run.output[-6000:]
    assert "failed=0" in run.stdout
    assert _protected_volumes(bluexp_emulator) > protected_before
    # One volume restore and one file restore.
    restores = [r for r in bluexp_emulator.requests() if r["method"] == "POST" and r["path"].endswith("/restore")]
    assert len(restores) == 2
    restored = [we for we in bluexp_emulator.state()["accounts"][0]["working_environments"]
                if any(v["name"].endswith("_restored") for v in we["volume_list"])]
    assert len(restored) == 1
    expected_grant = {"client_secret": "client_credentials", "private_key": "client_credentials",
                      "local_service_account": "client_credentials", "local_user": "password", "token": None}[kind]
    grants = _token_grants(bluexp_emulator)
    if expected_grant is None:
        assert grants == ["refresh_token"], "only the test's own exchange: the ready token was used as it is"
    else:
        assert grants and set(grants) == {expected_grant}
    for secret in login.secrets:
        assert secret not in run.output
    assert ASSERTION_PREFIX not in run.output
