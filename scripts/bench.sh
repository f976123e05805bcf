#!/usr/bin/env bash
# The benchmarks of docs/benchmarks.md: builds the release server and the benchmark, then runs
# `veilig-bench` with the arguments given, e.g.
#   ./scripts/bench.sh submissions --database postgres --responses 20000 --clients 64
#   ./scripts/bench.sh dashboards --database sqlite --sizes 10000,100000,1000000
#   ./scripts/bench.sh page      (the child's first question on a slow tablet, in Chromium)
# PostgreSQL runs need the server at 127.0.0.1:5432 (started when it is down).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_postgres
if [ "${1:-}" = page ]; then
  # The child's page weight: a browser benchmark kept beside the browser tests.
  ensure_chromium
  "$ROOT/scripts/build-site.sh"
  exec cargo test -p veilig-tests --test browser -- --ignored --nocapture --test-threads=1 page_weight
fi
say "building the release server and the benchmark"
cargo build --release -p veilig -p veilig-bench
exec "$ROOT/target/release/veilig-bench" "$@"
