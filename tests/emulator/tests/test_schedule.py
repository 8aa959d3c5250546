# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Scheduled backups on the emulator's compressed clock: accumulation, retention, archiving."""
from __future__ import annotations

from collections import Counter

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator.services.cbs.working_environments.models import Volume, WorkingEnvironment

VOLUME = WE_V1 + "/volume/{vol}"
pytestmark = manual()


def _protect(flow: Flow, rules: list[dict[str, object]], **policy: object) -> tuple[WorkingEnvironment, Volume]:
    we = flow.we("AWS")
    flow.activate(we, **{"backup-policy": {"name": "p", "rule": rules, **policy},
                         "aws": {"account-id": "1", "archive-storage-class": "GLACIER"}})
    volume = flow.eligible(we)[0]
    flow.ok("POST", VOLUME, {}, we=we.id, vol=volume.file_system_id)
    return we, volume


def _labels(flow: Flow, we: WorkingEnvironment, volume: Volume) -> Counter[str]:
    return Counter(s["name"].split(".")[0] for s in flow.snapshots(we, volume))


def test_hourly_backups_accumulate_and_retention_prunes_the_oldest(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 3}])
    flow.advance(59)
    assert flow.snapshots(we, volume) == []
    flow.advance(1)
    assert len(flow.snapshots(we, volume)) == 1
    flow.advance(60)
    first_two = flow.snapshots(we, volume)
    assert len(first_two) == 2 and first_two[0]["creation-time"] - first_two[1]["creation-time"] == 60_000
    flow.advance(10 * 60)
    kept = flow.snapshots(we, volume)
    assert len(kept) == 3  # retention 3: the oldest went
    assert first_two[1]["id"] not in {s["id"] for s in kept}
    view = flow.ok("GET", VOLUME, we=we.id, vol=volume.file_system_id)
    assert view["snapshot-count"] == "3" and view["last-backup-creation-time"] == kept[0]["creation-time"]


def test_each_label_keeps_its_own_pace_and_retention(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 2}, {"label": "daily", "retention": 2}])
    flow.advance(3 * 24 * 60)  # three emulated days
    assert _labels(flow, we, volume) == Counter({"hourly": 2, "daily": 2})


def test_paused_volumes_get_no_backups_and_resume_without_catching_up(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 100}])
    flow.ok("PUT", VOLUME, {"state": "PAUSE"}, we=we.id, vol=volume.file_system_id)
    flow.advance(600)
    assert flow.snapshots(we, volume) == []
    flow.ok("PUT", VOLUME, {"state": "RESUME"}, we=we.id, vol=volume.file_system_id)
    flow.advance(120)
    assert len(flow.snapshots(we, volume)) == 2


def test_lowering_retention_prunes_at_once(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 10}])
    flow.advance(6 * 60)
    assert len(flow.snapshots(we, volume)) == 6
    flow.ok("PUT", "/api/v1/working-environment/{we}/backup-policy/{name}",
            {"rule": [{"label": "hourly", "retention": 2}]}, we=we.id, name="p")
    assert len(flow.snapshots(we, volume)) == 2


def test_pace_is_configurable_and_zero_turns_schedules_off(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 50}])
    flow.handle.configure(backup_interval_s=10)
    flow.advance(30)
    assert len(flow.snapshots(we, volume)) == 3
    flow.handle.configure(backup_interval_s=0)
    flow.advance(3600)
    assert len(flow.snapshots(we, volume)) == 3


@manual(token_ttl_s=10 * 86_400)
def test_long_clock_jumps_only_create_what_retention_keeps(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "hourly", "retention": 5}])
    flow.advance(5 * 86_400)  # 7200 emulated hours
    snapshots = flow.snapshots(we, volume)
    assert len(snapshots) == 5
    assert snapshots[0]["creation-time"] - snapshots[-1]["creation-time"] == 4 * 60_000


def test_backups_move_to_the_archive_tier(flow: Flow) -> None:
    we, volume = _protect(flow, [{"label": "daily", "retention": 10}], **{"archive-after-days": 2})
    flow.advance(24 * 60)
    assert [s["archived"] for s in flow.snapshots(we, volume)] == [False]
    flow.advance(2 * 24 * 60)
    assert [s["archived"] for s in flow.snapshots(we, volume)] == [False, False, True]


def test_working_environment_counters_follow_the_schedule(flow: Flow) -> None:
    we, _volume = _protect(flow, [{"label": "hourly", "retention": 4}])
    before = flow.backup_view(we)
    flow.advance(4 * 60)
    after = flow.backup_view(we)
    assert before["backed-up-volume-count"] == after["backed-up-volume-count"] == "1"
    assert float(after["used-capacity-gb"]) > float(before["used-capacity-gb"])
