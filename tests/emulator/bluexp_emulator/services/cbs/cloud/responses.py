# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Cloud handlers: parse the path, query and body, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body, query_str
from bluexp_emulator.services.cbs.cloud.models import ARCHIVE_STORAGE_CLASSES

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def _account(request: Request) -> str:
    return request.params["accountId"]


# -- AWS -------------------------------------------------------------------------------------
def aws_accounts(emulator: Emulator, request: Request) -> Response:
    return json_response({"account": emulator.cloud.aws_accounts(_account(request))})


def aws_regions(emulator: Emulator, request: Request) -> Response:
    return json_response({"region": [r.to_dict() for r in emulator.cloud.aws_regions(_account(request))]})


def aws_keys(emulator: Emulator, request: Request) -> Response:
    keys = emulator.cloud.aws_keys(_account(request), request.params["awsAccountId"], request.params["regionCode"])
    return json_response({"key": [key.to_dict() for key in keys]})


def aws_private_links(emulator: Emulator, request: Request) -> Response:
    links = emulator.cloud.aws_private_links(_account(request), request.params["awsAccountId"],
                                             request.params["regionCode"])
    return json_response({"privateLink": [link.to_dict() for link in links]})


def aws_archival_storage_classes(emulator: Emulator, request: Request) -> Response:
    return json_response({"storage-class": list(ARCHIVE_STORAGE_CLASSES)})


# -- Azure -----------------------------------------------------------------------------------
def azure_subscriptions(emulator: Emulator, request: Request) -> Response:
    subscriptions = emulator.cloud.azure_subscriptions(_account(request))
    return json_response({"subscription": [{"name": s.name, "id": s.id} for s in subscriptions]})


def azure_regions(emulator: Emulator, request: Request) -> Response:
    subscription = emulator.cloud.subscription(_account(request), request.params["subscriptionId"])
    return json_response({"region": [r.to_dict() for r in subscription.regions]})


def azure_resource_groups(emulator: Emulator, request: Request) -> Response:
    groups = emulator.cloud.resource_groups(_account(request), request.params["subscriptionId"],
                                            query_str(request, "region"))
    return json_response({"resource-group": [g.to_dict() for g in groups]})


def create_resource_group(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    state = emulator.cloud.create_resource_group(_account(request), request.params["subscriptionId"],
                                                 body.text("name"), body.text("region"))
    return json_response({"state": state})


def azure_vnets(emulator: Emulator, request: Request) -> Response:
    vnets = emulator.cloud.vnets(_account(request), request.params["subscriptionId"], query_str(request, "region"))
    return json_response({"vnet": [{**v.to_dict(), "subnet": [s.to_dict() for s in v.children]} for v in vnets]})


def azure_vaults(emulator: Emulator, request: Request) -> Response:
    vaults = emulator.cloud.vaults(_account(request), request.params["subscriptionId"])
    return json_response({"vault": [v.to_dict() for v in vaults]})


def azure_vault_keys(emulator: Emulator, request: Request) -> Response:
    keys = emulator.cloud.vault_keys(_account(request), request.params["subscriptionId"], request.params["vaultName"])
    return json_response({"key": [key.to_dict() for key in keys]})


# -- Google Cloud ----------------------------------------------------------------------------
def gcp_projects(emulator: Emulator, request: Request) -> Response:
    projects = emulator.cloud.gcp_projects(_account(request))
    return json_response({"project": [{"name": p.name, "id": p.id} for p in projects]})


def gcp_regions(emulator: Emulator, request: Request) -> Response:
    project = emulator.cloud.project(_account(request), request.params["projectId"])
    return json_response({"region": [r.to_dict() for r in project.regions]})


def gcp_key_rings(emulator: Emulator, request: Request) -> Response:
    rings = emulator.cloud.key_rings(_account(request), request.params["projectId"], request.params["locationId"])
    return json_response({"keyRings": [{"id": r.id, "name": r.name} for r in rings]})


def gcp_crypto_keys(emulator: Emulator, request: Request) -> Response:
    params = request.params
    keys = emulator.cloud.crypto_keys(_account(request), params["projectId"], params["locationId"],
                                      params["keyRingId"])
    return json_response({"cryptoKeys": [{"id": k.id, "name": k.name} for k in keys]})
