# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Backup policies of a WE: create, update (v1 by name, v2 with policyName), delete (4.x, by id)."""
from __future__ import annotations

from typing import Any

import pytest

from backup_flow import WE_V1, Flow, manual
from bluexp_emulator.core.spec import FALLBACK, Spec
from bluexp_emulator.services.cbs.urls import PREFIX
from emulator_client import assert_shape

POLICIES = "/api/v1/working-environment/{we}/backup-policy"
POLICY_V1 = POLICIES + "/{name}"
POLICY_V2 = "/api/v2/working-environment/{we}/backup-policy"
TEMPLATE = PREFIX + POLICIES.replace("{we}", "{workingEnvironmentId}")
pytestmark = manual()


def _policies(flow: Flow, we_id: str) -> dict[str, dict[str, Any]]:
    return {p["name"]: p for p in flow.ok("GET", POLICIES, we=we_id)["backup-policy"]}


def test_create_update_and_list(flow: Flow, spec: Spec) -> None:
    we = flow.we("AWS")
    body = flow.ok("POST", POLICIES, {"name": "silver", "rule": [{"label": "daily", "retention": 14},
                                                                 {"label": "weekly", "retention": "4"}]}, we=we.id)
    assert body == {"name": "silver"}
    assert_shape(spec, "POST", TEMPLATE, body)
    listed = flow.ok("GET", POLICIES, we=we.id)
    assert_shape(spec, "GET", TEMPLATE, listed, closed=False)
    assert_shape(spec, "GET", TEMPLATE, listed, source=FALLBACK)  # ids are a 4.x field
    silver = _policies(flow, we.id)["silver"]
    assert silver["rule"] == [{"label": "daily", "retention": "14"}, {"label": "weekly", "retention": "4"}]
    assert silver["attached-volumes-count"] == "0" and silver["object-lock"] == "NONE" and silver["id"]

    updated = flow.ok("PUT", POLICY_V1, {"rule": [{"label": "daily", "retention": "21"}], "archive-after-days": 60},
                      we=we.id, name="silver")
    assert updated == {"name": "silver"}
    silver = _policies(flow, we.id)["silver"]
    assert silver["rule"] == [{"label": "daily", "retention": "21"}] and silver["archive-after-days"] == "60"
    flow.ok("PUT", POLICY_V2, {"policyName": "silver", "rule": [{"label": "daily", "retention": 21}],
                               "archive-after-days": "never"}, we=we.id)
    assert "archive-after-days" not in _policies(flow, we.id)["silver"]
    assert flow.backup_view(we)["backup-policy-count"] == str(len(we.policies))


def test_name_is_unique_per_working_environment(flow: Flow) -> None:
    we = flow.we("AWS")
    rule = {"rule": [{"label": "daily", "retention": 7}]}
    flow.ok("POST", POLICIES, {"name": "dup", **rule}, we=we.id)
    result = flow.call("POST", POLICIES, {"name": "dup", **rule}, we=we.id)
    assert result.status == 400 and "a backup policy named 'dup' already exists" in result.body["message"]
    flow.ok("POST", POLICIES, {"name": "dup", **rule}, we=flow.we("GCP").id)  # another WE: fine


def test_name_defaults_to_the_rules(flow: Flow) -> None:
    we = flow.we("AWS")
    rules = [{"label": "hourly", "retention": 24}, {"label": "daily", "retention": 7}]
    body = flow.ok("POST", POLICIES, {"rule": rules, "archive-after-days": "30"}, we=we.id)
    assert body == {"name": "Hourly-24 Daily-7 Archive-30"}


@pytest.mark.parametrize("rules,message", [
    ([{"label": "daily", "retention": 0}], "rule[0].retention: must be at least 1"),
    ([{"label": "daily", "retention": "x"}], "rule[0].retention: 'x' is not a whole number"),
    ([{"label": "daily", "retention": 1000}, {"label": "weekly", "retention": 19}],
     "rule: the rules retain 1019 backups; at most 1018 are allowed"),
    ([{"label": "daily", "retention": 1}, {"label": "daily", "retention": 2}], "rule[1].label: 'daily' appears more"),
    ([{"label": "bad label!", "retention": 1}], "rule[0].label: 'bad label!' is not a SnapMirror label"),
    ([], "rule: at least one rule is required"),
])
def test_rule_limits(flow: Flow, rules: list[dict[str, Any]], message: str) -> None:
    result = flow.call("POST", POLICIES, {"name": "p", "rule": rules}, we=flow.we("AWS").id)
    assert result.status == 400 and message in result.body["message"]


def test_retention_up_to_1018_and_custom_labels_are_accepted(flow: Flow) -> None:
    we = flow.we("AWS")
    flow.ok("POST", POLICIES, {"name": "max", "rule": [{"label": "daily", "retention": 1000},
                                                       {"label": "my_label", "retention": "18"}]}, we=we.id)


