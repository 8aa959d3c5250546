#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# Not on the state engine: a file restore is an action done once (a rerun finds its job), not a state to converge.

from __future__ import annotations

DOCUMENTATION = r"""
module: sfr_restore
short_description: Restore chosen files or a folder from a BlueXP backup
version_added: 0.1.0
description:
  - Restores files (or one folder) from a backup of a volume to the original volume or to another volume and
    path, waits for the restore job, and returns the result of each file.
  - Nothing is overwritten unless O(overwrite=true). Without it, a file that exists at the target is kept and
    the restored copy is written under a new name, as the API renames it.
  - A rerun finds the completed restore of the same files to the same target and reports no change, with
    RV(already_restored) saying from which backup and when; a matching restore that is still running is
    followed instead of started again. With O(backup) named, only a restore from that backup counts; with
    the backup chosen implicitly (the newest, or the newest before O(newest_before)), a restore of the same
    files from any backup of the volume (created before that time) counts, so a rerun hours later, after
    new scheduled backups, finds the restore the first run did.
notes:
  - A task that fails once its restore request was sent (a lost answer, O(wait_timeout), a failed job) reports
    C(changed=true), and its message says whether the restore goes on in BlueXP and how to follow it; a rerun
    follows a restore that goes on instead of starting it again.
author:
  - bluexp.cloud_backup maintainers (@bluexp-cloud-backup)
extends_documentation_fragment:
  - bluexp.cloud_backup.connection
  - bluexp.cloud_backup.connection.WORKING_ENVIRONMENT
  - bluexp.cloud_backup.connection.BACKUP_SELECTION
  - bluexp.cloud_backup.connection.WAIT
  - bluexp.cloud_backup.connection.ACTIONGROUP
  - bluexp.cloud_backup.attributes
  - bluexp.cloud_backup.attributes.STATEFUL
options:
  files:
    description:
      - Paths inside the backup, from the root of the volume, for example V(/finance/2026/budget.xlsx). One
        folder path restores that folder. A path without its leading V(/) is read from the root too.
      - One path may be given as text instead of a list; it is never split at its commas.
      - Entries returned by M(bluexp.cloud_backup.sfr_browse_info) (dicts with C(path)) are accepted as they are.
      - Each path is read in its normal form (V(//finance/./2026/) is V(/finance/2026)), which RV(files) returns.
        A path with a V(..) component or a control character (such as NUL or a newline) fails the task naming
        the entry, before any request; V(..) is never resolved.
    type: list
    elements: raw
    required: true
  target_working_environment_id:
    description:
      - Working environment to restore to. Defaults to the source working environment.
    type: str
  target_working_environment_name:
    description:
      - Name of the working environment to restore to.
    type: str
  target_volume:
    description:
      - Volume to restore into. Defaults to the source volume.
    type: str
  target_svm:
    description:
      - SVM of O(target_volume). Defaults to the source volume's SVM.
    type: str
  target_path:
    description:
      - Directory in the target volume to restore into, from its root (it starts with V(/)). Without it files go
        back to their own paths.
      - Read like O(files); a V(..) component or a control character fails the task.
    type: str
  overwrite:
    description:
      - Replace files that exist at the target. Without it nothing at the target is replaced.
    type: bool
    default: false
seealso:
  - module: bluexp.cloud_backup.sfr_browse_info
  - module: bluexp.cloud_backup.catalog_search_info
"""

EXAMPLES = r"""
---
- name: Put two files back where they were, keeping what is there now
  bluexp.cloud_backup.sfr_restore:
    working_environment_name: prod-east-1
    volume: vol_finance
    newest_before: "2026-11-27T22:00:00Z"
    files:
      - /finance/2026/budget.xlsx
      - /finance/2026/forecast.xlsx
  register: restored

- name: Restore what a catalog search found, to a separate folder
  bluexp.cloud_backup.sfr_restore:
    working_environment_id: "{{ found.results[0].working_environment_id }}"
    volume: "{{ found.results[0].volume_id }}"
    files: ["{{ found.results[0].path }}"]
    target_path: /restored
"""

