#!/usr/bin/env bash
# Chromium for the page's browser tests (Debian's package: Playwright's own browser download cannot run here). The
# tests drive it through Microsoft.Playwright with its executable path set to /usr/bin/chromium.
set -euo pipefail
if [ -x /usr/bin/chromium ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ]; then
  echo "Chromium is missing; run this script as root (it uses apt-get), or install the chromium package." >&2
  exit 1
fi
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null
echo "Chromium $(/usr/bin/chromium --version 2>/dev/null | awk '{print $2}') installed"
