# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import json
from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter import protection_report as pr
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._transform import iso_utc

NOW = 1_800_000_000.0  # seconds since the epoch
HOUR_MS = 3_600_000
DAILY_30 = {"name": "Daily-30", "rule": [{"label": "daily", "retention": "30"}]}
STANDARD = {"rules": [{"label": "daily", "retention": 30}]}


def volume(name: str, protected: bool = True, age_hours: float | None = 1.0, policy: dict | None = None,
           status: str = "ON", object_lock: str = "NONE") -> dict[str, Any]:
    """A volume as working_environment_info returns it with details=[volumes]."""
    record: dict[str, Any] = {"name": name, "file_system_id": "fs-" + name, "svm": "svm1"}
    if not protected:
        record["backup"] = {"protected": False, "backup_status": None}
        return record
    record["backup"] = {"protected": True, "backup_status": status, "object_lock": object_lock,
                        "backup_policy": policy or DAILY_30}
    if age_hours is not None:
        record["backup"]["last_backup_creation_time"] = int(NOW * 1000 - age_hours * HOUR_MS)
    return record


def we(name: str, volumes: list[dict[str, Any]], enabled: bool = True, policies: list[dict[str, Any]] | None = None,
       provider: str = "AWS") -> dict[str, Any]:
    return {"id": "we-" + name, "name": name, "provider": provider, "backup": {"enabled": enabled},
            "volumes": volumes, "backup_policies": [DAILY_30] if policies is None else policies}


def report(wes: Any, **options: Any) -> dict[str, Any]:
    options.setdefault("now", NOW)
    return pr.protection_report(wes, **options)


def by_label(histogram: list[dict[str, Any]]) -> dict[str, int]:
    return {bucket["label"]: bucket["count"] for bucket in histogram}


# ---------------------------------------------------------------------------------------------
# Coverage


def test_coverage_counts_and_percent_per_working_environment():
    result = report([we("a", [volume("v1"), volume("v2"), volume("v3", protected=False)])])
    assert result["coverage"] == [{
        "name": "a", "id": "we-a", "anchor": "we-we-a", "provider": "AWS", "backup_enabled": True,
        "protected": 2, "unprotected": 1, "total": 3, "percent": 66.7, "rpo_missed": 0, "not_protectable": 0,
        "awaiting_first_backup": 0, "backup_failed": 0, "backup_failed_listed": 0, "ransomware": {},
        "datalock": {"NONE": 2}, "datalock_protected": 0, "archiving": 0, "archive_storage_class": None,
        "license": "not read",
    }]
    assert result["totals"]["volumes"] == 3
    assert result["totals"]["protected"] == 2
    assert result["totals"]["unprotected"] == 1
    assert result["totals"]["percent_protected"] == 66.7


@pytest.mark.parametrize("extra, reason", [
    ({"type": "dp"}, "data-protection volume"),
    ({"snaplock_type": "compliance"}, "SnapLock (compliance) volume"),
    ({"snaplock_type": "enterprise", "type": "rw"}, "SnapLock (enterprise) volume"),
])
def test_volumes_bluexp_cannot_back_up_are_no_coverage_gap(extra, reason):
    locked = dict(volume("locked", protected=False), **extra)
    result = report([we("a", [volume("v1"), locked, dict(volume("plain", protected=False), snaplock_type="non_snaplock")])])
    assert result["coverage"][0]["total"] == 2 and result["coverage"][0]["unprotected"] == 1
    assert result["coverage"][0]["not_protectable"] == 1
    assert result["totals"]["not_protectable"] == 1 and result["totals"]["volumes"] == 2
    assert result["not_protectable"] == [{"we": "a", "we_id": "we-a", "volume": "locked", "volume_id": "fs-locked",
                                          "svm": "svm1", "reason": reason}]
    assert [r["volume"] for r in result["volumes"]] == ["v1", "plain"]


def test_a_protected_dp_volume_still_counts_as_protected():
    result = report([we("a", [dict(volume("mirror"), type="dp")])])
    assert result["not_protectable"] == [] and result["totals"]["protected"] == 1


