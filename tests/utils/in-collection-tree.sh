#!/usr/bin/env bash
# Run a command inside a temporary copy of the collection laid out as
# .../ansible_collections/NAMESPACE/NAME (for tools that need that layout), with
# ANSIBLE_COLLECTIONS_PATH pointing at the copy.
#
#   tests/utils/in-collection-tree.sh antsibull-docs lint-collection-docs --plugin-docs .
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
tmp=$(mktemp -d "${TMPDIR:-/tmp}/collection-tree.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
dest=$(copy_collection "$tmp")
export ANSIBLE_COLLECTIONS_PATH="$tmp"
rc=0
(cd "$dest" && "$@") || rc=$?
exit $rc
