# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The state engine every stateful module runs on.

A module declares a `Resource`: how to read the current view, the desired view from its
options, a field table saying how each field compares, and the writes (create, update,
delete). `run_resource` owns the rest, once for every module:

    validate -> read -> desired -> compare -> check -> [check-mode guard] -> write
    -> follow the job -> read again -> result and diff

The contract this gives every stateful module:
- a write is only sent when the desired state differs from the current one;
- in check mode no write is sent and the result is the predicted state;
- `diff` (with --diff) shows before and after of the managed view, lists included;
- an asynchronous write is followed to its end when `wait` is true, and its job is returned;
- work already running in BlueXP (a job an earlier run started and did not see end: `wait: false`,
  `wait_timeout`, a lost answer) is never started a second time: with `wait` it is followed to its
  end and the state read again, otherwise it is reported (`changed: false`, `already_running`);
- a failure after a write was sent reports `changed: true`, so that nobody believes
  nothing happened, and says whether the work goes on in BlueXP and how to follow it.

Modules whose flow is not "make this state true" (restores, scans) keep their own `run`
and use `Outcome` and `follow_job` directly; each says why at its top.
"""

from __future__ import annotations

import json
from typing import Any, Callable, Mapping

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._compare import Field, differences
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ApiError,
    BlueXPError,
    JobFailedError,
    JobTimeoutError,
    PartialFailure,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import JobWaiter, job_id_of


class Outcome:
    """What a module reports; built up while it decides, returned once."""

    def __init__(self, module: Any, resource_key: str | None) -> None:
        self._module = module
        self._key = resource_key
        self.changed = False
        self.before: Any = None
        self.after: Any = None
        self.extra: dict[str, Any] = {}
        self.sent = False

    @property
    def check_mode(self) -> bool:
        return bool(self._module.check_mode)

    def send(self, write: Callable[..., Any], *args: Any) -> Any:
        """Send the task's write: from here on a failure reports `changed: true`."""
        self.sent = True
        return write(*args)

    def failure(self, exc: BlueXPError) -> dict[str, Any]:
        """fail_json's arguments for an error; `changed: true` once the write was sent."""
        return failed_after_write(exc) if self.sent else exc.to_result()

    def warn(self, message: str) -> None:
        self._module.warn(message)

    def result(self) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": self.changed}
        if self._key:
            result[self._key] = self.after
        result.update(self.extra)
        if self._module._diff:
            result["diff"] = render_diff(self.before, self.after)
        return result


def render_diff(before: Any, after: Any) -> dict[str, Any]:
    """A diff the default callback can print: dicts as they are, anything else as text.

    The callback serialises dicts itself but calls splitlines() on everything else, so a list
    (the volumes of volume_backup) is rendered as indented JSON lines here.
    """
    def side(value: Any) -> Any:
        if value is None:
            return {}
        if isinstance(value, (dict, str)):
            return value
        return json.dumps(value, indent=2, sort_keys=True, default=str) + "\n"

    before_side, after_side = side(before), side(after)
    if isinstance(before_side, dict) != isinstance(after_side, dict):
        # Both sides must have one form, or the callback compares a dict with text.
        before_side, after_side = (json.dumps(before or {}, indent=2, sort_keys=True, default=str) + "\n",
                                   json.dumps(after or {}, indent=2, sort_keys=True, default=str) + "\n")
    return {"before": before_side, "after": after_side}


def failed_after_write(exc: BlueXPError) -> dict[str, Any]:
    """fail_json's arguments for an error met once a write was sent: `changed: true` (unless the
    error says better), and whether the work goes on in BlueXP and how to follow it."""
    result = exc.to_result()
    if "changed" in result:
        return result  # raised by what knew the outcome: a verdict, some items done
    result["changed"] = True
    hint = where_the_work_is(exc)
    if hint:
        result["msg"] = result["msg"].rstrip() + " " + hint
    return result


def where_the_work_is(exc: BlueXPError) -> str:
    # A timeout names the job that goes on and how to follow it; a failed job has ended, as its
    # message says; a refusal (4xx) started nothing.
    if isinstance(exc, (JobTimeoutError, JobFailedError, PartialFailure)):
        return ""
    if isinstance(exc, ApiError) and exc.status < 500:
        return ""
    job_id = exc.details.get("job_id")
    if job_id:
        return ("Its work may go on in BlueXP: follow it with bluexp.cloud_backup.job_info and job_ids={0}, "
                "wait=true.".format(job_id))
    return ("Its work may go on in BlueXP. Running the task again is safe: it finds work that goes on and "
            "follows it instead of starting it twice.")


