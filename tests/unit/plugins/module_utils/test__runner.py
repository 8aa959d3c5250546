# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import functools
import types

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils import _runner
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    JobFailedError,
    JobTimeoutError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply


def module(check_mode=False, diff=False):
    return types.SimpleNamespace(check_mode=check_mode, _diff=diff)


def job(job_id, status, **extra):
    record = {"id": job_id, "type": "backup-multiple-volumes", "status": status, "error": "",
              "time": 1651852160000, "working-environment-id": "we-1"}
    record.update(extra)
    return reply(200, {"job": [record]})


@pytest.fixture
def waiter(clock):
    return functools.partial(JobWaiter, sleep=clock.sleep, clock=clock.monotonic)


# --- Outcome --------------------------------------------------------------------------------------

def test_outcome_starts_unchanged_with_no_resource():
    assert Outcome(module(), "policy").result() == {"changed": False, "policy": None}


def test_outcome_reports_after_and_extra():
    outcome = Outcome(module(), "volumes")
    outcome.changed = True
    outcome.before = [{"id": "v", "state": "unprotected"}]
    outcome.after = [{"id": "v", "state": "protected"}]
    outcome.extra.update(jobs=[{"id": "j"}], working_environment_id="we-1")
    assert outcome.result() == {"changed": True, "volumes": [{"id": "v", "state": "protected"}],
                                "jobs": [{"id": "j"}], "working_environment_id": "we-1"}


@pytest.mark.parametrize("before, after, expected", [
    (None, {"name": "p"}, {"before": {}, "after": {"name": "p"}}),
    ({"name": "p"}, None, {"before": {"name": "p"}, "after": {}}),
    ({"a": 1}, {"a": 2}, {"before": {"a": 1}, "after": {"a": 2}}),
    ([], [], {"before": "[]\n", "after": "[]\n"}),
    ([{"id": "v"}], [{"id": "v", "s": 1}],
     {"before": '[\n  {\n    "id": "v"\n  }\n]\n', "after": '[\n  {\n    "id": "v",\n    "s": 1\n  }\n]\n'}),
    (None, [{"id": "v"}], {"before": "{}\n", "after": '[\n  {\n    "id": "v"\n  }\n]\n'}),
    (None, None, {"before": {}, "after": {}}),
], ids=["created", "deleted", "changed", "empty lists as text", "lists as text", "one side a list", "nothing"])
def test_diff_only_in_diff_mode(before, after, expected):
    outcome = Outcome(module(diff=True), "x")
    outcome.before, outcome.after = before, after
    assert outcome.result()["diff"] == expected
    plain = Outcome(module(diff=False), "x")
    plain.before, plain.after = before, after
    assert "diff" not in plain.result()


@pytest.mark.parametrize("check_mode", [True, False, None, 1])
def test_check_mode_is_a_bool(check_mode):
    assert Outcome(module(check_mode=check_mode), "x").check_mode is bool(check_mode)


# --- follow_job -----------------------------------------------------------------------------------

@pytest.mark.parametrize("body", [None, {}, {"state": "SUCCESS"}, {"name": "gold"}, "text", []])
def test_synchronous_answer_has_no_job(make_client, fake, body):
    assert follow_job(make_client(), body, {"wait": True}) is None
    assert fake.calls == []


@pytest.mark.parametrize("body", [{"job-id": "j-1"}, {"jobId": "j-1"}])
def test_without_wait_only_the_job_id_is_returned(make_client, fake, body):
    assert follow_job(make_client(), body, {"wait": False, "wait_timeout": 60}) == {"id": "j-1", "status": "PENDING"}
    assert fake.calls == []


def test_wait_polls_until_final_and_returns_the_job_in_snake_case(make_client, fake, clock, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "PENDING"), job("j-1", "IN_PROGRESS"),
             job("j-1", "COMPLETED", data={"multi-volume-backup": {"volume": [{"id": "v", "status": "SUCCESS"}]}}))
    client = make_client()
    result = follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client))
    assert result["status"] == "COMPLETED"
    assert result["working_environment_id"] == "we-1"
    assert result["data"]["multi_volume_backup"]["volume"] == [{"id": "v", "status": "SUCCESS"}]
    assert len(fake.calls) == 3 and len(clock.sleeps) == 2, "one wait between each two polls"


def test_wait_is_the_default(make_client, fake, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "COMPLETED"))
    client = make_client()
    assert follow_job(client, {"job-id": "j-1"}, {}, waiter=waiter(client))["status"] == "COMPLETED"