def test_coverage_is_sorted_worst_first_and_empty_environments_last():
    fleet = [
        we("full", [volume("v1")]),
        we("empty", []),
        we("half-small", [volume("v1"), volume("v2", protected=False)]),
        we("half-big", [volume("v1"), volume("v2"), volume("v3", protected=False), volume("v4", protected=False)]),
        we("none", [volume("v1", protected=False)], enabled=False),
    ]
    coverage = report(fleet)["coverage"]
    assert [c["name"] for c in coverage] == ["none", "half-big", "half-small", "full", "empty"]
    assert coverage[-1]["percent"] is None
    assert coverage[-1]["total"] == 0


def test_working_environment_without_backup():
    result = report([we("off", [volume("v1", protected=False), volume("v2", protected=False)], enabled=False)],
                    standard={"policy_name": "Gold", "rules": [{"label": "daily", "retention": 30}]})
    assert result["coverage"][0]["backup_enabled"] is False
    assert result["coverage"][0]["percent"] == 0.0
    assert result["totals"]["backup_enabled"] == 0
    assert all(row["rpo_met"] is None for row in result["volumes"])
    assert by_label(result["histogram"]) == dict.fromkeys(by_label(result["histogram"]), 0)
    # Unused policies of a working environment without backup are not judged, and no policy is "missing".
    assert result["drift"] == []
    assert result["problems"] == {"rpo": 0, "drift": 0, "unprotected": 2, "license": 0, "failed": 0,
                                  "ransomware": 0}


def test_empty_fleet():
    for empty in ([], {"working_environments": []}, None):
        result = report(empty)
        assert result["coverage"] == [] and result["volumes"] == [] and result["drift"] == []
        assert result["totals"]["working_environments"] == 0
        assert result["totals"]["percent_protected"] is None
        assert sum(b["count"] for b in result["histogram"]) == 0
        assert result["status"] == "ok"


def test_accepts_the_registered_result_or_the_list():
    fleet = [we("a", [volume("v1")])]
    assert report({"working_environments": fleet, "changed": False}) == report(fleet)


# ---------------------------------------------------------------------------------------------
# Newest backup, RPO and histogram


@pytest.mark.parametrize("age, label", [
    (0, "<1h"), (0.99, "<1h"), (1, "1-6h"), (5.99, "1-6h"), (6, "6-24h"), (23.99, "6-24h"), (24, "1-3d"),
    (71.99, "1-3d"), (72, "3-7d"), (167.99, "3-7d"), (168, ">7d"), (10_000, ">7d"), (None, "none"),
])
def test_histogram_bucket_bounds(age, label):
    histogram = report([we("a", [volume("v", age_hours=age)])])["histogram"]
    assert [b["label"] for b in histogram] == ["<1h", "1-6h", "6-24h", "1-3d", "3-7d", ">7d", "none"]
    assert {k: v for k, v in by_label(histogram).items() if v} == {label: 1}


def test_histogram_counts_protected_volumes_only():
    volumes = [volume("a", age_hours=0.5), volume("b", age_hours=3), volume("c", age_hours=3),
               volume("d", age_hours=None), volume("e", protected=False), volume("f", protected=False)]
    result = report([we("w", volumes)])
    counts = by_label(result["histogram"])
    assert counts == {"<1h": 1, "1-6h": 2, "6-24h": 0, "1-3d": 0, "3-7d": 0, ">7d": 0, "none": 1}
    assert sum(counts.values()) == result["totals"]["protected"] == 4


def test_rpo_boundaries():
    volumes = [volume("exact", age_hours=24), volume("over", age_hours=24 + 1 / 3600), volume("fresh", age_hours=0),
               volume("never", age_hours=None), volume("off", protected=False), volume("future", age_hours=-2)]
    result = report([we("w", volumes)], rpo_hours=24)
    met = {row["volume"]: row["rpo_met"] for row in result["volumes"]}
    assert met == {"exact": True, "over": False, "fresh": True, "never": False, "off": None, "future": True}
    ages = {row["volume"]: row["age_hours"] for row in result["volumes"]}
    assert ages["exact"] == 24.0 and ages["never"] is None and ages["future"] == 0.0
    assert result["totals"]["rpo_met"] == 3
    assert result["totals"]["rpo_missed"] == 2
    assert result["totals"]["no_backup"] == 1
    assert result["coverage"][0]["rpo_missed"] == 2
    # Without a backup first, then the oldest.
    assert [row["volume"] for row in result["rpo_missed"]] == ["never", "over"]
    assert result["problems"]["rpo"] == 2


