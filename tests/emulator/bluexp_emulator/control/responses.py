# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Control API handlers. Inputs are validated strictly so that a typo fails loudly."""
from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING, Any

from bluexp_emulator.config import DEPLOYMENTS, INTEGER_OPTIONS, LIMITS, RUNTIME_OPTIONS, SEED_OPTIONS
from bluexp_emulator.core.errors import BadRequest, NotFound
from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import as_number
from bluexp_emulator.services.auth.keys import InvalidPublicKey, crypto_available
from bluexp_emulator.services.cbs.jobs import models as jobs

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator

_STATUS_TO_OUTCOME = {
    jobs.COMPLETED: (jobs.COMPLETE, 0.0),
    jobs.FAILED: (jobs.FAIL, 0.0),
    jobs.IN_PROGRESS: (jobs.STUCK, 0.0),
    jobs.PENDING: (jobs.HOLD, None),
}
_JOB_FIELDS = {"account_id", "working_environment_id", "type", "status", "outcome", "duration_s", "error",
               "volumes", "failed_volumes", "data"}


def _body(request: Request) -> dict[str, Any]:
    if request.body is None:
        return {}
    if not isinstance(request.body, dict):
        raise BadRequest("the request body must be a JSON object")
    return request.body


def _options(payload: dict[str, Any], allowed: tuple[str, ...]) -> dict[str, Any]:
    unknown = set(payload) - set(allowed)
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}; allowed: {', '.join(allowed)}")
    result: dict[str, Any] = {}
    for name, raw in payload.items():
        low, high = LIMITS[name]
        integer = name in INTEGER_OPTIONS
        value = as_number(raw, integer)
        if value is None or not low <= value <= high:
            kind = "an integer" if integer else "a number"
            raise BadRequest(f"{name} must be {kind} between {low:g} and {high:g}")
        result[name] = int(value) if integer else float(value)
    return result


def reset(emulator: Emulator, request: Request) -> Response:
    payload = dict(_body(request))
    deployment = payload.pop("deployment", None)
    keep_public_key = payload.pop("keep_public_key", True)
    if deployment is not None and deployment not in DEPLOYMENTS:
        raise BadRequest(f"deployment must be one of {', '.join(DEPLOYMENTS)}")
    if not isinstance(keep_public_key, bool):
        raise BadRequest("keep_public_key must be a boolean")
    options = _options(payload, (*SEED_OPTIONS, "deployment", "keep_public_key"))
    if deployment is not None:
        options["deployment"] = deployment
    emulator.reset(keep_public_key=keep_public_key, **options)
    return json_response(emulator.summary())


def state(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.summary())


def get_config(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.config.public())


def set_config(emulator: Emulator, request: Request) -> Response:
    emulator.configure(**_options(_body(request), RUNTIME_OPTIONS))
    return json_response(emulator.config.public())


def add_fault(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.faults.add(_body(request)).to_dict(), status=201)


def list_faults(emulator: Emulator, request: Request) -> Response:
    return json_response({"faults": [rule.to_dict() for rule in emulator.faults.list()]})


def clear_faults(emulator: Emulator, request: Request) -> Response:
    return json_response({"deleted": emulator.faults.clear()})


def delete_fault(emulator: Emulator, request: Request) -> Response:
    if not emulator.faults.remove(request.params["faultId"]):
        raise NotFound(f"Fault {request.params['faultId']} not found")
    return json_response({"deleted": 1})


def add_job_fault(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.jobs.add_fault(_body(request)).to_dict(), status=201)


def list_job_faults(emulator: Emulator, request: Request) -> Response:
    return json_response({"job_faults": [fault.to_dict() for fault in emulator.jobs.list_faults()]})


def clear_job_faults(emulator: Emulator, request: Request) -> Response:
    return json_response({"deleted": emulator.jobs.clear_faults()})


def plant_ransomware_verdict(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.ransomware.plant(_body(request)).to_dict(), status=201)


def list_ransomware_verdicts(emulator: Emulator, request: Request) -> Response:
    return json_response({"verdicts": [planted.to_dict() for planted in emulator.ransomware.planted()]})


def clear_ransomware_verdicts(emulator: Emulator, request: Request) -> Response:
    return json_response({"deleted": emulator.ransomware.clear_planted()})


def set_license(emulator: Emulator, request: Request) -> Response:
    emulator.tick()  # a trial that ended before the change does not expire after it
    we = emulator.licenses.set_license(_body(request))
    return json_response({"working_environment_id": we.id, **we.license.summary(emulator.clock.now_ms()),
                          "free_trial_end": we.license.free_trial_end_ms})


def add_volume(emulator: Emulator, request: Request) -> Response:
    """A new volume without backup, shaped like an existing one of the WE (``like``, else its first):
    for a test that needs, e.g., one volume name in two SVMs."""
    payload = _body(request)
    unknown = set(payload) - {"account_id", "working_environment_id", "name", "svm", "like"}
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}")
    for name in ("working_environment_id", "name", "svm"):
        if not _string(payload, name):
            raise BadRequest(f"{name} is required")
    account_id = _string(payload, "account_id") or emulator.tenancy.accounts[0].id
    we = emulator.working_environments.get_working_environment(account_id, payload["working_environment_id"])
    if we.svm(payload["svm"]) is None:
        raise BadRequest(f"svm: {payload['svm']} is not an SVM of {we.name}")
    if we.volume_named(payload["svm"], payload["name"]) is not None:
        raise BadRequest(f"name: {payload['name']} exists in SVM {payload['svm']} already")
    like_id = _string(payload, "like")
    model = we.volume(like_id) if like_id else (we.volumes[0] if we.volumes else None)
    if model is None:
        raise NotFound(f"Volume {like_id} not found in working environment {we.id}")
    volume_id = emulator.ids.uuid()
    volume = replace(model, file_system_id=volume_id, name=payload["name"], svm=payload["svm"], backup=None,
                     tree_id=volume_id, generation=0, files={}, snapmirror_labels=list(model.snapmirror_labels))
    we.volumes.append(volume)
    return json_response({"id": volume.file_system_id, "name": volume.name, "svm": volume.svm,
                          "type": volume.type, "snaplock": volume.is_snaplock}, status=201)


