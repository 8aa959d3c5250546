# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

from typing import Any

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.sweep_scope import FilterModule, sweep_scope

NAMED = {"changed": False, "working_environments": [
    {"id": "we-on", "name": "prod-on", "backup": {"enabled": True}},
    {"id": "we-off", "name": "prod-off", "backup": {"enabled": False}},
    {"id": "we-on2", "name": "prod-on2", "backup": {"enabled": True}},
]}
# What register keeps of the working_environment_info task when no names are given.
SKIPPED = {"changed": False, "skipped": True, "skip_reason": "Conditional result was False"}
HOST = {"host_id": "we-host", "host_name": "host-name"}


@pytest.mark.parametrize("named, options, expected", [
    # Names first: the working environments named that have backup active, whatever else is set.
    (NAMED, dict(HOST, names=["prod-*"], working_environment_id="we-x"), {"by": "id", "targets": ["we-on", "we-on2"]}),
    (NAMED["working_environments"], {"names": ["*"]}, {"by": "id", "targets": ["we-on", "we-on2"]}),
    ({"working_environments": [NAMED["working_environments"][1]]}, {"names": ["prod-off"]}, {"by": "id", "targets": []}),
    # Then the role's own working environment, by ID, then by name.
    (SKIPPED, dict(HOST, working_environment_id="we-x", working_environment_name="x"), {"by": "id", "targets": ["we-x"]}),
    (SKIPPED, dict(HOST, working_environment_name="x"), {"by": "name", "targets": ["x"]}),
    # Then the inventory host's, unless its backup is not active.
    (SKIPPED, HOST, {"by": "id", "targets": ["we-host"]}),
    (SKIPPED, {"host_name": "host-name"}, {"by": "name", "targets": ["host-name"]}),
    (SKIPPED, dict(HOST, host_backup_enabled=False), {"by": "id", "targets": []}),
    (SKIPPED, dict(HOST, host_backup_enabled="false"), {"by": "id", "targets": []}),
    (SKIPPED, {"host_name": "host-name", "host_backup_enabled": False}, {"by": "name", "targets": []}),
    # Otherwise one listing of the whole account.
    (SKIPPED, {}, {"by": "all", "targets": [""]}),
    ([], {"names": []}, {"by": "all", "targets": [""]}),
    (SKIPPED, {"host_backup_enabled": "no"}, {"by": "all", "targets": []}),
])
def test_first_match_wins(named: Any, options: dict[str, Any], expected: dict[str, Any]):
    assert sweep_scope(named, **options) == expected


def test_the_filter_is_registered_and_wraps_errors():
    scope = FilterModule().filters()["sweep_scope"]
    assert scope(NAMED, names=["prod-*"])["targets"] == ["we-on", "we-on2"]
    with pytest.raises(AnsibleFilterError, match="sweep_scope: expected a registered result or a list"):
        scope("prod-on", names=["prod-on"])