def test_fractional_rpo_and_bad_values():
    assert report([we("w", [volume("v", age_hours=0.5)])], rpo_hours=0.25)["totals"]["rpo_missed"] == 1
    for bad in (0, -1, "soon"):
        with pytest.raises(ValueError, match="rpo_hours"):
            report([], rpo_hours=bad)


def test_newest_backup_comes_from_backup_info_then_the_volume():
    fleet = [we("w", [volume("listed", age_hours=100), volume("fallback", age_hours=30)])]
    newer = int(NOW * 1000 - 2 * HOUR_MS)
    backups = {"backups": [
        {"working_environment_id": "we-w", "volume_id": "fs-listed", "creation_time": newer, "name": "daily.new"},
        {"working_environment_id": "we-w", "volume_id": "fs-listed", "creation_time": newer - HOUR_MS * 50},
        {"working_environment_id": "we-other", "volume_id": "fs-fallback", "creation_time": newer},
    ]}
    rows = {row["volume"]: row for row in report(fleet, backups=backups)["volumes"]}
    assert rows["listed"]["age_hours"] == 2.0
    assert rows["listed"]["newest_backup"] == iso_utc(newer / 1000, unit="s")
    assert rows["fallback"]["age_hours"] == 30.0


def test_backups_from_a_registered_loop():
    fleet = [we("w", [volume("v", age_hours=None)])]
    loop = {"results": [
        {"backups": [{"working_environment_id": "we-w", "volume_id": "fs-v", "creation_time": int(NOW * 1000)}]},
        {"skipped": True},
    ]}
    assert report(fleet, backups=loop)["volumes"][0]["age_hours"] == 0.0


def test_row_fields():
    row = report([we("w", [volume("v", age_hours=1.5, status="PAUSED")])])["volumes"][0]
    assert row == {"we": "w", "we_id": "we-w", "volume": "v", "volume_id": "fs-v", "svm": "svm1", "protected": True,
                   "backup_status": "PAUSED", "policy": "Daily-30", "newest_backup": iso_utc(NOW - 1.5 * 3600, unit="s"),
                   "age_hours": 1.5, "rpo_met": True, "awaiting_first_backup": False, "protected_at": None,
                   "last_backup_failed": False, "last_failure": None, "object_lock": "NONE", "archive_after_days": None,
                   "ransomware_scan_status": None, "last_ransomware_scan": None, "ransomware_detected_snapshots": 0}


@pytest.mark.parametrize("now", [NOW, int(NOW), str(NOW), "2027-01-15T08:00:00Z", "2027-01-15T08:00:00",
                                 "2027-01-15T09:00:00+01:00"])
def test_now_forms(now):
    result = pr.protection_report([], now=now)
    expected = iso_utc(NOW, unit="s") if not str(now).startswith("2027") else "2027-01-15T08:00:00Z"
    assert result["generated_at"] == expected


def test_bad_now():
    with pytest.raises(ValueError, match="now"):
        pr.protection_report([], now="yesterday")


# ---------------------------------------------------------------------------------------------
# Drift


def test_no_standard_checks_nothing():
    odd = {"name": "odd", "rule": [{"label": "hourly", "retention": "2"}]}
    result = report([we("w", [volume("v", policy=odd)], policies=[odd])], standard={})
    assert result["standard"] is None
    assert result["drift"] == []


def test_matching_policy_does_not_drift_whatever_the_order_and_types():
    policy = {"name": "p", "rule": [{"label": "weekly", "retention": "13.0"}, {"label": "daily", "retention": 30}],
              "object_lock": "NONE", "archive_after_days": "never"}
    standard = {"rules": [{"label": "daily", "retention": "30"}, {"label": "weekly", "retention": 13}],
                "archive_after_days": 0, "object_lock": "none"}
    result = report([we("w", [volume("v", policy=policy)], policies=[policy])], standard=standard)
    assert result["drift"] == []
    assert result["standard"]["text"] == "rules daily=30, weekly=13; archive never; DataLock NONE"
    assert result["standard"]["rules"] == [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 13}]
    assert result["standard"]["archive_after_days"] is None


