"""Virtualenvs of the development tooling, from the standard library only.

The Makefile runs this with the system Python before any virtualenv exists (nox lives in .venv);
the noxfile imports it for the ansible-core 2.16 and 2.21 lines.

    python3 tests/utils/venvs.py create PYTHON VENV REQUIREMENTS
    python3 tests/utils/venvs.py find-python 3.13 3.12
"""

from __future__ import annotations

import glob
import hashlib
import os
import shutil
import subprocess
import sys
from pathlib import Path

PIP_VERSION = "25.2"


def python_version(python: str | os.PathLike[str]) -> str | None:
    """X.Y of an interpreter, or None when it does not run."""
    try:
        done = subprocess.run([os.fspath(python), "-c", 'import sys; print("%d.%d" % sys.version_info[:2])'],
                              capture_output=True, text=True, check=False, timeout=60)
    except OSError:
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def find_python(*versions: str) -> str | None:
    """Path of the first working interpreter among the X.Y versions (in the order given).

    Looks at pythonX.Y on PATH and at pyenv installs. pyenv shims exist for every installed
    version but fail unless that version is activated, so a candidate counts only when it runs,
    is that version and has the venv machinery (ensurepip).
    """
    pyenv_root = os.environ.get("PYENV_ROOT") or os.path.expanduser("~/.pyenv")
    for version in versions:
        candidates = [os.path.join(d, "python" + version) for d in os.environ.get("PATH", "").split(os.pathsep) if d]
        candidates += sorted(glob.glob(os.path.join(pyenv_root, "versions", version + "*", "bin", "python" + version)),
                             reverse=True)
        for candidate in candidates:
            if not os.access(candidate, os.X_OK):
                continue
            check = ("import sys, venv, ensurepip; "
                     f"sys.exit(0 if '%d.%d' % sys.version_info[:2] == '{version}' else 1); ")
            try:
                works = subprocess.run([candidate, "-c", check], capture_output=True, check=False,
                                       timeout=60).returncode == 0
            except OSError:
                works = False
            if works:
                # The real interpreter, not a shim or a symlink chain that may change.
                return subprocess.run([candidate, "-c", "import sys; print(sys.executable)"],
                                      capture_output=True, text=True, check=True).stdout.strip()
    return None


def create(python: str, venv: str | os.PathLike[str], requirements: str | os.PathLike[str]) -> None:
    """Create (or refresh) VENV with PYTHON and install the pinned REQUIREMENTS into it.

    The venv is recreated when it is missing, broken, or was made with another Python X.Y.
    An unchanged requirements file (VENV/.requirements.sha256) is not installed again.
    """
    venv = Path(venv)
    want = python_version(python)
    if want is None:
        sys.exit(f"ERROR: Python interpreter '{python}' does not run")
    stamp = venv / ".requirements.sha256"
    digest = f"{want} {hashlib.sha256(Path(requirements).read_bytes()).hexdigest()}"
    vpython = venv / "bin" / "python"
    if python_version(vpython) == want:
        if stamp.is_file() and stamp.read_text().strip() == digest:
            return
    else:
        shutil.rmtree(venv, ignore_errors=True)
        print(f"Creating {venv} with {python} (Python {want})", flush=True)
        if subprocess.run([python, "-m", "venv", os.fspath(venv)], check=False).returncode:
            shutil.rmtree(venv, ignore_errors=True)
            sys.exit(f"ERROR: '{python} -m venv' failed. On Debian/Ubuntu install the venv module: apt-get install python3-venv")
    stamp.unlink(missing_ok=True)
    print(f"Installing {requirements} into {venv}", flush=True)
    pip = [os.fspath(vpython), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
    subprocess.run([*pip, f"pip=={PIP_VERSION}"], check=True)
    subprocess.run([*pip, "-r", os.fspath(requirements)], check=True)
    stamp.write_text(digest + "\n")


def main(argv: list[str]) -> int:
    """Command line: create PYTHON VENV REQUIREMENTS | find-python X.Y..."""
    if len(argv) == 4 and argv[0] == "create":
        create(argv[1], argv[2], argv[3])
        return 0
    if argv and argv[0] == "find-python":
        found = find_python(*argv[1:])
        if found:
            print(found)
        return 0
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
