#!/usr/bin/env bash
# Run make targets one after another, keep going when one fails, and print how long each
# took. Exits non-zero when any stage failed.
#
#   tests/utils/run-stages.sh setup sanity units ...
#
# A stage that finds nothing to test yet (e.g. an empty test directory) writes a line to the
# file named by STAGE_STATUS_FILE; it is then reported as skipped rather than passed.
set -uo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
cd "$(repo_root)" || exit 2

make=${MAKE:-make}
status_dir=$(mktemp -d)
trap 'rm -rf "$status_dir"' EXIT

names=() results=() times=()
passed=0 failed=0 skipped=0
start_all=$(date +%s.%N)
for stage in "$@"; do
    echo
    echo "######## $stage ########"
    status_file="$status_dir/$stage"
    start=$(date +%s.%N)
    STAGE_STATUS_FILE="$status_file" "$make" --no-print-directory "$stage"
    rc=$?
    end=$(date +%s.%N)
    if [ $rc -ne 0 ]; then
        result="FAILED (exit $rc)"
        failed=$((failed + 1))
    elif [ -s "$status_file" ]; then
        result=$(head -n 1 "$status_file")
        skipped=$((skipped + 1))
    else
        result=ok
        passed=$((passed + 1))
    fi
    names+=("$stage") results+=("$result") times+=("$(awk -v a="$start" -v b="$end" 'BEGIN { printf "%.1f", b - a }')")
done
end_all=$(date +%s.%N)

echo
echo "######## summary ########"
for i in "${!names[@]}"; do
    printf '%-16s %8s s  %s\n' "${names[$i]}" "${times[$i]}" "${results[$i]}"
done
printf '%-16s %8s s\n' total "$(awk -v a="$start_all" -v b="$end_all" 'BEGIN { printf "%.1f", b - a }')"
if [ $skipped -gt 0 ]; then
    echo "stages: $passed passed, $failed failed, $skipped skipped"
else
    echo "stages: $passed passed, $failed failed"
fi
[ $failed -eq 0 ]