@pytest.mark.parametrize("archive", [None, "", "never", "Never", 0, "0"])
def test_every_form_of_never_archiving_meets_a_standard_that_does_not_archive(archive):
    policy = {"name": "p", "rule": [{"label": "daily", "retention": "30"}], "archive_after_days": archive}
    fleet = [we("w", [volume("v", policy=policy)], policies=[policy])]
    for never in (0, "never"):
        assert report(fleet, standard=dict(STANDARD, archive_after_days=never))["drift"] == []


def test_label_case_is_a_difference_as_in_ontap():
    policy = {"name": "p", "rule": [{"label": "Daily", "retention": "30"}]}
    drift = report([we("w", [volume("v", policy=policy)], policies=[policy])], standard=STANDARD)["drift"]
    assert drift[0]["differences"] == [{"field": "rules", "actual": "Daily=30", "expected": "daily=30",
                                        "text": "rules: Daily=30 (standard: daily=30)"}]


def test_the_report_reads_a_policy_as_the_modules_do():
    """One policy view: what backup_policy compares is what the report compares."""
    record = {"name": "p", "rule": [{"label": "weekly", "retention": "4"}, {"label": "daily", "retention": "7.0"}],
              "archive_after_days": "0", "object_lock": "governance"}
    view = pr.policy_view(record)
    assert view == dict(policies.view(record))
    assert view["rules"] == [{"label": "daily", "retention": 7}, {"label": "weekly", "retention": 4}]
    assert view["archive_after_days"] is None and view["object_lock"] == "GOVERNANCE"


def test_policy_in_use_with_other_rules_drifts_once_with_its_volumes():
    other = {"name": "short", "rule": [{"label": "daily", "retention": "7"}], "archive_after_days": 30}
    fleet = [we("w", [volume("b", policy=other), volume("a", policy=other), volume("c")], policies=[DAILY_30, other])]
    drift = report(fleet, standard=dict(STANDARD, archive_after_days=0))["drift"]
    assert drift == [{
        "we": "w", "we_id": "we-w", "policy": "short", "kind": "differs", "named_like_standard": False,
        "volumes": ["a", "b"],
        "differences": [
            {"field": "rules", "actual": "daily=7", "expected": "daily=30",
             "text": "rules: daily=7 (standard: daily=30)"},
            {"field": "archive_after_days", "actual": "after 30 days", "expected": "never",
             "text": "archive_after_days: after 30 days (standard: never)"},
        ],
    }]


def test_only_the_keys_of_the_standard_are_compared():
    archiving = {"name": "arch", "rule": [{"label": "daily", "retention": "30"}], "archive_after_days": "90"}
    fleet = [we("w", [volume("v", policy=archiving)], policies=[archiving])]
    assert report(fleet, standard=STANDARD)["drift"] == []
    drift = report(fleet, standard=dict(STANDARD, archive_after_days=60))["drift"]
    assert [d["field"] for d in drift[0]["differences"]] == ["archive_after_days"]


def test_datalock_drift():
    locked = {"name": "locked", "rule": [{"label": "daily", "retention": "30"}], "object_lock": "GOVERNANCE"}
    fleet = [we("w", [volume("v", policy=locked)], policies=[locked])]
    drift = report(fleet, standard=dict(STANDARD, object_lock="NONE"))["drift"]
    assert drift[0]["differences"] == [{"field": "object_lock", "actual": "GOVERNANCE", "expected": "NONE",
                                        "text": "object_lock: GOVERNANCE (standard: NONE)"}]
    assert report(fleet, standard={"object_lock": "GOVERNANCE"})["drift"] == []


