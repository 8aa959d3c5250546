# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter import protection_plan as pp

GOLD = {"name": "gold", "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 13}]}
SILVER = {"name": "silver", "rules": [{"label": "daily", "retention": 7}]}
GOLD_AS_READ = {"name": "gold", "rule": [{"label": "weekly", "retention": "13"}, {"label": "daily", "retention": "30"}]}


def volume(name: str, protected_with: dict[str, Any] | None = None, status: str = "ON", **extra: Any) -> dict[str, Any]:
    """A volume as working_environment_info returns it with details=[volumes]."""
    backup: dict[str, Any] = {"protected": False, "backup_status": None}
    if protected_with is not None:
        backup = {"protected": True, "backup_status": status, "backup_policy": protected_with, "snapshot_count": 3}
    return dict({"name": name, "file_system_id": "fs-" + name, "svm": "svm1", "type": "rw", "backup": backup}, **extra)


def we(active: bool = True, default_policy: dict[str, Any] | None = None, volumes: list[Any] | None = None,
       **backup: Any) -> dict[str, Any]:
    status = {"backup_enablement_status": "ON", "enabled": True, "provider": "AWS", "max_transfer_rate": 0,
              "backup_policy": default_policy or GOLD_AS_READ} if active else {"enabled": False}
    status.update(backup)
    return {"id": "we-1", "name": "cluster", "provider": "AWS", "backup": status,
            "volumes": volumes if volumes is not None else [volume("vol_a", GOLD_AS_READ), volume("vol_b", GOLD_AS_READ)]}


def test_a_converged_working_environment_needs_nothing():
    plan = pp.protection_plan(we(), policies=[GOLD])
    assert plan["changes"] is False
    assert (plan["activate"], plan["policies"], plan["volumes"]) == (False, [], [])
    assert plan["policy"] == "gold" and [v["name"] for v in plan["selected"]] == ["vol_a", "vol_b"]


def test_not_active_activates_with_the_first_policy_and_protects_every_selected_volume():
    plan = pp.protection_plan(we(active=False, volumes=[volume("vol_a"), volume("vol_dp", type="dp")]),
                              policies=[GOLD, SILVER])
    assert plan["activate"] is True and plan["active"] is False
    assert [p["name"] for p in plan["policies"]] == ["silver"], "gold comes with the activation"
    assert plan["volumes"] == ["fs-vol_a"]
    assert [v["name"] for v in plan["skipped"]] == ["vol_dp"]


def test_a_policy_seen_only_on_the_volumes_is_known_with_its_rules():
    other_default = {"name": "default", "rule": [{"label": "daily", "retention": "1"}]}
    assert pp.protection_plan(we(default_policy=other_default), policies=[GOLD])["changes"] is False
    longer = dict(GOLD, rules=[{"label": "daily", "retention": 60}, {"label": "weekly", "retention": 13}])
    assert [p["name"] for p in pp.protection_plan(we(default_policy=other_default), policies=[longer])["policies"]] \
        == ["gold"]


def test_a_policy_the_read_does_not_show_goes_to_the_module():
    plan = pp.protection_plan(we(), policies=[GOLD, SILVER])
    assert [p["name"] for p in plan["policies"]] == ["silver"]
    assert plan["volumes"] == [], "the volumes are protected with the first policy already"


def test_a_declared_object_lock_is_never_confirmed_from_an_embedded_policy():
    locked = dict(GOLD, object_lock="GOVERNANCE")
    other_default = {"name": "default", "rule": [{"label": "daily", "retention": "1"}]}
    assert [p["name"] for p in pp.protection_plan(we(default_policy=other_default), policies=[locked])["policies"]] \
        == ["gold"]


def test_the_policy_list_when_read_is_the_authority():
    record = dict(we(), backup_policies=[{"name": "gold", "rule": GOLD_AS_READ["rule"], "object_lock": "NONE"},
                                         {"name": "silver", "rule": [{"label": "daily", "retention": "7"}]}])
    assert pp.protection_plan(record, policies=[GOLD, SILVER])["policies"] == []
    assert [p["name"] for p in pp.protection_plan(dict(record, backup_policies=[]), policies=[GOLD])["policies"]] \
        == ["gold"]


@pytest.mark.parametrize("volumes, state, expected", [
    ([volume("vol_a", GOLD_AS_READ), volume("vol_b")], "present", ["fs-vol_b"]),
    ([volume("vol_a", {"name": "bronze", "rule": []}), volume("vol_b", GOLD_AS_READ)], "present", ["fs-vol_a"]),
    ([volume("vol_a", GOLD_AS_READ, status="PAUSED"), volume("vol_b", GOLD_AS_READ)], "present", ["fs-vol_a"]),
    ([volume("vol_a", GOLD_AS_READ), volume("vol_b", GOLD_AS_READ, status="PAUSED")], "paused", ["fs-vol_a"]),
    # Pausing a volume that is not protected is an error the module reports: the volume goes to it.
    ([volume("vol_a"), volume("vol_b", GOLD_AS_READ, status="PAUSED")], "paused", ["fs-vol_a"]),
    ([volume("vol_a"), volume("vol_b", GOLD_AS_READ)], "absent", ["fs-vol_b"]),
], ids=["unprotected", "other policy", "paused then present", "pause", "pause unprotected", "absent"])
def test_volumes_follow_the_volume_backup_rule(volumes, state, expected):
    assert pp.protection_plan(we(volumes=volumes), policies=[GOLD], volume_state=state)["volumes"] == expected


def test_only_what_can_change_is_compared_once_active():
    assert pp.protection_plan(we(), policies=[GOLD], activation={"provider": "AWS", "region": "x"})["activate"] is False
    assert pp.protection_plan(we(), policies=[GOLD], activation={"max_transfer_rate": 0})["activate"] is False
    assert pp.protection_plan(we(), policies=[GOLD], activation={"max_transfer_rate": 100})["activate"] is True


def test_the_policy_defaults_to_the_working_environments_default():
    assert pp.protection_plan(we())["policy"] == "gold"
    assert pp.protection_plan(we(), policy="silver")["policy"] == "silver"
    assert pp.protection_plan(we(active=False), activation={"policy": {"name": "bronze"}})["policy"] == "bronze"


@pytest.mark.parametrize("value, kwargs, message", [
    ("not a dict", {}, "expected a working environment"),
    ({"id": "we-1"}, {}, "without its volumes"),
    (we(), {"activation": {"regoin": "x"}}, "activation: regoin is no option"),
    (we(), {"policies": [{"rules": []}]}, "policies: every policy needs a name"),
    (we(), {"volume_state": "gone"}, "volume_state"),
])
def test_bad_input_is_a_filter_error_naming_it(value, kwargs, message):
    plan = pp.FilterModule().filters()["protection_plan"]
    with pytest.raises(AnsibleFilterError, match="protection_plan: .*" + message):
        plan(value, **kwargs)


# --- the plan agrees with the modules --------------------------------------------------------------------

PROTECTION = {"policies": [{"name": "it-gold", "rules": [{"label": "daily", "retention": 14}]}]}


def modules_say(emulator, record, plan):
    """What backup_activation, backup_policy and volume_backup report in check mode, as the protect role calls them."""
    changed = {}
    we_id = record["id"]
    if record["backup"]["enabled"]:
        changed["activate"] = emulator.run_ok("backup_activation", working_environment_id=we_id,
                                              _ansible_check_mode=True)["changed"]
    changed["policies"] = [p["name"] for p in PROTECTION["policies"] if record["backup"]["enabled"]
                           if emulator.run_ok("backup_policy", working_environment_id=we_id, name=p["name"],
                                              rules=p["rules"], _ansible_check_mode=True)["changed"]]
    if record["backup"]["enabled"] and plan["selected"] and plan["policy"]:
        result = emulator.run_ok("volume_backup", working_environment_id=we_id, policy=plan["policy"],
                                 volumes=[v["file_system_id"] for v in plan["selected"]], _ansible_check_mode=True)
        changed["volumes"] = sorted(v["id"] for v in result["volumes"] if v["action"])
    return changed


@pytest.mark.emulator(fleet_size=12)
def test_the_plan_says_no_write_exactly_where_the_modules_report_no_change(emulator):
    """On every working environment of an emulated fleet (active or not, policies and protection as
    seeded), before and after converging one policy: the plan and the modules agree."""
    emulator.run_ok("backup_policy", working_environment_id=emulator.working_environments()[0]["id"],
                    **PROTECTION["policies"][0])
    fleet = emulator.run_ok("working_environment_info", details=["volumes"])["working_environments"]
    assert any(r["backup"]["enabled"] for r in fleet) and any(not r["backup"]["enabled"] for r in fleet)
    compared = {"volumes": 0, "policy_written": 0, "policy_kept": 0}
    for record in fleet:
        plan = pp.protection_plan(record, **PROTECTION)
        said = modules_say(emulator, record, plan)
        if "activate" in said:
            assert plan["activate"] == said["activate"], record["name"]
        if not record["backup"]["enabled"]:
            # The first policy comes with the activation; nothing else is planned before it.
            assert plan["activate"] and plan["policies"] == [], record["name"]
            continue
        # The plan may send a policy to the module to be sure, never skip one the module would change.
        assert set(said["policies"]) <= {p["name"] for p in plan["policies"]}, record["name"]
        compared["policy_written" if said["policies"] else "policy_kept"] += 1
        if plan["policy"]:
            assert sorted(plan["volumes"]) == said.get("volumes", []), record["name"]
            compared["volumes"] += 1
    # Not a vacuous agreement: both outcomes of the policy rule and several volume plans were compared.
    assert compared["volumes"] >= 3 and compared["policy_written"] and compared["policy_kept"], compared
