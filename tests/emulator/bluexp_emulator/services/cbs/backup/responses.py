# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup category handlers: read the path, query and body into model inputs, call the
backend, serialise. No rule lives here."""
from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bluexp_emulator.core.errors import BadRequest
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body, query_bool
from bluexp_emulator.services.cbs.backup.activation import (
    BLOCKS,
    FLAT_FIELDS,
    SHARED_FLAT_FIELDS,
    ActivationRequest,
    ModifyRequest,
    ProviderFields,
)
from bluexp_emulator.services.cbs.backup.models import (
    VolumeChangeRequest,
    VolumeEnableRequest,
    backed_up_volume_dict,
    working_environment_backup_dict,
)
from bluexp_emulator.services.cbs.jobs.models import Job
from bluexp_emulator.services.cbs.parsing import parse_policy, scrub

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator

_MODIFY_BLOCKS = {"aws": "AWS", "gcp": "GCP", "sgws": "SGWS"}


# -- parsing ---------------------------------------------------------------------------------
def _blocks(body: Body, blocks: dict[str, str]) -> list[ProviderFields]:
    found = []
    for name, provider in blocks.items():
        block = body.child(name)
        if block is not None:
            found.append(ProviderFields(provider, name, scrub(block.data)))
    return found


def _flat_fields(body: Body) -> list[ProviderFields]:
    """v1/v2 carry the provider fields flat; group them by the provider they belong to."""
    grouped: dict[str, dict[str, Any]] = {}
    for name, provider in FLAT_FIELDS.items():
        if body.has(name):
            grouped.setdefault(provider, {})[name] = body.raw(name)
    shared = {name: body.raw(name) for name in SHARED_FLAT_FIELDS if body.has(name)}
    found = [ProviderFields(provider, ", ".join(values), scrub(values)) for provider, values in grouped.items()]
    if shared:
        found.append(ProviderFields("", ", ".join(shared), scrub(shared)))
    return found


def _activation(request: Request, version: int) -> ActivationRequest:
    body = Body.of(request)
    policy = parse_policy(body.child("backup-policy"))
    if version < 3 and policy is not None:
        # v1/v2 policies carry a name and rules only.
        policy.archive_after_days = policy.object_lock = policy.sgws_archival = None
    return ActivationRequest(
        version=version, provider=body.text("provider"), region=body.text("region"), bucket=body.text("bucket"),
        ip_space=body.text("ip-space"),
        provider_fields=_blocks(body, BLOCKS) if version >= 3 else _flat_fields(body),
        policy=policy,
        auto_backup_enabled=bool(body.flag("auto-backup-enabled")) if version >= 3 else False,
        max_transfer_rate=body.number("max-transfer-rate") if version >= 3 else None,
        export_existing_snapshots=body.flag("export-existing-snapshots") if version >= 3 else None,
    )


def _modify_v2(request: Request) -> ModifyRequest:
    body = Body.of(request)
    return ModifyRequest(
        state=body.text("state"), policy=parse_policy(body.child("backup-policy")),
        archive_storage_class=body.text("archive-storage-class"), auto_backup_enabled=body.flag("auto-backup-enabled"),
        max_transfer_rate=body.number("max-transfer-rate"),
        delete_yearly_snapshots=body.flag("delete-yearly-snapshots"),
        export_existing_snapshots=body.flag("export-existing-snapshots"), ip_space=body.text("ip-space"),
        provider_fields=_blocks(body, _MODIFY_BLOCKS),
        # Not part of the v2 body; read only to refuse a change of them clearly.
        fixed={name: body.raw(name) for name in ("provider", "bucket", "region") if body.has(name)},
    )


def _required_id(body: Body, name: str) -> str:
    value = body.text(name)
    if not value:
        raise BadRequest(f"{body.prefix}{name} is required")
    return value


def _enable(body: Body, volume_id: str, *, version: int) -> VolumeEnableRequest:
    request = VolumeEnableRequest(volume_id=volume_id, mode=body.text("mode"), field=body.prefix)
    if version == 1:
        request.policy_name = body.text("backup-policy-name")
    else:
        request.policy = parse_policy(body.child("backup-policy"))
    details = body.child("adhoc-backup-details")  # 4.x field of v3, accepted on every version
    if details is not None:
        request.adhoc_name = details.text("name")
        request.adhoc_label = details.text("snapmirrorLabel") or details.text("label")
    return request


def _change(body: Body, volume_id: str) -> VolumeChangeRequest:
    return VolumeChangeRequest(volume_id=volume_id, state=body.text("state"),
                               policy=parse_policy(body.child("backup-policy")), field=body.prefix)


def _ids(request: Request) -> tuple[str, str]:
    return request.params["accountId"], request.params["workingEnvironmentId"]


def _accepted(job: Job) -> Response:
    return json_response({"job-id": job.id}, status=202)


# -- reads -----------------------------------------------------------------------------------
def list_working_environments(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    wes = emulator.backup.list_backup_working_environments(request.params["accountId"])
    return json_response({"working-environment": [working_environment_backup_dict(we, partial=partial) for we in wes]})


def get_working_environment(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we = emulator.backup.get_backup_working_environment(*_ids(request))
    return json_response(working_environment_backup_dict(we, partial=partial))


def get_working_environment_status(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we = emulator.backup.get_backup_working_environment(*_ids(request))
    return json_response(working_environment_backup_dict(we, partial=partial, status_view=True))


def list_volumes(emulator: Emulator, request: Request) -> Response:
    partial = bool(query_bool(request, "partial"))
    we, volumes = emulator.backup.list_backed_up_volumes(*_ids(request))
    return json_response({"volume": [backed_up_volume_dict(we, v, partial=partial) for v in volumes]})


def get_volume(emulator: Emulator, request: Request) -> Response:
    we, volume = emulator.backup.get_backed_up_volume(*_ids(request), request.params["volumeId"])
    return json_response(backed_up_volume_dict(we, volume))


def list_snapshots(emulator: Emulator, request: Request) -> Response:
    snapshots = emulator.backup.list_volume_snapshots(*_ids(request), request.params["volumeId"])
    return json_response({"snapshot": [s.to_dict() for s in snapshots]})


def get_snapshot(emulator: Emulator, request: Request) -> Response:
    snapshot = emulator.backup.get_volume_snapshot(*_ids(request), request.params["volumeId"],
                                                   request.params["snapshotId"])
    return json_response(snapshot.to_dict())


# -- working environment activation and configuration -------------------------------------------
def activate_v1(emulator: Emulator, request: Request) -> Response:
    emulator.backup.activate(*_ids(request), _activation(request, 1))
    return json_response({"state": "ON"})


def activate_v2(emulator: Emulator, request: Request) -> Response:
    job = emulator.backup.activate(*_ids(request), _activation(request, 2))
    assert job is not None
    return _accepted(job)


def activate_v3(emulator: Emulator, request: Request) -> Response:
    job = emulator.backup.activate(*_ids(request), _activation(request, 3))
    assert job is not None
    return _accepted(job)


def modify_v1(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    change = ModifyRequest(state=body.text("state"), policy_name=body.text("backup-policy-name"))
    emulator.backup.modify(*_ids(request), change, asynchronous=False)
    return json_response({})


def modify_v2(emulator: Emulator, request: Request) -> Response:
    job = emulator.backup.modify(*_ids(request), _modify_v2(request), asynchronous=True)
    assert job is not None
    return _accepted(job)


def unregister(emulator: Emulator, request: Request) -> Response:
    return _accepted(emulator.backup.unregister(*_ids(request)))


# -- volumes -----------------------------------------------------------------------------------
def enable_volume_v1(emulator: Emulator, request: Request) -> Response:
    state = emulator.backup.enable_volume(*_ids(request), _enable(Body.of(request), request.params["volumeId"],
                                                                  version=1))
    return json_response({"state": state})


def enable_volume_v2(emulator: Emulator, request: Request) -> Response:
    state = emulator.backup.enable_volume(*_ids(request), _enable(Body.of(request), request.params["volumeId"],
                                                                  version=2))
    return json_response({"state": state})


def enable_volume_v3(emulator: Emulator, request: Request) -> Response:
    job = emulator.backup.enable_volume_async(*_ids(request), _enable(Body.of(request), request.params["volumeId"],
                                                                      version=3))
    return _accepted(job)


def enable_volumes_v1(emulator: Emulator, request: Request) -> Response:
    items = [_enable(item, _required_id(item, "file-system-id"), version=1)
             for item in Body.of(request).children("volume")]
    return _accepted(emulator.backup.enable_volumes(*_ids(request), items))


def enable_volumes_v2(emulator: Emulator, request: Request) -> Response:
    items = [_enable(item, _required_id(item, "volume-id"), version=2) for item in Body.of(request).children("volume")]
    return _accepted(emulator.backup.enable_volumes(*_ids(request), items))


def modify_volume(emulator: Emulator, request: Request) -> Response:
    state = emulator.backup.modify_volume(*_ids(request), _change(Body.of(request), request.params["volumeId"]))
    return json_response({"state": state})


def modify_volumes(emulator: Emulator, request: Request) -> Response:
    items = [_change(item, _required_id(item, "file-system-id")) for item in Body.of(request).children("volume")]
    return _accepted(emulator.backup.modify_volumes(*_ids(request), items))


def remove_volume_backup(emulator: Emulator, request: Request) -> Response:
    return _accepted(emulator.backup.remove_volume_backup(*_ids(request), request.params["volumeId"]))


# -- deleting backups ----------------------------------------------------------------------------
def delete_snapshot(emulator: Emulator, request: Request) -> Response:
    state = emulator.backup.delete_snapshot(*_ids(request), request.params["volumeId"], request.params["snapshotId"])
    return json_response({"state": state})


def delete_volume_snapshots(emulator: Emulator, request: Request) -> Response:
    return _accepted(emulator.backup.delete_volume_snapshots(*_ids(request), request.params["volumeId"]))


def delete_working_environment_snapshots(emulator: Emulator, request: Request) -> Response:
    return _accepted(emulator.backup.delete_working_environment_snapshots(*_ids(request)))
