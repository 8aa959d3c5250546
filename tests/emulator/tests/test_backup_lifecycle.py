# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""WE backup after activation: modify (v1, v2), delete backups, DataLock, unregister."""
from __future__ import annotations

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment
from emulator_client import assert_shape

V2 = "/api/v2/backup/working-environment/{we}"
SNAPSHOTS_V2 = V2 + "/snapshot"
pytestmark = manual()


def _protected_with_backups(flow: Flow, we: WorkingEnvironment, **activation: object) -> list[str]:
    """Activate with auto backup and an hourly rule, then let two hourly backups happen."""
    flow.activate(we, **{"auto-backup-enabled": True,
                         "backup-policy": {"name": "hourly", "rule": [{"label": "hourly", "retention": 5}],
                                           **activation}})
    flow.advance(2 * 60)
    return [v.file_system_id for v in flow.eligible(we)]


def test_modify_v2_switches_the_policy_of_the_working_environment_and_its_volumes(flow: Flow, spec: Spec) -> None:
    we = flow.we("AWS")
    _protected_with_backups(flow, we)
    result = flow.call("PUT", V2, {"backup-policy": {"name": "weekly", "rule": [{"label": "weekly", "retention": 8}]},
                                   "max-transfer-rate": 2048, "ip-space": "Default"}, we=we.id)
    assert_shape(spec, "PUT", PREFIX + V2.replace("{we}", "{workingEnvironmentId}"), result.body, "202")
    job = flow.finish(result)
    assert (job["type"], job["status"]) == ("modify-working-environment", "COMPLETED")
    view = flow.backup_view(we)
    assert view["backup-policy"]["name"] == "weekly" and view["max-transfer-rate"] == 2048
    volumes = flow.ok("GET", WE_V1 + "/volume", we=we.id)["volume"]
    assert {v["backup-policy"]["name"] for v in volumes} == {"weekly"}


def test_modify_v2_refuses_what_is_fixed_at_activation(flow: Flow) -> None:
    we = flow.we("AWS")
    flow.activate(we)
    for body, message in (
        ({"provider": "AZURE"}, "provider: cannot be changed after activation"),
        ({"bucket": "other"}, "bucket: cannot be changed after activation"),
        ({"backup-policy": {"name": "x", "rule": [{"label": "daily", "retention": 1}], "object-lock": "GOVERNANCE"}},
         "backup-policy.object-lock: DataLock can only be set when backup is activated"),
        ({"gcp": {"access-key": "k"}}, "gcp: does not match provider AWS"),
        ({"backup-policy": {"name": "a", "rule": [{"label": "daily", "retention": 7}], "archive-after-days": 30}},
         "archive-storage-class is required"),
    ):
        result = flow.call("PUT", V2, body, we=we.id)
        assert result.status == 400 and message in result.body["message"], (body, result.body)
    view = flow.backup_view(we)
    assert view["provider"] == "AWS" and view["bucket"] == f"netapp-backup-{we.cluster_uuid}"


def test_modify_needs_active_backup(flow: Flow) -> None:
    we = flow.we("GCP")
    result = flow.call("PUT", V2, {"max-transfer-rate": 1}, we=we.id)
    assert result.status == 400 and result.body["message"].startswith("Backup is not active")


def test_modify_v1_disable_pauses_and_enable_resumes_every_volume(flow: Flow) -> None:
    we = flow.we("AWS")
    _protected_with_backups(flow, we)
    assert flow.ok("PUT", WE_V1, {"state": "DISABLE"}, we=we.id) == {}
    statuses = {v["backup-status"] for v in flow.ok("GET", WE_V1 + "/volume", we=we.id)["volume"]}
    assert statuses == {"PAUSED"}
    flow.ok("PUT", WE_V1, {"state": "ENABLE", "backup-policy-name": "hourly"}, we=we.id)
    statuses = {v["backup-status"] for v in flow.ok("GET", WE_V1 + "/volume", we=we.id)["volume"]}
    assert statuses == {"ON"}
    unknown = flow.call("PUT", WE_V1, {"backup-policy-name": "missing"}, we=we.id)
    assert unknown.status == 400
    assert "backup-policy-name: backup policy 'missing' does not exist" in unknown.body["message"]


def test_unregister_is_refused_while_backups_exist_then_allowed(flow: Flow, spec: Spec) -> None:
    we = flow.we("AZURE")
    volumes = _protected_with_backups(flow, we)
    blocked = flow.finish(flow.call("DELETE", WE_V1, we=we.id))
    assert (blocked["type"], blocked["status"]) == ("unregister-working-environment", "FAILED")
    assert "still has" in blocked["error"] and "delete them before unregistering" in blocked["error"]
    assert flow.backup_view(we)["backup-enablement-status"] == "ON"
    # Per volume, then the whole WE (the Terraform provider's order).
    first = flow.finish(flow.call("DELETE", WE_V1 + "/volume/{vol}/snapshot", we=we.id, vol=volumes[0]))
    assert (first["type"], first["status"]) == ("delete-volume-backups", "COMPLETED")
    assert flow.snapshots(we, we.volume(volumes[0])) == []  # type: ignore[arg-type]
    result = flow.call("DELETE", SNAPSHOTS_V2, we=we.id)
    assert_shape(spec, "DELETE", PREFIX + SNAPSHOTS_V2.replace("{we}", "{workingEnvironmentId}"), result.body, "202")
    assert flow.finish(result)["type"] == "delete-working-environment-backups"
    flow.advance(3600)  # relationships are paused: no new scheduled backup
    assert flow.finish(flow.call("DELETE", WE_V1, we=we.id))["status"] == "COMPLETED"
    view = flow.backup_view(we)
    assert view["backup-enablement-status"] == "OFF" and "bucket" not in view and view["backed-up-volume-count"] == "0"
    flow.activate(we)  # and it can be activated again


