#!/usr/bin/env bash
# Proves a backup can be restored: fills a PostgreSQL database with demo data, exports the
# published results, dumps the database with pg_dump, restores the dump into a new database
# with pg_restore, exports again from the restored copy and compares.
# Usage: scripts/backup-restore-check.sh [responses per wave, default 2000]
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_postgres

responses=${1:-2000}
pg="postgres://postgres@127.0.0.1:5432"
work=$(mktemp -d)
src="veilig_backup_src_$$"
dst="veilig_backup_dst_$$"
cleanup() {
  dropdb -h 127.0.0.1 -U postgres --if-exists "$src" >/dev/null 2>&1 || true
  dropdb -h 127.0.0.1 -U postgres --if-exists "$dst" >/dev/null 2>&1 || true
  rm -rf "$work"
}
trap cleanup EXIT

say "building veilig (release)"
cargo build --release -q -p veilig
veilig="$ROOT/target/release/veilig"
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' > "$work/pepper"
export VEILIG_PEPPER_FILE="$work/pepper"

run() { DATABASE_URL="$pg/$1" "$veilig" "${@:2}"; }
export_all() {
  local db=$1 out=$2
  : > "$out"
  for by in setting_type region organisation age_band gender; do
    run "$db" export --as backup-check@example.nl --wave 2021 --by "$by" --format csv \
      | grep -v '^# Made' >> "$out"
  done
  run "$db" response --wave 2023 >> "$out"
}

say "filling $src with demo data ($responses responses per wave)"
createdb -h 127.0.0.1 -U postgres "$src"
run "$src" demo --responses "$responses" >/dev/null
printf 'a long enough password\n' | run "$src" user add --email backup-check@example.nl --role researcher >/dev/null
export_all "$src" "$work/before.txt"

say "pg_dump (custom format) and pg_restore into $dst"
pg_dump -h 127.0.0.1 -U postgres -Fc -f "$work/veilig.dump" "$src"
createdb -h 127.0.0.1 -U postgres "$dst"
pg_restore -h 127.0.0.1 -U postgres --no-owner -d "$dst" "$work/veilig.dump"
export_all "$dst" "$work/after.txt"

if ! diff -u "$work/before.txt" "$work/after.txt"; then
  echo "The restored database gives other results." >&2
  exit 1
fi
lines=$(wc -l < "$work/before.txt")
say "same results before and after: $lines lines of exports and response rates compared"
say "dump size: $(du -h "$work/veilig.dump" | cut -f1) for $((responses * 2)) responses"
