# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""IDs become path segments: an ID that would change the route is refused, naming the option,
before any request (an empty job ID used to read the job list and return an unrelated job)."""

from __future__ import annotations

import pytest

BAD_IDS = ["", " ", ".", "..", "a/b", "nul\x00byte", "line\nbreak", " padded"]

CASES = [
    ("job_info", lambda bad: {"job_ids": [bad]}, "job_ids[0]"),
    ("job_info", lambda bad: {"job_ids": ["job-1", bad], "wait": True}, "job_ids[1]"),
    ("working_environment_info", lambda bad: {"working_environment_ids": [bad]}, "working_environment_ids[0]"),
    ("license_info", lambda bad: {"working_environment_ids": [bad]}, "working_environment_ids[0]"),
    ("backup_info", lambda bad: {"working_environment_id": bad}, "working_environment_id"),
    ("working_environment_info", lambda bad: {"fleet": [{"account_id": "acc", "connector_id": "c",
                                                         "working_environment_ids": ["we", bad]}]},
     "fleet[0].working_environment_ids[1]"),
    ("backup_info", lambda bad: {"working_environment_name": "any", "account_id": bad}, "account_id"),
    ("backup_info", lambda bad: {"working_environment_name": "any", "connector_id": bad}, "connector_id"),
]


@pytest.mark.parametrize("bad", BAD_IDS, ids=repr)
@pytest.mark.parametrize("module, options, option", CASES, ids=[case[2] + "@" + case[0] for case in CASES])
def test_an_id_that_would_change_the_route_is_refused_naming_the_option(emulator, module, options, option, bad):
    emulator.clear_requests()
    result = emulator.run_fail(module, **options(bad))
    assert emulator.requests() == []
    if "embedded null character" in result["msg"]:
        # ansible-core 2.21 logs the invocation to syslog before the module's own code runs, and a
        # NUL in a string option fails there (docs/resilience.md, ansible-core limitations).
        return
    assert result["error_code"] == "invalid_option"
    assert result["msg"].startswith(option + " ")
