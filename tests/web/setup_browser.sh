#!/usr/bin/env bash
# The console browser test's set-up (ctest fixture console_browser_setup): installs Debian's
# chromium when it is missing (apt-get, as tools/setup.sh installs the build's packages), then
# puppeteer-core from npm into DIR (the build tree), which drives that chromium over the DevTools
# protocol and never downloads a browser of its own.
#   setup_browser.sh DIR
# Exits 0 with a message when chromium cannot be had (no root, no sudo, apt refused): the test
# itself then reports SKIP, saying why.
set -euo pipefail
dir="$1"
if ! command -v chromium >/dev/null 2>&1; then
  sudo=""
  if [ "$(id -u)" -ne 0 ]; then
    if command -v sudo >/dev/null 2>&1 && sudo -n true 2>/dev/null; then
      sudo="sudo -n"
    else
      echo "console_browser_setup: chromium is missing and neither root nor sudo can install it"
      exit 0
    fi
  fi
  echo "console_browser_setup: installing Debian's chromium (apt-get)"
  if ! { $sudo apt-get update -qq &&
         DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium; }; then
    echo "console_browser_setup: apt-get could not install chromium"
    exit 0
  fi
fi
echo "console_browser_setup: $(chromium --version 2>/dev/null || echo 'chromium version unknown')"
cd "$dir"
if [ ! -d node_modules/puppeteer-core ]; then
  npm install --no-audit --no-fund --no-package-lock
fi
