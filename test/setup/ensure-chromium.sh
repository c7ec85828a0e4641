#!/usr/bin/env bash
# Browser tests drive Debian's chromium with playwright-core (no browser download). Installs it when
# missing and we may (root with apt); otherwise says so, and the browser suite skips loudly outside CI.
set -u
if command -v chromium >/dev/null 2>&1 || [ -x /usr/bin/chromium ]; then exit 0; fi
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  echo "Installing Debian's chromium for the browser tests..."
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null && exit 0
fi
echo "chromium is not installed and cannot be installed here: browser tests will be skipped (they fail in CI)." >&2
[ "${CI:-}" = "true" ] && exit 1
exit 0
