# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the control API (prefix /_emulator/)."""
from __future__ import annotations

from bluexp_emulator.control import responses as r
from bluexp_emulator.core.router import Handler, Route

CONTROL_PREFIX = "/_emulator"


def _route(method: str, path: str, handler: Handler) -> Route:
    return Route(method, CONTROL_PREFIX + path, handler, kind="control")


ROUTES = [
    _route("POST", "/reset", r.reset),
    _route("GET", "/state", r.state),
    _route("GET", "/config", r.get_config),
    _route("POST", "/config", r.set_config),
    _route("GET", "/faults", r.list_faults),
    _route("POST", "/faults", r.add_fault),
    _route("DELETE", "/faults", r.clear_faults),
    _route("DELETE", "/faults/{faultId}", r.delete_fault),
    _route("GET", "/job-faults", r.list_job_faults),
    _route("POST", "/job-faults", r.add_job_fault),
    _route("DELETE", "/job-faults", r.clear_job_faults),
    _route("GET", "/ransomware", r.list_ransomware_verdicts),
    _route("POST", "/ransomware", r.plant_ransomware_verdict),
    _route("DELETE", "/ransomware", r.clear_ransomware_verdicts),
    _route("POST", "/licenses", r.set_license),
    _route("POST", "/volumes", r.add_volume),
    _route("POST", "/credentials", r.register_public_key),
    _route("POST", "/tokens/expire", r.expire_tokens),
    _route("GET", "/jobs", r.list_all_jobs),
    _route("POST", "/jobs", r.create_job),
    _route("GET", "/requests", r.get_requests),
    _route("DELETE", "/requests", r.clear_requests),
    _route("GET", "/counters", r.get_counters),
    _route("DELETE", "/counters", r.clear_counters),
    _route("GET", "/clock", r.get_clock),
    _route("POST", "/clock", r.advance_clock),
]
