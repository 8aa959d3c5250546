#!/usr/bin/env bash
# Make DEST/ansible_collections/NAMESPACE/NAME a fresh copy of this collection (the files git
# knows about), so that ANSIBLE_COLLECTIONS_PATH=DEST finds it. Prints the collection path.
#
#   tests/utils/collection-tree.sh tests/output/collections
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
dest=$1
mkdir -p "$dest"
copy_collection "$(cd "$dest" && pwd -P)"
