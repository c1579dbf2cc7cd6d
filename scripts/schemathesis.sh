#!/usr/bin/env bash
# Fuzz every API operation against its own description with schemathesis (from PyPI, in a venv
# under target/), as an administrator's API token, on a server with the demo year: on SQLite, and
# on PostgreSQL when KEYPROJ_TEST_POSTGRES names a server. Any server error, undocumented status
# or content type, or body that breaks its schema fails the run.
#
#   scripts/schemathesis.sh target/debug/keyproj
#
# KEYPROJ_SCHEMATHESIS_EXAMPLES (default 25) bounds the examples per operation;
# KEYPROJ_SCHEMATHESIS_SEED (default fixed) makes a run reproducible.
set -euo pipefail
cd "$(dirname "$0")/.."

bin="${1:?usage: scripts/schemathesis.sh PATH/TO/keyproj}"
version="4.32.5"
venv="target/schemathesis-venv"
examples="${KEYPROJ_SCHEMATHESIS_EXAMPLES:-25}"
seed="${KEYPROJ_SCHEMATHESIS_SEED:-20261204}"

if ! "$venv/bin/schemathesis" --version 2>/dev/null | grep -q "$version"; then
  echo "-- installing schemathesis $version into $venv"
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "schemathesis==$version"
fi

work="$(mktemp -d)"
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

fuzz() {
  local name="$1" database="$2"
  echo "-- schemathesis on $name"
  "$bin" --database "$database" demo >/dev/null
  local token
  token="$("$bin" --database "$database" token create --role admin --name schemathesis 2>/dev/null)"
  "$bin" --database "$database" serve --addr 127.0.0.1:0 >"$work/$name.log" 2>&1 &
  server=$!
  local url=""
  for _ in $(seq 1 100); do
    url="$(grep -o 'http://127.0.0.1:[0-9]*/' "$work/$name.log" | head -n 1 || true)"
    [ -n "$url" ] && break
    sleep 0.1
  done
  if [ -z "$url" ]; then
    cat "$work/$name.log" >&2
    echo "error: the server did not start" >&2
    exit 1
  fi
  # Excluded by name: revoking tokens would revoke the fuzzer's own credentials.
  "$venv/bin/schemathesis" run "${url}api/openapi.json" \
    --header "Authorization: Bearer $token" \
    --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
    --max-examples "$examples" \
    --seed "$seed" \
    --exclude-operation-id revoke_token \
    --workers 2 \
    --no-color
  kill "$server"
  wait "$server" 2>/dev/null || true
  server=""
}

fuzz sqlite "sqlite:$work/keyproj.sqlite"

if [ -n "${KEYPROJ_TEST_POSTGRES:-}" ]; then
  db="keyproj_test_schemathesis_$$"
  psql "$KEYPROJ_TEST_POSTGRES" -qc "CREATE DATABASE $db" >/dev/null
  base="${KEYPROJ_TEST_POSTGRES%/*}"
  fuzz postgres "$base/$db"
  psql "$KEYPROJ_TEST_POSTGRES" -qc "DROP DATABASE IF EXISTS $db WITH (FORCE)" >/dev/null
fi
