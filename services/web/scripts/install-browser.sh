#!/usr/bin/env bash
# The browser the web journeys drive: Debian's Chromium (Playwright's own download needs the open
# internet, which CI machines here do not have), and a Chinese font so that screenshots show the
# app's text rather than empty boxes. Idempotent; called by deploy/local/setup.sh.
set -euo pipefail
if [[ -x /usr/bin/chromium && -d /usr/share/fonts/truetype/wqy ]]; then
  exit 0
fi
say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }
if [[ $(id -u) -ne 0 ]] && ! command -v sudo >/dev/null; then
  say "Chromium is missing and this user cannot install it: run 'apt-get install chromium' as root (the web journeys need it)."
  exit 1
fi
sudo=""
[[ $(id -u) -ne 0 ]] && sudo="sudo"
say "installing Debian's Chromium and a Chinese font for the web journeys (apt)"
$sudo apt-get update -qq >/dev/null
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends chromium fonts-wqy-microhei >/dev/null
