"""Every check of the bluexp.cloud_backup collection, as nox sessions.

    make test                  = make setup + nox -s <every stage below>, with a timing summary
    .venv/bin/nox -l           list the sessions
    .venv/bin/nox -s units -- tests/unit/plugins/module_utils/test__http.py
                               one session; arguments after -- go to the tool it runs

The sessions use pinned virtualenvs instead of creating their own: .venv (ansible-core 2.19,
Python 3.11, requirements-dev.txt, made by `make setup`); .venv-2.16 (ansible-core 2.16, the oldest
core meta/runtime.yml allows, Python 3.11, tests/utils/requirements-core-2.16.txt) and, when a
Python 3.13 or 3.12 is found, .venv-2.21 (ansible-core 2.21, tests/utils/requirements-core-2.21.txt),
both made by the `setup` session. PYTHON_216 / PYTHON_221=/path/to/python picks the interpreter of
that line, PYTHON_216= / PYTHON_221= (empty) skips it.

ansible-test wants to run from .../ansible_collections/NAMESPACE/NAME: every ansible-test session
runs in a temporary copy of that shape (the files git knows about) and copies tests/output back.
"""

from __future__ import annotations

import atexit
import contextlib
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path
from typing import Any

import nox
import yaml

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT / "tests" / "utils"))

import merge_requests  # noqa: E402
import venvs  # noqa: E402

nox.options.default_venv_backend = "none"
nox.options.error_on_external_run = False

VENV = ROOT / ".venv"
VENV_216 = ROOT / ".venv-2.16"
VENV_221 = ROOT / ".venv-2.21"
REQS_DEV = ROOT / "requirements-dev.txt"
REQS_216 = ROOT / "tests" / "utils" / "requirements-core-2.16.txt"
REQS_221 = ROOT / "tests" / "utils" / "requirements-core-2.21.txt"
OUTPUT = ROOT / "tests" / "output"
COLLECTIONS = OUTPUT / "collections"
REQUESTS_LOG = OUTPUT / "contract" / "requests.json"
PYTEST_ARGS = ["-q", "-ra"]
os.environ.setdefault("BLUEXP_SPEC_DIR", str(ROOT.parent / "shared" / "bluexp-api"))

# The order `make test` (and a bare `nox`) runs the stages in.
STAGES = ["setup", "changelog-lint", "build", "docs-lint", "lint", "ruff", "mypy", "yamllint", "layering",
          "sanity", "units", "emulator-tests", "integration", "contract", "e2e"]
nox.options.sessions = STAGES


def _galaxy() -> dict[str, Any]:
    with open(ROOT / "galaxy.yml", encoding="utf-8") as handle:
        data: dict[str, Any] = yaml.safe_load(handle)
    return data


GALAXY = _galaxy()
FQCN = "{namespace}.{name}".format(**GALAXY)

# ---------------------------------------------------------------------------------------------
# Stage timings: each session records how long it took; the summary is printed when nox ends.

_RESULTS: list[tuple[str, float, str]] = []
_T0 = float(os.environ.get("STAGES_T0") or time.time())  # `make test` passes when it started


def _print_summary() -> None:
    if not _RESULTS:
        return
    print("\n######## summary ########")
    for name, seconds, result in _RESULTS:
        print(f"{name:<16} {seconds:8.1f} s  {result}")
    print(f"{'total':<16} {time.time() - _T0:8.1f} s")
    kinds = [result.split(":")[0].split(" ")[0] for _name, _seconds, result in _RESULTS]
    counts = {kind: kinds.count(kind) for kind in ("ok", "FAILED", "skipped")}
    line = f"stages: {counts['ok']} passed, {counts['FAILED']} failed"
    print(line + (f", {counts['skipped']} skipped" if counts["skipped"] else ""))


atexit.register(_print_summary)


def stage(name: str, **kwargs: Any) -> Callable[[Callable[[nox.Session], None]], Any]:
    """nox.session(name=...) that also records the session's time and result for the summary."""

    def decorate(func: Callable[[nox.Session], None]) -> Any:
        def run(session: nox.Session) -> None:
            start = time.time()
            if name == "setup" and os.environ.get("STAGES_T0"):
                start = _T0  # includes `make`'s creation of .venv
            result = "ok"
            try:
                func(session)
            except BaseException as exc:
                if type(exc).__name__ == "_SessionSkip":
                    result = f"skipped: {exc}"
                else:
                    result = "FAILED" + (f": {exc}" if str(exc) else "")
                raise
            finally:
                _RESULTS.append((name, time.time() - start, result[:100]))

        run.__doc__ = func.__doc__
        run.__name__ = func.__name__
        return nox.session(name=name, venv_backend="none", **kwargs)(run)

    return decorate


# ---------------------------------------------------------------------------------------------
# Helpers


def _bin(venv: Path, tool: str) -> str:
    return str(venv / "bin" / tool)


def _env(venv: Path = VENV, /, **extra: str) -> dict[str, str]:
    """Environment for tools of a venv: its bin/ first on PATH."""
    env = {"PATH": f"{venv / 'bin'}{os.pathsep}{os.environ.get('PATH', '')}", "VIRTUAL_ENV": str(venv)}
    env.update(extra)
    return env


