# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Routes of the Job category."""
from __future__ import annotations

from bluexp_emulator.services.cbs.jobs import responses as r
from bluexp_emulator.services.cbs.routing import cbs_route

ROUTES = [
    cbs_route("GET", "/api/v1/job", r.list_jobs),
    cbs_route("GET", "/api/v1/job/{jobId}", r.get_job),
]
