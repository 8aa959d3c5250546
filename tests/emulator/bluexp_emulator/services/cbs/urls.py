# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The cloudmanager_cbs route table; every template is a path of the published spec."""
from __future__ import annotations

from bluexp_emulator.core.router import Route
from bluexp_emulator.services.cbs.backup import urls as backup
from bluexp_emulator.services.cbs.catalog import urls as catalog
from bluexp_emulator.services.cbs.cloud import urls as cloud
from bluexp_emulator.services.cbs.jobs import urls as jobs
from bluexp_emulator.services.cbs.licenses import urls as licenses
from bluexp_emulator.services.cbs.ransomware import urls as ransomware
from bluexp_emulator.services.cbs.restore import urls as restore
from bluexp_emulator.services.cbs.routing import PREFIX
from bluexp_emulator.services.cbs.sfr import urls as sfr
from bluexp_emulator.services.cbs.storagegrid import urls as storagegrid
from bluexp_emulator.services.cbs.working_environments import urls as working_environments

__all__ = ["PREFIX", "ROUTES", "route_table"]

ROUTES: list[Route] = [*working_environments.ROUTES, *backup.ROUTES, *jobs.ROUTES, *restore.ROUTES, *sfr.ROUTES,
                       *catalog.ROUTES, *ransomware.ROUTES, *cloud.ROUTES, *licenses.ROUTES, *storagegrid.ROUTES]


def route_table() -> list[tuple[str, str]]:
    """(method, full path template) of every served cbs operation, as the spec writes them."""
    return [(route.method, route.template) for route in ROUTES]