def test_unused_policies_are_judged_only_by_the_standard_name():
    unused = {"name": "spare", "rule": [{"label": "hourly", "retention": "24"}], "attached_volumes_count": 0}
    gold = {"name": "Gold", "rule": [{"label": "daily", "retention": "14"}], "attached_volumes_count": 0}
    fleet = [we("w", [volume("v")], policies=[DAILY_30, unused, gold])]
    assert report(fleet, standard=STANDARD)["drift"] == []
    drift = report(fleet, standard=dict(STANDARD, policy_name="Gold"))["drift"]
    assert [(d["policy"], d["kind"], d["named_like_standard"], d["volumes"]) for d in drift] == [
        ("Gold", "differs", True, [])]


def test_missing_standard_policy_only_where_backup_is_active():
    fleet = [we("on", [volume("v")]), we("off", [volume("v", protected=False)], enabled=False)]
    drift = report(fleet, standard=dict(STANDARD, policy_name="Gold"))["drift"]
    assert [(d["we"], d["policy"], d["kind"]) for d in drift] == [("on", "Gold", "missing")]
    assert drift[0]["differences"][0]["text"] == "no policy named Gold"


def test_volume_policy_missing_from_the_list_is_judged_from_the_volume():
    embedded = {"name": "inline", "rule": [{"label": "daily", "retention": "30"}]}
    fleet = [we("w", [volume("v", policy=embedded, object_lock="COMPLIANCE")], policies=[])]
    drift = report(fleet, standard=dict(STANDARD, object_lock="NONE"))["drift"]
    assert [(d["policy"], d["volumes"], [x["field"] for x in d["differences"]]) for d in drift] == [
        ("inline", ["v"], ["object_lock"])]


def test_drift_counters():
    other = {"name": "other", "rule": [{"label": "weekly", "retention": "4"}]}
    fleet = [we("w", [volume("a", policy=other), volume("b", policy=other), volume("c")], policies=[DAILY_30, other])]
    result = report(fleet, standard=STANDARD)
    assert result["totals"]["drift"] == 1
    assert result["totals"]["drifting_volumes"] == 2
    assert result["problems"]["drift"] == 1


def test_standard_rules_need_label_and_retention():
    with pytest.raises(ValueError, match=r"standard\.rules"):
        report([], standard={"rules": [{"label": "daily"}]})
    with pytest.raises(ValueError, match=r"standard\.rules"):
        report([], standard={"rules": []})


# ---------------------------------------------------------------------------------------------
# Licenses


def lic(name: str, kind: str, valid: bool | None, days_left: int | None = None, **extra: Any) -> dict[str, Any]:
    return dict({"working_environment_id": "we-" + name, "working_environment_name": name, "type": kind,
                 "valid": valid, "days_left": days_left, "free_trial_end": None}, **extra)


def test_license_summary():
    entries = [
        lic("byol", "byol", True),
        lic("paygo", "paygo", True),
        lic("trial-soon", "free_trial", True, days_left=14, free_trial_end="2027-01-29T00:00:00Z"),
        lic("trial-sooner", "free_trial", True, days_left=3, free_trial_end="2027-01-18T00:00:00Z"),
        lic("trial-later", "free_trial", True, days_left=15),
        lic("ended", "free_trial", False, days_left=0, free_trial_end="2027-01-01T00:00:00Z"),
        lic("unlicensed", "none", False),
        lic("onprem", "unknown", None,
            reason="backup is not activated and the working environment runs on no cloud: set provider"),
    ]
    result = report([], licenses={"licenses": entries, "invalid": ["ended", "unlicensed"]}, trial_warning_days=14)
    licenses = result["licenses"]
    assert licenses["valid"] == 5
    assert licenses["invalid"] == [
        {"we": "ended", "we_id": "we-ended", "type": "free_trial", "reason": "free trial ended 2027-01-01T00:00:00Z"},
        {"we": "unlicensed", "we_id": "we-unlicensed", "type": "none", "reason": "not licensed"},
    ]
    assert [(t["we"], t["days_left"]) for t in licenses["trials_ending"]] == [("trial-sooner", 3), ("trial-soon", 14)]
    # Said in plain words, not in the module's option names.
    assert licenses["unknown"] == [{"we": "onprem", "we_id": "we-onprem", "reason": (
        "provider unknown: backup is not active and it runs on premises, so there is no cloud license to ask "
        "about until backup is activated")}]
    totals = result["totals"]
    assert (totals["license_valid"], totals["license_invalid"], totals["trials_ending"], totals["license_unknown"]) == (5, 2, 2, 1)
    assert result["problems"]["license"] == 4
    assert result["status"] == "attention"


