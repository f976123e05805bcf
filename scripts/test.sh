#!/usr/bin/env bash
# Every test: formatting, lints, unit tests, integration tests on SQLite and PostgreSQL, and
# browser tests in headless Chromium. Installs what is missing (wasm32 target, wasm-bindgen-cli,
# Chromium and ChromeDriver, axe-core) and starts PostgreSQL when it is down.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
start=$(date +%s)
# Each step says how long the run has taken so far, to see where CI's minutes go.
step() { say "$* (at $(( $(date +%s) - start )) s)"; }

step "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

step "preparing PostgreSQL, Chromium, axe-core and the WASM bundle"
ensure_postgres
ensure_chromium
ensure_axe
"$ROOT/scripts/build-site.sh"

step "running all tests"
cargo test --workspace -- --test-threads="${VEILIG_TEST_THREADS:-4}"
say "all tests passed in $(( $(date +%s) - start )) s"
