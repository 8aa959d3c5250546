# -*- coding: utf-8 -*-
# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later

"""What a publisher ships beside the code: links in galaxy.yml, a changelog that has the version being
built, and an Install section that says where the tarball comes from."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[3]
GALAXY = yaml.safe_load((ROOT / "galaxy.yml").read_text(encoding="utf-8"))


@pytest.mark.parametrize("key", ["repository", "documentation", "homepage", "issues"])
def test_galaxy_yml_links_the_project(key):
    assert re.match(r"^https://\S+$", GALAXY.get(key) or ""), "galaxy.yml has no {0} link".format(key)


def test_the_changelog_has_the_release_being_built():
    changelog = yaml.safe_load((ROOT / "changelogs" / "changelog.yaml").read_text(encoding="utf-8"))
    assert str(GALAXY["version"]) in (changelog.get("releases") or {})


def test_install_starts_from_the_tarball_the_source_builds():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    install = readme.split("\n## Install\n", 1)[1].split("\n## ", 1)[0]
    tarball = "build/{0}-{1}-{2}.tar.gz".format(GALAXY["namespace"], GALAXY["name"], GALAXY["version"])
    assert "make build" in install and "ansible-galaxy collection install " + tarball in install
