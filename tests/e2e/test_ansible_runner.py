# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""protect_fleet.yml run the way AWX / Ansible Automation Platform runs a job.

AWX first syncs an inventory source (the inventory plugin, through `ansible-inventory --list`)
into a static inventory, then starts ansible-runner on a private data directory holding the
project, that inventory script, the credential as environment variables and the extra
variables, and keeps the job's events and artifacts.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from conftest import REPO
from logins import ASSERTION_PREFIX, prepare_login

# In requirements-dev.txt only: the e2e stage's other ansible-core lines do not run this test.
ansible_runner = pytest.importorskip("ansible_runner", reason="ansible-runner is not installed")

BIN = str(Path(sys.executable).parent)


@pytest.fixture(params=["refresh_token", "private_key", "local_user"])
def login(request, bluexp_emulator, tmp_path: Path):
    """The credential an AWX credential type would inject (the private key encrypted, as a file)."""
    login = prepare_login(bluexp_emulator, request.param, tmp_path, encrypted_key=True, seed=42, fleet_size=8)
    # Jobs end sooner than the default 2 s: nothing here needs one still running.
    bluexp_emulator.configure(job_duration_s=0.2)
    return login


@pytest.fixture
def private_data_dir(bluexp_emulator, login, collections_path: Path, tmp_path: Path, monkeypatch) -> Path:
    monkeypatch.setenv("PATH", BIN + os.pathsep + os.environ.get("PATH", ""))
    for name in list(os.environ):
        if name.startswith(("BLUEXP_", "ANSIBLE_")):
            monkeypatch.delenv(name)
    pdd = tmp_path / "job"
    shutil.copytree(REPO / "playbooks", pdd / "project")
    (pdd / "env").mkdir()
    # What an AWX credential type for BlueXP injects, and what the execution environment provides.
    (pdd / "env" / "envvars").write_text(json.dumps(dict(
        login.env, ANSIBLE_COLLECTIONS_PATH=str(collections_path), ANSIBLE_INVENTORY_UNPARSED_FAILED="true")))
    (pdd / "env" / "extravars").write_text(json.dumps({"protect_exclude": ["vol_scratch.*", "vol_logs.*"]}))
    (pdd / "env" / "settings").write_text(json.dumps({"suppress_ansible_output": True}))
    return pdd


def _trusted(value):
    """ansible-inventory --list marks API strings as {"__ansible_unsafe": ...}; the import keeps the values."""
    if isinstance(value, dict):
        if set(value) == {"__ansible_unsafe"}:
            return value["__ansible_unsafe"]
        return {key: _trusted(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_trusted(item) for item in value]
    return value


def _sync_inventory(pdd: Path) -> dict:
    """The inventory update: the plugin's source, listed once and kept as a static script."""
    envvars = json.loads((pdd / "env" / "envvars").read_text())
    output, errors = ansible_runner.interface.get_inventory(
        action="list", inventories=[str(pdd / "project" / "inventory" / "fleet.bluexp.yml")],
        response_format="json", envvars=envvars, quiet=True)
    listing = _trusted(output)
    assert listing and "_meta" in listing, errors
    script = pdd / "inventory" / "hosts"
    script.parent.mkdir()
    script.write_text("#!/bin/sh\ncat <<'JSON'\n{0}\nJSON\n".format(json.dumps(listing)))
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    return listing


def _run(pdd: Path):
    return ansible_runner.run(private_data_dir=str(pdd), playbook="protect_fleet.yml", quiet=True)


def test_protect_fleet_through_ansible_runner(bluexp_emulator, login, private_data_dir: Path):
    listing = _sync_inventory(private_data_dir)
    fleet = bluexp_emulator.state()["accounts"][0]["working_environments"]
    assert sorted(listing["_meta"]["hostvars"]) == sorted(we["name"] for we in fleet)
    exchanges_before = bluexp_emulator.counters()["token_exchanges"]

    first = _run(private_data_dir)

    assert first.status == "successful" and first.rc == 0, first.stdout.read()[-4000:]
    events = list(first.events)
    kinds = {event["event"] for event in events}
    assert {"playbook_on_start", "playbook_on_play_start", "runner_on_ok", "playbook_on_stats"} <= kinds
    targeted = {we["name"] for we in fleet if we["backup_enabled"] or we["provider"] != "ONPREM"}
    results = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"].get("task") == "Keep what changed"]
    assert {e["event_data"]["host"] for e in results} == targeted
    # One summary for the play, naming every host's working environment.
    summaries = [e for e in events if e["event"] == "runner_on_ok" and e["event_data"].get("task") == "Summarise"]
    assert len(summaries) == 1
    assert first.stats["changed"] and set(first.stats["changed"]) <= targeted
    assert not first.stats["failures"]
    # One exchange for the whole play, shared by every host through the run_once fact.
    assert bluexp_emulator.counters()["token_exchanges"] == exchanges_before + 1

    artifacts = Path(first.config.artifact_dir)
    assert (artifacts / "stdout").is_file() and (artifacts / "rc").read_text().strip() == "0"
    assert len(list((artifacts / "job_events").glob("*.json"))) == len(events)
    assert login.secrets
    for path in [artifacts / "stdout", *(artifacts / "job_events").glob("*.json")]:
        text = path.read_text()
        assert not any(secret in text for secret in login.secrets)
        assert not any(token in text for token in bluexp_emulator.issued_tokens())
        assert ASSERTION_PREFIX not in text

    if login.kind != "refresh_token":
        return  # the rerun below is about the fleet, not the credential: once is enough
    second = _run(private_data_dir)

    assert second.status == "successful", second.stdout.read()[-4000:]
    assert not second.stats["changed"], "a second run over the fleet changed {0}".format(second.stats["changed"])
