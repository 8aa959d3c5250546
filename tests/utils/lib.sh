#!/usr/bin/env bash
# Shared shell functions for the scripts in tests/utils. Source it, do not run it:
#   . "$(dirname "$0")/lib.sh"

# Repository root (= collection root), absolute and physical.
repo_root() {
    (cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd -P)
}

# Top-level scalar value of galaxy.yml (namespace, name, version).
galaxy_value() {
    sed -n -E "s/^$1:[[:space:]]*['\"]?([^'\"#[:space:]]+)['\"]?.*$/\1/p" "$(repo_root)/galaxy.yml" | head -n 1
}

# Copy the collection (files git knows about: tracked and untracked-but-not-ignored,
# without files deleted from the work tree) to DEST/ansible_collections/NS/NAME.
# Extra repo-relative paths given after DEST are copied too even when git ignores them,
# when they exist. Prints the path of the copied collection.
copy_collection() {
    local dest_root=$1
    shift
    local root ns name dest f
    root=$(repo_root)
    ns=$(galaxy_value namespace)
    name=$(galaxy_value name)
    dest="$dest_root/ansible_collections/$ns/$name"
    rm -rf "$dest"
    mkdir -p "$dest"
    (
        cd "$root" || exit 1
        git ls-files -z --cached --others --exclude-standard |
            while IFS= read -r -d '' f; do
                if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\0' "$f"; fi
            done |
            tar --null --files-from - -cf - |
            tar -xf - -C "$dest"
        for f in "$@"; do
            if [ -e "$f" ]; then
                mkdir -p "$dest/$(dirname "$f")"
                cp -a "$f" "$dest/$f"
            fi
        done
    )
    printf '%s\n' "$dest"
}

# Python X.Y of an interpreter.
python_version_of() {
    "$1" -c 'import sys; print("%d.%d" % sys.version_info[:2])'
}

# Does the directory hold pytest test files (test_*.py or *_test.py)?
has_pytest_files() {
    [ -d "$1" ] && [ -n "$(find "$1" -type f \( -name 'test_*.py' -o -name '*_test.py' \) -print -quit)" ]
}

# Start the BlueXP emulator in the background with the given Python.
# Sets EMULATOR_PID and EMULATOR_URL. Log goes to $2 (default: tests/output/emulator.log).
start_emulator() {
    local py=$1 log=${2:-}
    local root port_file port
    root=$(repo_root)
    [ -n "$log" ] || log="$root/tests/output/emulator.log"
    if [ ! -d "$root/tests/emulator/bluexp_emulator" ]; then
        echo "ERROR: the emulator (tests/emulator/bluexp_emulator) does not exist yet" >&2
        return 1
    fi
    mkdir -p "$(dirname "$log")"
    port_file=$(mktemp "${TMPDIR:-/tmp}/bluexp-emulator-port.XXXXXX")
    rm -f "$port_file"
    PYTHONPATH="$root/tests/emulator${PYTHONPATH:+:$PYTHONPATH}" "$py" -m bluexp_emulator \
        --port 0 --port-file "$port_file" --seed "${EMULATOR_SEED:-42}" \
        --fleet-size "${EMULATOR_FLEET_SIZE:-24}" --job-duration-s "${EMULATOR_JOB_DURATION_S:-1}" \
        >"$log" 2>&1 </dev/null &
    EMULATOR_PID=$!
    port=
    for _ in $(seq 1 300); do
        if [ -s "$port_file" ]; then
            port=$(tr -dc '0-9' <"$port_file")
            [ -n "$port" ] && break
        fi
        if ! kill -0 "$EMULATOR_PID" 2>/dev/null; then
            break
        fi
        sleep 0.1
    done
    rm -f "$port_file"
    if [ -z "$port" ]; then
        echo "ERROR: the emulator did not start; its log $log:" >&2
        sed 's/^/    /' "$log" >&2 || true
        stop_emulator
        return 1
    fi
    EMULATOR_URL="http://127.0.0.1:$port"
    # The port file is written once the socket is bound; make sure it answers.
    if ! "$py" - "$EMULATOR_URL" <<'PY'
import socket, sys, time
from urllib.parse import urlparse
u = urlparse(sys.argv[1])
for _ in range(100):
    try:
        socket.create_connection((u.hostname, u.port), timeout=1).close()
        sys.exit(0)
    except OSError:
        time.sleep(0.1)
sys.exit(1)
PY
    then
        echo "ERROR: the emulator does not accept connections on $EMULATOR_URL" >&2
        stop_emulator
        return 1
    fi
    echo "Emulator (pid $EMULATOR_PID) listening on $EMULATOR_URL, log: $log"
}

# Stop the emulator started by start_emulator (only that process).
stop_emulator() {
    local pid=${EMULATOR_PID:-}
    [ -n "$pid" ] || return 0
    EMULATOR_PID=
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            kill -KILL "$pid" 2>/dev/null || true
        fi
    fi
    wait "$pid" 2>/dev/null || true
}
