#!/usr/bin/env bash
# Run playbooks/demo.yml against a freshly started, seeded BlueXP emulator, then stop it.
#
#   tests/utils/run-demo.sh VENV [extra ansible-playbook args...]
#
# The fleet (EMULATOR_FLEET_SIZE, default 36 working environments) is read through the
# inventory plugin; the reports are written to tests/output/demo-report/ (DEMO_REPORT_DIR).
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
venv=$1
shift
root=$(repo_root)
cd "$root"
playbook=playbooks/demo.yml
inventory=playbooks/inventory/fleet.bluexp.yml
report_dir=${DEMO_REPORT_DIR:-$root/tests/output/demo-report}

export PATH="$root/$venv/bin:$PATH"
collections="$root/tests/output/collections"
tests/utils/collection-tree.sh "$collections" >/dev/null

trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
EMULATOR_FLEET_SIZE=${EMULATOR_FLEET_SIZE:-36} start_emulator "$root/$venv/bin/python" \
    "$root/tests/output/emulator-demo.log"

# Endpoints and the credential go through the environment, never on a command line.
export BLUEXP_API_URL=$EMULATOR_URL BLUEXP_AUTH_URL=$EMULATOR_URL
export BLUEXP_REFRESH_TOKEN=emulator-refresh-token
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_INVENTORY_UNPARSED_FAILED=true
export ANSIBLE_LOCALHOST_WARNING=False
export ANSIBLE_FORKS=${ANSIBLE_FORKS:-10}

echo "Running: ansible-playbook -i $inventory $playbook -e demo_report_dir=$report_dir $*"
echo "(BLUEXP_API_URL and BLUEXP_AUTH_URL point at the emulator on $EMULATOR_URL)"
ansible-playbook -i "$inventory" "$playbook" -e "demo_report_dir=$report_dir" "$@"

stop_emulator
cat <<TXT

That was the demo against the local emulator.
  report before protecting: $report_dir/before/report.html
  report after protecting:  $report_dir/after/report.html   <- open this one in a browser

To run the same playbooks against real BlueXP (a lab account: the demo changes things), set:
  1. Credentials:  export BLUEXP_REFRESH_TOKEN=<your refresh token>, or a service account's
                   BLUEXP_CLIENT_ID and BLUEXP_CLIENT_SECRET (environment, never the command line).
  2. Endpoints:    unset BLUEXP_API_URL and BLUEXP_AUTH_URL: the defaults are BlueXP's own.
  3. Account and Connector: BLUEXP_ACCOUNT_ID and BLUEXP_CONNECTOR_ID, when the credential
                   sees more than one of each.
Then, with the collection installed (make build; ansible-galaxy collection install build/*.tar.gz):
       ansible-playbook -i $inventory playbooks/protection_report.yml
TXT
