# Copyright (c) bluexp.cloud_backup contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests: real ansible-playbook runs against the emulator."""

from __future__ import annotations

import os
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import ansible.release
import pytest

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "tests" / "emulator"))

pytest_plugins = ["bluexp_emulator.pytest_plugin"]

# The ansible-core under test: the one installed next to the interpreter running the tests, whose
# ansible-playbook run_playbook runs.
ANSIBLE_CORE = tuple(int(part) for part in ansible.release.__version__.split(".")[:2])


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "every_core: also run on the oldest and newest supported ansible-core "
                                       "(the e2e stage runs only these there; everything runs on 2.19)")


@pytest.fixture(scope="session")
def collections_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A collections path holding this checkout as bluexp.cloud_backup."""
    root = tmp_path_factory.mktemp("collections")
    namespace = root / "ansible_collections" / "bluexp"
    namespace.mkdir(parents=True)
    (namespace / "cloud_backup").symlink_to(REPO, target_is_directory=True)
    return root


@dataclass
class PlaybookRun:
    rc: int
    stdout: str
    stderr: str

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


@pytest.fixture
def run_playbook(collections_path: Path, tmp_path: Path):
    """Run ansible-playbook with this collection and a clean, isolated environment."""

    def run(playbook: Path | str, *args: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> PlaybookRun:
        full_env = {k: v for k, v in os.environ.items() if not k.startswith(("BLUEXP_", "ANSIBLE_"))}
        full_env.update({
            "ANSIBLE_COLLECTIONS_PATH": str(collections_path),
            "ANSIBLE_PYTHON_INTERPRETER": sys.executable,
            "ANSIBLE_LOCAL_TEMP": str(tmp_path / "local-tmp"),
            "ANSIBLE_REMOTE_TMP": str(tmp_path / "remote-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_FORCE_COLOR": "0",
            "ANSIBLE_HOST_KEY_CHECKING": "False",
            "ANSIBLE_RETRY_FILES_ENABLED": "False",
            # ansible-core 2.21 leaves the module arguments out of task results unless asked; the
            # secret scans read them on every core (older cores ignore the setting).
            "ANSIBLE_INJECT_INVOCATION": "True",
        })
        full_env.update(env or {})
        command = [str(Path(sys.executable).parent / "ansible-playbook"), str(playbook), *args]
        done = subprocess.run(command, env=full_env, capture_output=True, text=True, timeout=600, check=False, cwd=cwd)
        return PlaybookRun(done.returncode, done.stdout, done.stderr)

    return run
