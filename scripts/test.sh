#!/usr/bin/env bash
# `npm test`: everything CI checks, in order — installs what the browser tests need, then types, lint,
# the production build the tests run against, and every test (unit, integration, chaos, e2e).
set -euo pipefail
cd "$(dirname "$0")/.."
export NEXT_TELEMETRY_DISABLED=1

if ! command -v chromium >/dev/null 2>&1 && [ ! -x /usr/bin/chromium ]; then
  echo "[test] installing Debian's chromium for the browser tests"
  SUDO=""; [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq chromium >/dev/null
fi

npm run -s db:generate
npm run -s typecheck
npm run -s lint
npx next build
npx vitest run "$@"