def test_trial_warning_can_be_turned_off():
    entries = [lic("trial", "free_trial", True, days_left=1)]
    assert report([], licenses=entries, trial_warning_days=-1)["licenses"]["trials_ending"] == []


# ---------------------------------------------------------------------------------------------
# The whole report


def test_all_clear():
    fleet = [we("a", [volume("v1", age_hours=2), volume("v2", age_hours=20)])]
    result = report(fleet, licenses=[lic("a", "byol", True)], standard=STANDARD, rpo_hours=24)
    assert result["status"] == "ok"
    assert result["problems"] == {"rpo": 0, "drift": 0, "unprotected": 0, "license": 0, "failed": 0,
                                  "ransomware": 0}
    assert result["rpo_hours"] == 24.0
    assert result["trial_warning_days"] == 14
    assert result["generated_at"] == iso_utc(NOW, unit="s")


def test_the_filter_is_registered_and_wraps_errors():
    filters = pr.FilterModule().filters()
    assert filters["protection_report"]([], now=NOW)["status"] == "ok"
    with pytest.raises(AnsibleFilterError, match="protection_report: rpo_hours"):
        filters["protection_report"]([], rpo_hours=0)
    with pytest.raises(AnsibleFilterError, match="registered result or a list"):
        filters["protection_report"]("not a fleet")


# ---------------------------------------------------------------------------------------------
# Awaiting the first backup, failed backups, ransomware verdicts, DataLock and archive


def job(we_id: str, volumes: dict[str, str] | None, status: str = "COMPLETED", hours_ago: float = 0.5,
        job_type: str = "backup-volumes", error: str = "") -> dict[str, Any]:
    """A job as job_info returns it; `volumes` maps volume IDs to their per-volume result."""
    record: dict[str, Any] = {"id": "job-{0}-{1}".format(we_id, hours_ago), "working_environment_id": we_id,
                              "type": job_type, "status": status, "error": error,
                              "time": int(NOW * 1000 - hours_ago * HOUR_MS)}
    if volumes is not None:
        record["data"] = {"multi_volume_backup": {"volume": [
            {"id": vid, "status": result, "error": error if result == "FAILED" else ""}
            for vid, result in volumes.items()]}}
    return record


def test_volume_protected_within_one_rpo_awaits_its_first_backup():
    fleet = [we("a", [volume("new", age_hours=None), volume("old", age_hours=None), volume("done", age_hours=2)])]
    jobs = {"jobs": [job("we-a", {"fs-new": "SUCCESS"}, hours_ago=0.1),
                     job("we-a", {"fs-old": "SUCCESS"}, hours_ago=30)]}
    result = report(fleet, jobs=jobs, rpo_hours=24)
    rows = {row["volume"]: row for row in result["volumes"]}
    assert rows["new"]["awaiting_first_backup"] is True and rows["new"]["rpo_met"] is None
    assert rows["new"]["protected_at"] == iso_utc(NOW - 360, unit="s")
    # Protected longer than one RPO ago and still without a backup: a miss.
    assert rows["old"]["awaiting_first_backup"] is False and rows["old"]["rpo_met"] is False
    assert result["totals"]["awaiting_first_backup"] == 1
    assert result["totals"]["rpo_missed"] == 1 and result["totals"]["no_backup"] == 1
    assert [r["volume"] for r in result["rpo_missed"]] == ["old"]
    assert [r["volume"] for r in result["awaiting_first_backup"]] == ["new"]
    assert result["coverage"][0]["awaiting_first_backup"] == 1 and result["coverage"][0]["rpo_missed"] == 1