RETURN = r"""
files:
  description:
    - Each file asked for, in the order given, with the result the job reported.
    - C(status) is V(SUCCESS) or V(FAILED) once the job ended; the job's status while it runs (O(wait=false));
      null in check mode.
  returned: always
  type: list
  elements: dict
  contains:
    path:
      description: The path inside the backup, absolute.
      type: str
      sample: /finance/2026/budget.xlsx
    status:
      description: V(SUCCESS), V(FAILED), the job's status while it runs, or null in check mode.
      type: str
      sample: SUCCESS
    error:
      description: Why the file was not restored; null otherwise.
      type: str
      sample: Permission denied on the target folder
    restored_to:
      description:
        - Where the file is restored to (for a file not restored, where it was to go).
        - Without O(overwrite), when a file of that name already exists there it is kept and BlueXP writes
          the restored copy beside it under a new name, which the restore job does not report.
      type: dict
      sample:
        working_environment_id: VsaWorkingEnvironment-99hPYEgk
        working_environment_name: prod-east-1
        svm: svm_prod
        volume: vol_finance
        path: /restored/budget.xlsx
        renamed_if_taken: true
      contains:
        working_environment_id:
          description: ID of the target working environment.
          type: str
          sample: VsaWorkingEnvironment-99hPYEgk
        working_environment_name:
          description: Name of the target working environment.
          type: str
          sample: prod-east-1
        svm:
          description: SVM of the target volume.
          type: str
          sample: svm_prod
        volume:
          description: Name of the target volume.
          type: str
          sample: vol_finance
        path:
          description: Full path in the target volume, O(target_path) and the file's name, else its own path.
          type: str
          sample: /restored/budget.xlsx
        renamed_if_taken:
          description: Whether a copy is written under a new name when the path is taken (O(overwrite=false)).
          type: bool
          sample: true
  sample:
    - path: /finance/2026/budget.xlsx
      status: SUCCESS
      error: null
      restored_to:
        working_environment_id: VsaWorkingEnvironment-99hPYEgk
        working_environment_name: prod-east-1
        svm: svm_prod
        volume: vol_finance
        path: /restored/budget.xlsx
        renamed_if_taken: true
job:
  description:
    - The restore job (keys in snake_case), started by this task or found running or completed.
    - With O(wait=false), only C(id) and C(status) C(PENDING).
  returned: when there is one
  type: dict
  sample:
    id: 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d
    type: restore-files
    status: COMPLETED
    error: ""
already_restored:
  description:
    - The earlier restore of these files this task found done (C(changed=false)); RV(source_backup) is its
      backup, which may be older than the newest one when the backup was chosen implicitly.
  returned: when an earlier restore of the files was found completed
  type: dict
  sample:
    backup: Daily_20261127_2100
    backup_id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    time: "2026-11-28T03:12:40Z"
    job_id: 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d
  contains:
    backup:
      description: Name of the backup restored from (its ID when it is no longer listed).
      type: str
      sample: Daily_20261127_2100
    backup_id:
      description: ID of that backup.
      type: str
      sample: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    time:
      description: When the restore job was created, ISO 8601 UTC.
      type: str
      sample: "2026-11-28T03:12:40Z"
    job_id:
      description: ID of the restore job.
      type: str
      sample: 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d
msg:
  description: What was found, when an earlier restore was found completed.
  returned: when RV(already_restored) is returned
  type: str
  sample: >-
    2 file(s) of volume vol_finance already restored from Daily_20261127_2100 at 2026-11-28T03:12:40Z
    (job 2a3b4c5d-6e7f-4a8b-9c0d-1e2f3a4b5c6d); nothing was restored again.
source_backup:
  description:
    - The backup restored from, with the API's fields in snake_case (C(id), C(name), C(creation_time) in milliseconds),
      plus C(volume_name), C(volume_id) and C(working_environment_id) of its volume.
  returned: success
  type: dict
  sample:
    id: 1f0e3c5a-2b4d-4e6f-8a9b-0c1d2e3f4a5b
    name: Daily_20261127_2100
    creation_time: 1795813200000
    volume_name: vol_finance
    volume_id: 8a6c9e62-4f3f-4b55-9d3c-0c2d7c1a1f10
    working_environment_id: VsaWorkingEnvironment-99hPYEgk
error_code:
  description:
    - Why the task failed, for playbooks and roles to branch on instead of the message text.
    - V(working_environment_not_found), V(volume_not_found) (no such volume among the backed-up ones),
      V(no_backup) (the volume has no backup, or none before O(newest_before)),
      V(backup_not_found) (no backup of that name or ID),
      V(nothing_restored) (a path of O(files) is not in the backup, or the job restored none of the files;
      nothing was restored), V(partial_failure) (some files were restored, others not; RV(files) says which),
      V(job_failed), V(job_timeout) (the job goes on; follow it with M(bluexp.cloud_backup.job_info)),
      V(invalid_option), V(not_found), V(api_error), V(auth_failed), V(transport_error), V(write_not_resent),
      V(discovery_failed), V(unexpected_answer).
  returned: failure
  type: str
  sample: nothing_restored
"""

