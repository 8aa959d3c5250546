# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.emulated import assert_waited_for

MODULE = "catalog"


@pytest.fixture
def we(emulator):
    """A working environment with backup active and no catalog yet."""
    return emulator.working_environment(backup_enabled=True, catalog_indexed=False)


@pytest.fixture
def paths(emulator, we):
    return {
        "setup": emulator.cbs_path("v2", "catalog", "working-environments", we["id"], "setup"),
        "state": emulator.cbs_path("v1", "catalog", "working-environments", we["id"]),
        "backup": emulator.cbs_path("v1", "backup", "working-environment", we["id"]),
    }


def writes(emulator):
    return [(entry["method"], entry["path"], entry["body"]) for entry in emulator.writes()]


def job_polls(emulator):
    return [i for i, (method, path) in enumerate(emulator.calls()) if method == "GET" and "/api/v1/job/" in path]


def catalog_enabled(emulator, we):
    view = emulator.api("GET", "v1", "backup", "working-environment", we["id"])
    return view.get("catalog-enabled")


def set_indexing(emulator, we, state):
    emulator.api("PUT", "v1", "catalog", "working-environments", we["id"], json={"state": state})


# --- enabling -------------------------------------------------------------------------------------

@pytest.mark.emulator(job_duration_s=1)
def test_enable_sets_up_the_index_then_turns_it_on(emulator, we, paths):
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], _ansible_diff=True)
    assert writes(emulator) == [("POST", paths["setup"], None), ("PUT", paths["state"], {"state": "ENABLE"})]
    calls = emulator.calls()
    assert job_polls(emulator)[-1] < calls.index(("PUT", paths["state"])), "set-up finished before ENABLE"
    assert result["changed"] is True and result["catalog"] == {"enabled": True}
    assert result["working_environment_id"] == we["id"]
    [job] = result["jobs"]
    assert job["status"] == "COMPLETED" and job["type"] == "catalog-setup"
    assert result["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert_waited_for(emulator.sleeps, 1)
    assert catalog_enabled(emulator, we) is True

    emulator.clear_requests()
    again = emulator.run_ok(MODULE, working_environment_name=we["name"])
    assert again["changed"] is False and writes(emulator) == [] and again["catalog"] == {"enabled": True}
    assert "jobs" not in again


def test_enable_when_the_setup_answers_without_a_job(emulator, we, paths):
    # The spec declares the set-up's 202 answer as an object without naming a job id.
    emulator.add_fault(method="POST", path="/setup$", status=202, message="Accepted")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"])
    assert writes(emulator) == [("POST", paths["setup"], None), ("PUT", paths["state"], {"state": "ENABLE"})]
    assert result["changed"] is True and not result.get("jobs")
    assert job_polls(emulator) == []


def test_enable_without_wait_does_not_poll_the_setup(emulator, we):
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], wait=False)
    [job] = result["jobs"]
    assert job["id"] and job["status"] not in ("COMPLETED", "FAILED")
    assert job_polls(emulator) == []


def test_failed_setup_does_not_turn_indexing_on(emulator, we):
    emulator.add_job_fault(job_type="catalog-setup", outcome="fail", error="Athena workgroup could not be created")
    result = emulator.run_fail(MODULE, working_environment_name=we["name"])
    assert "Athena workgroup could not be created" in result["msg"]
    assert result["error_code"] == "job_failed"
    assert [method for method, _path, _body in writes(emulator)] == ["POST"]
    assert not catalog_enabled(emulator, we)


def test_a_setup_that_outlives_the_timeout_fails_without_turning_indexing_on(emulator, we):
    emulator.add_job_fault(job_type="catalog-setup", outcome="stuck")
    result = emulator.run_fail(MODULE, working_environment_name=we["name"], wait_timeout=30)
    assert result["error_code"] == "job_timeout" and "Timed out after 30 s" in result["msg"]
    assert sum(emulator.sleeps) == pytest.approx(30)
    assert [method for method, _path, _body in writes(emulator)] == ["POST"]


def test_enable_in_check_mode_sends_no_write(emulator, we):
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], _ansible_check_mode=True, _ansible_diff=True)
    assert result["changed"] is True and result["catalog"] == {"enabled": True}
    assert result["diff"] == {"before": {"enabled": False}, "after": {"enabled": True}}
    assert writes(emulator) == [] and not catalog_enabled(emulator, we)


def test_enable_by_working_environment_id(emulator, we, paths):
    emulator.run_ok(MODULE, working_environment_id=we["id"])
    assert [path for _method, path, _body in writes(emulator)] == [paths["setup"], paths["state"]]


