# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Object store configuration and its status, and browsing a volume's directories."""
from __future__ import annotations

from backup_flow import Flow, manual
from bluexp_emulator.core.spec import Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import assert_shape

WE = "/api/v1/working-environment/{we}"
CONFIGURE_V1 = WE + "/configure-object-store"
CONFIGURE_V2 = "/api/v2/working-environment/{we}/configure-object-store"
STATUS = WE + "/object-store-config/status?object-store-name={name}"
LIST = WE + "/volume/{vol}/list"
pytestmark = manual()


def _template(path: str) -> str:
    return PREFIX + path.split("?")[0].replace("{we}", "{workingEnvironmentId}").replace("{vol}", "{volumeId}")


def test_v1_configures_at_once(flow: Flow, spec: Spec) -> None:
    we = flow.we("ONPREM")
    result = flow.call("POST", CONFIGURE_V1, {"cloud-provider": "SGWS", "object-store-name": "grid-store",
                                              "storage-server": "sg.example.com", "access-key": "k",
                                              "secret-password": "s", "ip-space": "Default"}, we=we.id)
    assert (result.status, result.body) == (201, None)
    body = flow.ok("GET", STATUS, we=we.id, name="grid-store")
    assert body == {"status": "CONFIGURED"}
    assert_shape(spec, "GET", _template(STATUS), body)
    again = flow.call("POST", CONFIGURE_V1, {"cloud-provider": "SGWS", "object-store-name": "grid-store",
                                             "storage-server": "sg.example.com"}, we=we.id)
    assert again.status == 400 and "already configured" in again.body["message"]


def test_v2_is_a_job_and_the_store_is_in_progress_meanwhile(flow: Flow, spec: Spec) -> None:
    we = flow.we("AWS")
    result = flow.call("POST", CONFIGURE_V2, {"cloud-provider": "AWS", "object-store-name": "s3-store",
                                              "aws": {"account-id": "123456789012"}}, we=we.id)
    assert_shape(spec, "POST", _template(CONFIGURE_V2), result.body, "202")
    assert flow.ok("GET", STATUS, we=we.id, name="s3-store") == {"status": "IN_PROGRESS"}
    assert flow.finish(result)["type"] == "configure-object-store"
    assert flow.ok("GET", STATUS, we=we.id, name="s3-store") == {"status": "CONFIGURED"}


def test_failed_configuration_job_marks_the_store_failed(flow: Flow) -> None:
    we = flow.we("AWS")
    flow.handle.add_job_fault(job_type="configure-object-store", error="certificate not trusted")
    job = flow.finish(flow.call("POST", CONFIGURE_V2, {"cloud-provider": "AWS", "object-store-name": "s"}, we=we.id))
    assert (job["status"], job["error"]) == ("FAILED", "certificate not trusted")
    assert flow.ok("GET", STATUS, we=we.id, name="s") == {"status": "FAILED"}


def test_configuration_rules(flow: Flow) -> None:
    we = flow.we("AWS")
    for body, message in (
        ({"cloud-provider": "DROPBOX", "object-store-name": "x"}, "cloud-provider: 'DROPBOX' is not one of"),
        ({"cloud-provider": "AWS", "object-store-name": "x", "azure": {"subscription": "s"}},
         "azure: does not match cloud-provider AWS"),
        ({"cloud-provider": "ONTAP_S3", "object-store-name": "x"}, "storage-server is required"),
        ({"cloud-provider": "AWS", "object-store-name": "x", "ip-space": "nope"}, "ip-space: IPspace 'nope'"),
    ):
        result = flow.call("POST", CONFIGURE_V2, body, we=we.id)
        assert result.status == 400 and message in result.body["message"], result.body


def test_status_of_the_activation_store_and_of_an_unknown_one(flow: Flow) -> None:
    we = flow.we("AWS", active=True)
    assert we.backup is not None
    assert flow.ok("GET", STATUS, we=we.id, name=we.backup.bucket) == {"status": "CONFIGURED"}
    missing = flow.call("GET", STATUS, we=we.id, name="nope")
    assert missing.status == 404
    assert missing.body["message"] == f"Object store nope not found in working environment {we.id}"


def test_directory_listing_is_deterministic_and_browsable(flow: Flow, spec: Spec) -> None:
    we = flow.we("AWS")
    volume = we.volumes[0]
    root = flow.ok("GET", LIST + "?svm=" + volume.svm, we=we.id, vol=volume.file_system_id)
    assert_shape(spec, "GET", _template(LIST), root)
    assert root == flow.ok("GET", LIST, we=we.id, vol=volume.file_system_id)
    directory = next(e for e in root["context"] if e["type"] == "directory")
    files = [e for e in root["context"] if e["type"] == "file"]
    assert files and all(e["size"] > 0 and e["mtime"] > 0 for e in files)
    inner = flow.ok("GET", LIST + "?path=/" + directory["name"], we=we.id, vol=volume.file_system_id)
    assert inner["context"] and inner != root
    assert flow.call("GET", LIST + "?path=/" + files[0]["name"], we=we.id, vol=volume.file_system_id).status == 404
    assert flow.call("GET", LIST + "?svm=other", we=we.id, vol=volume.file_system_id).status == 400
    assert flow.call("GET", LIST, we=we.id, vol="missing").status == 404