def _require_venv(session: nox.Session) -> None:
    if not (VENV / "bin" / "ansible-test").exists():
        session.error(f"{VENV} is missing: run 'make setup' first")


def python_216() -> str | None:
    """Interpreter of the ansible-core 2.16 line (PYTHON_216 overrides; empty = none)."""
    if "PYTHON_216" in os.environ:
        return os.environ["PYTHON_216"] or None
    return venvs.find_python("3.11")


def python_221() -> str | None:
    """Interpreter of the ansible-core 2.21 line (PYTHON_221 overrides; empty = none)."""
    if "PYTHON_221" in os.environ:
        return os.environ["PYTHON_221"] or None
    return venvs.find_python("3.13", "3.12")


def lines(session: nox.Session) -> list[tuple[str, Path]]:
    """The ansible-core lines to test: (label, venv)."""
    found = [("2.19", VENV)]
    if python_221() and (VENV_221 / "bin" / "ansible-test").exists():
        found.append(("2.21", VENV_221))
    else:
        session.log("ansible-core 2.21 suites skipped: no Python 3.12/3.13 found (or .venv-2.21 missing: nox -s setup)")
    return found


def e2e_lines(session: nox.Session) -> list[tuple[str, Path]]:
    """The ansible-core lines of the e2e stage: 2.19, and the oldest (2.16) and newest (2.21) supported."""
    found = [("2.19", VENV)]
    for label, venv, python in (("2.16", VENV_216, python_216()), ("2.21", VENV_221, python_221())):
        if python and (venv / "bin" / "ansible-playbook").exists():
            found.append((label, venv))
        else:
            session.log(f"e2e on ansible-core {label} skipped: no {venv.name} (nox -s setup makes it)")
    return found


def git_files() -> list[str]:
    """Files git knows about (tracked and untracked-but-not-ignored) that exist in the work tree."""
    out = subprocess.run(["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"], cwd=ROOT,
                         capture_output=True, check=True).stdout.decode()
    return [f for f in out.split("\0") if f and os.path.lexists(ROOT / f)]


def copy_collection(dest_root: Path, extra: Sequence[str] = ()) -> Path:
    """Copy the collection to DEST_ROOT/ansible_collections/NS/NAME; EXTRA paths too when they exist."""
    dest = dest_root / "ansible_collections" / GALAXY["namespace"] / GALAXY["name"]
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    for rel in [*git_files(), *extra]:
        src = ROOT / rel
        if not os.path.lexists(src):
            continue
        (dest / rel).parent.mkdir(parents=True, exist_ok=True)
        if src.is_dir() and not src.is_symlink():
            shutil.copytree(src, dest / rel, symlinks=True, dirs_exist_ok=True)
        else:
            shutil.copy2(src, dest / rel, follow_symlinks=False)
    return dest


@contextlib.contextmanager
def collection_tree(prefix: str = "collection-tree.") -> Iterator[Path]:
    """A temporary copy of the collection laid out as .../ansible_collections/NS/NAME."""
    tmp = Path(tempfile.mkdtemp(prefix=prefix))
    if "ansible_collections" in tmp.parts:
        shutil.rmtree(tmp)
        raise RuntimeError(f"temporary directory {tmp} lies inside an ansible_collections tree; set TMPDIR elsewhere")
    try:
        yield copy_collection(tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


GET_PIP_MARKER = "# bluexp.cloud_backup get-pip stand-in v1"
GET_PIP = GET_PIP_MARKER + '''
# Called by ansible-test as: python get_pip_X_Y.py [pip options] pip==X.Y --no-setuptools --no-wheel
import subprocess
import sys

args = [a for a in sys.argv[1:] if a not in ('--no-setuptools', '--no-wheel')]

try:
    import ensurepip  # noqa: F401
except ImportError:
    sys.exit('get-pip stand-in: %s has no ensurepip (on Debian: apt-get install python3-venv)' % sys.executable)

subprocess.check_call([sys.executable, '-m', 'ensurepip', '--default-pip'], stdout=subprocess.DEVNULL)
subprocess.check_call([sys.executable, '-m', 'pip', 'install', '--upgrade'] + args)
'''


def install_get_pip_shim() -> None:
    """ansible-test bootstraps pip in the venvs it creates with a get-pip script it downloads from a host
    outside the package registries. A stand-in at the place of its cached copy takes pip from the
    interpreter's ensurepip and everything else from PyPI. get_pip_24_2.py serves ansible-core
    2.18/2.19, get_pip_25_2.py 2.20-2.22. A real get-pip script already in the cache is left alone."""
    cache = Path.home() / ".ansible" / "test" / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    for version in ("24_2", "25_2"):
        path = cache / f"get_pip_{version}.py"
        if path.exists():
            text = path.read_text(encoding="utf-8", errors="replace")
            if "get-pip stand-in" not in text or text.startswith(GET_PIP_MARKER + "\n"):
                continue  # a real get-pip script, or the stand-in up to date
        path.with_suffix(".new").write_text(GET_PIP, encoding="utf-8")
        path.with_suffix(".new").replace(path)
        print(f"Installed get-pip stand-in: {path}")


def apt_install(session: nox.Session, program: str, package: str, *, required: bool) -> bool:
    """Install a Debian package when PROGRAM is missing and we can (root, apt-get)."""
    if shutil.which(program) or os.path.exists(program):
        return True
    if os.geteuid() != 0 or not shutil.which("apt-get"):
        message = f"{program} not found, and installing Debian's {package} package needs root and apt-get"
        if required:
            session.error(message)
        session.warn(message)
        return False
    session.log(f"Installing Debian's {package} package")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}

    def apt_get(*args: str) -> int:
        # Another run on the same machine may hold dpkg's lock: wait for it rather than fail.
        return subprocess.run(["apt-get", "-o", "DPkg::Lock::Timeout=300", *args], stdout=subprocess.DEVNULL,
                              stderr=subprocess.DEVNULL, env=env, check=False).returncode

    if apt_get("install", "-y", "-qq", package):
        apt_get("update", "-qq")
        apt_get("install", "-y", "-qq", package)
    if shutil.which(program) or os.path.exists(program):
        return True
    if required:
        session.error(f"could not install Debian's {package} package")
    session.warn(f"could not install Debian's {package} package")
    return False


