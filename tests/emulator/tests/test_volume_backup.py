# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Volume backup settings: enable one or many, modify, pause/resume, remove, on-demand backups."""
from __future__ import annotations

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from bluexp_emulator.services.cbs.working_environments.models import WorkingEnvironment
from emulator_client import assert_shape

VOLUME = WE_V1 + "/volume/{vol}"
VOLUMES = WE_V1 + "/volume"
V2_VOLUMES = "/api/v2/backup/working-environment/{we}/volume"
V2_VOLUME = V2_VOLUMES + "/{vol}"
V3_VOLUME = "/api/v3/backup/working-environment/{we}/volume/{vol}"
pytestmark = manual()


def _template(path: str) -> str:
    return PREFIX + path.replace("{we}", "{workingEnvironmentId}").replace("{vol}", "{volumeId}")


def _active(flow: Flow, provider: str = "AWS") -> WorkingEnvironment:
    we = flow.we(provider)
    flow.activate(we, **{"backup-policy": {"name": "daily", "rule": [{"label": "daily", "retention": 7}]}})
    return we


def test_enable_one_volume_v1_and_v2_synchronously(flow: Flow, spec: Spec) -> None:
    we = _active(flow)
    first, second = flow.eligible(we)[:2]
    body = flow.ok("POST", VOLUME, {"mode": "SCHEDULED", "backup-policy-name": "daily"}, we=we.id,
                   vol=first.file_system_id)
    assert body == {"state": "ON"}
    assert_shape(spec, "POST", _template(VOLUME), body)
    weekly = {"name": "weekly", "rule": [{"label": "weekly", "retention": 4}]}
    body = flow.ok("POST", V2_VOLUME, {"backup-policy": weekly}, we=we.id, vol=second.file_system_id)
    assert_shape(spec, "POST", _template(V2_VOLUME), body)
    view = flow.ok("GET", VOLUME, we=we.id, vol=second.file_system_id)
    assert view["backup-status"] == "ON" and view["backup-policy"]["name"] == "weekly"
    assert view["snapshot-count"] == "0" and "last-backup-creation-time" not in view
    assert flow.backup_view(we)["backed-up-volume-count"] == "2"
    again = flow.call("POST", VOLUME, {}, we=we.id, vol=first.file_system_id)
    assert again.status == 400 and again.body["message"] == f"Backup is already enabled for volume {first.name}"


def test_snaplock_and_dp_volumes_cannot_be_backed_up(flow: Flow) -> None:
    we = _active(flow)
    worm, dp = flow.eligible(we)[:2]
    worm.snaplock_type = "enterprise"
    dp.type = "dp"
    result = flow.call("POST", VOLUME, {}, we=we.id, vol=worm.file_system_id)
    assert result.status == 400 and result.body["message"] == (
        f"Volume {worm.name} is a SnapLock (enterprise) volume; backup is not allowed")
    result = flow.call("POST", V2_VOLUME, {}, we=we.id, vol=dp.file_system_id)
    assert result.status == 400 and "data protection (DP) volume" in result.body["message"]


def test_volumes_need_active_backup_and_known_ids(flow: Flow) -> None:
    we = flow.we("GCP")
    result = flow.call("POST", VOLUME, {}, we=we.id, vol=we.volumes[0].file_system_id)
    assert result.status == 400 and result.body["message"].startswith("Backup is not active on working environment")
    we = _active(flow)
    assert flow.call("POST", VOLUME, {}, we=we.id, vol="missing").status == 404
    assert flow.call("POST", VOLUMES, {"volume": [{"file-system-id": "missing"}]}, we=we.id).status == 404


def test_enable_many_reports_each_volume_and_one_can_fail(flow: Flow, spec: Spec) -> None:
    we = _active(flow)
    good, worm, forced = flow.eligible(we)[:3]
    worm.snaplock_type = "compliance"
    flow.handle.add_job_fault(job_type="backup-volumes", volume_id=forced.file_system_id, error="transfer aborted")
    result = flow.call("POST", V2_VOLUMES, {"volume": [{"volume-id": v.file_system_id, "mode": "SCHEDULED"}
                                                       for v in (good, worm, forced)]}, we=we.id)
    assert_shape(spec, "POST", _template(V2_VOLUMES), result.body, "202")
    assert flow.ok("GET", VOLUMES, we=we.id)["volume"] == []  # nothing before the job completes
    job = flow.finish(result)
    assert_shape(spec, "GET", PREFIX + "/api/v1/job/{jobId}", {"job": [job]})
    assert job["type"] == "backup-volumes" and job["status"] == "FAILED"
    assert job["error"] == "Backup could not be enabled for 2 of 3 volumes"
    assert job["data"]["multi-volume-backup"]["volume"] == [
        {"id": good.file_system_id, "status": "SUCCESS", "error": ""},
        {"id": worm.file_system_id, "status": "FAILED",
         "error": f"Volume {worm.name} is a SnapLock (compliance) volume; backup is not allowed"},
        {"id": forced.file_system_id, "status": "FAILED", "error": "transfer aborted"},
    ]
    protected = [v["file-system-id"] for v in flow.ok("GET", VOLUMES, we=we.id)["volume"]]
    assert protected == [good.file_system_id]


