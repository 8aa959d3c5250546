#!/usr/bin/env bash
# Run ansible-test for this collection from a plain checkout.
#
# ansible-test insists on running from .../ansible_collections/NAMESPACE/NAME, so this script
# copies the collection (the files git knows about) to a temporary tree of that shape, runs
# ansible-test there and copies tests/output back into the checkout. (It does so even when the
# checkout already lies in such a tree: every run sees a snapshot, and runs can go in parallel.)
#
#   tests/utils/ansible-test.sh sanity --python 3.11
#   ANSIBLE_TEST_VENV=.venv-2.21 tests/utils/ansible-test.sh units --python 3.13 --requirements
#
# Environment:
#   ANSIBLE_TEST_VENV         virtualenv whose ansible-test is used (default: .venv); its bin/ goes
#                             first on PATH
#   ANSIBLE_TEST_EXTRA_FILES  space-separated repo-relative paths that git ignores but the run needs
#                             (copied when they exist)
#   ANSIBLE_TEST_INTEGRATION_CONFIG
#                             for "integration": a file to use as tests/integration/integration_config.yml
#                             in the copy; without it, that (git-ignored) file of the checkout is
#                             copied when it exists
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
cd "$root"

venv=${ANSIBLE_TEST_VENV:-$root/.venv}
case "$venv" in /*) ;; *) venv="$root/$venv" ;; esac
if [ ! -x "$venv/bin/ansible-test" ]; then
    echo "ERROR: $venv/bin/ansible-test not found (run 'make venv' first)" >&2
    exit 2
fi
export PATH="$venv/bin:$PATH"
export VIRTUAL_ENV="$venv"

# ansible-test bootstraps pip in the venvs it creates from a script it cannot download here.
"$root/tests/utils/install-get-pip-shim.sh"

extra=()
integration_config=
if [ "${1:-}" = integration ]; then
    integration_config=${ANSIBLE_TEST_INTEGRATION_CONFIG:-}
    [ -n "$integration_config" ] || extra+=(tests/integration/integration_config.yml)
fi
if [ -n "${ANSIBLE_TEST_EXTRA_FILES:-}" ]; then
    read -r -a more <<<"$ANSIBLE_TEST_EXTRA_FILES"
    extra+=("${more[@]}")
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/ansible-test-tree.XXXXXX")
case "$tmp" in
*/ansible_collections/*)
    echo "ERROR: temporary directory $tmp lies inside an ansible_collections tree; set TMPDIR elsewhere" >&2
    rm -rf "$tmp"
    exit 2
    ;;
esac
trap 'rm -rf "$tmp"' EXIT

dest=$(copy_collection "$tmp" "${extra[@]}")
# The unit tests that check requests against the published specs find them next to the
# collection, as ../shared/bluexp-api lies next to the checkout (ansible-test passes no
# BLUEXP_SPEC_DIR through). A link, so that nothing of the specs is copied.
spec_dir=${BLUEXP_SPEC_DIR:-$(repo_root)/../shared/bluexp-api}
if [ -d "$spec_dir" ]; then
    mkdir -p "$(dirname "$dest")/shared"
    ln -s "$(cd "$spec_dir" && pwd)" "$(dirname "$dest")/shared/bluexp-api"
fi
if [ -n "$integration_config" ]; then
    cp "$integration_config" "$dest/tests/integration/integration_config.yml"
fi

rc=0
(cd "$dest" && "$venv/bin/ansible-test" "$@") || rc=$?

if [ -d "$dest/tests/output" ]; then
    mkdir -p tests/output
    # .tmp holds scratch data (delegation venvs, sanity caches) that is of no use in the checkout.
    (cd "$dest/tests/output" && tar --exclude=./.tmp -cf - .) | (cd tests/output && tar -xf -)
fi
exit $rc
