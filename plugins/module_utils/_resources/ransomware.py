# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

# PRIVATE to this collection: no compatibility promise for other collections.

"""Ransomware scans of cloud backups (Ransomware Scan category).

A scan is a job; its verdict is not in the job but on the backup record, as
`ransomware-scan-status` and `last-ransomware-scan`, so the backup is read again after it.
"""

from __future__ import annotations

from typing import Any

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import read
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources.backups import BACKUP
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._waiter import wait_until

# Verdicts after which a backup needs no new scan; any other status (or none) means "not scanned".
FINAL_VERDICTS = ("PROTECTED", "RANSOMWARE_DETECTED")
DETECTED = "RANSOMWARE_DETECTED"
# A scan of the backup goes on; FAILED: the last scan did not reach a verdict.
SCANNING = "IN_PROGRESS"
FAILED = "FAILED"


def verdict_of(backup: dict[str, Any]) -> str | None:
    return backup.get("ransomware-scan-status")


def start_scan(client: Any, we_id: str, volume_id: str, backup_id: str) -> Any:
    """Scan one backup (asynchronous: answers with a job)."""
    return client.cbs("POST", "v1", "ransomware", "working-environment", we_id, "volume", volume_id,
                      "snapshot", backup_id)


def scanned_backup(client: Any, we_id: str, volume_id: str, backup_id: str) -> dict[str, Any]:
    """The backup record, read on its own for the scan fields a finished scan left on it."""
    return read(client, "GET", "v1", "backup", "working-environment", we_id, "volume", volume_id,
                "snapshot", backup_id).object(BACKUP)


def wait_for_verdict(client: Any, we_id: str, volume_id: str, backup_id: str, timeout: float) -> dict[str, Any]:
    """The backup record once the scan that goes on has ended (its status is no longer IN_PROGRESS)."""
    def ended() -> dict[str, Any] | None:
        backup = scanned_backup(client, we_id, volume_id, backup_id)
        return backup if verdict_of(backup) != SCANNING else None

    return wait_until(ended, timeout, "the ransomware scan of backup {0} to end".format(backup_id),
                      after="The scan goes on in BlueXP: run the task again later to follow it.")
