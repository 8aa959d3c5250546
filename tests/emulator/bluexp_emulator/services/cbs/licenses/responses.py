# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""License handlers: parse the path and query, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response
from bluexp_emulator.core.params import query_str

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def get_license(emulator: Emulator, request: Request) -> Response:
    license_ = emulator.licenses.license(
        request.params["accountId"], request.params["workingEnvironmentId"],
        query_str(request, "provider"), query_str(request, "cloudProviderAccountId"))
    return json_response(license_.to_dict())


def get_validity(emulator: Emulator, request: Request) -> Response:
    license_ = emulator.licenses.validity(request.params["accountId"], request.params["workingEnvironmentId"])
    return json_response(license_.validity_dict())