def test_failed_job_raises_by_default(make_client, fake, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "FAILED", error="bucket not reachable"))
    client = make_client()
    with pytest.raises(JobFailedError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client))
    assert "bucket not reachable" in info.value.msg and info.value.details["job_id"] == "j-1"


def test_failed_job_is_returned_when_asked(make_client, fake, waiter):
    data = {"multi-volume-backup": {"volume": [{"id": "v1", "status": "FAILED", "error": "quota"}]}}
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "FAILED", error="1 failed", data=data))
    client = make_client()
    result = follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 60}, waiter=waiter(client),
                        fail_on_failed=False)
    assert result["status"] == "FAILED"
    assert result["data"]["multi_volume_backup"]["volume"][0]["error"] == "quota"


@pytest.mark.parametrize("timeout", [None, 0])
def test_no_wait_timeout_polls_once(make_client, fake, clock, waiter, timeout):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "IN_PROGRESS"))
    client = make_client()
    with pytest.raises(JobTimeoutError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": timeout}, waiter=waiter(client))
    assert info.value.details["job_ids"] == ["j-1"]
    assert len(fake.calls) == 1 and clock.sleeps == []


def test_timeout_names_the_job(make_client, fake, clock, waiter):
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "IN_PROGRESS"))
    client = make_client()
    with pytest.raises(JobTimeoutError) as info:
        follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 10}, waiter=waiter(client))
    assert "j-1" in info.value.msg
    assert sum(clock.sleeps) == pytest.approx(10)


def test_default_waiter_is_built_for_the_client(make_client, fake, clock, monkeypatch):
    built = []

    def factory(client, **kwargs):
        built.append(client)
        return JobWaiter(client, sleep=clock.sleep, clock=clock.monotonic)

    monkeypatch.setattr(_runner, "JobWaiter", factory)
    fake.add("GET", cbs_path("v1", "job", "j-1"), job("j-1", "COMPLETED"))
    client = make_client()
    assert follow_job(client, {"job-id": "j-1"}, {"wait": True, "wait_timeout": 5})["id"] == "j-1"
    assert built == [client]


def test_every_diff_side_is_printable_by_the_default_callback():
    """The callback serialises dicts and calls splitlines() on anything else."""
    for before, after in [([{"a": 1}], [{"a": 2}]), (None, ["x"]), ({"a": 1}, None), ("t", "u")]:
        rendered = _runner.render_diff(before, after)
        kinds = {type(rendered["before"]), type(rendered["after"])}
        assert kinds in ({dict}, {str}), rendered


# --- the state engine -----------------------------------------------------------------------------

class Box(_runner.Resource):
    """An in-memory resource: `store` is the server, `writes` what was sent to it."""

    result_key = "box"
    fields = (_runner.Field("name", compare="casefold"), _runner.Field("size"))

    store = None
    writes = None
    job_body = None

    def validate(self):
        if self.params.get("size") is not None and self.params["size"] < 0:
            raise ConfigurationError("size: must not be negative.", option="size")

    def read(self):
        return dict(self.store) if self.store is not None else None

    def desired(self, current):
        if self.params["state"] == "absent":
            return None
        return {"name": self.params["name"], "size": self.params.get("size")}

    def check(self, current, desired, changes):
        if current and desired and "size" in changes and desired["size"] < current["size"]:
            raise ConfigurationError("size: a box cannot shrink.", option="size", code="cannot_shrink")

    def _write(self, kind, view):
        Box.writes.append(kind)
        Box.store = None if view is None else dict(view)
        return Box.job_body

    def create(self, desired):
        return self._write("create", desired)

    def update(self, current, desired, changes):
        return self._write("update", dict(current, **{k: v for k, v in desired.items() if v is not None}))

    def delete(self, current):
        return self._write("delete", None)


class Exit(Exception):
    pass


class FakeModule:
    def __init__(self, params, check_mode=False, diff=False):
        self.params = dict(dict(state="present", wait=True, wait_timeout=60, size=None), **params)
        self.check_mode = check_mode
        self._diff = diff
        self.result = None
        self.failed = False
        self.warned = []

    def warn(self, message):
        self.warned.append(message)

    def exit_json(self, **result):
        self.result = result
        raise Exit()

    def fail_json(self, **result):
        self.result, self.failed = result, True
        raise Exit()


@pytest.fixture
def box():
    Box.store, Box.writes, Box.job_body = None, [], None
    return Box


def run_box(params, **kwargs):
    module = FakeModule(params, **kwargs)
    with pytest.raises(Exit):
        _runner.run_resource(module, Box, client=object())
    return module


