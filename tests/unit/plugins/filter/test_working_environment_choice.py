# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

from __future__ import annotations

import pytest

from ansible.errors import AnsibleFilterError

from ansible_collections.bluexp.cloud_backup.plugins.filter.working_environment_choice import (
    FilterModule, working_environment_choice)


@pytest.mark.parametrize("role_id, role_name, host_id, host_name, expected", [
    # The role's ID wins over everything, its name over the host's ID.
    ("we-role", "role-name", "we-host", "host-name", {"id": "we-role", "name": "", "label": "we-role"}),
    ("", "role-name", "we-host", "host-name", {"id": "", "name": "role-name", "label": "role-name"}),
    # Then the inventory host: its ID before its name.
    ("", "", "we-host", "host-name", {"id": "we-host", "name": "", "label": "we-host"}),
    ("", "", "", "host-name", {"id": "", "name": "host-name", "label": "host-name"}),
    ("", "", "", "", {"id": "", "name": "", "label": "no working environment"}),
])
def test_role_options_first_then_the_inventory_host(role_id, role_name, host_id, host_name, expected):
    chosen = working_environment_choice({"id": role_id, "name": role_name}, host_id=host_id, host_name=host_name)
    assert chosen == expected


def test_missing_or_null_options_fall_through_to_the_host():
    assert working_environment_choice({}, host_id="we-host") == {"id": "we-host", "name": "", "label": "we-host"}
    assert working_environment_choice({"id": None, "name": None}, host_name="n") == {"id": "", "name": "n", "label": "n"}


def test_filter_refuses_what_is_not_the_options_dict():
    choose = FilterModule().filters()["working_environment_choice"]
    assert choose({"id": "we-1"})["id"] == "we-1"
    with pytest.raises(AnsibleFilterError, match="working_environment_choice: expected the role's options as a dict") as raised:
        choose("we-1")
    # The message says it all: ansible-core prints a chained cause after it.
    assert raised.value.__cause__ is None and raised.value.__suppress_context__
