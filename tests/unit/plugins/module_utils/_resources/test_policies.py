# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import (
    ConfigurationError,
    UnexpectedAnswerError,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._resources import policies
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

LIST = cbs_path("v1", "working-environment", "we-1", "backup-policy")


def rules(**retentions):
    return [{"label": label, "retention": value} for label, value in retentions.items()]


# --- reading --------------------------------------------------------------------------------------

@pytest.mark.parametrize("answer, expected", [
    (reply(200, {"backup-policy": [{"name": "a"}, {"name": "b"}]}), ["a", "b"]),
    (reply(200, {"backup-policy": []}), []),
])
def test_list_policies(make_client, fake, answer, expected):
    fake.add("GET", LIST, answer)
    assert [p["name"] for p in policies.list_policies(make_client(), "we-1")] == expected


@pytest.mark.parametrize("answer", [reply(200, {}), reply(200), reply(200, {"backup-policy": "Gold"}),
                                    reply(200, {"backup-policy": [{"name": "Gold", "rule": "daily"}]})])
def test_a_policy_list_of_another_shape_is_no_empty_list(make_client, fake, answer):
    fake.add("GET", LIST, answer)
    with pytest.raises(UnexpectedAnswerError, match="backup-policy answered with an unexpected shape"):
        policies.list_policies(make_client(), "we-1")


def test_find_by_exact_name(make_client, fake):
    fake.add("GET", LIST, reply(200, {"backup-policy": [{"name": "Gold"}, {"name": "gold", "id": "p2"}]}))
    client = make_client()
    assert policies.find(client, "we-1", "gold")["id"] == "p2"
    assert policies.find(client, "we-1", "silver") is None


def test_view_of_none_is_none():
    assert policies.view(None) is None


def test_view_puts_the_api_record_in_one_form():
    record = {"name": "gold", "id": "p1", "rule": rules(weekly="12", daily="30"), "archive-after-days": "90",
              "object-lock": "GOVERNANCE", "attached-volumes-count": "4", "transfer-schedule": {"x": 1}}
    assert policies.view(record) == {"name": "gold", "id": "p1",
                                     "rules": [{"label": "daily", "retention": 30}, {"label": "weekly", "retention": 12}],
                                     "archive_after_days": 90, "object_lock": "GOVERNANCE",
                                     "attached_volumes_count": 4}


@pytest.mark.parametrize("archive, expected", [(None, None), ("", None), ("never", None), ("Never", None),
                                               ("0", None), (0, None), ("90", 90), (90, 90), ("90.0", 90)])
def test_view_archive_never_is_none(archive, expected):
    record = {"name": "p", "rule": []}
    if archive is not None:
        record["archive-after-days"] = archive
    assert policies.view(record)["archive_after_days"] == expected


def test_view_defaults_of_a_2_0_6_record():
    view = policies.view({"name": "p", "rule": rules(daily="7")})
    assert view["id"] is None and view["object_lock"] == "NONE" and view["attached_volumes_count"] is None


def test_view_keeps_labels_as_the_api_spells_them():
    view = policies.view({"name": "p", "rule": rules(Daily="7", daily="3")})
    assert view["rules"] == [{"label": "Daily", "retention": 7}, {"label": "daily", "retention": 3}]


def test_view_of_a_module_answer_equals_the_view_of_the_api_record():
    api = {"name": "gold", "id": "p1", "rule": rules(daily="30"), "archive-after-days": "90",
           "object-lock": "governance", "attached-volumes-count": "2"}
    snake = {"name": "gold", "id": "p1", "rule": rules(daily=30), "archive_after_days": 90,
             "object_lock": "GOVERNANCE", "attached_volumes_count": 2}
    own = {("rules" if key == "rule" else key): value for key, value in snake.items()}
    assert policies.view(api) == policies.view(snake) == policies.view(own)
    assert policies.view(policies.view(api)) == policies.view(api)


@pytest.mark.parametrize("record, around, expected", [
    ({"name": "p"}, "COMPLIANCE", "COMPLIANCE"),
    ({"name": "p", "object-lock": "GOVERNANCE"}, "COMPLIANCE", "GOVERNANCE"),
    ({"name": "p"}, None, "NONE"),
])
def test_view_object_lock_of_an_embedded_policy_comes_from_the_record_around_it(record, around, expected):
    assert policies.view(record, object_lock=around)["object_lock"] == expected


# --- validation -----------------------------------------------------------------------------------

