#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on SQLite and
# (when KEYPROJ_TEST_POSTGRES points at a server) PostgreSQL, the web app's type check and unit
# tests, schemathesis against the API's own description, and the end-to-end tests in headless
# Chromium against a real keyproj server with the demo year.
#
#   KEYPROJ_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres scripts/test.sh
#
# Without KEYPROJ_TEST_POSTGRES the PostgreSQL tests print a notice and skip;
# with KEYPROJ_REQUIRE_POSTGRES=1 (CI) they fail instead. The browser tests need Chromium
# (/usr/bin/chromium, Debian's `chromium`); without it they skip with a notice unless
# KEYPROJ_REQUIRE_BROWSER=1 (CI). The Rust tests run a second time with the system date moved
# 400 days ahead when Debian's `faketime` is installed (required with KEYPROJ_REQUIRE_FAKETIME=1).
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
rustfmt --edition 2024 --check src/store/sql.rs src/store/accounts_sql.rs

echo "== cargo clippy (builds the web app through build.rs)"
cargo clippy --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --all-targets --locked

echo "== cargo test again, with the system date moved 400 days ahead (faketime)"
# A test that passes only near the day it was written is a time bomb: run the test binaries
# once more with the operating system's date more than a year later. cargo and rustc hang
# under libfaketime, so build first and run only the test executables under it; monotonic
# time stays real (timeouts, tokio).
if command -v faketime >/dev/null 2>&1; then
  mapfile -t test_bins < <(cargo test --all-targets --locked --no-run --message-format=json 2>/dev/null \
    | node -e '
      let buf = "";
      process.stdin.on("data", (d) => (buf += d));
      process.stdin.on("end", () => {
        for (const line of buf.split("\n")) {
          if (!line.startsWith("{")) continue;
          const m = JSON.parse(line);
          const kinds = (m.target && m.target.kind) || [];
          if (m.reason === "compiler-artifact" && m.executable && m.profile && m.profile.test
              && (kinds.includes("test") || kinds.includes("lib"))) console.log(m.executable);
        }
      });')
  if [ "${#test_bins[@]}" -eq 0 ]; then
    echo "error: found no test executables to run under faketime" >&2
    exit 1
  fi
  for bin in "${test_bins[@]}"; do
    echo "-- faketime +400d $(basename "$bin")"
    FAKETIME_DONT_FAKE_MONOTONIC=1 faketime -f +400d "$bin" --quiet
  done
elif [ "${KEYPROJ_REQUIRE_FAKETIME:-0}" = "1" ]; then
  echo "error: faketime is not installed (apt-get install faketime) and KEYPROJ_REQUIRE_FAKETIME=1" >&2
  exit 1
else
  echo "notice: faketime not found; skipping the moved-clock run (apt-get install faketime)"
fi

echo "== web: type check (vue-tsc) and unit tests"
(cd web && npm run typecheck && npm test)

cargo build --locked --bin keyproj

echo "== API: schemathesis against its own description"
if command -v python3 >/dev/null 2>&1; then
  scripts/schemathesis.sh target/debug/keyproj
else
  echo "error: python3 is needed for schemathesis (the API fuzzing step)" >&2
  exit 1
fi

echo "== web: end-to-end tests in headless Chromium"
if [ -x "${KEYPROJ_CHROMIUM:-/usr/bin/chromium}" ]; then
  (cd web && KEYPROJ_BIN="$PWD/../target/debug/keyproj" npm run e2e)
elif [ "${KEYPROJ_REQUIRE_BROWSER:-0}" = "1" ]; then
  echo "error: Chromium is not installed (apt-get install chromium) and KEYPROJ_REQUIRE_BROWSER=1" >&2
  exit 1
else
  echo "notice: /usr/bin/chromium not found; skipping the browser tests (apt-get install chromium)"
fi