def test_enabling_without_active_backup_fails_without_a_write(emulator):
    inactive = emulator.working_environment(backup_enabled=False)
    result = emulator.run_fail(MODULE, working_environment_name=inactive["name"])
    assert result["option"] == "state" and result["error_code"] == "not_activated"
    assert inactive["name"] in result["msg"] and "backup_activation" in result["msg"]
    assert writes(emulator) == []


# --- disabling ------------------------------------------------------------------------------------

def test_disable_only_turns_indexing_off(emulator, we, paths):
    set_indexing(emulator, we, "ENABLE")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], state="disabled", _ansible_diff=True)
    assert writes(emulator) == [("PUT", paths["state"], {"state": "DISABLE"})]
    assert result["changed"] is True and result["catalog"] == {"enabled": False}
    assert not result.get("jobs")
    assert result["diff"] == {"before": {"enabled": True}, "after": {"enabled": False}}
    assert not catalog_enabled(emulator, we)

    emulator.clear_requests()
    again = emulator.run_ok(MODULE, working_environment_name=we["name"], state="disabled")
    assert again["changed"] is False and writes(emulator) == []


def test_disable_in_check_mode_sends_no_write(emulator, we):
    set_indexing(emulator, we, "ENABLE")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], state="disabled", _ansible_check_mode=True)
    assert result["changed"] is True and writes(emulator) == []
    assert catalog_enabled(emulator, we) is True


def test_disabling_where_backup_is_not_active_is_unchanged(emulator):
    inactive = emulator.working_environment(backup_enabled=False)
    result = emulator.run_ok(MODULE, working_environment_name=inactive["name"], state="disabled")
    assert result["changed"] is False and result["catalog"] == {"enabled": False} and writes(emulator) == []


# --- reading the state ----------------------------------------------------------------------------

@pytest.mark.parametrize("flag, state, changed", [
    (True, "enabled", False), (False, "disabled", False), (True, "disabled", True), (False, "enabled", True)])
def test_the_catalog_enabled_flag_decides(emulator, we, paths, flag, state, changed):
    if flag:
        set_indexing(emulator, we, "ENABLE")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], state=state, _ansible_check_mode=True)
    assert result["changed"] is changed
    assert ("GET", paths["backup"]) in emulator.calls()


def test_unknown_working_environment_fails_with_close_names(emulator, we):
    result = emulator.run_fail(MODULE, working_environment_name=we["name"][:-1])
    assert result["option"] == "working_environment_name" and we["name"] in result["msg"]
    assert writes(emulator) == []


def test_an_api_error_shows_status_message_and_request(emulator, we, paths):
    set_indexing(emulator, we, "ENABLE")
    emulator.add_fault(method="PUT", path="/catalog/working-environments/", status=409, message="indexing is busy")
    result = emulator.run_fail(MODULE, working_environment_name=we["name"], state="disabled")
    assert result["status"] == 409 and "indexing is busy" in result["msg"]
    assert "PUT" in result["msg"] and paths["state"] in result["msg"]
    assert result["error_code"] == "api_error"
    assert catalog_enabled(emulator, we) is True


def test_working_environment_is_required(emulator):
    result = emulator.run_fail(MODULE)
    assert "working_environment_id" in result["msg"] and emulator.requests() == []


# --- present and absent ---------------------------------------------------------------------------

@pytest.mark.emulator(job_duration_s=1)
def test_present_and_absent_turn_indexing_on_and_off(emulator, we, paths):
    on = emulator.run_ok(MODULE, working_environment_name=we["name"], state="present")
    assert on["changed"] is True and on["catalog"] == {"enabled": True}
    emulator.clear_requests()
    off = emulator.run_ok(MODULE, working_environment_name=we["name"], state="absent")
    assert off["changed"] is True and off["catalog"] == {"enabled": False}
    assert writes(emulator) == [("PUT", paths["state"], {"state": "DISABLE"})]


@pytest.mark.parametrize("flag, state", [(True, "present"), (True, "enabled"), (False, "absent"), (False, "disabled")])
def test_the_old_values_name_the_same_states(emulator, we, flag, state):
    if flag:
        set_indexing(emulator, we, "ENABLE")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], state=state)
    assert result["changed"] is False and writes(emulator) == []


def test_the_default_state_is_indexing_on(emulator, we):
    set_indexing(emulator, we, "ENABLE")
    result = emulator.run_ok(MODULE, working_environment_name=we["name"], _ansible_check_mode=True)
    assert result["changed"] is False and result["catalog"] == {"enabled": True}
