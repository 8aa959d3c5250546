# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""What the write-side tests share: WEs in a known state, calls, and jobs driven by a manual clock."""
from __future__ import annotations

from typing import Any

import pytest

from bluexp_emulator import ManualClock
from bluexp_emulator.services.cbs.storagegrid.state import StorageGrid
from bluexp_emulator.services.cbs.working_environments.models import Volume, WorkingEnvironment
from emulator_client import Client, Result

WE_V1 = "/api/v1/backup/working-environment/{we}"
JOB_DURATION_S = 2.0


def manual(**options: Any) -> pytest.MarkDecorator:
    """A per-test emulator with a frozen clock (jobs and schedules move only when told)."""
    return pytest.mark.bluexp_emulator(clock=ManualClock(), fleet_size=6, job_duration_s=JOB_DURATION_S, **options)


class Flow:
    def __init__(self, client: Client) -> None:
        self.client = client
        self.handle = client.handle
        self.emulator = client.handle.emulator

    def call(self, method: str, path: str, body: Any = None, **ids: str) -> Result:
        return self.client.cbs(path.format(**ids), method=method, body=body)

    def ok(self, method: str, path: str, body: Any = None, status: int = 200, **ids: str) -> Any:
        result = self.call(method, path, body, **ids)
        assert result.status == status, result.body
        return result.body

    def advance(self, seconds: float) -> None:
        self.handle.clock.advance(seconds)

    def finish(self, result: Result) -> dict[str, Any]:
        """Let an accepted (202) operation's job run to its end; return the job."""
        assert result.status == 202, result.body
        self.advance(JOB_DURATION_S)
        return self.job(result.body["job-id"])

    def job(self, job_id: str) -> dict[str, Any]:
        body = self.ok("GET", "/api/v1/job/{job}", job=job_id)
        return body["job"][0]  # type: ignore[no-any-return]

    def we(self, provider: str, *, active: bool = False) -> WorkingEnvironment:
        """The account's WE of this provider (AWS, AZURE, GCP, ONPREM), backup OFF unless
        ``active``; ONTAP 9.14.1 so that every feature is available."""
        we = next(w for w in self.emulator.working_environments.list_working_environments(self.client.account)
                  if w.provider == provider)
        we.ontap_version = "9.14.1"
        if not active:
            for volume in we.volumes:
                volume.backup = None
            we.backup = None
        elif we.backup is None:
            raise AssertionError(f"{we.id} is not active")
        return we

    def activate(self, we: WorkingEnvironment, **body: Any) -> dict[str, Any]:
        """v3 activation of a CVO WE with the minimum it needs; returns the job."""
        blocks = {"AWS": ("aws", {"account-id": "123456789012"}), "AZURE": ("azure", {"subscription": "sub-1"}),
                  "GCP": ("gcp", {"project-id": "project-1"})}
        name, block = blocks[we.provider]
        payload = {"provider": we.provider, name: block, **body}
        job = self.finish(self.call("POST", "/api/v3/backup/working-environment/{we}", payload, we=we.id))
        assert job["status"] == "COMPLETED", job
        return job

    def discovered_grid(self) -> StorageGrid:
        """The StorageGRID the account has discovered at seed time (SGWS activations need one)."""
        return self.emulator.storage_grids.list_discovered(self.client.account)[0]

    @staticmethod
    def eligible(we: WorkingEnvironment) -> list[Volume]:
        return [v for v in we.volumes if v.type == "rw" and not v.is_snaplock]

    def snapshots(self, we: WorkingEnvironment, volume: Volume) -> list[dict[str, Any]]:
        body = self.ok("GET", WE_V1 + "/volume/{vol}/snapshot", we=we.id, vol=volume.file_system_id)
        return body["snapshot"]  # type: ignore[no-any-return]

    def backup_view(self, we: WorkingEnvironment) -> dict[str, Any]:
        return self.ok("GET", WE_V1, we=we.id)  # type: ignore[no-any-return]
