#!/usr/bin/env bash
# Installs what the test suites need beyond Node and pnpm, where it is missing: redis-server (every Redis
# suite) and Chromium (the browser suites). Run by `pnpm test` before jest and by .ci/run. Installs with
# apt-get when it can (root, or passwordless sudo); otherwise it says in one line what to install.
# It never fails itself: a suite whose dependency is missing fails (or, for the browser suites outside CI,
# is skipped with one line from jest.config.js), so that every other suite still runs.
# JWKS_KIT_NO_INSTALL=1 never installs (to try the suites as on a machine where nothing can be installed).
set -euo pipefail
cd "$(dirname "$0")/.."

can_install() {
  [ "${JWKS_KIT_NO_INSTALL:-}" != 1 ] && command -v apt-get >/dev/null 2>&1 &&
    { [ "$(id -u)" = 0 ] || sudo -n true 2>/dev/null; }
}
as_root() { if [ "$(id -u)" = 0 ]; then "$@"; else sudo -n "$@"; fi; }
apt_updated=0
apt_install() {
  if [ "$apt_updated" = 0 ]; then as_root apt-get update -qq >/dev/null || true; apt_updated=1; fi
  echo "setup-test-deps: installing $* (apt-get)"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null ||
    echo "setup-test-deps: apt-get could not install $*"
}

has_redis() { command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1; }
if [ -z "${REDIS_URL:-}" ] && ! has_redis; then
  if can_install; then apt_install redis-server redis-tools; fi
  if ! has_redis; then
    echo "setup-test-deps: redis-server not found: the Redis suites will fail; install it with \`apt-get install redis-server\` or set REDIS_URL"
  fi
fi

chromium() { node --input-type=module -e "import { chromiumPath } from './scripts/chromium-path.js'; const p = chromiumPath(); if (p) console.log(p); else process.exit(1);"; }
if ! chromium >/dev/null; then
  if can_install && [ -z "${CHROMIUM_PATH:-}" ]; then apt_install chromium; fi
  # Still missing: jest.config.js says in one line that the browser suites are skipped (under CI=true they fail).
fi
