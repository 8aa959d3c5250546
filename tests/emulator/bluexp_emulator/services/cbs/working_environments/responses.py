# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Working Environment category handlers: parse path, query and body, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body, query_bool, query_str
from bluexp_emulator.services.cbs.parsing import parse_policy
from bluexp_emulator.services.cbs.working_environments.models import ObjectStoreInput
from bluexp_emulator.services.cbs.working_environments.policies import PolicyInput

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


def list_directory(emulator: Emulator, request: Request) -> Response:
    entries = emulator.working_environments.list_directory(
        request.params["accountId"], request.params["workingEnvironmentId"], request.params["volumeId"],
        query_str(request, "svm"), query_str(request, "path"))
    return json_response({"context": [entry.to_dict() for entry in entries]})


def _policy_body(request: Request) -> PolicyInput:
    spec = parse_policy(Body.of(request))
    assert spec is not None
    return spec


def create_backup_policy(emulator: Emulator, request: Request) -> Response:
    policy = emulator.working_environments.create_backup_policy(
        request.params["accountId"], request.params["workingEnvironmentId"], _policy_body(request))
    return json_response({"name": policy.name})


def update_backup_policy_v1(emulator: Emulator, request: Request) -> Response:
    spec = _policy_body(request)
    spec.name = spec.object_lock = None  # the name comes from the path; the lock cannot change
    policy = emulator.working_environments.update_backup_policy(
        request.params["accountId"], request.params["workingEnvironmentId"], request.params["policyName"], spec)
    return json_response({"name": policy.name})


def update_backup_policy_v2(emulator: Emulator, request: Request) -> Response:
    spec = _policy_body(request)
    name = Body.of(request).text("policyName")
    if not name:
        raise BadRequest("policyName is required")
    spec.name = spec.object_lock = None
    policy = emulator.working_environments.update_backup_policy(
        request.params["accountId"], request.params["workingEnvironmentId"], name, spec)
    return json_response({"name": policy.name})


def delete_backup_policy(emulator: Emulator, request: Request) -> Response:
    emulator.working_environments.delete_backup_policy(
        request.params["accountId"], request.params["workingEnvironmentId"], request.params["policyId"])
    return json_response({})


def _object_store(request: Request, blocks: dict[str, str]) -> ObjectStoreInput:
    body = Body.of(request)
    return ObjectStoreInput(cloud_provider=body.text("cloud-provider") or "", name=body.text("object-store-name") or "",
                            ip_space=body.text("ip-space"), region=body.text("region"),
                            storage_server=body.text("storage-server"),
                            blocks={name: provider for name, provider in blocks.items() if body.has(name)})


def configure_object_store_v1(emulator: Emulator, request: Request) -> Response:
    emulator.working_environments.configure_object_store(
        request.params["accountId"], request.params["workingEnvironmentId"], _object_store(request, {}),
        asynchronous=False)
    return Response(status=201)


def configure_object_store_v2(emulator: Emulator, request: Request) -> Response:
    job = emulator.working_environments.configure_object_store(
        request.params["accountId"], request.params["workingEnvironmentId"],
        _object_store(request, {"aws": "AWS", "azure": "AZURE"}), asynchronous=True)
    assert job is not None
    return json_response({"job-id": job.id}, status=202)


def object_store_status(emulator: Emulator, request: Request) -> Response:
    name = query_str(request, "object-store-name")
    if name is None:
        raise BadRequest("query parameter 'object-store-name' is required")
    status = emulator.working_environments.object_store_status(
        request.params["accountId"], request.params["workingEnvironmentId"], name)
    return json_response({"status": status})
