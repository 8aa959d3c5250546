# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The execution environment definition produces a build context for AWX / AAP.

Building the image needs podman or docker; `ansible-builder create` writes everything the
build would use, which is what is checked here.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import yaml

from conftest import REPO

BIN = Path(sys.executable).parent


def _galaxy() -> dict:
    return yaml.safe_load((REPO / "galaxy.yml").read_text(encoding="utf-8"))


def _build_collection(into: Path) -> Path:
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "build", "--force", "--output-path", str(into),
                    str(REPO)], check=True, capture_output=True, text=True)
    galaxy = _galaxy()
    tarball = into / "{namespace}-{name}-{version}.tar.gz".format(**galaxy)
    assert tarball.is_file()
    return tarball


def test_introspection_finds_the_collection_requirements(tmp_path: Path):
    """ansible-builder reads meta/execution-environment.yml of the installed collection."""
    collections = tmp_path / "collections"
    subprocess.run([str(BIN / "ansible-galaxy"), "collection", "install", "--force", "-p", str(collections),
                    str(_build_collection(tmp_path))], check=True, capture_output=True, text=True)
    done = subprocess.run([str(BIN / "ansible-builder"), "introspect", "--sanitize", str(collections)],
                          check=True, capture_output=True, text=True)
    assert "requests>=2.28.0" in done.stdout and "from collection bluexp.cloud_backup" in done.stdout
    assert "ca-certificates" in done.stdout


def test_create_writes_a_complete_build_context(tmp_path: Path):
    definition = tmp_path / "ee"
    shutil.copytree(REPO / "execution-environment", definition)
    tarball = _build_collection(definition)
    galaxy_requirements = yaml.safe_load((definition / "requirements.yml").read_text(encoding="utf-8"))
    # The requirements name the tarball this version of the collection builds.
    assert galaxy_requirements["collections"][0]["name"] == "collections/" + tarball.name

    done = subprocess.run([str(BIN / "ansible-builder"), "create", "-f", "execution-environment.yml",
                           "-c", "context", "--output-filename", "Containerfile"],
                          cwd=definition, check=False, capture_output=True, text=True)

    assert done.returncode == 0, done.stdout + done.stderr
    context = definition / "context"
    containerfile = (context / "Containerfile").read_text(encoding="utf-8")
    assert "ansible-core==2.19.14" in containerfile and "ansible-runner==2.4.3" in containerfile
    assert "ansible-galaxy collection install" in containerfile
    assert (context / "_build" / "collections" / tarball.name).is_file()
    assert yaml.safe_load((context / "_build" / "requirements.yml").read_text(encoding="utf-8")) \
        == galaxy_requirements