def test_datalock_is_only_set_at_activation(flow: Flow) -> None:
    we = flow.we("AWS")
    locked = {"name": "l", "rule": [{"label": "daily", "retention": 7}], "object-lock": "COMPLIANCE"}
    result = flow.call("POST", POLICIES, locked, we=we.id)
    assert result.status == 400 and "object-lock: DataLock can only be set when backup is activated" in \
        result.body["message"]
    flow.activate(we, **{"backup-policy": {"name": "base", "rule": [{"label": "daily", "retention": 7}],
                                           "object-lock": "COMPLIANCE"}})
    flow.ok("POST", POLICIES, locked, we=we.id)  # the WE's own lock may be repeated
    inherits = flow.ok("POST", POLICIES, {"name": "plain", "rule": [{"label": "weekly", "retention": 2}]}, we=we.id)
    assert _policies(flow, we.id)[inherits["name"]]["object-lock"] == "COMPLIANCE"
    archive = flow.call("PUT", POLICY_V1, {"rule": [{"label": "daily", "retention": 7}], "archive-after-days": 30},
                        we=we.id, name="plain")
    assert archive.status == 400 and "archiving cannot be combined with DataLock" in archive.body["message"]


def test_attached_volume_counts_follow_the_volumes(flow: Flow) -> None:
    we = flow.we("AZURE")
    flow.activate(we, **{"backup-policy": {"name": "a", "rule": [{"label": "daily", "retention": 7}]}})
    flow.ok("POST", POLICIES, {"name": "b", "rule": [{"label": "weekly", "retention": 4}]}, we=we.id)
    first, second = flow.eligible(we)[:2]
    flow.ok("POST", WE_V1 + "/volume/{vol}", {"backup-policy-name": "b"}, we=we.id, vol=first.file_system_id)
    flow.ok("POST", WE_V1 + "/volume/{vol}", {}, we=we.id, vol=second.file_system_id)
    counts = {name: p["attached-volumes-count"] for name, p in _policies(flow, we.id).items()}
    assert counts["a"] == "1" and counts["b"] == "1"
    flow.ok("PUT", WE_V1 + "/volume/{vol}", {"backup-policy": {"name": "a"}}, we=we.id, vol=first.file_system_id)
    counts = {name: p["attached-volumes-count"] for name, p in _policies(flow, we.id).items()}
    assert counts["a"] == "2" and counts["b"] == "0"


def test_delete_by_id_unless_in_use(flow: Flow, spec: Spec) -> None:
    we = flow.we("GCP")
    flow.activate(we, **{"backup-policy": {"name": "default", "rule": [{"label": "daily", "retention": 7}]}})
    flow.ok("POST", POLICIES, {"name": "spare", "rule": [{"label": "weekly", "retention": 4}]}, we=we.id)
    ids = {name: p["id"] for name, p in _policies(flow, we.id).items()}
    in_use = flow.call("DELETE", POLICY_V1, we=we.id, name=ids["default"])
    assert in_use.status == 400 and "is the default policy" in in_use.body["message"]
    body = flow.ok("DELETE", POLICY_V1, we=we.id, name=ids["spare"])
    assert_shape(spec, "DELETE", TEMPLATE + "/{policyId}", body)
    assert "spare" not in _policies(flow, we.id)
    assert flow.call("DELETE", POLICY_V1, we=we.id, name=ids["spare"]).status == 404


def test_unknown_policy_is_404(flow: Flow) -> None:
    we = flow.we("AWS")
    result = flow.call("PUT", POLICY_V1, {"rule": [{"label": "daily", "retention": 1}]}, we=we.id, name="ghost")
    assert result.status == 404
    assert result.body["message"] == f"Backup policy ghost not found in working environment {we.id}"
    assert flow.call("PUT", POLICY_V2, {"policyName": "ghost", "rule": [{"label": "daily", "retention": 1}]},
                     we=we.id).status == 404


def test_inline_policy_with_an_existing_name_revises_it(flow: Flow) -> None:
    we = flow.we("AWS")
    flow.activate(we, **{"backup-policy": {"name": "gold", "rule": [{"label": "daily", "retention": 7}]}})
    job = flow.finish(flow.call("PUT", "/api/v2/backup/working-environment/{we}", {"backup-policy": {
        "name": "gold", "rule": [{"label": "daily", "retention": 14}, {"label": "weekly", "retention": 4}]}}, we=we.id))
    assert job["status"] == "COMPLETED"
    gold = _policies(flow, we.id)["gold"]
    assert gold["rule"] == [{"label": "daily", "retention": "14"}, {"label": "weekly", "retention": "4"}]
    assert flow.backup_view(we)["backup-policy"]["rule"] == gold["rule"]
