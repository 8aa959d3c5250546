# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Declaring a cbs route: full spec template, short counter key, access rules, validation."""
from __future__ import annotations

from bluexp_emulator.core.router import Handler, Route
from bluexp_emulator.services.cbs.access import require_cbs_access

PREFIX = "/account/{accountId}/providers/cloudmanager_cbs"


def cbs_route(method: str, path: str, handler: Handler) -> Route:
    return Route(method, PREFIX + path, handler, key=f"{method} {path}", guard=require_cbs_access, validate=True)
