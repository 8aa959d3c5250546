# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Indexed catalog: enable -> indexing job -> search over the backups -> backups holding a file."""
from __future__ import annotations

from typing import Any

from backup_flow import Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.catalog.models import SEARCH_LIMIT
from emulator_client import Result, assert_shape
from restore_flow import Source, source, template

pytestmark = manual()
STATE = "/api/v1/catalog/working-environments/{we}"
SEARCH = "/api/v1/catalog/search?query={query}"
SNAPSHOTS = "/api/v1/catalog/snapshots"


def _unindexed(flow: Flow) -> Source:
    src = source(flow)
    assert src.we.backup is not None
    src.we.backup.catalog_enabled = src.we.backup.catalog_indexed = False
    return src


def _indexed(flow: Flow) -> Source:
    src = _unindexed(flow)
    flow.finish(flow.call("POST", "/api/v2/catalog/working-environments/{we}/setup", we=src.we.id))
    return src


def _search(flow: Flow, src: Source, query: str, **filters: Any) -> Result:
    return flow.call("POST", SEARCH, {"workingEnvironmentId": [src.we.id], **filters}, query=query)


def test_enable_index_search_and_snapshots_of_a_file(flow: Flow, spec: Spec) -> None:
    src = _unindexed(flow)
    before = _search(flow, src, "notes.md")
    assert before.status == 400 and before.body["message"] == (
        f"The indexed catalog is not enabled on working environment {src.we.id}")
    enabled = flow.ok("PUT", STATE, {"state": "ENABLE"}, we=src.we.id)
    assert_shape(spec, "PUT", template(STATE), enabled)
    assert enabled == {} and flow.backup_view(src.we)["catalog-enabled"] is True
    [index] = flow.ok("GET", "/api/v1/job?type=catalog-index")["job"]
    assert index["working-environment-id"] == src.we.id and index["status"] in ("PENDING", "IN_PROGRESS")
    pending = _search(flow, src, "notes.md")
    assert pending.status == 400 and "is not indexed yet" in pending.body["message"]
    flow.advance(2)
    assert flow.job(index["id"])["status"] == "COMPLETED"
    found = _search(flow, src, "notes.md")
    assert found.status == 200, found.body
    assert_shape(spec, "POST", template(SEARCH.split("?", maxsplit=1)[0]), found.body)
    assert found.body["endOfResults"] is True
    backups = src.volume.backup.snapshots if src.volume.backup else []
    hits = [r for r in found.body["results"] if r["volumeId"] == src.volume.file_system_id]
    assert hits and all(r["resourceName"].startswith("/home/") and r["resourceName"].endswith("/notes.md")
                        and r["resourceType"] == "FILE" for r in hits)
    assert all(r["snapshotsCount"] == len(backups) > 1 for r in hits)
    assert all(r["latestSnapshotCreationTime"] == src.snapshot.creation_time_ms for r in hits)
    ask = {"resourceName": hits[0]["resourceName"], "workingEnvironmentId": src.we.id,
           "volumeId": src.volume.file_system_id, "resourceType": "FILE"}
    holding = flow.ok("POST", SNAPSHOTS, ask)
    assert_shape(spec, "POST", template(SNAPSHOTS), holding)
    assert holding["endOfResults"] is True
    listed = holding["results"]["snapshots"]
    assert [s["snapshotId"] for s in listed] == [s.id for s in sorted(backups, key=lambda s: -s.creation_time_ms)]
    assert all(s["location"] == "CLOUD" for s in listed)


def test_a_new_file_is_found_only_in_the_backups_that_hold_it(flow: Flow) -> None:
    src = _indexed(flow)
    newest_log = f"app-{src.snapshot.generation:05d}.log"
    [hit] = _search(flow, src, newest_log).body["results"][:1]
    assert hit["resourceName"] == "/logs/" + newest_log and hit["snapshotsCount"] == 1
    holding = flow.ok("POST", SNAPSHOTS, {"resourceName": newest_log, "workingEnvironmentId": src.we.id,
                                          "volumeId": src.volume.file_system_id, "resourceType": "FILE"})
    assert [s["snapshotId"] for s in holding["results"]["snapshots"]] == [src.snapshot.id]


