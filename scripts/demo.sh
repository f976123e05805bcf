#!/usr/bin/env bash
# The main job: build everything and serve synthetic demo data on SQLite at a printed URL.
# Installs what is missing (wasm32 target, wasm-bindgen-cli). Extra arguments go to `veilig serve`.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
"$ROOT/scripts/build-site.sh"
say "building the server"
cargo build --release -p veilig
exec "$ROOT/target/release/veilig" serve --demo "$@"
