# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Restore handlers: read the ``restore`` body into a request, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body
from bluexp_emulator.services.cbs.restore.models import (
    RestoreFile,
    RestoreRequest,
    RestoreSource,
    RestoreTarget,
    restore_status_dict,
)

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def _required(body: Body, name: str) -> str:
    value = body.text(name)
    if value is None:
        raise BadRequest(f"{body.prefix}{name} is required")
    return value


def _part(body: Body, name: str) -> Body:
    part = body.child(name)
    if part is None:
        raise BadRequest(f"{body.prefix}{name} is required")
    return part


def _inode(item: Body) -> int:
    """A number (2.0.6) or a numeric string (4.x v3)."""
    value = item.raw("inode")
    if isinstance(value, str) and value.strip().isdigit():
        return int(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and float(value).is_integer():
        return int(value)
    raise BadRequest(f"{item.prefix}inode: {value!r} is not a number")


def _file(item: Body) -> RestoreFile:
    size, mtime = item.number("size"), item.number("mtime")
    if size is None or mtime is None:
        raise BadRequest(f"{item.prefix}size and {item.prefix}mtime are required")
    return RestoreFile(inode=_inode(item), path=_required(item, "path"), type=_required(item, "type"), size=size,
                       mtime=mtime, field=item.prefix)


def _restore_request(request: Request, version: int) -> RestoreRequest:
    restore = _part(Body.of(request), "restore")
    source, target = _part(restore, "source"), _part(restore, "target")
    aggregates = target.array("aggregates")  # v3; v1/v2 name one ``aggregate``
    if aggregates is None and target.text("aggregate"):
        aggregates = [target.text("aggregate")]
    if aggregates is not None and not all(isinstance(a, str) for a in aggregates):
        raise BadRequest("restore.target.aggregates: must be a list of names")
    return RestoreRequest(
        version=version,
        type=_required(restore, "type"),
        source=RestoreSource(*(_required(source, name) for name in (
            "working-environment-id", "working-environment-name", "bucket", "volume-name", "volume-id", "snapshot"))),
        target=RestoreTarget(
            working_environment_id=_required(target, "working-environment-id"),
            working_environment_name=_required(target, "working-environment-name"),
            svm=_required(target, "svm"), volume_name=_required(target, "volume-name"), path=target.text("path"),
            retain_source_path=bool(target.flag("retain-source-path")) if version >= 2 else False,
            aggregates=list(aggregates or [])),
        files=[_file(item) for item in restore.children("file")] if restore.has("file") else None,
        # v1 has none of these fields.
        archive_priority=restore.text("archive-restore-priority") if version >= 2 else None,
        skip_ransomware_check=bool(restore.flag("skip-ransomware-check")) if version >= 2 else False,
        skip_file_rename=bool(restore.flag("skip-file-rename")) if version >= 2 else False,
        restore_source=restore.text("restore-source"),
    )


def _start(emulator: Emulator, request: Request, version: int) -> Response:
    job = emulator.restore.restore(request.params["accountId"], _restore_request(request, version))
    return json_response({"job-id": job.id}, status=202)


def restore_v1(emulator: Emulator, request: Request) -> Response:
    return _start(emulator, request, 1)


def restore_v2(emulator: Emulator, request: Request) -> Response:
    return _start(emulator, request, 2)


def restore_v3(emulator: Emulator, request: Request) -> Response:
    return _start(emulator, request, 3)


def restore_status(emulator: Emulator, request: Request) -> Response:
    jobs = emulator.restore.list_restore_jobs(request.params["accountId"])
    for job in jobs:
        emulator.jobs.observe(job)
    now = emulator.clock.now()
    return json_response({"job": [restore_status_dict(job, now) for job in jobs]})