def test_engine_creates_then_a_rerun_sends_nothing(box):
    first = run_box({"name": "b", "size": 1})
    assert first.result == {"changed": True, "box": {"name": "b", "size": 1}} and box.writes == ["create"]
    second = run_box({"name": "B", "size": 1})
    assert second.result == {"changed": False, "box": {"name": "b", "size": 1}} and box.writes == ["create"]


def test_engine_check_mode_predicts_and_sends_nothing(box):
    box.store = {"name": "b", "size": 1}
    module = run_box({"name": "b", "size": 2}, check_mode=True, diff=True)
    assert module.result["changed"] is True and box.writes == []
    assert module.result["box"] == {"name": "b", "size": 2}
    assert module.result["diff"] == {"before": {"name": "b", "size": 1}, "after": {"name": "b", "size": 2}}


def test_engine_leaves_fields_the_user_did_not_set(box):
    box.store = {"name": "b", "size": 5}
    assert run_box({"name": "b"}).result["changed"] is False and box.writes == []


def test_engine_reports_the_unchanged_view_the_resource_gives(box, monkeypatch):
    box.store = {"name": "b", "size": 1}
    monkeypatch.setattr(box, "unchanged", lambda self, current, desired: dict(current, action=None), raising=False)
    module = run_box({"name": "b", "size": 1}, diff=True)
    assert module.result["changed"] is False and box.writes == []
    assert module.result["box"] == {"name": "b", "size": 1, "action": None}
    assert module.result["diff"] == {"before": {"name": "b", "size": 1}, "after": {"name": "b", "size": 1, "action": None}}


def test_engine_deletes_only_what_exists(box):
    assert run_box({"name": "b", "state": "absent"}).result == {"changed": False, "box": None}
    box.store = {"name": "b", "size": 1}
    module = run_box({"name": "b", "state": "absent"}, diff=True)
    assert module.result["changed"] is True and box.writes == ["delete"]
    assert module.result["diff"] == {"before": {"name": "b", "size": 1}, "after": {}}


def test_engine_checks_preconditions_in_check_mode_too(box):
    box.store = {"name": "b", "size": 5}
    module = run_box({"name": "b", "size": 1}, check_mode=True)
    assert module.failed and module.result["error_code"] == "cannot_shrink" and module.result["option"] == "size"
    assert "changed" not in module.result and box.writes == []


def test_engine_validates_before_reading(box):
    box.read = lambda self: pytest.fail("read before the options were validated")
    try:
        module = run_box({"name": "b", "size": -1})
    finally:
        del box.read
    assert module.failed and module.result["error_code"] == "invalid_option"


def test_engine_without_wait_returns_the_job_and_the_prediction(box, monkeypatch):
    box.job_body = {"job-id": "job-9"}
    module = run_box({"name": "b", "size": 1, "wait": False})
    assert module.result["changed"] is True and module.result["jobs"] == [{"id": "job-9", "status": "PENDING"}]
    assert module.result["box"] == {"name": "b", "size": 1}


def test_engine_failure_after_the_write_reports_changed(box, monkeypatch):
    box.job_body = {"job-id": "job-9"}

    def failing(client, body, params, fail_on_failed=True):
        raise JobFailedError("Job job-9 failed: disk full.", job_id="job-9")

    monkeypatch.setattr(_runner, "follow_job", failing)
    module = run_box({"name": "b", "size": 1})
    assert module.failed and module.result["changed"] is True and module.result["error_code"] == "job_failed"


@pytest.mark.parametrize("fails", [False, True])
def test_engine_shows_the_warnings_of_the_resource_whether_it_succeeds_or_fails(box, monkeypatch, fails):
    def create(self, desired):
        self.warnings.append("created under another name")
        if fails:
            raise ConfigurationError("size: refused after the warning.", option="size")
        return self._write("create", desired)

    monkeypatch.setattr(box, "create", create)
    module = run_box({"name": "b", "size": 1})
    assert module.failed is fails
    assert module.warned == ["created under another name"]
    assert "warnings" not in module.result


def test_engine_locates_once_before_the_first_read(box, monkeypatch):
    seen = []
    monkeypatch.setattr(Box, "locate", lambda self: seen.append("locate"), raising=False)
    original = Box.read
    monkeypatch.setattr(Box, "read", lambda self: seen.append("read") or original(self))
    run_box({"name": "b", "size": 1})
    assert seen == ["locate", "read", "read"], "located once; read before and after the write"