def test_enable_many_v1_all_succeed(flow: Flow) -> None:
    we = _active(flow)
    volumes = flow.eligible(we)[:2]
    job = flow.finish(flow.call("POST", VOLUMES, {"volume": [
        {"file-system-id": v.file_system_id, "backup-policy-name": "daily"} for v in volumes]}, we=we.id))
    assert job["status"] == "COMPLETED" and job["error"] == ""
    assert {e["status"] for e in job["data"]["multi-volume-backup"]["volume"]} == {"SUCCESS"}
    duplicate = flow.call("POST", VOLUMES, {"volume": [{"file-system-id": volumes[0].file_system_id}] * 2}, we=we.id)
    assert duplicate.status == 400 and "listed more than once" in duplicate.body["message"]
    unknown = flow.call("POST", VOLUMES, {"volume": [{"file-system-id": volumes[0].file_system_id,
                                                      "backup-policy-name": "ghost"}]}, we=we.id)
    assert unknown.status == 400 and "volume[0].backup-policy-name" in unknown.body["message"]


def test_pause_and_resume_one_volume(flow: Flow, spec: Spec) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    flow.ok("POST", VOLUME, {}, we=we.id, vol=volume.file_system_id)
    body = flow.ok("PUT", VOLUME, {"state": "PAUSE"}, we=we.id, vol=volume.file_system_id)
    assert body == {"state": "PAUSED"}
    assert_shape(spec, "PUT", _template(VOLUME), body)
    assert flow.ok("GET", VOLUME, we=we.id, vol=volume.file_system_id)["backup-status"] == "PAUSED"
    assert flow.ok("PUT", VOLUME, {"state": "RESUME"}, we=we.id, vol=volume.file_system_id) == {"state": "ON"}
    unprotected = flow.eligible(we)[1]
    result = flow.call("PUT", VOLUME, {"state": "PAUSE"}, we=we.id, vol=unprotected.file_system_id)
    assert result.status == 400 and result.body["message"] == f"Backup is not enabled for volume {unprotected.name}"


def test_modify_many_volumes_is_a_job_with_results(flow: Flow) -> None:
    we = _active(flow)
    protected, unprotected = flow.eligible(we)[:2]
    flow.ok("POST", VOLUME, {}, we=we.id, vol=protected.file_system_id)
    job = flow.finish(flow.call("PUT", VOLUMES, {"volume": [
        {"file-system-id": protected.file_system_id, "state": "PAUSE",
         "backup-policy": {"name": "weekly", "rule": [{"label": "weekly", "retention": "4"}]}},
        {"file-system-id": unprotected.file_system_id, "state": "PAUSE"}]}, we=we.id))
    assert (job["type"], job["status"]) == ("modify-volumes", "FAILED")
    results = {e["id"]: e for e in job["data"]["multi-volume-backup"]["volume"]}
    assert results[protected.file_system_id]["status"] == "SUCCESS"
    assert results[unprotected.file_system_id]["error"] == f"Backup is not enabled for volume {unprotected.name}"
    view = flow.ok("GET", VOLUME, we=we.id, vol=protected.file_system_id)
    assert view["backup-status"] == "PAUSED" and view["backup-policy"]["name"] == "weekly"


def test_remove_settings_only_without_backups(flow: Flow) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    flow.ok("POST", VOLUME, {"mode": "AD_HOC"}, we=we.id, vol=volume.file_system_id)
    assert len(flow.snapshots(we, volume)) == 1  # AD_HOC on v1 backs up at once
    blocked = flow.finish(flow.call("DELETE", VOLUME, we=we.id, vol=volume.file_system_id))
    assert (blocked["type"], blocked["status"]) == ("remove-volume-backup", "FAILED")
    assert blocked["error"] == (f"Volume {volume.name} still has 1 backups; delete them before removing its "
                                "backup settings")
    put_delete = flow.call("PUT", VOLUME, {"state": "DELETE"}, we=we.id, vol=volume.file_system_id)
    assert put_delete.status == 400 and "still has 1 backups" in put_delete.body["message"]
    flow.finish(flow.call("DELETE", VOLUME + "/snapshot", we=we.id, vol=volume.file_system_id))
    assert flow.finish(flow.call("DELETE", VOLUME, we=we.id, vol=volume.file_system_id))["status"] == "COMPLETED"
    assert flow.call("GET", VOLUME, we=we.id, vol=volume.file_system_id).status == 404
    assert flow.call("DELETE", VOLUME, we=we.id, vol=volume.file_system_id).status == 400


