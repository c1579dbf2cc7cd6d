#!/usr/bin/env bash
# The whole test suite: formatting, lints, unit and integration tests on SQLite and
# (when KEYPROJ_TEST_POSTGRES points at a server) PostgreSQL.
#
#   KEYPROJ_TEST_POSTGRES=postgres://postgres@127.0.0.1:5432/postgres scripts/test.sh
#
# Without KEYPROJ_TEST_POSTGRES the PostgreSQL tests print a notice and skip;
# with KEYPROJ_REQUIRE_POSTGRES=1 (CI) they fail instead.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v cargo >/dev/null 2>&1; then
  echo "错误 / error: cargo is not installed (https://rustup.rs)" >&2
  exit 1
fi

echo "== cargo fmt --check"
cargo fmt --all -- --check
# The shared store SQL is include!d, which cargo fmt does not follow.
rustfmt --edition 2024 --check src/store/sql.rs

echo "== cargo clippy"
cargo clippy --all-targets --locked -- -D warnings

echo "== cargo test"
cargo test --all-targets --locked
