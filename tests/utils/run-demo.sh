#!/usr/bin/env bash
# Run playbooks/demo.yml against a freshly started, seeded BlueXP emulator, then stop it.
#
#   tests/utils/run-demo.sh VENV [extra ansible-playbook args...]
set -euo pipefail

# shellcheck source=tests/utils/lib.sh
. "$(dirname "$0")/lib.sh"
venv=$1
shift
root=$(repo_root)
cd "$root"
playbook=playbooks/demo.yml

if [ ! -f "$playbook" ]; then
    echo "ERROR: $playbook does not exist yet, so there is no demo to run." >&2
    exit 1
fi

export PATH="$root/$venv/bin:$PATH"
collections="$root/tests/output/collections"
tests/utils/collection-tree.sh "$collections" >/dev/null

trap stop_emulator EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
start_emulator "$root/$venv/bin/python" "$root/tests/output/emulator-demo.log"

# Credentials go through the environment, never on a command line.
export BLUEXP_REFRESH_TOKEN=emulator-refresh-token
export ANSIBLE_COLLECTIONS_PATH="$collections"
export ANSIBLE_PYTHON_INTERPRETER="$root/$venv/bin/python"
export ANSIBLE_LOCALHOST_WARNING=False
export ANSIBLE_INVENTORY_UNPARSED_WARNING=False

echo "Running: ansible-playbook $playbook -e bluexp_api_url=$EMULATOR_URL -e bluexp_auth_url=$EMULATOR_URL $*"
ansible-playbook "$playbook" \
    -e "bluexp_api_url=$EMULATOR_URL" -e "bluexp_auth_url=$EMULATOR_URL" "$@"

stop_emulator
cat <<TXT

That was the demo against the local emulator. To point the same playbook ($playbook) at real
BlueXP, change three things (they are also listed at the top of the playbook):
  1. API URL:      leave out the two -e overrides above; the playbook's defaults,
                   bluexp_api_url and bluexp_auth_url, are BlueXP's own endpoints.
  2. Credentials:  export BLUEXP_REFRESH_TOKEN=<your refresh token>, or a service account's
                   BLUEXP_CLIENT_ID and BLUEXP_CLIENT_SECRET (environment, never the command line).
  3. Account and Connector: bluexp_account_id and bluexp_connector_id (-e or the play's vars);
                   they may stay unset when the credential sees exactly one of each.
Then, with the collection installed (make build; ansible-galaxy collection install build/*.tar.gz):
       ansible-playbook $playbook
TXT
