# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""The indexed catalog (Search & Restore) of a working environment."""

from __future__ import annotations

from typing import Any


def is_enabled(activation: dict[str, Any] | None) -> bool:
    """Indexing state, as the working environment's backup record reports it."""
    return bool((activation or {}).get("catalog-enabled"))


def setup(client: Any, we_id: str) -> Any:
    """Provision the indexing service (asynchronous: answers with a job)."""
    return client.cbs("POST", "v2", "catalog", "working-environments", we_id, "setup")


def set_indexing(client: Any, we_id: str, enabled: bool) -> Any:
    return client.cbs("PUT", "v1", "catalog", "working-environments", we_id,
                      body={"state": "ENABLE" if enabled else "DISABLE"})
