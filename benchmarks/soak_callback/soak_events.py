# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""A callback for benchmarks/soak.py: each failed task, each started restore and the recap, as JSON lines.

The default output keeps on the screen what a person reads; the soak needs the module behind each
failure (the recap does not say it) and the job of each restore the run reported, so it writes them
to the file named by SOAK_EVENTS, one JSON object a line.
"""

from __future__ import annotations

import json
import os

from ansible.plugins.callback import CallbackBase

DOCUMENTATION = """
name: soak_events
type: notification
short_description: failed tasks, started restores and the recap as JSON lines (benchmarks/soak.py)
description: Appends to the file named by the SOAK_EVENTS environment variable.
"""

RESTORE_ACTIONS = ("restore", "sfr_restore")
COLLECTION = "bluexp.cloud_backup."


def died(answer: dict) -> bool:
    """A module that ended without its own answer: a Python exception or a crash."""
    text = " ".join(str(answer.get(key, "")) for key in ("msg", "module_stderr", "module_stdout"))
    return "MODULE FAILURE" in text or "Traceback (most recent call last)" in text


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "notification"
    CALLBACK_NAME = "soak_events"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self) -> None:
        super().__init__()
        self._path = os.environ.get("SOAK_EVENTS")

    def _write(self, event: dict) -> None:
        if self._path:
            with open(self._path, "a", encoding="utf-8") as out:
                out.write(json.dumps(event, default=str) + "\n")

    def _failure(self, kind: str, result, ignore_errors: bool = False) -> dict:
        answer = result._result
        return {"event": kind, "host": result._host.get_name(), "task": result._task.get_name(),
                "action": result._task.action, "ignore_errors": bool(ignore_errors),
                "error_code": answer.get("error_code"), "msg": str(answer.get("msg", ""))[:600], "exception": died(answer)}

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._write(self._failure("failed", result, ignore_errors))

    def v2_runner_item_on_failed(self, result):
        self._write(self._failure("item_failed", result))

    def v2_runner_item_on_ok(self, result):
        self._module_answer(result)

    def v2_runner_on_ok(self, result):
        if not result._result.get("results"):
            self._module_answer(result)

    def _module_answer(self, result):
        """A module failure the play turned into ok (failed_when false) to report it in its own words, and
        each restore started."""
        answer, action = result._result, result._task.action
        if not action.startswith(COLLECTION):
            return
        if answer.get("error_code") or died(answer):
            self._write(self._failure("module_error", result))
        elif action[len(COLLECTION):] in RESTORE_ACTIONS and answer.get("changed") and not result._task.check_mode:
            job = answer.get("job") or {}
            self._write({"event": "restore_started", "host": result._host.get_name(), "action": action,
                         "job_id": job.get("id") if isinstance(job, dict) else None})

    def v2_playbook_on_stats(self, stats):
        for host in sorted(stats.processed):
            self._write({"event": "recap", "host": host, **stats.summarize(host)})