@pytest.mark.parametrize("rule_list, archive, lock", [
    (None, None, None),
    (rules(daily=1), None, None),
    (rules(daily=1018), None, None),
    (rules(daily=1000, weekly=18), None, None),
    (rules(daily=30), "never", "GOVERNANCE"),
    (rules(daily=30), "90", "NONE"),
    (rules(daily=30), "1", None),
    (None, "never", None),
    (rules(daily=30), None, "COMPLIANCE"),
])
def test_valid_input(rule_list, archive, lock):
    policies.validate(rule_list, archive, lock)


@pytest.mark.parametrize("rule_list, archive, lock, option, text", [
    ([], None, None, "rules", "at least one rule"),
    (rules(daily=0), None, None, "rules", "'daily' must be between 1 and 1018, got 0"),
    (rules(daily=1019), None, None, "rules", "got 1019"),
    (rules(daily=509, weekly=510), None, None, "rules", "add up to 1019"),
    ([{"label": "daily", "retention": 1}, {"label": "weekly", "retention": 1}, {"label": "daily", "retention": 2},
      {"label": "weekly", "retention": 3}], None, None, "rules", "daily, weekly appears more than once"),
    (rules(daily=30), "ninety", None, "archive_after_days", "'ninety'"),
    (rules(daily=30), "0", None, "archive_after_days", "at least 1"),
    (rules(daily=30), "-5", None, "archive_after_days", "at least 1"),
    (rules(daily=30), "30", "GOVERNANCE", "object_lock", "DataLock"),
    (None, "30", "COMPLIANCE", "object_lock", "DataLock"),
])
def test_invalid_input_names_the_option(rule_list, archive, lock, option, text):
    with pytest.raises(ConfigurationError) as info:
        policies.validate(rule_list, archive, lock)
    assert info.value.details["option"] == option
    assert info.value.msg.startswith(option)
    assert text in info.value.msg


def test_duplicates_are_found_before_retention_limits():
    with pytest.raises(ConfigurationError) as info:
        policies.validate([{"label": "daily", "retention": 0}, {"label": "daily", "retention": 5000}], None, None)
    assert "more than once" in info.value.msg


# --- writes ---------------------------------------------------------------------------------------

def test_wire_rules_are_sorted_strings():
    assert policies.wire_rules(rules(weekly=12, daily=30)) == [{"label": "daily", "retention": "30"},
                                                               {"label": "weekly", "retention": "12"}]


@pytest.mark.parametrize("archive, lock, extra", [
    (None, None, {}),
    ("90", None, {"archive-after-days": "90"}),
    (90, None, {"archive-after-days": "90"}),
    ("never", None, {}),
    (None, "COMPLIANCE", {"object-lock": "COMPLIANCE"}),
    (None, "NONE", {"object-lock": "NONE"}),
])
def test_create_sends_the_v1_post_body(make_client, fake, archive, lock, extra):
    fake.add("POST", LIST, reply(200, {"name": "gold"}))
    policies.create(make_client(), "we-1", "gold", rules(weekly=12, daily=30), archive, lock)
    [call] = fake.calls
    expected = {"name": "gold", "rule": [{"label": "daily", "retention": "30"}, {"label": "weekly", "retention": "12"}]}
    expected.update(extra)
    assert (call.method, call.path, call.body) == ("POST", LIST, expected)


@pytest.mark.parametrize("archive, extra", [
    (None, {}),
    ("90", {"archive-after-days": "90"}),
    ("never", {"archive-after-days": "never"}),
])
def test_update_sends_the_v2_put_body_with_policy_name(make_client, fake, archive, extra):
    path = cbs_path("v2", "working-environment", "we-1", "backup-policy")
    fake.add("PUT", path, reply(200, {"name": "gold"}))
    policies.update(make_client(), "we-1", "gold", rules(daily="7"), archive)
    [call] = fake.calls
    expected = {"policyName": "gold", "rule": [{"label": "daily", "retention": "7"}]}
    expected.update(extra)
    assert (call.method, call.path, call.body) == ("PUT", path, expected)


def test_delete_by_id(make_client, fake):
    path = cbs_path("v1", "working-environment", "we-1", "backup-policy", "pol/1")
    fake.add("DELETE", path, reply(200))
    policies.delete(make_client(), "we-1", "pol/1")
    assert [(c.method, c.path, c.body) for c in fake.calls] == [("DELETE", path, None)]
