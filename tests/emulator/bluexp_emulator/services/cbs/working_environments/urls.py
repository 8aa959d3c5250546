# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Working Environment category."""
from __future__ import annotations

from bluexp_emulator.services.cbs.routing import cbs_route
from bluexp_emulator.services.cbs.working_environments import responses as r

_WE = "/api/v1/working-environment/{workingEnvironmentId}"

ROUTES = [
    cbs_route("GET", "/api/v1/working-environment", r.list_working_environments),
    cbs_route("GET", _WE, r.get_working_environment),
    cbs_route("GET", _WE + "/ip-space", r.list_ip_spaces),
    cbs_route("GET", _WE + "/svm", r.list_svms_v1),
    cbs_route("GET", "/api/v2/working-environment/{workingEnvironmentId}/svm", r.list_svms_v2),
    cbs_route("GET", _WE + "/volume", r.list_volumes),
    cbs_route("GET", _WE + "/backup-policy", r.list_backup_policies),
]