def test_awaiting_boundary_and_unknown_protection_time():
    fleet = [we("a", [volume("edge", age_hours=None)]), we("b", [volume("unknown", age_hours=None)])]
    result = report(fleet, jobs=[job("we-a", {"fs-edge": "SUCCESS"}, hours_ago=24)], rpo_hours=24)
    rows = {row["volume"]: row for row in result["volumes"]}
    # Exactly one RPO after protection the first backup is still not late, as a backup that old still meets it.
    assert rows["edge"]["awaiting_first_backup"] is True
    # No job says when it was protected: it is judged as before, a miss.
    assert rows["unknown"]["rpo_met"] is False and rows["unknown"]["protected_at"] is None


def test_activation_job_without_volumes_counts_for_every_volume_of_its_environment():
    fleet = [we("a", [volume("v1", age_hours=None), volume("v2", age_hours=None)]), we("b", [volume("v3", age_hours=None)])]
    jobs = [job("we-a", None, job_type="backup-working-environment", hours_ago=1),
            # A failed activation protects nothing; a job of another kind says nothing of protection.
            job("we-b", None, job_type="backup-working-environment", status="FAILED", hours_ago=1),
            job("we-b", None, job_type="restore-volume", hours_ago=1)]
    result = report(fleet, jobs=jobs)
    assert {r["volume"]: r["awaiting_first_backup"] for r in result["volumes"]} == {"v1": True, "v2": True, "v3": False}


def test_the_emulators_clock_decides_awaiting_then_missing():
    """The same volume, judged at the moment it is protected and again one RPO and a minute later."""
    fleet = [we("a", [volume("v", age_hours=None)])]
    jobs = [job("we-a", {"fs-v": "SUCCESS"}, hours_ago=0)]
    assert report(fleet, jobs=jobs, rpo_hours=6)["totals"]["awaiting_first_backup"] == 1
    later = report(fleet, jobs=jobs, rpo_hours=6, now=NOW + 6 * 3600 + 60)
    assert later["totals"]["awaiting_first_backup"] == 0 and later["totals"]["rpo_missed"] == 1


def test_newest_backup_failed():
    fleet = [we("a", [volume("failed", age_hours=5), volume("recovered", age_hours=1), volume("fine", age_hours=1)])]
    jobs = {"results": [{"jobs": [
        job("we-a", {"fs-failed": "FAILED", "fs-fine": "SUCCESS"}, status="FAILED", hours_ago=2,
            job_type="adhoc-backup", error="SnapMirror transfer failed"),
        # Failed before its newest backup: that backup succeeded since.
        job("we-a", {"fs-recovered": "FAILED"}, status="FAILED", hours_ago=3, error="timeout"),
    ]}]}
    result = report(fleet, jobs=jobs)
    rows = {row["volume"]: row for row in result["volumes"]}
    assert rows["failed"]["last_backup_failed"] is True
    assert rows["failed"]["last_failure"] == {"time": iso_utc(NOW - 7200, unit="s"),
                                              "error": "SnapMirror transfer failed", "job_id": "job-we-a-2"}
    assert rows["recovered"]["last_backup_failed"] is False and rows["fine"]["last_backup_failed"] is False
    assert [r["volume"] for r in result["backup_failed"]] == ["failed"]
    assert result["totals"]["backup_failed"] == 1 and result["problems"]["failed"] == 1
    assert result["status"] == "attention"


def test_failed_count_of_bluexp_counts_when_the_jobs_no_longer_show_them():
    fleet = [dict(we("a", [volume("v1"), volume("v2")]), backup={"enabled": True, "failed_backup_volume_count": "2"})]
    result = report(fleet)
    assert result["coverage"][0]["backup_failed"] == 2 and result["coverage"][0]["backup_failed_listed"] == 0
    assert result["totals"]["backup_failed"] == 2


