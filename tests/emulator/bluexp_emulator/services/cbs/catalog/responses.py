# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Catalog handlers: parse query and body, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body, query_str
from bluexp_emulator.services.cbs.catalog.models import SearchRequest, SnapshotsRequest

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def _strings(body: Body, name: str) -> list[str] | None:
    values = body.array(name)
    if values is not None and not all(isinstance(value, str) for value in values):
        raise BadRequest(f"{name}: must be a list of strings")
    return values


def _range(body: Body, name: str) -> tuple[float | None, float | None]:
    bounds = body.child(name)
    return (None, None) if bounds is None else (bounds.number("from"), bounds.number("to"))


def _required(body: Body, name: str) -> str:
    value = body.text(name)
    if not value:
        raise BadRequest(f"{name} is required")
    return value


def set_state(emulator: Emulator, request: Request) -> Response:
    emulator.catalog.set_state(request.params["accountId"], request.params["workingEnvironmentId"],
                               Body.of(request).text("state"))
    return json_response({})


def setup(emulator: Emulator, request: Request) -> Response:
    job = emulator.catalog.setup(request.params["accountId"], request.params["workingEnvironmentId"])
    return json_response({"job-id": job.id}, status=202)


def search(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    size_from, size_to = _range(body, "size")
    date_from, date_to = _range(body, "creationDate")
    search_request = SearchRequest(
        query=query_str(request, "query") or "", type=body.text("type"),
        working_environment_ids=_strings(body, "workingEnvironmentId"), extensions=_strings(body, "fileExtension"),
        size_from=size_from, size_to=size_to, date_from=date_from, date_to=date_to,
        location=body.text("backupLocation"), volume_id=body.text("volumeId"))
    results, end = emulator.catalog.search(request.params["accountId"], search_request)
    return json_response({"results": results, "endOfResults": end})


def snapshots(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    inode = body.raw("inode")  # 4.x: a string
    if inode is not None and not str(inode).strip().isdigit():
        raise BadRequest(f"inode: {inode!r} is not a number")
    snapshots_request = SnapshotsRequest(
        resource_name=_required(body, "resourceName"), working_environment_id=_required(body, "workingEnvironmentId"),
        volume_id=_required(body, "volumeId"), resource_type=_required(body, "resourceType"),
        inode=None if inode is None else int(str(inode).strip()), mtime=body.number("mtime"))
    results = emulator.catalog.snapshots(request.params["accountId"], snapshots_request)
    return json_response({"results": results, "endOfResults": True})