_OUTPUT_LOCK = threading.Lock()


def ansible_test(venv: Path, args: Sequence[str], *, integration_config: Path | None = None,
                 stdout: Any = None) -> int:
    """Run ansible-test of VENV in a temporary collection tree; copy tests/output back. Returns the exit code."""
    install_get_pip_shim()
    with collection_tree("ansible-test-tree.") as dest:
        # The unit tests that check requests against the published specs find them next to the
        # collection, as ../shared/bluexp-api lies next to the checkout (ansible-test passes no
        # BLUEXP_SPEC_DIR through). A link, so that nothing of the specs is copied.
        spec_dir = Path(os.environ["BLUEXP_SPEC_DIR"])
        if spec_dir.is_dir():
            (dest.parent / "shared").mkdir(exist_ok=True)
            (dest.parent / "shared" / "bluexp-api").symlink_to(spec_dir.resolve())
        if integration_config:
            shutil.copy(integration_config, dest / "tests" / "integration" / "integration_config.yml")
        elif (ROOT / "tests" / "integration" / "integration_config.yml").exists():
            shutil.copy(ROOT / "tests" / "integration" / "integration_config.yml", dest / "tests" / "integration")
        command = [_bin(venv, "ansible-test"), *args]
        print("$ " + " ".join(command), file=stdout or sys.stdout, flush=True)
        rc = subprocess.run(command, cwd=dest, env={**os.environ, **_env(venv)}, stdout=stdout,
                            stderr=subprocess.STDOUT if stdout else None, check=False).returncode
        if (dest / "tests" / "output").is_dir():
            with _OUTPUT_LOCK:
                # .tmp holds scratch data (delegation venvs, sanity caches) of no use in the checkout.
                shutil.copytree(dest / "tests" / "output", OUTPUT, symlinks=True, dirs_exist_ok=True,
                                ignore=lambda d, _names: [".tmp"] if Path(d) == dest / "tests" / "output" else [])
    return rc


def _has_tests(directory: Path) -> bool:
    return directory.is_dir() and any(directory.rglob("test_*.py"))


@contextlib.contextmanager
def emulator(log: Path, *, fleet_size: int = 24, seed: int | None = None, accounts: int = 1,
             connectors: int = 1) -> Iterator[str]:
    """The BlueXP emulator in a process of its own; yields its URL and stops it (only it) at the end."""
    log.parent.mkdir(parents=True, exist_ok=True)
    fd, port_file = tempfile.mkstemp(prefix="bluexp-emulator-port.")
    os.close(fd)
    os.unlink(port_file)
    command = [_bin(VENV, "python"), "-m", "bluexp_emulator", "--port", "0", "--port-file", port_file,
               "--seed", str(seed) if seed is not None else os.environ.get("EMULATOR_SEED", "42"),
               "--fleet-size", os.environ.get("EMULATOR_FLEET_SIZE", str(fleet_size)),
               "--accounts", os.environ.get("EMULATOR_ACCOUNTS", str(accounts)),
               "--connectors", os.environ.get("EMULATOR_CONNECTORS", str(connectors)),
               "--job-duration-s", os.environ.get("EMULATOR_JOB_DURATION_S", "1")]
    pythonpath = [str(ROOT / "tests" / "emulator"), *filter(None, [os.environ.get("PYTHONPATH")])]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(pythonpath)}
    with open(log, "wb") as out:
        proc = subprocess.Popen(command, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, env=env)
    try:
        port = None
        deadline = time.time() + 30
        while port is None and time.time() < deadline and proc.poll() is None:
            with contextlib.suppress(OSError, ValueError):
                port = int(Path(port_file).read_text().strip())
            time.sleep(0.1)
        if port is None:
            raise RuntimeError(f"the emulator did not start; its log {log}:\n{log.read_text(errors='replace')}")
        url = f"http://127.0.0.1:{port}"
        for _attempt in range(100):  # the port file is written once the socket is bound; make sure it answers
            with contextlib.suppress(OSError):
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            time.sleep(0.1)
        else:
            raise RuntimeError(f"the emulator does not accept connections on {url}")
        print(f"Emulator (pid {proc.pid}) listening on {url}, log: {log}", flush=True)
        yield url
    finally:
        with contextlib.suppress(OSError):
            os.unlink(port_file)
        if proc.poll() is None:
            proc.terminate()
            try:
                proc.wait(5)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()