def test_delete_one_backup_is_synchronous(flow: Flow, spec: Spec) -> None:
    we = flow.we("GCP")
    volume = _protected_with_backups(flow, we)[0]
    snapshots = flow.snapshots(we, we.volume(volume))  # type: ignore[arg-type]
    path = WE_V1 + "/volume/{vol}/snapshot/{snap}"
    body = flow.ok("DELETE", path, we=we.id, vol=volume, snap=snapshots[0]["id"])
    assert body == {"state": "DELETED"}
    assert_shape(spec, "DELETE", PREFIX + path.replace("{we}", "{workingEnvironmentId}").replace(
        "{vol}", "{volumeId}").replace("{snap}", "{snapshotId}"), body)
    assert len(flow.snapshots(we, we.volume(volume))) == len(snapshots) - 1  # type: ignore[arg-type]
    assert flow.call("DELETE", path, we=we.id, vol=volume, snap=snapshots[0]["id"]).status == 404


def test_datalock_backups_cannot_be_deleted_until_their_retention_ends(flow: Flow) -> None:
    we = flow.we("AWS")
    volume = _protected_with_backups(flow, we, **{"object-lock": "GOVERNANCE"})[0]
    snapshot = flow.snapshots(we, we.volume(volume))[0]  # type: ignore[arg-type]
    assert snapshot["object-lock"] == "GOVERNANCE" and snapshot["ransomware-scan-status"] == "PROTECTED"
    one = flow.call("DELETE", WE_V1 + "/volume/{vol}/snapshot/{snap}", we=we.id, vol=volume, snap=snapshot["id"])
    assert one.status == 400 and "protected by DataLock (GOVERNANCE)" in one.body["message"]
    assert flow.call("DELETE", WE_V1 + "/volume/{vol}/snapshot", we=we.id, vol=volume).status == 400
    assert flow.call("DELETE", SNAPSHOTS_V2, we=we.id).status == 400
    flow.ok("PUT", WE_V1, {"state": "DISABLE"}, we=we.id)
    flow.advance(5 * 60 + 1)  # retention of the hourly label: 5 emulated hours
    flow.ok("DELETE", WE_V1 + "/volume/{vol}/snapshot/{snap}", we=we.id, vol=volume, snap=snapshot["id"])


def test_unknown_ids_are_404(flow: Flow) -> None:
    we = flow.we("AWS", active=True)
    assert flow.call("DELETE", WE_V1, we="VsaWorkingEnvironment-missing0").status == 404
    assert flow.call("DELETE", WE_V1 + "/volume/{vol}/snapshot", we=we.id, vol="nope").status == 404
    assert flow.call("PUT", WE_V1 + "/volume/{vol}", {"state": "PAUSE"}, we=we.id, vol="nope").status == 404


def test_backup_views_match_the_spec_after_changes(flow: Flow, spec: Spec) -> None:
    we = flow.we("AWS")
    volumes = _protected_with_backups(flow, we, **{"object-lock": "GOVERNANCE"})
    flow.finish(flow.call("POST", "/api/v3/backup/working-environment/{we}/volume/{vol}", {"mode": "AD_HOC"},
                          we=we.id, vol=volumes[0]))
    flow.ok("PUT", WE_V1 + "/volume/{vol}", {"state": "PAUSE"}, we=we.id, vol=volumes[-1])
    base = PREFIX + WE_V1.replace("{we}", "{workingEnvironmentId}")
    for partial in ("", "?partial=true"):
        assert_shape(spec, "GET", base, flow.ok("GET", WE_V1 + partial, we=we.id))
        assert_shape(spec, "GET", base + "/volume", flow.ok("GET", WE_V1 + "/volume" + partial, we=we.id))
    assert_shape(spec, "GET", base + "/status", flow.ok("GET", WE_V1 + "/status", we=we.id))
    assert_shape(spec, "GET", PREFIX + "/api/v1/backup/working-environment",
                 flow.ok("GET", "/api/v1/backup/working-environment"))
    for volume_id in volumes:
        one = flow.ok("GET", WE_V1 + "/volume/{vol}", we=we.id, vol=volume_id)
        assert_shape(spec, "GET", base + "/volume/{volumeId}", one)
        snapshots = flow.ok("GET", WE_V1 + "/volume/{vol}/snapshot", we=we.id, vol=volume_id)
        assert_shape(spec, "GET", base + "/volume/{volumeId}/snapshot", snapshots)
        assert len(snapshots["snapshot"]) == int(one["snapshot-count"])
        snapshot = flow.ok("GET", WE_V1 + "/volume/{vol}/snapshot/{snap}", we=we.id, vol=volume_id,
                           snap=snapshots["snapshot"][0]["id"])
        assert_shape(spec, "GET", base + "/volume/{volumeId}/snapshot/{snapshotId}", snapshot)
    assert_shape(spec, "GET", PREFIX + "/api/v1/job", flow.ok("GET", "/api/v1/job"))
