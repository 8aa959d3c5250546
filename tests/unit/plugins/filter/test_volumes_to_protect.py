# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter import protection_report
from ansible_collections.bluexp.cloud_backup.plugins.filter import volumes_to_protect as vtp


def vol(name: str, svm: str = "svm1", **extra: Any) -> dict[str, Any]:
    """A volume as working_environment_info returns it with details=[volumes]."""
    return dict({"name": name, "file_system_id": "fs-" + name, "svm": svm, "type": "rw"}, **extra)


WE = {"id": "we-1", "name": "we", "volumes": [
    vol("vol_app"), vol("vol_app_tmp"), vol("vol_db", svm="svm2"), vol("logs"),
    vol("vol_mirror", type="dp"), vol("vol_locked", snaplock_type="compliance"),
    vol("vol_plain", snaplock_type="non_snaplock"), vol("vol_old_connector", snaplock_type=None),
]}


def names(volumes: list[dict[str, Any]]) -> list[str]:
    return [v["name"] for v in volumes]


def test_by_default_every_volume_bluexp_can_back_up():
    chosen = vtp.volumes_to_protect(WE)
    assert names(chosen["selected"]) == ["vol_app", "vol_app_tmp", "vol_db", "logs", "vol_plain", "vol_old_connector"]
    assert [(v["name"], v["reason"]) for v in chosen["skipped"]] == [
        ("vol_mirror", "data-protection volume"), ("vol_locked", "SnapLock (compliance) volume")]
    assert chosen["skipped"][0]["file_system_id"] == "fs-vol_mirror"


def test_names_and_exclusions_match_the_whole_name():
    chosen = vtp.volumes_to_protect(WE, names=["vol_app.*", "logs", "vol"], exclude=[".*_tmp"])
    assert names(chosen["selected"]) == ["vol_app", "logs"]
    assert chosen["skipped"] == []


def test_svms():
    assert names(vtp.volumes_to_protect(WE, svms=["svm2"])["selected"]) == ["vol_db"]
    assert vtp.volumes_to_protect(WE, svms=["svm9"]) == {"selected": [], "skipped": []}


def test_no_names_select_nothing():
    assert vtp.volumes_to_protect(WE, names=[]) == {"selected": [], "skipped": []}


def test_unsupported_volumes_are_selected_when_asked_to():
    chosen = vtp.volumes_to_protect(WE, names=["vol_(mirror|locked)"], skip_unsupported=False)
    assert names(chosen["selected"]) == ["vol_mirror", "vol_locked"]
    assert chosen["skipped"] == []
    assert "reason" not in chosen["selected"][0]


def test_the_rule_is_the_protection_report_rule():
    for volume in WE["volumes"]:
        skipped = names(vtp.volumes_to_protect([volume])["skipped"])
        assert (skipped == [volume["name"]]) == (protection_report.unsupported_reason(volume) is not None)


def test_the_volumes_given_are_not_changed():
    volumes = [vol("vol_mirror", type="dp")]
    vtp.volumes_to_protect(volumes)
    assert "reason" not in volumes[0]


def test_the_filter_is_registered_and_wraps_errors():
    volumes_filter = vtp.FilterModule().filters()["volumes_to_protect"]
    assert names(volumes_filter(WE["volumes"], names=["logs"])["selected"]) == ["logs"]
    with pytest.raises(AnsibleFilterError, match="volumes_to_protect: exclude: not a regular expression"):
        volumes_filter(WE, exclude=["vol_("])
    with pytest.raises(AnsibleFilterError, match="expected a working environment or a list of volumes"):
        volumes_filter("we-1")
