#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on SQLite and
# (when KEYPROJ_TEST_POSTGRES points at a server) PostgreSQL, the web app's unit tests, and the
# end-to-end tests in headless Chromium against a real keyproj server with the demo year.
#
#   KEYPROJ_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres scripts/test.sh
#
# Without KEYPROJ_TEST_POSTGRES the PostgreSQL tests print a notice and skip;
# with KEYPROJ_REQUIRE_POSTGRES=1 (CI) they fail instead. The browser tests need Chromium
# (/usr/bin/chromium, Debian's `chromium`); without it they skip with a notice unless
# KEYPROJ_REQUIRE_BROWSER=1 (CI).
set -euo pipefail
cd "$(dirname "$0")/.."

for tool in cargo node npm; do
  if ! command -v "$tool" >/dev/null 2>&1; then
    echo "错误 / error: $tool is not installed (Rust: https://rustup.rs; Node.js 20+ with npm)" >&2
    exit 1
  fi
done

echo "== cargo fmt --check"
cargo fmt --all -- --check
# The shared store SQL is include!d, which cargo fmt does not follow.
rustfmt --edition 2024 --check src/store/sql.rs

echo "== cargo clippy (builds the web app through build.rs)"
cargo clippy --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --all-targets --locked

echo "== web: unit tests"
(cd web && npm test)

echo "== web: end-to-end tests in headless Chromium"
cargo build --locked --bin keyproj
if [ -x "${KEYPROJ_CHROMIUM:-/usr/bin/chromium}" ]; then
  (cd web && KEYPROJ_BIN="$PWD/../target/debug/keyproj" npm run e2e)
elif [ "${KEYPROJ_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "error: Chromium is not installed (apt-get install chromium) and KEYPROJ_REQUIRE_BROWSER=1" >&2
  exit 1
else
  echo "notice: /usr/bin/chromium not found; skipping the browser tests (apt-get install chromium)"
fi
