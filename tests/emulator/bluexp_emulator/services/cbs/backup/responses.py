# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup category handlers (read side): parse, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import query_bool
from bluexp_emulator.services.cbs.backup.models import backed_up_volume_dict, working_environment_backup_dict

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def list_working_environments(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    wes = emulator.backup.list_backup_working_environments(request.params["accountId"])
    return json_response({"working-environment": [working_environment_backup_dict(we, partial=partial) for we in wes]})


def get_working_environment(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we = emulator.backup.get_backup_working_environment(request.params["accountId"],
                                                        request.params["workingEnvironmentId"])
    return json_response(working_environment_backup_dict(we, partial=partial))


def get_working_environment_status(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we = emulator.backup.get_backup_working_environment(request.params["accountId"],
                                                        request.params["workingEnvironmentId"])
    return json_response(working_environment_backup_dict(we, partial=partial, status_view=True))


def list_volumes(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we, volumes = emulator.backup.list_backed_up_volumes(request.params["accountId"],
                                                         request.params["workingEnvironmentId"])
    return json_response({"volume": [backed_up_volume_dict(we, v, partial=partial) for v in volumes]})


def get_volume(emulator: Emulator, request: Request) -> Response:
    we, volume = emulator.backup.get_backed_up_volume(request.params["accountId"],
                                                      request.params["workingEnvironmentId"],
                                                      request.params["volumeId"])
    return json_response(backed_up_volume_dict(we, volume))


def list_snapshots(emulator: Emulator, request: Request) -> Response:
    snapshots = emulator.backup.list_volume_snapshots(request.params["accountId"],
                                                      request.params["workingEnvironmentId"],
                                                      request.params["volumeId"])
    return json_response({"snapshot": [s.to_dict() for s in snapshots]})


def get_snapshot(emulator: Emulator, request: Request) -> Response:
    snapshot = emulator.backup.get_volume_snapshot(request.params["accountId"], request.params["workingEnvironmentId"],
                                                   request.params["volumeId"], request.params["snapshotId"])
    return json_response(snapshot.to_dict())
