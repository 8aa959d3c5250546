# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_cbs import (
    WE_ID,
    WE_NAME,
    module_args,
    requests,
    writes,
)
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fake_recovery import install, job_path, load_module
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, run_fail, run_ok

main = load_module("catalog").main

SETUP = cbs_path("v2", "catalog", "working-environments", WE_ID, "setup")
STATE = cbs_path("v1", "catalog", "working-environments", WE_ID)


@pytest.fixture
def cbs(monkeypatch, retry_policy, clock):
    api = install(monkeypatch, retry_policy, clock)
    api.add_environment()
    api.add_environment("we-2", "lab")
    api.activate_environment(**{"catalog-enabled": False})
    return api


def args(**extra):
    base = dict(working_environment_name=WE_NAME)
    base.update(extra)
    return module_args(**base)


def sent_writes(api):
    return [(c.method, c.path, c.body) for c in writes(api)]


# --- enabling -------------------------------------------------------------------------------------

def test_enable_sets_up_the_index_then_turns_it_on(cbs, clock):
    cbs.pending_polls = 1
    result = run_ok(main, args(_ansible_diff=True))
    assert sent_writes(cbs) == [("POST", SETUP, None), ("PUT", STATE, {"state": "ENABLE"})]
    sent = requests(cbs)
    assert sent.index(("GET", job_path("job-1"))) < sent.index(("PUT", STATE)), "set-up finished before ENABLE"
    assert result["changed"] is True and result["catalog"] == {"enabled": True}
    assert result["working_environment_id"] == WE_ID
    assert [j["id"] for j in result["jobs"]] == ["job-1"] and result["jobs"][0]["status"] == "COMPLETED"
    assert result["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert clock.sleeps == [1.0]
    assert cbs.activations[WE_ID]["catalog-enabled"] is True

    cbs.calls.clear()
    again = run_ok(main, args())
    assert again["changed"] is False and writes(cbs) == [] and again["catalog"] == {"enabled": True}
    assert "jobs" not in again


def test_enable_when_the_setup_answers_without_a_job(cbs):
    cbs.catalog_setup_returns_job = False
    result = run_ok(main, args())
    assert sent_writes(cbs) == [("POST", SETUP, None), ("PUT", STATE, {"state": "ENABLE"})]
    assert result["jobs"] == []
    assert not any(p.startswith(job_path("")) for _m, p in requests(cbs))


def test_enable_when_the_flag_is_absent(cbs):
    del cbs.activations[WE_ID]["catalog-enabled"]
    result = run_ok(main, args())
    assert result["changed"] is True and len(writes(cbs)) == 2


def test_enable_without_wait_does_not_poll_the_setup(cbs):
    cbs.pending_polls = 5
    result = run_ok(main, args(wait=False))
    assert result["jobs"] == [{"id": "job-1", "status": "PENDING"}]
    assert ("GET", job_path("job-1")) not in requests(cbs)


def test_failed_setup_does_not_turn_indexing_on(cbs):
    cbs.job_failure = "Athena workgroup could not be created"
    result = run_fail(main, args())
    assert "Athena workgroup could not be created" in result["msg"]
    assert [m for m, _p, _b in sent_writes(cbs)] == ["POST"]


def test_enable_in_check_mode_sends_no_write(cbs):
    result = run_ok(main, args(_ansible_check_mode=True, _ansible_diff=True))
    assert result["changed"] is True and result["catalog"] == {"enabled": True}
    assert result["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert writes(cbs) == [] and cbs.activations[WE_ID]["catalog-enabled"] is False


def test_enable_by_working_environment_id(cbs):
    run_ok(main, module_args(working_environment_id=WE_ID))
    assert [p for _m, p, _b in sent_writes(cbs)] == [SETUP, STATE]


@pytest.mark.parametrize("activation", [None, {"backup-enablement-status": "OFF"}], ids=["not registered", "off"])
def test_enabling_without_active_backup_fails_without_a_write(cbs, activation):
    if activation is None:
        del cbs.activations[WE_ID]
    else:
        cbs.activations[WE_ID].update(activation)
    result = run_fail(main, args())
    assert result["option"] == "state"
    assert WE_NAME in result["msg"] and "backup_activation" in result["msg"]
    assert writes(cbs) == []


# --- disabling ------------------------------------------------------------------------------------

def test_disable_only_turns_indexing_off(cbs):
    cbs.activations[WE_ID]["catalog-enabled"] = True
    result = run_ok(main, args(state="disabled", _ansible_diff=True))
    assert sent_writes(cbs) == [("PUT", STATE, {"state": "DISABLE"})]
    assert result["changed"] is True and result["catalog"] == {"enabled": False}
    assert result["jobs"] == []
    assert result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}

    cbs.calls.clear()
    again = run_ok(main, args(state="disabled"))
    assert again["changed"] is False and writes(cbs) == []


def test_disable_in_check_mode_sends_no_write(cbs):
    cbs.activations[WE_ID]["catalog-enabled"] = True
    result = run_ok(main, args(state="disabled", _ansible_check_mode=True))
    assert result["changed"] is True and writes(cbs) == []


def test_disabling_where_backup_is_not_active_is_unchanged(cbs):
    del cbs.activations[WE_ID]
    result = run_ok(main, args(state="disabled"))
    assert result["changed"] is False and result["catalog"] == {"enabled": False} and writes(cbs) == []


# --- reading the state ----------------------------------------------------------------------------

@pytest.mark.parametrize("flag, state, changed", [
    (True, "enabled", False), (False, "disabled", False), (True, "disabled", True), (False, "enabled", True)])
def test_the_catalog_enabled_flag_decides(cbs, flag, state, changed):
    cbs.activations[WE_ID]["catalog-enabled"] = flag
    result = run_ok(main, args(state=state, _ansible_check_mode=True))
    assert result["changed"] is changed
    assert ("GET", cbs_path("v1", "backup", "working-environment", WE_ID)) in requests(cbs)


def test_unknown_working_environment_fails_with_close_names(cbs):
    result = run_fail(main, args(working_environment_name="prod-eats"))
    assert result["option"] == "working_environment_name" and WE_NAME in result["msg"]
    assert writes(cbs) == []


def test_working_environment_is_required(cbs):
    result = run_fail(main, module_args())
    assert "working_environment_id" in result["msg"] and cbs.calls == []