def pytest(session: nox.Session, directory: str, *args: str, **env: str) -> None:
    """pytest on a test directory with .venv's Python; a directory without tests yet is skipped."""
    if not _has_tests(ROOT / directory):
        session.skip(f"no tests under {directory}")
    session.run(_bin(VENV, "python"), "-m", "pytest", directory, *(session.posargs or [*PYTEST_ARGS, *args]),
                env=_env(**env))


# ---------------------------------------------------------------------------------------------
# Setup


@stage("setup")
def setup(session: nox.Session) -> None:
    """.venv-2.16 and .venv-2.21 (when Python 3.12/3.13 exists), and the get-pip stand-in (.venv: make setup)."""
    _require_venv(session)
    python = python_216()
    if python:
        venvs.create(python, VENV_216, REQS_216)
    else:
        session.log("ansible-core 2.16 end-to-end tests skipped: no Python 3.11 found")
    python = python_221()
    if python:
        venvs.create(python, VENV_221, REQS_221)
    else:
        session.log("ansible-core 2.21 suites skipped: no Python 3.12/3.13 found")
    install_get_pip_shim()


# ---------------------------------------------------------------------------------------------
# Static checks


@stage("changelog-lint")
def changelog_lint(session: nox.Session) -> None:
    """antsibull-changelog lint (the fragments under changelogs/)."""
    session.run(_bin(VENV, "antsibull-changelog"), "lint", *session.posargs)


@stage("lint")
def lint(session: nox.Session) -> None:
    """ansible-lint, production profile (.ansible-lint)."""
    # Offline, ansible-lint does not install the collection it lints; the playbooks find it (and
    # its action groups) through ANSIBLE_COLLECTIONS_PATH.
    copy_collection(COLLECTIONS)
    session.run(_bin(VENV, "ansible-lint"), *(["--nocolor"] if os.environ.get("CI") else []), *session.posargs,
                env=_env(ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS)))


@stage("ruff")
def ruff(session: nox.Session) -> None:
    """ruff check (ruff.toml)."""
    session.run(_bin(VENV, "ruff"), "check", *(session.posargs or ["."]))


@stage("mypy")
def mypy(session: nox.Session) -> None:
    """mypy (mypy.ini): the plugins (module_utils fully typed), the emulator, the tooling."""
    config = str(ROOT / "mypy.ini")
    # Plugins import each other as ansible_collections.NS.NAME...: check them in a tree of that shape.
    with collection_tree("mypy-tree.") as dest, session.chdir(dest.parents[2]):
        session.run(_bin(VENV, "mypy"), "--config-file", config, "--cache-dir", str(ROOT / ".mypy_cache"),
                    "-p", f"ansible_collections.{FQCN}.plugins", *session.posargs, env=_env())
    session.run(_bin(VENV, "mypy"), "--config-file", config, "--cache-dir", str(ROOT / ".mypy_cache"),
                "tests/emulator/bluexp_emulator", "noxfile.py", "tests/utils/venvs.py", "tests/utils/merge_requests.py",
                *session.posargs, env=_env(MYPYPATH=os.pathsep.join([str(ROOT / "tests" / "emulator"),
                                                                     str(ROOT / "tests" / "utils")])))


@stage("yamllint")
def yamllint(session: nox.Session) -> None:
    """yamllint --strict (.yamllint; what git ignores is skipped)."""
    session.run(_bin(VENV, "yamllint"), "--strict", *(session.posargs or ["."]))


LAYERING_PATTERN = re.compile(r"\bclient\.cbs\(")


@stage("layering")
def layering(session: nox.Session) -> None:
    """Modules build no API paths: no `client.cbs(` under plugins/modules/ (the resource layer does that)."""
    found = []
    for path in sorted((ROOT / "plugins" / "modules").glob("*.py")):
        for number, text in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if LAYERING_PATTERN.search(text):
                found.append(f"{path.relative_to(ROOT)}:{number}: {text.strip()}")
    if found:
        print("\n".join(found))
        session.error(f"{len(found)} `client.cbs(` calls under plugins/modules/: move them into "
                      "plugins/module_utils/_resources/")
    session.log("no `client.cbs(` under plugins/modules/")


