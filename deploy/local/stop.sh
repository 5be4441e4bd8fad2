#!/usr/bin/env bash
# `npm stop`: stops the services, then the local engines (data stays in .kepu/).
set -euo pipefail
here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
bash "$here/services.sh" stop
bash "$here/engines.sh" stop
