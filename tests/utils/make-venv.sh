#!/usr/bin/env bash
# Create (or refresh) a virtualenv and install a pinned requirements file into it.
#
#   tests/utils/make-venv.sh PYTHON VENV_DIR REQUIREMENTS_FILE
#
# The venv is recreated when it is missing, broken, or was made with another Python X.Y.
# Writes VENV_DIR/.requirements.sha256 when done; an unchanged requirements file is not
# installed again.
set -euo pipefail

python=$1 venv=$2 requirements=$3
pip_version=25.2

if ! "$python" -c 'import sys' >/dev/null 2>&1; then
    echo "ERROR: Python interpreter '$python' does not run" >&2
    exit 2
fi
want=$("$python" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
stamp="$venv/.requirements.sha256"
sum="$want $(sha256sum "$requirements" | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ "$("$venv/bin/python" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" = "$want" ]; then
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$sum" ]; then
        exit 0
    fi
else
    rm -rf "$venv"
    echo "Creating $venv with $python (Python $want)"
    if ! "$python" -m venv "$venv"; then
        rm -rf "$venv"
        echo "ERROR: '$python -m venv' failed. On Debian/Ubuntu install the venv module: apt-get install python3-venv" >&2
        exit 2
    fi
fi

rm -f "$stamp"
echo "Installing $requirements into $venv"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check "pip==$pip_version"
"$venv/bin/python" -m pip install --quiet --disable-pip-version-check -r "$requirements"
echo "$sum" >"$stamp"