import posixpath

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._argspec import (
    BACKUP_SELECTION_RULES,
    WORKING_ENVIRONMENT_RULES,
    backup_selection_argument_spec,
    merge_rules,
    working_environment_argument_spec,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    BlueXPError,
    ConfigurationError,
    PartialFailure,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._module import create_module, new_client
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._paths import PATH, PATHS, volume_path
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import backups, restores, sfr
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._runner import Outcome, follow_job
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import snake_keys

ARGUMENT_SPEC = dict(
    **working_environment_argument_spec(),
    **backup_selection_argument_spec(),
    files=dict(type=PATHS, elements="raw", required=True),
    target_working_environment_id=dict(type="str"),
    target_working_environment_name=dict(type="str"),
    target_volume=dict(type="str"),
    target_svm=dict(type="str"),
    target_path=dict(type=PATH),
    overwrite=dict(type="bool", default=False),
)


def wanted_paths(files):
    paths = []
    for item in files:
        if isinstance(item, dict) and not isinstance(item.get("path"), str):
            raise ConfigurationError("files: each item is a path or a dict with a path, got {0!r}.".format(item),
                                     option="files")
        path = item.get("path") if isinstance(item, dict) else item
        paths.append(volume_path("files", path, entry=True, from_root=True))
    if not paths:
        raise ConfigurationError("files: give at least one path.", option="files")
    return list(dict.fromkeys(paths))


def file_results(job, paths):
    """Per-file status from the job's restore batches; files the job did not list keep its status."""
    batches = (((job or {}).get("data") or {}).get("restore") or {}).get("batch") or []
    by_path = {}
    for batch in batches:
        for entry in batch.get("file") or []:
            by_path[entry.get("path")] = {"status": batch.get("status"), "error": batch.get("error") or None}
    status = (job or {}).get("status")
    default = {"status": "SUCCESS" if status == "COMPLETED" else status,
               "error": (job or {}).get("error") or None if status == "FAILED" else None}
    return [dict({"path": p}, **by_path.get(p, default)) for p in paths]


def not_restored(job, results):
    """The error for files the job did not restore: some of them, all of them, or the whole job failed."""
    failed = [r for r in results if r["status"] == "FAILED"]
    detail = "; ".join("{0}: {1}".format(r["path"], r["error"] or "no error given") for r in failed)
    message = "{0} of {1} file(s) were not restored: {2}.".format(len(failed), len(results), detail)
    if len(failed) < len(results):
        return PartialFailure(message, files=results, job=job, changed=True)
    code = "job_failed" if job.get("status") == "FAILED" else "nothing_restored"
    return BlueXPError(message, code=code, files=results, job=job, job_id=job.get("id"), changed=True)


def landed(path, target_we, target_svm, target_volume, target_path, overwrite):
    """Where a file restore puts a path: into the target folder under its own name, else back at its path.

    Without overwrite, a name already taken there makes BlueXP write the copy beside it under a new name,
    which the job does not report.
    """
    return {"working_environment_id": target_we["id"], "working_environment_name": target_we.get("name"),
            "svm": target_svm, "volume": target_volume,
            "path": posixpath.join(target_path, posixpath.basename(path)) if target_path else path,
            "renamed_if_taken": not overwrite}


def run(client, params, outcome):
    paths = wanted_paths(params["files"])
    target_path = volume_path("target_path", params["target_path"]) if params["target_path"] else None
    we, volume, listed, backup = backups.resolve_source_backups(client, params)
    target_we = restores.target_environment(client, params, we)
    target_volume = params["target_volume"] or volume.get("name")
    target_svm = params["target_svm"] or volume.get("svm")
    outcome.extra["source_backup"] = backups.describe(we, volume, backup)
    origin = restores.origin(we["id"], volume, listed, backup, params)
    done, running = restores.earlier(client, origin, target_we["id"], target_volume, paths,
                                     target_path=target_path, target_svm=target_svm)
    outcome.before = {"restored": bool(done)}
    outcome.after = {"restored": True}

    def report(job):
        results = file_results(job, paths)
        for result in results:
            result["restored_to"] = landed(result["path"], target_we, target_svm, target_volume, target_path,
                                           params["overwrite"])
        outcome.extra["files"] = results
        if job is not None:
            outcome.extra["job"] = job
        return results

    if done or running:
        found = (done or running)[-1]
        earlier_backup = restores.restored_from(found, listed)
        outcome.extra["source_backup"] = backups.describe(we, volume, earlier_backup)
        job = snake_keys(found) if done else follow_job(client, {"job-id": found["id"]}, params)
        report(job)
        if (job or {}).get("status") == "COMPLETED":
            already = restores.already_restored(found, earlier_backup)
            outcome.extra.update(already_restored=already, msg=restores.already_message(
                already, "{0} file(s) of volume {1}".format(len(paths), volume.get("name"))))
        return
    outcome.changed = True
    report(None)
    if outcome.check_mode:
        # Finding the files needs the explore operation, a POST: check mode stops before it.
        return
    sfr.start_explore(client, we["id"], volume["file-system-id"], params["wait_timeout"])
    entries = sfr.find_entries(client, we["id"], volume["file-system-id"], backup["id"], paths)
    body = {"type": "file",
            "source": restores.source_block(we, volume, backup, restores.source_bucket(client, we["id"])),
            "target": restores.target_block(target_we, target_svm, target_volume, path=target_path),
            "file": [{"inode": e.get("inode"), "path": e["path"], "type": e.get("type"), "size": e.get("size"),
                      "mtime": e.get("mtime")} for e in entries],
            "skip-file-rename": bool(params["overwrite"])}
    job = follow_job(client, outcome.send(restores.start, client, body), params, fail_on_failed=False)
    results = report(job)
    if any(r["status"] == "FAILED" for r in results):
        raise not_restored(job, results)


def main():
    module = create_module(ARGUMENT_SPEC, with_wait=True, **merge_rules(
        WORKING_ENVIRONMENT_RULES, BACKUP_SELECTION_RULES,
        dict(mutually_exclusive=[("target_working_environment_id", "target_working_environment_name")])))
    outcome = Outcome(module, None)
    try:
        run(new_client(module), module.params, outcome)
    except BlueXPError as exc:
        module.fail_json(**outcome.failure(exc))
    module.exit_json(**outcome.result())


if __name__ == "__main__":
    main()
