# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Working Environment category handlers: parse path/query, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import query_bool

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def list_working_environments(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    wes = emulator.working_environments.list_working_environments(request.params["accountId"])
    return json_response({"working-environment": [we.to_dict(partial) for we in wes]})


def get_working_environment(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we = emulator.working_environments.get_working_environment(request.params["accountId"],
                                                               request.params["workingEnvironmentId"])
    return json_response(we.to_dict(partial))


def list_ip_spaces(emulator: Emulator, request: Request) -> Response:
    spaces = emulator.working_environments.list_ip_spaces(request.params["accountId"],
                                                          request.params["workingEnvironmentId"])
    return json_response({"ip-space": [space.to_dict() for space in spaces]})


def list_svms_v1(emulator: Emulator, request: Request) -> Response:
    svms = emulator.working_environments.list_svms(request.params["accountId"], request.params["workingEnvironmentId"])
    return json_response({"svm": [svm.to_v1_dict() for svm in svms]})


def list_svms_v2(emulator: Emulator, request: Request) -> Response:
    svms = emulator.working_environments.list_svms(request.params["accountId"], request.params["workingEnvironmentId"])
    return json_response({"svm": [svm.to_v2_dict() for svm in svms]})


def list_volumes(emulator: Emulator, request: Request) -> Response:
    volumes = emulator.working_environments.list_volumes(request.params["accountId"],
                                                         request.params["workingEnvironmentId"])
    return json_response({"volume": [volume.to_dict() for volume in volumes]})


def list_backup_policies(emulator: Emulator, request: Request) -> Response:
    policies = emulator.working_environments.list_backup_policies(
        request.params["accountId"], request.params["workingEnvironmentId"], query_bool(request, "archived"))
    return json_response({"backup-policy": [policy.to_dict(attached) for policy, attached in policies]})