def _docs_reference(dest: Path, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    subprocess.run([_bin(VENV, "antsibull-docs"), "collection", "--use-current", "--fail-on-error",
                    "--output-format", "simplified-rst", "--squash-hierarchy", "--no-add-antsibull-docs-version",
                    "--dest-dir", str(out), FQCN], cwd=dest, check=True, stdout=subprocess.DEVNULL,
                   env={**os.environ, **_env(ANSIBLE_COLLECTIONS_PATH=str(dest.parents[2]))})


@stage("docs-lint")
def docs_lint(session: nox.Session) -> None:
    """antsibull-docs lint-collection-docs --plugin-docs, and docs/reference/ is what the plugins' docs generate."""
    with collection_tree() as dest:
        session.run(_bin(VENV, "antsibull-docs"), "lint-collection-docs", "--plugin-docs", str(dest),
                    env=_env(ANSIBLE_COLLECTIONS_PATH=str(dest.parents[2])))
        out = dest.parents[2] / "reference"  # in the temporary directory, next to ansible_collections/
        _docs_reference(dest, out)
        done = subprocess.run(["diff", "-r", "-q", str(out), str(ROOT / "docs" / "reference")], capture_output=True,
                              text=True, check=False)
    if done.returncode:
        print(done.stdout + done.stderr)
        session.error("docs/reference is out of date with the plugins' documentation; run 'make docs'")
    session.log(f"docs/reference is up to date ({len(list((ROOT / 'docs' / 'reference').glob('*.rst')))} pages)")


@stage("docs")
def docs(session: nox.Session) -> None:
    """Regenerate docs/reference/ (antsibull-docs) and CHANGELOG.rst (antsibull-changelog)."""
    with collection_tree("docs-tree.") as dest:
        out = dest.parents[2] / "reference"  # in the temporary directory, next to ansible_collections/
        _docs_reference(dest, out)
        shutil.rmtree(ROOT / "docs" / "reference", ignore_errors=True)
        shutil.copytree(out, ROOT / "docs" / "reference")
        session.log(f"docs/reference: {len(list(out.glob('*.rst')))} pages")
        # CHANGELOG.rst is built in the copy by releasing the version of galaxy.yml there, so the
        # fragments stay in place until the version is really released.
        date = subprocess.run(["git", "log", "-1", "--format=%cs"], cwd=ROOT, capture_output=True, text=True,
                              check=True).stdout.strip()
        with session.chdir(dest):
            # antsibull-changelog runs ansible-doc to list the plugins: the venv's bin/ goes first on PATH.
            session.run(_bin(VENV, "antsibull-changelog"), "release", "--version", GALAXY["version"], "--date", date,
                        silent=True, env=_env())
        shutil.copy(dest / "CHANGELOG.rst", ROOT / "CHANGELOG.rst")
        session.log(f"CHANGELOG.rst: release {GALAXY['version']}")


DEV_ONLY = re.compile(r"^(tests/(output|emulator|contract|e2e|utils)|\.venv|\.nox|collections|build)/"
                      r"|^(noxfile\.py|ruff\.toml|mypy\.ini|\.yamllint)$")


@stage("build")
def build(session: nox.Session) -> None:
    """Build the collection tarball into build/, install it, and render a module's docs from the installed copy."""
    import tarfile

    shutil.rmtree(ROOT / "build", ignore_errors=True)
    session.run(_bin(VENV, "ansible-galaxy"), "collection", "build", "--force", "--output-path", "build", ".",
                env=_env())
    tarball = ROOT / "build" / "{namespace}-{name}-{version}.tar.gz".format(**GALAXY)
    with tarfile.open(tarball) as tar:
        names = tar.getnames()
    bad = [n for n in names if DEV_ONLY.search(n.removeprefix("./"))]
    if bad:
        session.error(f"{tarball.name} contains development-only files: {bad[:10]}")
    session.log(f"{len(names)} entries in {tarball.relative_to(ROOT)} ({tarball.stat().st_size // 1024} kB)")
    with tempfile.TemporaryDirectory() as tmp:
        session.run(_bin(VENV, "ansible-galaxy"), "collection", "install", "--force", "-p", tmp, str(tarball),
                    env=_env(), silent=True)
        env = _env(ANSIBLE_COLLECTIONS_PATH=tmp, ANSIBLE_NOCOLOR="1")
        session.run(_bin(VENV, "ansible-galaxy"), "collection", "verify", "--offline", FQCN, env=env)
        modules = sorted(p.stem for p in (ROOT / "plugins" / "modules").glob("*.py") if p.stem != "__init__")
        if not modules:
            session.log("No modules in plugins/modules yet: ansible-doc check skipped")
            return
        fqcn = f"{FQCN}.{modules[0]}"
        out = session.run(_bin(VENV, "ansible-doc"), "-t", "module", fqcn, env=env, silent=True) or ""
        header = out.splitlines()[0] if out else ""
        where = f"({tmp}/ansible_collections/{GALAXY['namespace']}/{GALAXY['name']}/plugins/modules/{modules[0]}.py)"
        if fqcn not in header or where not in header:
            print(out)
            session.error(f"ansible-doc did not render {fqcn} from the installed tarball")
        session.log(f"ansible-doc rendered {fqcn} from the installed tarball ({len(out.splitlines())} lines)")


# ---------------------------------------------------------------------------------------------
# ansible-test


@stage("sanity")
def sanity(session: nox.Session) -> None:
    """ansible-test sanity (ansible-core 2.19, Python 3.11); shellcheck is installed when possible."""
    _require_venv(session)
    if os.environ.get("INSTALL_SHELLCHECK", "auto") != "no":
        apt_install(session, "shellcheck", "shellcheck", required=False)
    if ansible_test(VENV, ["sanity", "--python", venvs.python_version(_bin(VENV, "python")) or "3.11",
                           *session.posargs]):
        session.error("ansible-test sanity failed")


@stage("sanity-2.21")
def sanity_221(session: nox.Session) -> None:
    """ansible-test sanity of ansible-core 2.21 (not part of make test)."""
    if not (VENV_221 / "bin" / "ansible-test").exists():
        session.skip("no .venv-2.21")
    if ansible_test(VENV_221, ["sanity", "--python", venvs.python_version(_bin(VENV_221, "python")) or "3.13",
                               *session.posargs]):
        session.error("ansible-test sanity failed")


@stage("units")
def units(session: nox.Session) -> None:
    """ansible-test units on each ansible-core line (2.19; 2.21 when Python 3.12/3.13 exists)."""
    _require_venv(session)
    if not _has_tests(ROOT / "tests" / "unit"):
        session.skip("no unit tests")
    failed = []
    for label, venv in lines(session):
        pyver = venvs.python_version(_bin(venv, "python")) or ""
        print(f"=== units: ansible-core {label}, Python {pyver} ===", flush=True)
        if ansible_test(venv, ["units", "--python", pyver, "--requirements", *session.posargs]):
            failed.append(label)
    if failed:
        session.error(f"units failed on ansible-core {', '.join(failed)}")


def _integration_line(label: str, venv: Path, args: Sequence[str], out: Path, stdout: Any) -> int:
    """One ansible-core line: its own emulator, integration_config.yml pointing at it, the targets, its request log."""
    pyver = venvs.python_version(_bin(venv, "python")) or ""
    print(f"=== integration: ansible-core {label}, Python {pyver} ===", file=stdout, flush=True)
    rc = 0
    try:
        with emulator(out / label / "emulator.log") as url:
            config = out / label / "integration_config.yml"
            config.write_text("# Written by the integration session (noxfile.py) for one run.\n" + "".join(
                f"{key}: {value}\n" for key, value in [
                    ("bluexp_api_url", url), ("bluexp_auth_url", url), ("bluexp_emulator_url", url),
                    ("bluexp_refresh_token", "emulator-refresh-token"), ("bluexp_client_id", "emulator-client-id"),
                    ("bluexp_client_secret", "emulator-client-secret")]))
            rc = ansible_test(venv, ["integration", "--python", pyver, "--requirements", *args],
                              integration_config=config, stdout=stdout)
            log = merge_requests.load(url + "/_emulator/requests")
            (out / label / "requests.json").write_text(json.dumps(log, indent=1))
    except Exception as exc:  # noqa: BLE001 - reported as this line's failure
        print(f"ERROR: {exc}", file=stdout, flush=True)
        rc = rc or 1
    return rc


@stage("integration")
def integration(session: nox.Session) -> None:
    """ansible-test integration against the emulator: the 2.19 and 2.21 lines at once, each with its own emulator.

    INTEGRATION_JOBS=1 runs them one after the other. The request logs of all lines end up in
    tests/output/contract/requests.json for the contract tests.
    """
    _require_venv(session)
    targets = ROOT / "tests" / "integration" / "targets"
    if not targets.is_dir() or not any(p.is_dir() for p in targets.iterdir()):
        session.skip("no integration targets")
    out = OUTPUT / "integration"
    shutil.rmtree(out, ignore_errors=True)
    REQUESTS_LOG.unlink(missing_ok=True)
    out.mkdir(parents=True)
    todo = lines(session)
    labels = [label for label, _venv in todo]
    results: dict[str, int] = {}
    if int(os.environ.get("INTEGRATION_JOBS", "2")) > 1 and len(todo) > 1:
        session.log(f"Running the {' and '.join(labels)} lines at once (output follows when they are done)")
        logs = {label: open(out / f"{label}.log", "w", encoding="utf-8") for label in labels}  # noqa: SIM115
        threads = [threading.Thread(target=lambda lb=label, v=venv: results.__setitem__(
            lb, _integration_line(lb, v, session.posargs, out, logs[lb]))) for label, venv in todo]
        for thread in threads:
            thread.start()
        for thread, label in zip(threads, labels, strict=True):
            thread.join()
            logs[label].close()
            print((out / f"{label}.log").read_text(errors="replace"), flush=True)
    else:
        for label, venv in todo:
            results[label] = _integration_line(label, venv, session.posargs, out, None)
    merged: Any = None
    for label in labels:
        if (out / label / "requests.json").exists():
            log = merge_requests.load(str(out / label / "requests.json"))
            merged = merge_requests.merge(merged, log)
            print(f"{REQUESTS_LOG.relative_to(ROOT)}: {merge_requests.count(log)} requests from ansible-core {label}")
    if merged is not None:
        REQUESTS_LOG.parent.mkdir(parents=True, exist_ok=True)
        REQUESTS_LOG.write_text(json.dumps(merged, indent=1))
    failed = [label for label, rc in results.items() if rc]
    if failed:
        session.error(f"integration failed on ansible-core {', '.join(failed)}")


# ---------------------------------------------------------------------------------------------
# pytest suites


@stage("emulator-tests")
def emulator_tests(session: nox.Session) -> None:
    """The emulator's own tests."""
    pytest(session, "tests/emulator/tests", PYTHONPATH=str(ROOT / "tests" / "emulator"))


@stage("contract")
def contract(session: nox.Session) -> None:
    """The requests the integration tests sent (tests/output/contract/requests.json) against the published spec."""
    if _has_tests(ROOT / "tests" / "contract") and not REQUESTS_LOG.exists():
        session.error(f"{REQUESTS_LOG.relative_to(ROOT)} is missing: run the integration session first")
    pytest(session, "tests/contract")


def _e2e_line(label: str, venv: Path, args: Sequence[str], stdout: Any) -> int:
    """One ansible-core line of the e2e stage: every test on 2.19, the every_core ones on the others."""
    every = venv == VENV
    print(f"=== e2e: ansible-core {label}, Python {venvs.python_version(_bin(venv, 'python'))}, "
          f"{'every test' if every else 'the every_core tests'} ===", file=stdout, flush=True)
    # The tests run the ansible-playbook next to the Python that runs them: the line's own.
    command = [_bin(venv, "python"), "-m", "pytest", "tests/e2e", *args, *([] if every else ["-m", "every_core"])]
    print("$ " + " ".join(command), file=stdout, flush=True)
    env = {**os.environ, **_env(venv, ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), PYTHONPATH=str(ROOT / "tests" / "emulator"))}
    rc = subprocess.run(command, cwd=ROOT, env=env, stdout=stdout, stderr=subprocess.STDOUT if stdout else None,
                        check=False).returncode
    # Arguments given to the session may select no every_core test (pytest's exit code 5).
    return 0 if rc == 5 and not every else rc


