#!/usr/bin/env bash
# Build the collection tarball into build/, install it into a temporary collections path and
# check that ansible-doc renders a module from the installed copy.
#
#   tests/utils/build-collection.sh VENV
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
venv=$1
cd "$(repo_root)"
export PATH="$PWD/$venv/bin:$PATH"

ns=$(galaxy_value namespace)
name=$(galaxy_value name)
version=$(galaxy_value version)
tarball="build/$ns-$name-$version.tar.gz"

rm -rf build
mkdir -p build
ansible-galaxy collection build --force --output-path build .
[ -f "$tarball" ] || { echo "ERROR: $tarball was not built" >&2; exit 1; }
echo "$(tar -tzf "$tarball" | wc -l) entries in $tarball ($(du -k "$tarball" | cut -f1) kB)"
if tar -tzf "$tarball" | grep -E '^(tests/(output|emulator|contract|e2e|utils)|\.venv|collections|build)/' >/dev/null; then
    echo "ERROR: $tarball contains development-only files:" >&2
    tar -tzf "$tarball" | grep -E '^(tests/(output|emulator|contract|e2e|utils)|\.venv|collections|build)/' | head >&2
    exit 1
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
ansible-galaxy collection install --force -p "$tmp" "$tarball" 2>&1 | grep -v 'is not part of the configured Ansible collections path' || true
[ -f "$tmp/ansible_collections/$ns/$name/MANIFEST.json" ] || { echo "ERROR: install of $tarball failed" >&2; exit 1; }
export ANSIBLE_COLLECTIONS_PATH="$tmp"
ansible-galaxy collection verify --offline "$ns.$name"

module=$(find plugins/modules -maxdepth 1 -name '*.py' ! -name '__init__.py' -printf '%f\n' 2>/dev/null | sort | head -n 1)
if [ -z "$module" ]; then
    echo "No modules in plugins/modules yet: ansible-doc check skipped"
    exit 0
fi
fqcn="$ns.$name.${module%.py}"
out=$(ANSIBLE_NOCOLOR=1 ansible-doc -t module "$fqcn" 2>&1) || {
    printf '%s\n' "$out" >&2
    echo "ERROR: ansible-doc $fqcn failed" >&2
    exit 1
}
header=$(printf '%s\n' "$out" | head -n 1)
case "$header" in
*"$fqcn"*"($tmp/ansible_collections/$ns/$name/plugins/modules/$module)"*) ;;
*)
    printf '%s\n' "$out" >&2
    echo "ERROR: ansible-doc did not render $fqcn from the installed tarball" >&2
    exit 1
    ;;
esac
echo "$header"
echo "ansible-doc rendered $fqcn from the installed tarball ($(printf '%s\n' "$out" | wc -l) lines)"