def join_running(client: Any, running: list[dict[str, Any]], params: Mapping[str, Any],
                 check_mode: bool) -> tuple[list[dict[str, Any]], bool]:
    """Jobs found doing the work a task asks for (as the job list gives them), in snake_case.

    With `wait` (and outside check mode) they are followed to their end first, whatever that end:
    the caller reads the state again to know whether its work is done. Returns (jobs, waited).
    """
    if check_mode or not params.get("wait", True):
        return [snake_keys(job) for job in running], False
    ids = [job["id"] for job in running]
    seen = JobWaiter(client).wait(ids, params.get("wait_timeout") or 0, fail_on_failed=False)
    return [snake_keys(seen[job_id]) for job_id in ids], True


def running_message(jobs: list[dict[str, Any]], waited: bool) -> str:
    """What a task says of the jobs it found running instead of starting its own."""
    ids = ", ".join(str(job.get("id")) for job in jobs)
    listed = ", ".join("{0} ({1}, {2})".format(job.get("id"), job.get("type"), job.get("status")) for job in jobs)
    if waited:
        return "Found job(s) {0} already running in BlueXP and followed them to their end instead of starting " \
               "the work a second time.".format(listed)
    return ("Already running in BlueXP: job(s) {0}; the work was not started a second time. Follow it with "
            "bluexp.cloud_backup.job_info and job_ids={1}, wait=true, or run the task again with wait=true."
            .format(listed, ids))


def follow_job(client: Any, body: Any, params: Mapping[str, Any], waiter: JobWaiter | None = None,
               fail_on_failed: bool = True) -> dict[str, Any] | None:
    """Wait for the job a write started (when `wait`), and return it in snake_case.

    Returns None for a synchronous answer. Without `wait`, only the job id is returned
    so that job_info can follow it. With `fail_on_failed=False` a FAILED job is returned
    for the caller to read its per-item results.
    """
    job_id = job_id_of(body)
    if job_id is None:
        return None
    if not params.get("wait", True):
        return {"id": job_id, "status": "PENDING"}
    jobs = (waiter or JobWaiter(client)).wait([job_id], params.get("wait_timeout") or 0,
                                              fail_on_failed=fail_on_failed)
    return snake_keys(jobs[job_id])


class Resource:
    """One managed thing, as a stateful module declares it; `run_resource` drives it.

    Subclasses set `result_key` (the result key that holds the view) and `fields`, and
    implement `read`, `desired` and the writes they support. Every method may raise a
    `BlueXPError`; only `create`, `update` and `delete` may send writes, and the engine calls
    them only outside check mode. `extra` is merged into the module result (for example
    the working environment's ID); `warnings` are shown as the task's warnings, whether it
    succeeds or fails.
    """

    result_key = "resource"
    fields: tuple[Field, ...] = ()

    def __init__(self, client: Any, params: Mapping[str, Any]) -> None:
        self.client = client
        self.params = params
        self.extra: dict[str, Any] = {}
        self.jobs: list[dict[str, Any]] = []
        self.warnings: list[str] = []
        self.waited = True
        # Set by the engine: a precondition that an earlier task of a play would make true (a policy
        # created just before) is a warning in check mode, where that task changed nothing.
        self.check_mode = False

    # -- what a resource declares -------------------------------------------------------
    def validate(self) -> None:
        """Check the options alone, before any request."""

    def locate(self) -> None:
        """Find what the resource belongs to (its working environment, its volume), once, before the
        first read; `read` is then called again after the writes without finding them again."""

    def read(self) -> Any:
        """The current view, or None when the resource does not exist."""
        raise NotImplementedError

    def desired(self, current: Any) -> Any:
        """The view the options ask for, or None when the resource must not exist."""
        raise NotImplementedError

    def changes(self, current: Any, desired: Any) -> dict[str, tuple[Any, Any]]:
        """What differs, through the field table; views that are not dicts override this."""
        return differences(self.fields, current, desired)

    def check(self, current: Any, desired: Any, changes: Mapping[str, Any]) -> None:
        """Preconditions of the change, checked in check mode too; raise to refuse it."""

    def unchanged(self, current: Any, desired: Any) -> Any:
        """The view returned when nothing differs: the current one. A view that also says what
        the task did (volume_backup's per-volume action, null here) overrides this."""
        return current

    def predict(self, current: Any, desired: Any) -> Any:
        """The view after the change, as far as it can be known without sending it."""
        if isinstance(current, dict) and isinstance(desired, dict):
            return dict(current, **{k: v for k, v in desired.items() if v is not None})
        return desired

    def create(self, desired: Any) -> Any:
        raise NotImplementedError("{0} cannot be created".format(self.result_key))

    def update(self, current: Any, desired: Any, changes: Mapping[str, Any]) -> Any:
        raise NotImplementedError("{0} cannot be changed".format(self.result_key))

    def delete(self, current: Any) -> Any:
        raise NotImplementedError("{0} cannot be deleted".format(self.result_key))

    def settle(self, after: Any) -> Any:
        """After the writes: read the jobs' per-item results, raise on partial failure."""
        return after

    def running(self, current: Any, desired: Any, changes: Mapping[str, Any]) -> list[dict[str, Any]]:
        """Jobs already running in BlueXP that may be doing this change (as the job list gives them,
        see `jobs.running_jobs`): an earlier run's work, followed or reported, never started again."""
        return []

    def found_running(self, found: list[dict[str, Any]], waited: bool) -> None:
        """Record the jobs found doing this change (in snake_case), followed to their end when `waited`,
        in place of a write of this task."""
        self.jobs.extend(found)
        self.extra["already_running"] = True
        self.extra["msg"] = running_message(found, waited)

    # -- what the writes use ------------------------------------------------------------
    def follow(self, body: Any, fail_on_failed: bool = True, wait: bool | None = None) -> dict[str, Any] | None:
        """Follow the job a write answered with; `wait=True` waits whatever the option says
        (a write that must finish before the next one)."""
        params = self.params if wait is None else dict(self.params, wait=wait)
        job = follow_job(self.client, body, params, fail_on_failed=fail_on_failed)
        if job is not None:
            self.jobs.append(job)
            if job.get("status") in ("PENDING", "IN_PROGRESS"):
                self.waited = False
        return job


