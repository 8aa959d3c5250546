#!/usr/bin/env bash
# ansible-test's shellcheck sanity test runs only when shellcheck is installed (otherwise it is
# skipped with a warning). Install Debian's package when we can do so without asking:
# running as root with apt-get available. Never fails.
#
# INSTALL_SHELLCHECK=no skips the attempt.
set -uo pipefail

command -v shellcheck >/dev/null 2>&1 && exit 0
if [ "${INSTALL_SHELLCHECK:-auto}" = no ]; then
    echo "shellcheck not installed (INSTALL_SHELLCHECK=no): the shellcheck sanity test will be skipped"
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "shellcheck not installed (needs root and apt-get to install it): the shellcheck sanity test will be skipped"
    exit 0
fi
export DEBIAN_FRONTEND=noninteractive
echo "Installing Debian's shellcheck package for the shellcheck sanity test"
if ! apt-get install -y -qq shellcheck >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq shellcheck >/dev/null 2>&1
fi
if command -v shellcheck >/dev/null 2>&1; then
    shellcheck --version | sed -n 2p
else
    echo "Could not install shellcheck: the shellcheck sanity test will be skipped"
fi
exit 0