@stage("e2e")
def e2e(session: nox.Session) -> None:
    """ansible-playbook end-to-end tests against the emulator: all on ansible-core 2.19, the every_core ones on 2.16 and 2.21.

    2.16 and 2.21 are the oldest and newest supported cores; the every_core tests are those that run the
    shipped playbooks and the inventory plugin. The lines run at once (E2E_JOBS=1: one after the other): their
    tests mostly wait for the emulator's jobs. The HTML report renders in headless Chromium.
    """
    apt_install(session, os.environ.get("CHROMIUM", "/usr/bin/chromium"), "chromium", required=True)
    if not _has_tests(ROOT / "tests" / "e2e"):
        session.skip("no tests under tests/e2e")
    copy_collection(COLLECTIONS)
    # Each test runs ansible-playbook; two pytest-xdist workers per line halve their time.
    args = session.posargs or [*PYTEST_ARGS, "-n", "2"]
    todo = e2e_lines(session)
    results: dict[str, int] = {}
    if int(os.environ.get("E2E_JOBS", "3")) > 1 and len(todo) > 1:
        out = OUTPUT / "e2e"
        out.mkdir(parents=True, exist_ok=True)
        session.log(f"Running the {', '.join(label for label, _venv in todo)} lines at once (output follows when they are done)")
        logs = {label: open(out / f"{label}.log", "w", encoding="utf-8") for label, _venv in todo}  # noqa: SIM115
        threads = [threading.Thread(target=lambda lb=label, v=venv: results.__setitem__(lb, _e2e_line(lb, v, args, logs[lb])))
                   for label, venv in todo]
        for thread in threads:
            thread.start()
        for thread, (label, _venv) in zip(threads, todo, strict=True):
            thread.join()
            logs[label].close()
            print((out / f"{label}.log").read_text(errors="replace"), flush=True)
    else:
        for label, venv in todo:
            results[label] = _e2e_line(label, venv, args, None)
    failed = [label for label, rc in results.items() if rc]
    if failed:
        session.error(f"e2e failed on ansible-core {', '.join(failed)}")


