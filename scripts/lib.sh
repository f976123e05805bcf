# Shared by scripts/*.sh: install what is missing, from crates.io, npm and Debian only.
# Nothing here downloads a prebuilt binary.

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
export PATH="$HOME/.cargo/bin:$PATH"

say() { printf '\033[1m==> %s\033[0m\n' "$*" >&2; }

as_root() {
  if [ "$(id -u)" = 0 ]; then "$@"; else sudo "$@"; fi
}

apt_install() {
  say "installing Debian packages: $*"
  as_root apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive as_root apt-get install -y -qq "$@" >/dev/null
}

ensure_wasm_target() {
  if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
    say "adding the Rust target wasm32-unknown-unknown"
    rustup target add wasm32-unknown-unknown
  fi
}

# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
ensure_wasm_bindgen() {
  local want have
  want=$(awk '/^name = "wasm-bindgen"$/ { getline; gsub(/version = |"/, ""); print; exit }' "$ROOT/Cargo.lock")
  have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
  if [ "$have" != "$want" ]; then
    say "installing wasm-bindgen-cli $want (found: ${have:-none}); this takes a few minutes once"
    # A build tool, not shipped: optimised lightly, it installs in half the time. Its own
    # lock file first; when the registry lacks a version it names (a mirror behind crates.io),
    # the newest compatible versions the registry has.
    local light=(env CARGO_PROFILE_RELEASE_OPT_LEVEL=1 CARGO_PROFILE_RELEASE_LTO=false
      CARGO_PROFILE_RELEASE_CODEGEN_UNITS=16 CARGO_PROFILE_RELEASE_DEBUG=false)
    "${light[@]}" cargo install -f --locked wasm-bindgen-cli --version "$want" ||
      { say "installing wasm-bindgen-cli $want without its lock file"
        "${light[@]}" cargo install -f wasm-bindgen-cli --version "$want"; }
  fi
}

ensure_compressors() {
  command -v gzip >/dev/null || apt_install gzip
  command -v brotli >/dev/null || apt_install brotli || say "brotli not available: assets are served gzip-compressed only"
}

# Chromium and ChromeDriver for the browser tests, and pdftotext to read what they print.
ensure_chromium() {
  if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
    apt_install chromium chromium-driver
  fi
  command -v pdftotext >/dev/null || apt_install poppler-utils
}

# axe-core from npm, kept in target/ (not committed), read by the browser tests from disk.
ensure_axe() {
  local dir="$ROOT/target/npm"
  if [ ! -f "$dir/node_modules/axe-core/axe.min.js" ]; then
    command -v npm >/dev/null || apt_install npm
    say "installing axe-core from npm into target/npm"
    mkdir -p "$dir"
    (cd "$dir" && npm install --no-audit --no-fund --silent "axe-core@4.10" >/dev/null)
  fi
  export VEILIG_AXE_JS="$dir/node_modules/axe-core/axe.min.js"
}

ensure_postgres() {
  if ! pg_isready -q -h 127.0.0.1 -p 5432 2>/dev/null; then
    say "starting PostgreSQL"
    as_root pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql | head -1)" main start
    for _ in $(seq 1 30); do
      pg_isready -q -h 127.0.0.1 -p 5432 && break
      sleep 1
    done
  fi
  pg_isready -h 127.0.0.1 -p 5432 >/dev/null || { echo "PostgreSQL does not answer at 127.0.0.1:5432" >&2; exit 1; }
}
