#!/usr/bin/env bash
# Everything the platform and its tests need besides the engines: the right pnpm, the workspace's
# packages (from the lockfile), and the browser for the web app's journeys. Idempotent.
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
cd "$repo"

say() { printf '\033[1m[setup]\033[0m %s\n' "$*" >&2; }

node_major=$(node -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0)
if ((node_major < 20)); then
  say "ERROR: Node.js 20 or newer is required (found: $(node --version 2>/dev/null || echo none))."
  exit 1
fi

pnpm_version=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if [[ "$(pnpm --version 2>/dev/null || true)" != "$pnpm_version" ]]; then
  say "installing pnpm $pnpm_version"
  npm install -g --silent "pnpm@$pnpm_version" >/dev/null
fi

if [[ -f node_modules/.modules.yaml && node_modules/.modules.yaml -nt pnpm-lock.yaml && "${KEPU_FORCE_INSTALL:-}" != 1 ]]; then
  say "packages: up to date"
else
  say "installing packages (pnpm install --frozen-lockfile)"
  pnpm install --frozen-lockfile --reporter=silent
fi

if [[ -x services/web/scripts/install-browser.sh && "${KEPU_SKIP_BROWSER:-}" != 1 ]]; then
  services/web/scripts/install-browser.sh
fi

# schemathesis (PyPI) fuzzes the gateway's OpenAPI in the e2e tier: a venv of its own, pinned.
schemathesis_version=4.32.5
venv="${KEPU_CACHE:-$HOME/.cache/kepu}/schemathesis-$schemathesis_version"
if [[ -f "$venv/.installed" ]]; then
  say "schemathesis $schemathesis_version: ready"
elif [[ "${KEPU_SKIP_SCHEMATHESIS:-}" != 1 ]]; then
  say "installing schemathesis $schemathesis_version (pip, into $venv)"
  rm -rf "$venv" && python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$schemathesis_version"
  touch "$venv/.installed" # a venv cannot be moved into place: this marks it whole
fi