def test_ransomware_verdicts_datalock_and_archive():
    infected = volume("infected", object_lock="GOVERNANCE")
    infected["backup"].update(ransomware_scan_status="RANSOMWARE_DETECTED", last_ransomware_scan=int(NOW * 1000),
                              ransomware_detected_snapshots=[{"snapshot_id": "s1"}])
    clean = volume("clean", object_lock="GOVERNANCE", policy={"name": "Arch", "rule": DAILY_30["rule"],
                                                              "archive_after_days": "30"})
    clean["backup"].update(ransomware_scan_status="PROTECTED")
    plain = volume("plain")
    result = report([we("a", [infected, clean, plain])])
    rows = {row["volume"]: row for row in result["volumes"]}
    assert rows["infected"]["ransomware_scan_status"] == "RANSOMWARE_DETECTED"
    assert rows["infected"]["ransomware_detected_snapshots"] == 1
    assert rows["infected"]["last_ransomware_scan"] == iso_utc(NOW, unit="s")
    assert rows["plain"]["ransomware_scan_status"] is None  # never scanned: no verdict
    assert rows["clean"]["archive_after_days"] == 30 and rows["plain"]["archive_after_days"] is None
    cover = result["coverage"][0]
    assert cover["ransomware"] == {"PROTECTED": 1, "RANSOMWARE_DETECTED": 1}
    assert cover["datalock"] == {"GOVERNANCE": 2, "NONE": 1} and cover["datalock_protected"] == 2
    assert cover["archiving"] == 1
    assert [r["volume"] for r in result["ransomware"]] == ["infected"]
    assert result["totals"]["ransomware_detected"] == 1 and result["totals"]["ransomware_scanned"] == 2
    assert result["problems"]["ransomware"] == 1


def test_license_state_per_working_environment():
    fleet = [we("a", [volume("v")]), we("b", [volume("v")]), we("c", [volume("v")])]
    licenses = [lic("a", "free_trial", True, days_left=9),
                lic("b", "unknown", None, reason="backup is not activated and the working environment runs on no "
                                                 "cloud: set provider")]
    states = {c["name"]: c["license"] for c in report(fleet, licenses=licenses)["coverage"]}
    assert states["a"] == "valid, free trial, 9 days left"
    assert states["b"].startswith("not checked: provider unknown")
    assert states["c"] == "not read"


def test_every_working_environment_has_its_own_anchor():
    fleet = [dict(we("a", []), id="VsaWorkingEnvironment-1<x>"), we("b", [])]
    anchors = [c["anchor"] for c in report(fleet)["coverage"]]
    assert anchors == ["we-VsaWorkingEnvironment-1-x", "we-we-b"]


# ---------------------------------------------------------------------------------------------
# History


def test_history_appends_this_runs_snapshot_to_the_earlier_ones():
    earlier = "\n".join([
        json.dumps({"generated_at": "2027-01-02T00:00:00Z", "protected": 1, "volumes": 2, "rpo_missed": 1}),
        "not json, a torn line",
        json.dumps({"generated_at": "2027-01-01T00:00:00Z", "protected": 0, "volumes": 2, "rpo_missed": 0}),
        "",
    ])
    fleet = [we("a", [volume("v1", age_hours=30), volume("v2", age_hours=None)])]
    result = report(fleet, history=earlier, jobs=[job("we-a", {"fs-v2": "SUCCESS"}, hours_ago=1)])
    snapshot = result["snapshot"]
    assert snapshot == {"generated_at": iso_utc(NOW, unit="s"), "protected": 2, "volumes": 2,
                        "percent_protected": 100.0, "rpo_missed": 1, "awaiting_first_backup": 1, "backup_failed": 0,
                        "unprotected": 0, "ransomware_detected": 0,
                        "working_environments": {"a": {"protected": 2, "total": 2, "rpo_missed": 1,
                                                       "awaiting_first_backup": 1, "backup_failed": 0}}}
    assert [h["generated_at"] for h in result["history"]] == ["2027-01-01T00:00:00Z", "2027-01-02T00:00:00Z",
                                                              snapshot["generated_at"]]
    assert result["history"][-1] == snapshot
    # The snapshot is one line of JSON, as the role appends it.
    assert "\n" not in json.dumps(snapshot)


def test_history_is_limited_and_optional():
    earlier = [{"generated_at": "2027-01-0{0}T00:00:00Z".format(day), "protected": day} for day in range(1, 6)]
    result = report([], history=earlier, history_limit=3)
    assert [h.get("protected") for h in result["history"]] == [4, 5, 0]
    assert report([])["history"] == [report([])["snapshot"]]
