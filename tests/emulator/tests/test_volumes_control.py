# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""POST /_emulator/volumes: a volume added for a test."""
from __future__ import annotations

import pytest

from bluexp_emulator.handle import ControlError
from emulator_client import Client


def test_a_volume_of_a_name_taken_in_another_svm_is_listed_without_backup(client: Client) -> None:
    we = client.handle.state()["accounts"][0]["working_environments"][0]
    taken = we["volume_list"][0]
    other_svm = next(v["svm"] for v in we["volume_list"] if v["svm"] != taken["svm"])
    added = client.handle.control("POST", "volumes", {"working_environment_id": we["id"], "name": taken["name"],
                                                      "svm": other_svm, "like": taken["id"]})
    assert (added["name"], added["svm"]) == (taken["name"], other_svm) and added["id"] != taken["id"]
    listed = client.cbs(f"/api/v1/working-environment/{we['id']}/volume").body["volume"]
    assert [(v["svm"], v["file-system-id"]) for v in listed if v["name"] == taken["name"]] == [
        (taken["svm"], taken["id"]), (other_svm, added["id"])]
    protected = client.cbs(f"/api/v1/backup/working-environment/{we['id']}/volume").body["volume"]
    assert added["id"] not in [v["file-system-id"] for v in protected]


@pytest.mark.parametrize("change, message", [
    ({"svm": "svm_nowhere"}, "svm:"),
    ({"name": None}, "name is required"),
    ({"same_svm": True}, "exists in SVM"),
    ({"colour": "red"}, "unknown fields"),
])
def test_bad_definitions_are_refused(client: Client, change: dict, message: str) -> None:
    we = client.handle.state()["accounts"][0]["working_environments"][0]
    volume = we["volume_list"][0]
    body = {"working_environment_id": we["id"], "name": "vol_new", "svm": volume["svm"]}
    if change.pop("same_svm", False):
        body["name"] = volume["name"]
    body.update(change)
    with pytest.raises(ControlError) as info:
        client.handle.control("POST", "volumes", {k: v for k, v in body.items() if v is not None})
    assert info.value.status == 400 and message in str(info.value)
