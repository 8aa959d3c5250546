# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Working Environment category (every operation of the 2.0.6 spec, plus the
4.x DELETE of a backup policy by id)."""
from __future__ import annotations

from bluexp_emulator.services.cbs.routing import cbs_route
from bluexp_emulator.services.cbs.working_environments import responses as r

_WE = "/api/v1/working-environment/{workingEnvironmentId}"
_WE_V2 = "/api/v2/working-environment/{workingEnvironmentId}"

ROUTES = [
    cbs_route("GET", "/api/v1/working-environment", r.list_working_environments),
    cbs_route("GET", _WE, r.get_working_environment),
    cbs_route("GET", _WE + "/ip-space", r.list_ip_spaces),
    cbs_route("GET", _WE + "/svm", r.list_svms_v1),
    cbs_route("GET", _WE_V2 + "/svm", r.list_svms_v2),
    cbs_route("GET", _WE + "/volume", r.list_volumes),
    cbs_route("GET", _WE + "/volume/{volumeId}/list", r.list_directory),
    cbs_route("GET", _WE + "/backup-policy", r.list_backup_policies),
    cbs_route("POST", _WE + "/backup-policy", r.create_backup_policy),
    cbs_route("PUT", _WE + "/backup-policy/{policyName}", r.update_backup_policy_v1),
    cbs_route("PUT", _WE_V2 + "/backup-policy", r.update_backup_policy_v2),
    cbs_route("DELETE", _WE + "/backup-policy/{policyId}", r.delete_backup_policy),
    cbs_route("POST", _WE + "/configure-object-store", r.configure_object_store_v1),
    cbs_route("POST", _WE_V2 + "/configure-object-store", r.configure_object_store_v2),
    cbs_route("GET", _WE + "/object-store-config/status", r.object_store_status),
]
