#!/usr/bin/env bash
# Print the path of the first working Python interpreter among the given X.Y versions
# (in the order given); print nothing when none is found.
#
#   tests/utils/find-python.sh 3.13 3.12
#
# Looks at pythonX.Y on PATH and at pyenv installs (~/.pyenv/versions/X.Y*/bin/pythonX.Y).
# pyenv shims exist for every installed version but fail unless that version is activated,
# so a candidate counts only when it actually runs and has the venv machinery (ensurepip).
set -uo pipefail

works() {
    "$1" -c "import sys, venv, ensurepip; sys.exit(0 if '%d.%d' % sys.version_info[:2] == '$2' else 1)" >/dev/null 2>&1
}

for version in "$@"; do
    candidates=()
    while IFS= read -r c; do
        candidates+=("$c")
    done < <(type -a -P "python$version" 2>/dev/null)
    pyenv_root=${PYENV_ROOT:-$HOME/.pyenv}
    while IFS= read -r c; do
        candidates+=("$c")
    done < <(printf '%s\n' "$pyenv_root"/versions/"$version"*/bin/"python$version" | sort -V -r)
    for c in "${candidates[@]}"; do
        if works "$c" "$version"; then
            # Report the real interpreter, not a shim or a symlink chain that may change.
            "$c" -c 'import sys; print(sys.executable)'
            exit 0
        fi
    done
done
exit 0
