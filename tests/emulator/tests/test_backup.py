# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup category (read side): WE backup views, backed-up volumes and their cloud backups."""
from __future__ import annotations

from typing import Any

import pytest

from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import Client, assert_shape

WE = "/api/v1/backup/working-environment/{workingEnvironmentId}"
VOLUME = WE + "/volume/{volumeId}"


def _protected(client: Client) -> tuple[str, list[dict[str, Any]]]:
    we = next(w for w in client.state["accounts"][0]["working_environments"] if w["protected_volumes"])
    return we["id"], client.cbs(f"/api/v1/backup/working-environment/{we['id']}/volume").body["volume"]


def test_backup_list_matches_spec_and_mixes_on_and_off(client: Client, spec: Spec) -> None:
    result = client.cbs("/api/v1/backup/working-environment")
    assert result.status == 200
    assert_shape(spec, "GET", PREFIX + "/api/v1/backup/working-environment", result.body)
    statuses = [we["backup-enablement-status"] for we in result.body["working-environment"]]
    assert set(statuses) == {"ON", "OFF"}
    assert 0.4 <= statuses.count("ON") / len(statuses) <= 0.9
    counters = ("backed-up-volume-count", "total-volumes-count", "backup-policy-count", "failed-backup-volume-count")
    for we in result.body["working-environment"]:
        assert all(we[key].isdigit() for key in counters)
        if we["backup-enablement-status"] == "ON":
            assert we["bucket"] and we["ip-space"] == "Default" and we["provider"] in ("AWS", "AZURE", "GCP")
            assert all(isinstance(rule["retention"], str) for rule in we["backup-policy"]["rule"])


@pytest.mark.parametrize("template", [WE, WE + "/status"])
def test_single_backup_views_match_spec(client: Client, spec: Spec, template: str) -> None:
    for we in client.state["accounts"][0]["working_environments"][:8]:
        result = client.cbs(template.replace("{workingEnvironmentId}", we["id"]))
        assert result.status == 200
        assert_shape(spec, "GET", PREFIX + template, result.body)
        if template.endswith("/status"):
            assert "object-lock" not in result.body and "max-transfer-rate" not in result.body


def test_partial_backup_view_omits_counters(client: Client) -> None:
    body = client.cbs("/api/v1/backup/working-environment?partial=true").body["working-environment"][0]
    assert "backed-up-volume-count" not in body and "used-capacity-gb" not in body


def test_backed_up_volume_views_match_spec(client: Client, spec: Spec) -> None:
    we_id, volumes = _protected(client)
    assert_shape(spec, "GET", PREFIX + WE + "/volume", {"volume": volumes})
    for volume in volumes:
        assert volume["backup-status"] in ("ON", "PAUSED")
        assert volume["snapshot-count"].isdigit()
        base = f"/api/v1/backup/working-environment/{we_id}/volume/{volume['file-system-id']}"
        single = client.cbs(base)
        assert single.status == 200 and single.body == volume
        assert_shape(spec, "GET", PREFIX + VOLUME, single.body)
        snapshots = client.cbs(base + "/snapshot").body
        assert_shape(spec, "GET", PREFIX + VOLUME + "/snapshot", snapshots)
        assert len(snapshots["snapshot"]) == int(volume["snapshot-count"])
        newest = snapshots["snapshot"][0]
        assert newest["creation-time"] == volume["last-backup-creation-time"]
        one = client.cbs(base + f"/snapshot/{newest['id']}")
        assert one.status == 200 and one.body == newest
        assert_shape(spec, "GET", PREFIX + VOLUME + "/snapshot/{snapshotId}", one.body)


def test_disabled_working_environment_has_no_backed_up_volumes(client: Client) -> None:
    we = next(w for w in client.state["accounts"][0]["working_environments"] if not w["backup_enabled"])
    assert client.cbs(f"/api/v1/backup/working-environment/{we['id']}/volume").body == {"volume": []}
    view = client.cbs(f"/api/v1/backup/working-environment/{we['id']}").body
    assert view["backup-enablement-status"] == "OFF" and "bucket" not in view


def test_unknown_volume_and_snapshot_are_404(client: Client) -> None:
    we_id, volumes = _protected(client)
    base = f"/api/v1/backup/working-environment/{we_id}/volume"
    assert client.cbs(base + "/00000000-0000-0000-0000-000000000000").status == 404
    assert client.cbs(base + "/00000000-0000-0000-0000-000000000000/snapshot").status == 404
    missing = client.cbs(base + f"/{volumes[0]['file-system-id']}/snapshot/nope")
    assert missing.status == 404 and "nope" in missing.body["message"]
    unprotected = next(v for v in client.handle.emulator.working_environments.get_working_environment(
        client.account, we_id).volumes if v.backup is None)
    assert client.cbs(base + f"/{unprotected.file_system_id}").status == 404