# ---------------------------------------------------------------------------------------------
# The demo

DEMO_EPILOGUE = """
That was the demo against the local emulator.
  report before protecting: {report}/before/report.html
  report after protecting:  {report}/after/report.html   <- open this one in a browser

To run the same playbooks against the real NetApp Console (formerly BlueXP; a lab account: the demo
changes things), set:
  1. Credentials:  one of: export BLUEXP_REFRESH_TOKEN=<your refresh token>; a service account's
                   BLUEXP_CLIENT_ID with BLUEXP_CLIENT_SECRET, or with BLUEXP_PRIVATE_KEY_FILE (and
                   BLUEXP_KEY_ID, BLUEXP_AUDIENCE); on a Console local deployment, BLUEXP_USERNAME and
                   BLUEXP_PASSWORD (environment, never the command line). See README.md, Credentials.
  2. Endpoints:    unset BLUEXP_API_URL and BLUEXP_AUTH_URL: the defaults are the SaaS Console's own.
                   A local deployment: BLUEXP_CONSOLE_URL=https://<host> and BLUEXP_CA_PATH=<its CA>.
  3. Accounts and Connectors (Console agents): nothing to set. The inventory covers every account
                   the credential sees and every Connector of each, and the playbooks hand each
                   host's own to the modules; restrict them in {inventory} (accounts:, connectors:).
Then, with the collection installed (make build; ansible-galaxy collection install build/*.tar.gz):
       ansible-playbook -i {inventory} playbooks/protection_report.yml"""