class Engine:
    """Runs one resource through validate, read, compare, guard, write, follow, read again."""

    def __init__(self, resource: Resource, check_mode: bool) -> None:
        self.resource = resource
        self.check_mode = resource.check_mode = check_mode
        self.changed = False
        self.before: Any = None
        self.after: Any = None

    def run(self) -> None:
        res = self.resource
        res.locate()
        self.before = current = res.read()
        plan = self.plan(current)
        if plan is not None:
            current, plan = self.join_running(current, plan)
        if plan is None:
            return
        desired, changes = plan
        res.check(current, desired, changes)
        self.changed = True
        self.after = None if desired is None else res.predict(current, desired)
        if self.check_mode:
            return
        if desired is None:
            res.follow(res.delete(current))
        elif current is None:
            res.follow(res.create(desired))
        else:
            res.follow(res.update(current, desired, changes))
        if desired is not None and res.waited:
            self.after = res.read() or self.after
        self.after = res.settle(self.after)

    def join_running(self, current: Any, plan: tuple[Any, dict[str, Any]]) -> tuple[Any, Any]:
        """Jobs already doing this change are followed (with `wait`) or reported, never started again.

        Returns the state and the plan to carry out: no plan when the jobs found did the change or are
        doing it; after waiting, the state read again and what is still to be done (their work was
        another volume's, or failed).
        """
        res = self.resource
        running = res.running(current, *plan)
        if not running:
            return current, plan
        jobs, waited = join_running(res.client, running, res.params, self.check_mode)
        if waited:
            self.before = current = res.read()
            still = self.plan(current)
            if still is not None:
                return current, still
        else:
            # Under way: reported as it is now; the earlier run that started it changed it.
            self.after = res.unchanged(current, plan[0])
        res.found_running(jobs, waited)
        return current, None

    def plan(self, current: Any) -> tuple[Any, dict[str, Any]] | None:
        """(desired, changes) when something is to be done; otherwise None, with the view to return set."""
        res = self.resource
        desired = res.desired(current)
        if desired is None:
            if current is None:
                self.after = None
                return None
            return desired, {}
        if current is None:
            return desired, {}
        changes = res.changes(current, desired)
        if not changes:
            self.after = res.unchanged(current, desired)
            return None
        return desired, changes


def run_resource(module: Any, resource_class: type[Resource], client: Any = None) -> None:
    """A stateful module's whole main(): build, run, report; errors become fail_json."""
    try:
        resource = resource_class(client or new_client(module), module.params)
        resource.validate()
    except BlueXPError as exc:
        module.fail_json(**exc.to_result())
    engine = Engine(resource, module.check_mode)
    try:
        engine.run()
    except BlueXPError as exc:
        # Once the write was reached, whatever failed after it, something may have changed.
        result = failed_after_write(exc) if engine.changed and not module.check_mode else exc.to_result()
        for key, value in resource.extra.items():
            result.setdefault(key, value)
        if resource.jobs:
            result.setdefault("jobs", resource.jobs)
        for message in resource.warnings:
            module.warn(message)
        module.fail_json(**result)
    result = {"changed": engine.changed, resource.result_key: engine.after}
    result.update(resource.extra)
    if resource.jobs:
        result["jobs"] = resource.jobs
    if module._diff:
        result["diff"] = render_diff(engine.before, engine.after)
    for message in resource.warnings:
        module.warn(message)
    module.exit_json(**result)
