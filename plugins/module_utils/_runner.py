# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The common ending of stateful modules: changed, the resource, diff, and jobs.

The contract every stateful module keeps:
- a write is only sent when the desired state differs from the current one;
- in check mode no write is sent and `after` is the predicted state;
- `diff` (with --diff) shows before and after of the managed fields only;
- an asynchronous write is followed to its end when `wait` is true, and its job is returned.
"""

from __future__ import annotations

from typing import Any

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

    @property
    def check_mode(self) -> bool:
        return bool(self._module.check_mode)

    def warn(self, message: str) -> None:
        self._module.warn(message)

    def result(self) -> dict[str, Any]:
        result: dict[str, Any] = {"changed": self.changed}
        if self._key:
            result[self._key] = self.after
        result.update(self.extra)
        if self._module._diff:
            result["diff"] = {"before": self.before if self.before is not None else {},
                              "after": self.after if self.after is not None else {}}
        return result


def follow_job(client: Any, body: Any, params: dict[str, Any], waiter: JobWaiter | None = None,
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