def register_public_key(emulator: Emulator, request: Request) -> Response:
    """Register another public key for the private key JWT service account (e.g. one whose
    private key the client does not have); it replaces the one in force."""
    payload = _body(request)
    unknown = set(payload) - {"public_key", "key_id"}
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}; allowed: public_key, key_id")
    pem = _string(payload, "public_key")
    if not pem:
        raise BadRequest("public_key is required: a PEM public key or X.509 certificate")
    key_id = _string(payload, "key_id")
    if key_id == "":
        raise BadRequest("key_id must not be empty")
    if not crypto_available():
        raise BadRequest("registering a public key needs the Python library cryptography")
    try:
        emulator.auth.keys.register(pem, key_id)
    except InvalidPublicKey as exc:
        raise BadRequest(f"public_key: {exc}") from None
    return json_response(emulator.credentials())


def expire_tokens(emulator: Emulator, request: Request) -> Response:
    return json_response({"expired": emulator.auth.expire_all()})


def _string(payload: dict[str, Any], name: str) -> str | None:
    value = payload.get(name)
    if value is not None and not isinstance(value, str):
        raise BadRequest(f"{name} must be a string")
    return value


def _string_list(payload: dict[str, Any], name: str) -> list[str] | None:
    value = payload.get(name)
    if value is not None and (not isinstance(value, list) or not all(isinstance(v, str) for v in value)):
        raise BadRequest(f"{name} must be a list of strings")
    return value


def create_job(emulator: Emulator, request: Request) -> Response:
    payload = _body(request)
    unknown = set(payload) - _JOB_FIELDS
    if unknown:
        raise BadRequest(f"unknown fields: {', '.join(sorted(unknown))}")
    accounts = emulator.tenancy.accounts
    account_id = _string(payload, "account_id") or accounts[0].id
    if emulator.tenancy.get(account_id) is None:
        raise NotFound(f"Account {account_id} not found")
    we_id = _string(payload, "working_environment_id")
    if we_id is None:
        wes = emulator.working_environments.list_working_environments(account_id)
        we_id = wes[0].id if wes else ""
    else:
        emulator.working_environments.get_working_environment(account_id, we_id)
    duration = as_number(payload.get("duration_s"))
    if payload.get("duration_s") is not None and (duration is None or duration < 0):
        raise BadRequest("duration_s must be a number >= 0")
    outcome = _string(payload, "outcome") or jobs.COMPLETE
    status = _string(payload, "status")
    if status is not None:
        if status.upper() not in _STATUS_TO_OUTCOME:
            raise BadRequest(f"status must be one of {', '.join(_STATUS_TO_OUTCOME)}")
        outcome, forced = _STATUS_TO_OUTCOME[status.upper()]
        duration = forced if forced is not None else duration
    if outcome not in jobs.OUTCOMES:
        raise BadRequest(f"outcome must be one of {', '.join(jobs.OUTCOMES)}")
    data = payload.get("data")
    if data is not None and not isinstance(data, dict):
        raise BadRequest("data must be an object")
    volumes = _string_list(payload, "volumes")
    if volumes is not None:
        data = {**(data or {}), **jobs.multi_volume_data(volumes)}
    job = emulator.jobs.create(
        account_id, we_id, _string(payload, "type") or jobs.BACKUP_WORKING_ENVIRONMENT,
        duration=duration, outcome=outcome, error=_string(payload, "error") or "", data=data,
        failed_volumes=_string_list(payload, "failed_volumes"), faults=False,
    )
    return json_response(job.to_dict(emulator.clock.now()), status=201)


def list_all_jobs(emulator: Emulator, request: Request) -> Response:
    emulator.tick()
    now = emulator.clock.now()
    return json_response({"jobs": [{**job.to_dict(now), "account-id": job.account_id, "outcome": job.outcome,
                                    "volume-ids": sorted(job.volume_ids)}
                                   for job in emulator.jobs.all_jobs()]})


def get_requests(emulator: Emulator, request: Request) -> Response:
    return json_response(emulator.requests.entries())


def clear_requests(emulator: Emulator, request: Request) -> Response:
    return json_response({"deleted": emulator.requests.clear()})


def _counters(emulator: Emulator) -> dict[str, Any]:
    return {**emulator.requests.counters(), "job_end_to_seen_s": emulator.jobs.end_to_seen(),
            "job_end_to_seen_waited_s": emulator.jobs.end_to_seen_waited()}


def get_counters(emulator: Emulator, request: Request) -> Response:
    return json_response(_counters(emulator))


def clear_counters(emulator: Emulator, request: Request) -> Response:
    emulator.requests.clear_counters()
    emulator.jobs.clear_end_to_seen()
    return json_response(_counters(emulator))


def get_clock(emulator: Emulator, request: Request) -> Response:
    return json_response({"now": emulator.clock.now_ms()})


def advance_clock(emulator: Emulator, request: Request) -> Response:
    payload = _body(request)
    seconds = as_number(payload.get("advance_s"))
    if set(payload) - {"advance_s"} or seconds is None or seconds < 0:
        raise BadRequest("expected {\"advance_s\": <seconds >= 0>}")
    emulator.clock.advance(float(seconds))
    emulator.tick()
    return json_response({"now": emulator.clock.now_ms()})
