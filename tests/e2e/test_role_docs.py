# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Every role documents its variables well enough for `ansible-doc -t role` and an AWX survey.

A survey question needs a type and a description, and is either required or optional (with
its default when it has one); a secret needs no_log; a variable outside the role's prefix would collide with another role's.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import REPO

ROLES = sorted(p.name for p in (REPO / "roles").iterdir() if (p / "meta" / "argument_specs.yml").is_file())
SURVEY_TYPES = {"str", "int", "bool", "list", "dict", "float", "path"}


def test_every_role_has_argument_specs():
    assert sorted(p.name for p in (REPO / "roles").iterdir() if p.is_dir()) == ROLES
    assert len(ROLES) == 6


@pytest.mark.parametrize("role", ROLES)
def test_ansible_doc_renders_the_role_ready_for_a_survey(role, collections_path: Path):
    done = subprocess.run([str(Path(sys.executable).parent / "ansible-doc"), "-t", "role", "--json",
                           "bluexp.cloud_backup." + role],
                          env={"ANSIBLE_COLLECTIONS_PATH": str(collections_path), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    main = json.loads(done.stdout)["bluexp.cloud_backup." + role]["entry_points"]["main"]
    assert main["short_description"] and main["description"]
    assert main["options"], "a role without variables needs no survey"
    for name, option in main["options"].items():
        assert name.startswith(role + "_"), name
        assert option.get("description"), name
        assert option.get("type") in SURVEY_TYPES, name
        if option.get("required"):
            assert "default" not in option, "{0}: required and defaulted".format(name)
        if any(word in name for word in ("password", "secret")):
            assert option.get("no_log") is True, "{0} is a secret".format(name)
