#!/usr/bin/env bash
# Run pytest on a test directory with the given virtualenv's Python.
#
#   tests/utils/pytest-dir.sh VENV DIR [pytest args...]
#
# A directory that holds no test files yet (test_*.py / *_test.py) is reported and skipped
# with success. Once it holds tests, every pytest failure fails, including exit code 5
# ("no tests collected").
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
venv=$1 dir=$2
shift 2
cd "$(repo_root)"

if ! has_pytest_files "$dir"; then
    echo "No tests under $dir yet: skipped"
    [ -z "${STAGE_STATUS_FILE:-}" ] || echo "skipped: no tests under $dir" >"$STAGE_STATUS_FILE"
    exit 0
fi
export PATH="$PWD/$venv/bin:$PATH"
exec "$venv/bin/python" -m pytest "$dir" "$@"
