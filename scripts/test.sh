#!/usr/bin/env bash
# Every test: formatting, lints, unit tests, integration tests on SQLite and PostgreSQL, and
# browser tests in headless Chromium. Installs what is missing (wasm32 target, wasm-bindgen-cli,
# Chromium and ChromeDriver, axe-core) and starts PostgreSQL when it is down.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
start=$(date +%s)

say "checking formatting and lints"
cargo fmt --all -- --check
cargo clippy --all-targets -- -D warnings

ensure_postgres
ensure_chromium
ensure_axe
"$ROOT/scripts/build-site.sh"

say "running all tests"
cargo test --workspace -- --test-threads="${VEILIG_TEST_THREADS:-4}"
say "all tests passed in $(( $(date +%s) - start )) s"
