# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible_collections.bluexp.cloud_backup.plugins.module_utils._answers import (
    NUMBER,
    Answer,
    Fields,
    read,
    read_if_found,
)
from ansible_collections.bluexp.cloud_backup.plugins.module_utils._errors import UnexpectedAnswerError
from ansible_collections.bluexp.cloud_backup.tests.unit.plugins.fakes import cbs_path, reply

PATH = "/account/a/providers/cloudmanager_cbs/api/v1/job"
JOB = Fields(required={"id": str, "status": str}, optional={"time": NUMBER, "data": Fields(optional={
    "volume": [Fields(optional={"id": str})]})})


def problem(body, check):
    with pytest.raises(UnexpectedAnswerError) as info:
        check(Answer("GET", PATH, body))
    prefix = "GET {0} answered with an unexpected shape: ".format(PATH)
    assert info.value.msg.startswith(prefix) and info.value.msg.endswith(".")
    assert info.value.to_result() == {"msg": info.value.msg, "error_code": "unexpected_answer", "method": "GET",
                                      "path": PATH}
    return info.value.msg[len(prefix):-1]


@pytest.mark.parametrize("body, expected", [
    ([], "expected an object with a list under 'job', got a list"),
    ("down", "expected an object with a list under 'job', got a string"),
    (None, "expected an object with a list under 'job', got an empty answer or null"),
    ({}, "expected a list at 'job', got no such field"),
    ({"job": None}, "expected a list at 'job', got null"),
    ({"job": {"id": "j1"}}, "expected a list at 'job', got an object"),
    ({"job": ["j1"]}, "expected an object at 'job[0]', got a string"),
    ({"job": [{"status": "PENDING"}]}, "expected a string at 'job[0].id', got no such field"),
    ({"job": [{"id": "j1", "status": None}]}, "expected a string at 'job[0].status', got null"),
    ({"job": [{"id": 7, "status": "PENDING"}]}, "expected a string at 'job[0].id', got a number"),
    ({"job": [{"id": "j1", "status": "PENDING", "time": True}]}, "expected a number at 'job[0].time', got a boolean"),
    ({"job": [{"id": "j1", "status": "PENDING", "data": {"volume": [{"id": "v1"}, {"id": ["v2"]}]}}]},
     "expected a string at 'job[0].data.volume[1].id', got a list"),
])
def test_what_was_expected_where_and_what_came(body, expected):
    assert problem(body, lambda answer: answer.items("job", JOB)) == expected


def test_optional_fields_may_be_missing_or_null_and_other_fields_are_not_looked_at():
    jobs = [{"id": "j1", "status": "PENDING"}, {"id": "j2", "status": "COMPLETED", "time": None, "data": None},
            {"id": "j3", "status": "FAILED", "time": 1.5, "error": {"any": "thing"}, "data": {"volume": []}}]
    assert Answer("GET", PATH, {"job": jobs}).items("job", JOB) == jobs


def test_an_empty_list_is_an_answer():
    assert Answer("GET", PATH, {"job": []}).items("job", JOB) == []
    assert Answer("GET", PATH, []).objects() == []


def test_a_bare_list_and_an_object():
    assert problem({"accounts": []}, lambda answer: answer.objects()) == "expected a list, got an object"
    assert problem([{"id": "a"}, 3], lambda answer: answer.objects()) == "expected an object at '[1]', got a number"
    assert problem([], lambda answer: answer.object()) == "expected an object, got a list"
    assert problem(None, lambda answer: answer.object()) == "expected an object, got an empty answer or null"


def test_object_values_of_any_kind():
    assert Answer("GET", PATH, {"key": ["a", {"b": 1}, 2]}).items("key", object) == ["a", {"b": 1}, 2]


def test_an_empty_write_answer_may_say_nothing_but_not_something_else():
    shape = Fields(optional={"state": str})
    assert Answer("POST", PATH, None).object(shape, empty_ok=True) == {}
    assert problem("created", lambda answer: answer.object(shape, empty_ok=True)) == "expected an object, got a string"


def test_the_path_is_worked_out_only_for_an_error():
    def path():
        raise AssertionError("the path is not needed")

    assert Answer("GET", path, {"job": []}).items("job") == []
    with pytest.raises(UnexpectedAnswerError, match="GET /late answered"):
        Answer("GET", lambda: "/late", {}).items("job")


def test_read_names_the_request_by_its_path_without_the_query(make_client, fake):
    fake.add("GET", cbs_path("v1", "job"), reply(200, {"jobs": []}))
    with pytest.raises(UnexpectedAnswerError) as info:
        read(make_client(), "GET", "v1", "job", query={"status": "FAILED"}).items("job")
    assert info.value.path == cbs_path("v1", "job") and "?" not in info.value.msg


def test_read_if_found_tells_a_404_from_a_null(make_client, fake):
    fake.add("GET", cbs_path("v1", "job", "gone"), reply(404, {"message": "no such job"}))
    fake.add("GET", cbs_path("v1", "job", "null"), reply(200, raw=b"null"))
    client = make_client()
    assert read_if_found(client, "GET", "v1", "job", "gone") is None
    answer = read_if_found(client, "GET", "v1", "job", "null")
    assert answer is not None and answer.body is None
    with pytest.raises(UnexpectedAnswerError):
        answer.items("job")
