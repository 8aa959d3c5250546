#!/usr/bin/env bash
# ansible-test integration against the BlueXP emulator.
#
# For each ansible-core line (2.19 in .venv; 2.21 in .venv-2.21 when that venv exists): start
# a fresh emulator (seeded, so each line sees the same fleet), write an integration_config.yml
# pointing at it (tests/output/integration/LINE/integration_config.yml, which
# tests/utils/ansible-test.sh puts in place as tests/integration/integration_config.yml of the
# copy it runs in), run the integration targets, and save the emulator's request log. The logs
# of all lines end up in tests/output/contract/requests.json for the contract tests. Each
# emulator is always stopped, whatever happens.
#
# Environment:
#   VENV                  default .venv
#   VENV_221              default .venv-2.21 (used only if it exists; set it empty to skip 2.21)
#   INTEGRATION_JOBS      1 (default): one line after the other; 2 (what make uses): both lines
#                         at once, each with its own emulator, output shown when both are done
#   INTEGRATION_ARGS      extra ansible-test arguments, e.g. a target name
#   EMULATOR_SEED, EMULATOR_FLEET_SIZE, EMULATOR_JOB_DURATION_S
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
root=$(repo_root)
cd "$root"

abspath() { case "$1" in /* | '') printf '%s\n' "$1" ;; *) printf '%s\n' "$root/$1" ;; esac; }
venv=$(abspath "${VENV:-.venv}")
venv_221=$(abspath "${VENV_221-.venv-2.21}")
jobs=${INTEGRATION_JOBS:-1}
out="$root/tests/output/integration"
requests_log=tests/output/contract/requests.json

rm -rf "$out" "$requests_log"
mkdir -p "$out" "$(dirname "$requests_log")"

if [ -z "$(find tests/integration/targets -mindepth 1 -maxdepth 1 -type d -print -quit 2>/dev/null)" ]; then
    echo "No integration targets under tests/integration/targets yet: skipped"
    [ -z "${STAGE_STATUS_FILE:-}" ] || echo "skipped: no integration targets" >"$STAGE_STATUS_FILE"
    exit 0
fi

# One ansible-core line, run in a subshell of its own: start an emulator, run, save its log.
# (set -e does not hold in a subshell whose status is tested: each step is checked.)
run_line() { # run_line LABEL VENV
    local label=$1 venvdir=$2 pyver config rc=0
    trap stop_emulator EXIT
    trap 'exit 143' TERM
    pyver=$(python_version_of "$venvdir/bin/python") || return 1
    echo "=== integration: ansible-core $label, Python $pyver ==="
    mkdir -p "$out/$label"
    start_emulator "$venv/bin/python" "$out/$label/emulator.log" || return 1
    config="$out/$label/integration_config.yml"
    cat >"$config" <<YAML || return 1
# Written by tests/utils/run-integration.sh for one run.
bluexp_api_url: $EMULATOR_URL
bluexp_auth_url: $EMULATOR_URL
bluexp_emulator_url: $EMULATOR_URL
bluexp_refresh_token: emulator-refresh-token
bluexp_client_id: emulator-client-id
bluexp_client_secret: emulator-client-secret
YAML
    # shellcheck disable=SC2086 # INTEGRATION_ARGS is a list of words
    ANSIBLE_TEST_VENV="$venvdir" ANSIBLE_TEST_INTEGRATION_CONFIG="$config" \
        tests/utils/ansible-test.sh integration --python "$pyver" --requirements ${INTEGRATION_ARGS:-} || rc=$?
    "$venv/bin/python" tests/utils/merge_requests.py "$out/$label/requests.json" \
        "$EMULATOR_URL/_emulator/requests" || rc=$((rc ? rc : 1))
    stop_emulator
    return $rc
}

labels=(2.19) venvs=("$venv")
if [ -n "$venv_221" ] && [ -x "$venv_221/bin/ansible-test" ]; then
    labels+=(2.21) venvs+=("$venv_221")
else
    echo "ansible-core 2.21 suites skipped: no Python 3.12/3.13 found"
fi

status=0
if [ "$jobs" -gt 1 ] && [ ${#labels[@]} -gt 1 ]; then
    pids=()
    # shellcheck disable=SC2317 # called by the trap
    stop_lines() { [ ${#pids[@]} -eq 0 ] || kill -TERM "${pids[@]}" 2>/dev/null || true; }
    trap 'stop_lines; exit 130' INT
    trap 'stop_lines; exit 143' TERM
    for i in "${!labels[@]}"; do
        (run_line "${labels[$i]}" "${venvs[$i]}") >"$out/${labels[$i]}.log" 2>&1 &
        pids+=($!)
    done
    echo "Running the ${labels[*]} lines at once (output follows when they are done)"
    for i in "${!labels[@]}"; do
        rc=0
        wait "${pids[$i]}" || rc=$?
        cat "$out/${labels[$i]}.log"
        [ $rc -eq 0 ] || echo "=== integration: ansible-core ${labels[$i]} FAILED (exit $rc) ==="
        status=$((status ? status : rc))
    done
else
    for i in "${!labels[@]}"; do
        rc=0
        (run_line "${labels[$i]}" "${venvs[$i]}") || rc=$?
        status=$((status ? status : rc))
    done
fi

logs=()
for label in "${labels[@]}"; do
    [ ! -f "$out/$label/requests.json" ] || logs+=("$out/$label/requests.json")
done
if [ ${#logs[@]} -gt 0 ]; then
    "$venv/bin/python" tests/utils/merge_requests.py "$requests_log" "${logs[@]}" || status=$((status ? status : 1))
fi
exit $status