def test_search_filters(flow: Flow) -> None:
    src = _indexed(flow)
    folders = _search(flow, src, "documents", type="DIRECTORY").body["results"]
    assert folders and {r["resourceType"] for r in folders} == {"DIRECTORY"}
    logs = _search(flow, src, "*", fileExtension=["LOG"], volumeId=src.volume.file_system_id).body["results"]
    assert logs and all(r["resourceName"].endswith(".log") for r in logs)
    small = _search(flow, src, "*", size={"from": 1, "to": 4096}).body["results"]
    assert small and all(1 <= r["resourceSize"] <= 4096 for r in small)
    dated = _search(flow, src, "notes", creationDate={"from": 1_680_000_000_000, "to": 1_690_000_000_000}).body
    assert dated["results"] and all(1_680_000_000_000 <= r["mtime"] <= 1_690_000_000_000 for r in dated["results"])
    assert _search(flow, src, "notes", backupLocation="LOCAL").body == {"results": [], "endOfResults": True}
    [volume] = _search(flow, src, src.volume.name, type="VOLUME").body["results"]
    assert volume["resourceType"] == "VOLUME" and volume["volumeId"] == src.volume.file_system_id
    assert _search(flow, src, " ").status == 400


def test_search_is_capped_and_says_so(flow: Flow) -> None:
    src = _indexed(flow)
    everything = _search(flow, src, "*").body
    assert len(everything["results"]) == SEARCH_LIMIT and everything["endOfResults"] is False
    assert _search(flow, src, "README.txt").body["endOfResults"] is True


def test_setup_v1_and_v2_answer_a_job(flow: Flow, spec: Spec) -> None:
    src = _unindexed(flow)
    for version in ("v1", "v2"):
        path = f"/api/{version}/catalog/working-environments/{{we}}/setup"
        result = flow.call("POST", path, we=src.we.id)
        assert_shape(spec, "POST", template(path), result.body, "202")
        job = flow.finish(result)
        assert job["type"] == "catalog-setup" and job["status"] == "COMPLETED"
    assert src.we.backup is not None and src.we.backup.catalog_indexed


def test_disable_and_the_rules_of_enabling(flow: Flow) -> None:
    src = _indexed(flow)
    assert flow.ok("PUT", STATE, {"state": "DISABLE"}, we=src.we.id) == {}
    assert _search(flow, src, "notes").status == 400
    off = flow.we("GCP")  # backup OFF
    result = flow.call("PUT", STATE, {"state": "ENABLE"}, we=off.id)
    assert result.status == 400 and result.body["message"].startswith("Backup is not active on working environment")
    assert flow.call("PUT", STATE, {}, we=src.we.id).status == 400
    assert flow.call("PUT", STATE, {"state": "ENABLE"}, we="nope").status == 404
    flow.handle.add_job_fault(job_type="catalog-index")
    flow.ok("PUT", STATE, {"state": "ENABLE"}, we=src.we.id)
    flow.advance(2)
    assert "not indexed yet" in _search(flow, src, "notes").body["message"]
    flow.ok("PUT", STATE, {"state": "ENABLE"}, we=src.we.id)  # enabling again retries the indexing
    flow.advance(2)
    assert _search(flow, src, "notes").status == 200


def test_snapshots_of_a_volume_and_of_a_bare_name(flow: Flow) -> None:
    src = _indexed(flow)
    ask = {"workingEnvironmentId": src.we.id, "volumeId": src.volume.file_system_id}
    whole = flow.ok("POST", SNAPSHOTS, {**ask, "resourceName": src.volume.name, "resourceType": "VOLUME"})
    count = len(src.volume.backup.snapshots) if src.volume.backup else 0
    assert len(whole["results"]["snapshots"]) == count
    named = flow.ok("POST", SNAPSHOTS, {**ask, "resourceName": "README.txt", "resourceType": "FILE"})
    assert len(named["results"]["snapshots"]) == count
    other_inode = flow.ok("POST", SNAPSHOTS, {**ask, "resourceName": "/README.txt", "resourceType": "FILE",
                                              "inode": "1"})
    assert other_inode["results"]["snapshots"] == []
    wrong = flow.call("POST", SNAPSHOTS, {**ask, "resourceName": "/x", "resourceType": "LINK"})
    assert wrong.status == 400
