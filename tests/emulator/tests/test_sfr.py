# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Browse & Restore: file explore start -> status -> directory listings, with paging."""
from __future__ import annotations

from typing import Any

from backup_flow import JOB_DURATION_S, Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.filetree import LARGE_DIRECTORY
from emulator_client import assert_shape
from restore_flow import Source, source, template, with_large_directory

pytestmark = manual()
V1 = "/api/v1/sfr/volume/{vol}"
V2 = "/api/v2/sfr/volume/{vol}"
WE = "/api/v1/sfr/working-environment/{we}/volume/{vol}"
LIST = "/snapshot/{snap}/file-explore/list"


def _ready(flow: Flow, src: Source) -> None:
    flow.finish(flow.call("POST", V2 + "/file-explore/start", vol=src.volume.file_system_id))
    assert flow.ok("GET", V1 + "/file-explore/status", vol=src.volume.file_system_id) == {"status": "READY"}


def _list(flow: Flow, base: str, src: Source, query: str = "") -> Any:
    return flow.ok("GET", base + LIST + query, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id)


def test_explore_then_status_then_paged_list(flow: Flow, spec: Spec) -> None:
    src = with_large_directory(source(flow))
    vol = src.volume.file_system_id
    assert flow.ok("GET", V2 + "/file-explore/status", vol=vol) == {"status": "NOT_STARTED"}
    started = flow.call("POST", V2 + "/file-explore/start", vol=vol)
    assert_shape(spec, "POST", template(V2 + "/file-explore/start"), started.body, "202")
    status = flow.ok("GET", V2 + "/file-explore/status", vol=vol)
    assert_shape(spec, "GET", template(V2 + "/file-explore/status"), status)
    assert status == {"status": "IN_PROGRESS"}
    early = flow.call("GET", V2 + LIST, vol=vol, snap=src.snapshot.id)
    assert early.status == 400 and "is not ready (status IN_PROGRESS)" in early.body["message"]
    job = flow.finish(started)
    assert job["type"] == "file-explore" and job["status"] == "COMPLETED"
    assert flow.ok("GET", V2 + "/file-explore/status", vol=vol) == {"status": "READY"}
    expected = src.volume.snapshot_tree(src.snapshot).items(LARGE_DIRECTORY) or []
    seen: list[dict[str, Any]] = []
    query = f"?path={LARGE_DIRECTORY}&limit=1000"
    while True:
        page = _list(flow, V2, src, query)
        assert_shape(spec, "GET", template(V2 + LIST), page)
        config = page["pageConfig"]
        assert config["startIndex"] == len(seen) and config["endIndex"] == len(seen) + len(page["context"])
        assert ("previous" in config) == bool(seen)
        seen += page["context"]
        if "next" not in config:
            break
        query = f"?path={LARGE_DIRECTORY}&page={config['next']['page']}&limit={config['next']['limit']}"
    assert seen == [entry.to_dict(path) for path, entry in expected] and len(seen) > 2000


def test_v1_start_has_no_body_and_v1_list_is_not_paged(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    started = flow.call("POST", V1 + "/file-explore/start", vol=src.volume.file_system_id)
    assert started.status == 202 and started.body is None
    flow.advance(JOB_DURATION_S)
    assert flow.ok("GET", V1 + "/file-explore/status", vol=src.volume.file_system_id) == {"status": "READY"}
    listing = _list(flow, V1, src, "?path=/home")
    assert_shape(spec, "GET", template(V1 + LIST), listing)
    users = src.volume.snapshot_tree(src.snapshot).items("/home") or []
    assert listing == {"context": [entry.to_dict(path) for path, entry in users]}
    assert all(e["type"] == "directory" and e["path"] == "/home/" + e["name"] for e in listing["context"])


def test_working_environment_scoped_explore_and_4x_filters(flow: Flow, spec: Spec) -> None:
    src = source(flow)
    started = flow.call("POST", WE + "/file-explore/start", we=src.we.id, vol=src.volume.file_system_id)
    assert_shape(spec, "POST", template(WE + "/file-explore/start"), started.body, "202")
    assert flow.finish(started)["status"] == "COMPLETED"
    page = _list(flow, WE, src, "?path=/&limit=2")
    assert_shape(spec, "GET", template(WE + LIST), page)
    assert page["pageConfig"] == {"startIndex": 0, "endIndex": 2, "next": {"page": 2, "limit": 2}}
    directories = _list(flow, WE, src, "?path=/&fileType=DIRECTORY&sortBy=name&orderBy=DESC")["context"]
    assert [e["name"] for e in directories] == ["shared", "projects", "logs", "home", "db"]
    named = _list(flow, WE, src, "?path=/&name=READ")["context"]
    assert [e["name"] for e in named] == ["README.txt"]
    for query, message in (("?fileType=LINKS", "query parameter 'fileType'"),
                           ("?snapshotLocation=LOCAL", "only CLOUD backups"),
                           ("?page=0", "must be integers >= 1"), ("?limit=1.5", "not a whole number")):
        result = flow.call("GET", WE + LIST + query, we=src.we.id, vol=src.volume.file_system_id, snap=src.snapshot.id)
        assert result.status == 400 and message in result.body["message"], (query, result.body)
    beyond = _list(flow, WE, src, "?page=50&limit=10")
    assert beyond["context"] == [] and beyond["pageConfig"]["startIndex"] == beyond["pageConfig"]["endIndex"]


def test_explore_needs_backups_and_known_ids(flow: Flow) -> None:
    src = source(flow)
    bare = next(v for v in src.we.volumes if v.backup is None)
    result = flow.call("POST", V2 + "/file-explore/start", vol=bare.file_system_id)
    assert result.status == 400 and result.body["message"] == f"Volume {bare.name} has no backups to explore"
    assert flow.call("POST", V2 + "/file-explore/start", vol="missing").status == 404
    other = next(w for w in flow.emulator.working_environments.list_working_environments(flow.client.account)
                 if w is not src.we)
    assert flow.call("POST", WE + "/file-explore/start", we=other.id, vol=src.volume.file_system_id).status == 404
    _ready(flow, src)
    assert flow.call("GET", V2 + "/snapshot/nope/file-explore/list", vol=src.volume.file_system_id).status == 404
    missing = flow.call("GET", V2 + LIST + "?path=/README.txt", vol=src.volume.file_system_id, snap=src.snapshot.id)
    assert missing.status == 404 and missing.body["message"].startswith("Path /README.txt not found in backup")


def test_failed_explore_reports_failed(flow: Flow) -> None:
    src = source(flow)
    flow.handle.add_job_fault(job_type="file-explore", error="restore container did not start")
    job = flow.finish(flow.call("POST", V2 + "/file-explore/start", vol=src.volume.file_system_id))
    assert job["status"] == "FAILED" and job["error"] == "restore container did not start"
    assert flow.ok("GET", V1 + "/file-explore/status", vol=src.volume.file_system_id) == {"status": "FAILED"}
    _ready(flow, src)  # a new start recovers
