# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""StorageGRID handlers: parse the path and body, call the backend, serialise (never a secret)."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import Body

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def get_version(emulator: Emulator, request: Request) -> Response:
    version = emulator.storage_grids.version(request.params["accountId"], Body.of(request).text("storage-server"))
    return json_response({"version": version})


def list_grids(emulator: Emulator, request: Request) -> Response:
    grids = emulator.storage_grids.list_discovered(request.params["accountId"])
    return json_response({"sgws": [grid.to_dict() for grid in grids]})


def discover(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    grid = emulator.storage_grids.discover(request.params["accountId"], body.text("admin-host"),
                                           body.text("admin-username"), body.text("admin-password"))
    return json_response(grid.to_dict())


def save_we_credentials(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    emulator.storage_grids.save_we_credentials(
        request.params["accountId"], request.params["workingEnvironmentId"], body.text("storage-server"),
        body.text("access-key"), body.text("secret-password"))
    return json_response({})


def list_stored(emulator: Emulator, request: Request) -> Response:
    return json_response({"ids": emulator.storage_grids.stored_names(request.params["accountId"])})


def store_credentials(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    emulator.storage_grids.store_credentials(request.params["accountId"], body.text("storage-server-name"),
                                             body.text("port"), body.text("access-key"), body.text("secret-password"))
    return json_response({})


def update_credentials(emulator: Emulator, request: Request) -> Response:
    body = Body.of(request)
    emulator.storage_grids.update_credentials(request.params["accountId"], request.params["storageServerName"],
                                              body.text("port"), body.text("access-key"),
                                              body.text("secret-password"))
    return json_response({})


def delete_credentials(emulator: Emulator, request: Request) -> Response:
    emulator.storage_grids.delete_credentials(request.params["accountId"], request.params["storageServerName"])
    return Response(status=204)
