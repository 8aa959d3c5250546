# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""SFR handlers: parse path and query, call the backend, serialise (entries carry their path)."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import query_str
from bluexp_emulator.services.cbs.filetree import Entry
from bluexp_emulator.services.cbs.sfr.models import DEFAULT_PAGE_LIMIT, FAILED, READY, ListFilters, page_of

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def _query_int(request: Request, name: str, default: int) -> int:
    value = query_str(request, name)
    if value is None:
        return default
    try:
        number = float(value)
    except ValueError:
        raise BadRequest(f"query parameter {name!r}: {value!r} is not of type 'number'") from None
    if not number.is_integer():
        raise BadRequest(f"query parameter {name!r}: {value!r} is not a whole number")
    return int(number)


def _context(items: list[tuple[str, Entry]]) -> list[dict[str, Any]]:
    return [entry.to_dict(path) for path, entry in items]


def start_v1(emulator: Emulator, request: Request) -> Response:
    emulator.sfr.start(request.params["accountId"], request.params["volumeId"])
    return Response(status=202)  # v1 answers without a body


def start_v2(emulator: Emulator, request: Request) -> Response:
    job = emulator.sfr.start(request.params["accountId"], request.params["volumeId"])
    return json_response({"job-id": job.id}, status=202)


def start_we(emulator: Emulator, request: Request) -> Response:
    job = emulator.sfr.start(request.params["accountId"], request.params["volumeId"],
                             we_id=request.params["workingEnvironmentId"],
                             snapshot_id=query_str(request, "snapshotId"),
                             location=query_str(request, "snapshotLocation"))
    return json_response({"job-id": job.id}, status=202)


def status(emulator: Emulator, request: Request) -> Response:
    account, volume = request.params["accountId"], request.params["volumeId"]
    answer = emulator.sfr.status(account, volume)
    job = emulator.sfr.explore_job(account, volume)
    if job is not None and answer in (READY, FAILED):
        emulator.jobs.observe(job)  # how a client sees the explore job end
    return json_response({"status": answer})


def _backup(request: Request) -> tuple[str, str, str]:
    return request.params["accountId"], request.params["volumeId"], request.params["snapshotId"]


def list_v1(emulator: Emulator, request: Request) -> Response:
    items = emulator.sfr.list_directory(*_backup(request), query_str(request, "path"))
    return json_response({"context": _context(items)})


def _paged(items: list[tuple[str, Entry]], request: Request) -> Response:
    chunk, config = page_of(items, _query_int(request, "page", 1), _query_int(request, "limit", DEFAULT_PAGE_LIMIT))
    return json_response({"pageConfig": config, "context": _context(chunk)})


def list_v2(emulator: Emulator, request: Request) -> Response:
    items = emulator.sfr.list_directory(*_backup(request), query_str(request, "path"))
    return _paged(items, request)


def list_we(emulator: Emulator, request: Request) -> Response:
    filters = ListFilters(file_type=query_str(request, "fileType"), name=query_str(request, "name"),
                          sort_by=query_str(request, "sortBy"), order_by=query_str(request, "orderBy"),
                          location=query_str(request, "snapshotLocation"))
    items = emulator.sfr.list_directory(*_backup(request), query_str(request, "path"),
                                        we_id=request.params["workingEnvironmentId"], filters=filters)
    return _paged(items, request)
