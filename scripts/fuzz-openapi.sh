#!/usr/bin/env bash
# Schemathesis against the OpenAPI document of a running demo server: every operation of
# /api/v1/openapi.json with generated valid and invalid inputs, checked against the document
# (status codes, content types, response schemas) and for server errors. Not part of CI.
#
#   scripts/fuzz-openapi.sh                  # 100 examples per operation
#   VEILIG_FUZZ_EXAMPLES=1000 scripts/fuzz-openapi.sh
#
# It builds the debug server, fills a temporary SQLite database with a small demo data set,
# adds a researcher with an API token (for the results operations), serves on loopback, runs
# schemathesis (installed with pip into a venv under target/), and prints the server's resident
# memory before and after. Extra arguments go to `schemathesis run`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"

EXAMPLES=${VEILIG_FUZZ_EXAMPLES:-100}
PORT=${VEILIG_FUZZ_PORT:-3917}
TARGET=${CARGO_TARGET_DIR:-$ROOT/target}
VENV="$TARGET/schemathesis-venv"

if [ ! -x "$VENV/bin/schemathesis" ]; then
  python=""
  for candidate in python3.13 python3.12 /root/.pyenv/versions/3.12*/bin/python3 python3; do
    # A pyenv shim can exist for a version that is not active: it must run, not only be found.
    if "$candidate" -c 'import venv' >/dev/null 2>&1; then python=$candidate; break; fi
  done
  say "installing schemathesis into $VENV (with $python)"
  "$python" -m venv "$VENV"
  "$VENV/bin/pip" install -q schemathesis
fi

say "building the server"
cargo build -q -p veilig
veilig="$TARGET/debug/veilig"

work=$(mktemp -d)
server=""
cleanup() {
  if [ -n "$server" ]; then kill "$server" 2>/dev/null || true; wait "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT
export DATABASE_URL="sqlite://$work/veilig.db?mode=rwc"
export VEILIG_PEPPER_FILE="$work/veilig.pepper"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$VEILIG_PEPPER_FILE"

say "demo data and a researcher's API token"
"$veilig" migrate
"$veilig" demo --responses 300 >/dev/null
printf '%s\n' "a long schemathesis password" |
  "$veilig" user add --email schemathesis@example.nl --role researcher >/dev/null
token=$("$veilig" token create --email schemathesis@example.nl --name schemathesis 2>/dev/null)

"$veilig" serve --addr "127.0.0.1:$PORT" --site-dir "$work/no-site" >"$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
  curl -fsS "http://127.0.0.1:$PORT/health" >/dev/null 2>&1 && break
  sleep 0.2
done
rss() { awk '/^VmRSS/ { print int($2 / 1024) " MiB" }' "/proc/$server/status"; }
say "server RSS before: $(rss)"

started=$(date +%s)
status=0
# From the temporary directory: schemathesis keeps its example database in the working directory.
(cd "$work" && "$VENV/bin/schemathesis" run "http://127.0.0.1:$PORT/api/v1/openapi.json" \
  --url "http://127.0.0.1:$PORT/api/v1" \
  --header "Authorization: Bearer $token" \
  --checks all \
  --max-examples "$EXAMPLES" \
  --workers 2 \
  --seed 6 \
  "$@") || status=$?
say "schemathesis took $(( $(date +%s) - started )) s and exited with $status"
say "server RSS after: $(rss)"
curl -fsS -o /dev/null -w "health after the run: %{http_code}\n" "http://127.0.0.1:$PORT/health"
if grep -q "internal error" "$work/server.log"; then
  say "the server logged internal errors:"
  grep "internal error" "$work/server.log" | head -20
  status=1
fi
exit "$status"