def test_adhoc_backup_appears_when_its_job_completes(flow: Flow, spec: Spec) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    flow.ok("POST", VOLUME, {}, we=we.id, vol=volume.file_system_id)
    result = flow.call("POST", V3_VOLUME, {"mode": "AD_HOC", "adhoc-backup-details": {
        "name": "before-upgrade", "snapmirrorLabel": "daily"}}, we=we.id, vol=volume.file_system_id)
    assert_shape(spec, "POST", _template(V3_VOLUME), result.body, "202")
    assert flow.snapshots(we, volume) == []
    job = flow.finish(result)
    assert (job["type"], job["status"]) == ("adhoc-backup", "COMPLETED")
    [snapshot] = flow.snapshots(we, volume)
    assert snapshot["name"] == "before-upgrade" and snapshot["size"] == volume.used_bytes  # the baseline
    view = flow.ok("GET", VOLUME, we=we.id, vol=volume.file_system_id)
    assert view["snapshot-count"] == "1" and view["last-backup-creation-time"] == snapshot["creation-time"]
    same = flow.call("POST", V3_VOLUME, {"mode": "AD_HOC", "adhoc-backup-details": {"name": "before-upgrade"}},
                     we=we.id, vol=volume.file_system_id)
    assert same.status == 400 and "already has a backup named 'before-upgrade'" in same.body["message"]
    flow.finish(flow.call("POST", V3_VOLUME, {"mode": "AD_HOC"}, we=we.id, vol=volume.file_system_id))
    names = [s["name"] for s in flow.snapshots(we, volume)]
    assert names[0].startswith(f"{volume.name}-adhoc-") and len(names) == 2


def test_v3_enables_an_unprotected_volume_and_scheduled_on_a_protected_one_is_400(flow: Flow) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    job = flow.finish(flow.call("POST", V3_VOLUME, {"mode": "SCHEDULED"}, we=we.id, vol=volume.file_system_id))
    assert (job["type"], job["status"]) == ("backup-volume", "COMPLETED")
    assert flow.snapshots(we, volume) == []
    again = flow.call("POST", V3_VOLUME, {"mode": "SCHEDULED"}, we=we.id, vol=volume.file_system_id)
    assert again.status == 400


def test_failed_adhoc_backup_counts_as_a_failed_volume(flow: Flow) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    flow.ok("POST", VOLUME, {}, we=we.id, vol=volume.file_system_id)
    flow.handle.add_job_fault(volume_id=volume.file_system_id, error="snapshot creation failed")
    job = flow.finish(flow.call("POST", V3_VOLUME, {"mode": "AD_HOC"}, we=we.id, vol=volume.file_system_id))
    assert (job["status"], job["error"]) == ("FAILED", "snapshot creation failed")
    assert flow.backup_view(we)["failed-backup-volume-count"] == "1"
    flow.finish(flow.call("POST", V3_VOLUME, {"mode": "AD_HOC"}, we=we.id, vol=volume.file_system_id))
    assert flow.backup_view(we)["failed-backup-volume-count"] == "0"


def test_stuck_job_fault_keeps_the_job_running(flow: Flow) -> None:
    we = _active(flow)
    volume = flow.eligible(we)[0]
    flow.handle.add_job_fault(job_type="backup-volume", outcome="stuck")
    result = flow.call("POST", V3_VOLUME, {}, we=we.id, vol=volume.file_system_id)
    flow.advance(3600)
    assert flow.job(result.body["job-id"])["status"] == "IN_PROGRESS"
    assert flow.call("GET", VOLUME, we=we.id, vol=volume.file_system_id).status == 404
    faults = flow.handle.control("GET", "job-faults")["job_faults"]
    assert faults[0]["fired"] == 1 and faults[0]["count"] == 0


def test_volume_faults_of_several_volumes_fail_each_of_them_in_one_job(flow: Flow) -> None:
    we = _active(flow)
    first, second, third = flow.eligible(we)[:3]
    flow.handle.add_job_fault(job_type="backup-volumes", volume_id=first.file_system_id, error="quota")
    flow.handle.add_job_fault(job_type="backup-volumes", volume_id=third.file_system_id, error="busy")
    flow.handle.add_job_fault(job_type="backup-volumes", volume_id="not-in-the-job", error="never")
    result = flow.call("POST", V2_VOLUMES, {"volume": [{"volume-id": v.file_system_id, "mode": "SCHEDULED"}
                                                       for v in (first, second, third)]}, we=we.id)
    job = flow.finish(result)
    assert job["status"] == "FAILED" and job["error"] == "Backup could not be enabled for 2 of 3 volumes"
    assert [(v["status"], v["error"]) for v in job["data"]["multi-volume-backup"]["volume"]] == [
        ("FAILED", "quota"), ("SUCCESS", ""), ("FAILED", "busy")]
    assert [f["fired"] for f in flow.handle.control("GET", "job-faults")["job_faults"]] == [1, 1, 0]
