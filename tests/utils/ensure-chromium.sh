#!/usr/bin/env bash
# The end-to-end test of the protection report renders its HTML page in headless Chromium.
# Install Debian's chromium package when it is missing and we can do so without asking:
# running as root with apt-get available. Prints the version; fails only when Chromium is
# missing and cannot be installed.
#
# CHROMIUM=/path/to/chromium checks that binary instead of /usr/bin/chromium.
set -uo pipefail

chromium=${CHROMIUM:-/usr/bin/chromium}

show_version() {
    # The Debian wrapper script prints shell noise on stderr; only the version line matters.
    "$chromium" --version 2>/dev/null | head -n 1
}

if [ -x "$chromium" ]; then
    show_version
    exit 0
fi
if [ "$(id -u)" != 0 ] || ! command -v apt-get >/dev/null 2>&1; then
    echo "ERROR: $chromium not found, and installing Debian's chromium package needs root and apt-get" >&2
    exit 1
fi
export DEBIAN_FRONTEND=noninteractive
echo "Installing Debian's chromium package for the HTML rendering test"
if ! apt-get install -y -qq chromium >/dev/null 2>&1; then
    apt-get update -qq >/dev/null 2>&1
    apt-get install -y -qq chromium >/dev/null 2>&1
fi
if [ -x "$chromium" ]; then
    show_version
    exit 0
fi
echo "ERROR: could not install Debian's chromium package ($chromium is still missing)" >&2
exit 1
