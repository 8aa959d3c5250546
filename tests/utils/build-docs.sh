#!/usr/bin/env bash
# The reference documentation and the changelog, generated from the collection itself.
#
#   tests/utils/build-docs.sh VENV           write docs/reference/ (every module, plugin and
#                                            role, from their own docs, as reStructuredText)
#                                            and CHANGELOG.rst (antsibull-changelog)
#   tests/utils/build-docs.sh VENV --check   fail when docs/reference/ is not what the
#                                            plugins' docs generate today
#
# CHANGELOG.rst is built in a copy of the repository by releasing the version of galaxy.yml
# there, so the fragments stay in place until the version is really released.
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
venv=$1
mode=${2:-write}
root=$(repo_root)
cd "$root"
export PATH="$root/$venv/bin:$PATH"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/bluexp-docs.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp/reference"
dest=$(copy_collection "$tmp/tree")
(cd "$dest" && ANSIBLE_COLLECTIONS_PATH="$tmp/tree" antsibull-docs collection --use-current --fail-on-error \
    --output-format simplified-rst --squash-hierarchy --no-add-antsibull-docs-version \
    --dest-dir "$tmp/reference" "$(galaxy_value namespace).$(galaxy_value name)" >/dev/null)

if [ "$mode" = --check ]; then
    if ! diff -r -q "$tmp/reference" docs/reference >"$tmp/diff.txt" 2>&1; then
        echo "ERROR: docs/reference is out of date with the plugins' documentation; run 'make docs':" >&2
        cat "$tmp/diff.txt" >&2
        exit 1
    fi
    echo "docs/reference is up to date ($(find docs/reference -name '*.rst' | wc -l) pages)"
    exit 0
fi

rm -rf docs/reference
cp -r "$tmp/reference" docs/reference
echo "docs/reference: $(find docs/reference -name '*.rst' | wc -l) pages"

version=$(galaxy_value version)
(cd "$dest" && antsibull-changelog release --version "$version" \
    --date "$(git -C "$root" log -1 --format=%cs)" >/dev/null)
cp "$dest/CHANGELOG.rst" CHANGELOG.rst
echo "CHANGELOG.rst: release $version"
