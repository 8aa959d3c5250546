#!/usr/bin/env bash
# ansible-test bootstraps pip into every virtualenv it creates (sanity test venvs, --venv
# delegation) with a get-pip script that it downloads from a host outside the package
# registries. This installs a small stand-in at the place where ansible-test looks for its
# cached copy, so that pip comes from the interpreter's own ensurepip and the requested pip
# version and everything else from PyPI.
#
# get_pip_24_2.py serves ansible-core 2.18/2.19, get_pip_25_2.py serves 2.20/2.21/2.22.
# A real get-pip script already in the cache is left alone.
set -euo pipefail

cache="$HOME/.ansible/test/cache"
marker='# bluexp.cloud_backup get-pip stand-in v1'
mkdir -p "$cache"

for version in 24.2 25.2; do
    file="$cache/get_pip_${version//./_}.py"
    if [ -f "$file" ] && ! grep -qF 'get-pip stand-in' "$file"; then
        continue # a real get-pip script
    fi
    if [ -f "$file" ] && grep -qxF "$marker" "$file"; then
        continue # up to date
    fi
    cat >"$file.new" <<PY
$marker
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
PY
    mv "$file.new" "$file"
    echo "Installed get-pip stand-in: $file"
done
