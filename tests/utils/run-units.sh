#!/usr/bin/env bash
# ansible-test units on each ansible-core line: 2.19 in .venv, then 2.21 in .venv-2.21 when
# that venv exists. Extra arguments go to ansible-test (e.g. a test file).
#
# Environment: VENV (default .venv), VENV_221 (default .venv-2.21; set it empty to skip).
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
cd "$root"

venv=${VENV:-.venv}
venv_221=${VENV_221-.venv-2.21}

if [ -z "$(find tests/unit -type f -name 'test_*.py' -print -quit 2>/dev/null)" ]; then
    echo "No unit tests under tests/unit yet: skipped"
    [ -z "${STAGE_STATUS_FILE:-}" ] || echo "skipped: no unit tests" >"$STAGE_STATUS_FILE"
    exit 0
fi

status=0
run_line() { # run_line LABEL VENV [args]
    local label=$1 venvdir=$2 pyver
    shift 2
    pyver=$(python_version_of "$venvdir/bin/python") || return 1
    echo "=== units: ansible-core $label, Python $pyver ==="
    ANSIBLE_TEST_VENV="$venvdir" tests/utils/ansible-test.sh units --python "$pyver" --requirements "$@"
}

run_line 2.19 "$venv" "$@" || status=$?
if [ -n "$venv_221" ] && [ -x "$venv_221/bin/ansible-test" ]; then
    run_line 2.21 "$venv_221" "$@" || status=$((status ? status : $?))
else
    echo "ansible-core 2.21 suites skipped: no Python 3.12/3.13 found"
fi
exit $status