@nox.session(name="demo", venv_backend="none", default=False)
def demo(session: nox.Session) -> None:
    """playbooks/demo.yml against a freshly started, seeded emulator: 2 accounts of 3 Connectors and 18 working
    environments each (EMULATOR_ACCOUNTS, EMULATOR_CONNECTORS, EMULATOR_FLEET_SIZE: per account)."""
    _require_venv(session)
    inventory = "playbooks/inventory/fleet.bluexp.yml"
    report = os.environ.get("DEMO_REPORT_DIR") or str(OUTPUT / "demo-report")
    copy_collection(COLLECTIONS)
    with emulator(OUTPUT / "emulator-demo.log", fleet_size=18, accounts=2, connectors=3) as url:
        # Endpoints and the credential go through the environment, never on a command line.
        env = _env(BLUEXP_API_URL=url, BLUEXP_AUTH_URL=url, BLUEXP_REFRESH_TOKEN="emulator-refresh-token",
                   ANSIBLE_COLLECTIONS_PATH=str(COLLECTIONS), ANSIBLE_INVENTORY_UNPARSED_FAILED="true",
                   ANSIBLE_LOCALHOST_WARNING="False", ANSIBLE_FORKS=os.environ.get("ANSIBLE_FORKS", "10"))
        session.log(f"(BLUEXP_API_URL and BLUEXP_AUTH_URL point at the emulator on {url})")
        session.run(_bin(VENV, "ansible-playbook"), "-i", inventory, "playbooks/demo.yml", "-e",
                    f"demo_report_dir={report}", *session.posargs, env=env)
    print(DEMO_EPILOGUE.format(report=report, inventory=inventory))


# ---------------------------------------------------------------------------------------------
# The benchmark


@nox.session(name="bench", venv_backend="none", default=False)
def bench(session: nox.Session) -> None:
    """benchmarks/bench.py: the collection's playbooks against an ansible.builtin.uri baseline and a ping floor,
    against the emulator, into docs/performance.md (not part of make test: hours for the default matrix;
    arguments after -- go to the script, e.g. -- --sizes 10 --rounds 1, or -- --estimate)."""
    _require_venv(session)
    session.run(_bin(VENV, "python"), str(ROOT / "benchmarks" / "bench.py"), *session.posargs, env=_env())


@nox.session(name="soak", venv_backend="none", default=False)
def soak(session: nox.Session) -> None:
    """benchmarks/soak.py: the playbooks in a loop against the emulator with injected faults; duplicates, lost
    work and tracebacks after it (not part of make test: 10 minutes by default; arguments after -- go to the
    script, e.g. -- --minutes 2 --size 10 --output /tmp/soak.md)."""
    _require_venv(session)
    session.run(_bin(VENV, "python"), str(ROOT / "benchmarks" / "soak.py"), *session.posargs, env=_env())


# ---------------------------------------------------------------------------------------------
# Locking the requirement files

LOCK_MARKER = "# ---- pinned dependencies (generated by `nox -s lock`, do not edit) ----"


def _lock(session: nox.Session, file: Path, python: str, check_with: Sequence[str]) -> None:
    """Rewrite the pinned block of FILE with what pip resolves on PYTHON; check it on CHECK_WITH."""
    text = file.read_text(encoding="utf-8")
    direct = re.split(r"^# ---- pinned dependencies .*$", text, maxsplit=1, flags=re.M)[0]
    names = {re.sub(r"[-_.]+", "-", re.split(r"[<>=!~;\[ ]", line.split("#")[0].strip(), maxsplit=1)[0]).lower()
             for line in direct.splitlines() if line.split("#")[0].strip()}
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "direct.txt").write_text(direct)

        def pip(name: str, py: str, *args: str) -> None:
            session.run(py, "-m", "venv", f"{tmp}/{name}")
            session.run(f"{tmp}/{name}/bin/python", "-m", "pip", "install", "-q", f"pip=={venvs.PIP_VERSION}")
            session.run(f"{tmp}/{name}/bin/python", "-m", "pip", "install", "-q", "--dry-run", "--ignore-installed",
                        *args)

        pip("resolve", python, "--report", f"{tmp}/report.json", "-r", f"{tmp}/direct.txt")
        report = json.loads((Path(tmp) / "report.json").read_text())
        pins = sorted((re.sub(r"[-_.]+", "-", i["metadata"]["name"]).lower(), i["metadata"]["version"])
                      for i in report["install"])
        file.write_text(direct + LOCK_MARKER + "\n" + "".join(f"{n}=={v}\n" for n, v in pins if n not in names))
        session.log(f"Wrote {file.relative_to(ROOT)} ({sum(1 for n, _version in pins if n not in names)} pinned dependencies)")
        for i, py in enumerate(check_with):
            pip(f"check{i}", py, "-r", str(file))
            session.log(f"{file.relative_to(ROOT)} resolves on Python {venvs.python_version(py)}")


@nox.session(name="lock", venv_backend="none", default=False)
def lock(session: nox.Session) -> None:
    """Refresh the pinned blocks of requirements-dev.txt and tests/utils/requirements-core-2.{16,21}.txt."""
    py311 = venvs.find_python("3.11")
    if not py311:
        session.error("no Python 3.11 found")
    _lock(session, REQS_DEV, py311, [])
    _lock(session, REQS_216, py311, [])
    newer = [p for p in (venvs.find_python("3.12"), venvs.find_python("3.13")) if p]
    if newer:
        _lock(session, REQS_221, newer[0], newer[1:])
    else:
        session.warn(f"no Python 3.12/3.13: {REQS_221.relative_to(ROOT)} left as it is")
