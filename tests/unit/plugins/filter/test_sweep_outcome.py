# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.sweep_outcome import FilterModule, sweep_outcome


def record(volume: str, state: str, error: str = "") -> dict[str, Any]:
    """A record of sweep_records, as ransomware_sweep_result lists it under detections or failures."""
    return {"volume_id": "fs-" + volume, "backup_id": "b-" + volume, "state": state, "error": error,
            "label": "prod / {0} / daily.1 (b-{0})".format(volume)}


def host(detections: tuple[dict[str, Any], ...] = (), failures: tuple[dict[str, Any], ...] = ()) -> dict[str, Any]:
    return {"checked": len(detections) + len(failures), "detections": list(detections), "failures": list(failures)}


INFECTED = record("vol_app", "detected")
BROKEN = record("vol_scratch", "failed", "Scanner down")
# Two hosts that swept the same working environment report the same backups.
HOSTS = [host((INFECTED,), (BROKEN,)), host((INFECTED,), (BROKEN,)), {}]


def test_every_backup_once_and_one_message_for_both():
    outcome = sweep_outcome(HOSTS)
    assert outcome["detections"] == [INFECTED]
    assert outcome["failures"] == [BROKEN]
    assert outcome["lines"] == ["RANSOMWARE DETECTED: prod / vol_app / daily.1 (b-vol_app)",
                                "SCAN FAILED: prod / vol_scratch / daily.1 (b-vol_scratch)"]
    assert outcome["failure"] == (
        "Ransomware detected in 1 backup(s) (working environment / volume / backup): prod / vol_app / daily.1 (b-vol_app)."
        " Ransomware scan failed for 1 backup(s): prod / vol_scratch / daily.1 (b-vol_scratch): Scanner down.")


@pytest.mark.parametrize("on_detection, on_scan_error, expected", [
    (True, False, "Ransomware detected in 2 backup(s) (working environment / volume / backup): "
                  "prod / vol_app / daily.1 (b-vol_app); prod / vol_db / daily.1 (b-vol_db)."),
    ("false", "yes", "Ransomware scan failed for 1 backup(s): prod / vol_scratch / daily.1 (b-vol_scratch): Scanner down."),
    (False, "no", ""),
])
def test_the_switches_choose_what_fails_the_play(on_detection, on_scan_error, expected):
    hosts = [host((INFECTED,), (BROKEN,)), host((record("vol_db", "detected"),))]
    outcome = sweep_outcome(hosts, fail_on_detection=on_detection, fail_on_scan_error=on_scan_error)
    assert outcome["failure"] == expected
    # What was found is listed whatever fails the play.
    assert len(outcome["lines"]) == 3


def test_a_clean_sweep_fails_nothing():
    assert sweep_outcome([host(), {}]) == {"detections": [], "failures": [], "lines": [], "failure": ""}


def test_filter_wants_the_list_of_host_results():
    outcome = FilterModule().filters()["sweep_outcome"]
    assert outcome(HOSTS)["failure"].startswith("Ransomware detected in 1 backup(s)")
    with pytest.raises(AnsibleFilterError, match="sweep_outcome: expected the ransomware_sweep_result of each host"):
        outcome(HOSTS[0])
