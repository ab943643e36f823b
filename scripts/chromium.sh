#!/usr/bin/env bash
# chromium.sh — make sure Debian's headless-capable Chromium is installed
# (/usr/bin/chromium) for the SAR HTML rendering test. Idempotent; needs
# root on a fresh Debian machine. Output goes to stderr.
set -euo pipefail
if [[ -x /usr/bin/chromium ]]; then
	exit 0
fi
if [[ $(id -u) -ne 0 ]]; then
	echo "chromium.sh: /usr/bin/chromium is missing and this is not root: install Debian's chromium package" >&2
	exit 1
fi
echo "chromium.sh: installing Debian chromium (for the SAR HTML test)" >&2
export DEBIAN_FRONTEND=noninteractive
if ! apt-get install -y --no-install-recommends chromium >&2; then
	apt-get update >&2
	apt-get install -y --no-install-recommends chromium >&2
fi
