# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Ransomware Scan handlers: parse the path, call the backend, serialise."""
from __future__ import annotations

from typing import TYPE_CHECKING

from bluexp_emulator.core.http import Request, Response, json_response

if TYPE_CHECKING:
    from bluexp_emulator.emulator import Emulator


def scan(emulator: Emulator, request: Request) -> Response:
    params = request.params
    job = emulator.ransomware.scan(params["accountId"], params["workingEnvironmentId"], params["volumeId"],
                                   params["snapshotId"])
    return json_response({"job-id": job.id}, status=202)
