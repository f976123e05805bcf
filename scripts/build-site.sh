#!/usr/bin/env bash
# Builds the browser bundle: the leptos app compiled to WASM (hydrate feature), bound with
# wasm-bindgen, optimised with wasm-opt when it is installed, and pre-compressed (gzip, brotli).
# Output: target/site/pkg. The server hashes these files into its asset URLs at start.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
ensure_wasm_target
ensure_wasm_bindgen
ensure_compressors

profile=${VEILIG_WASM_PROFILE:-wasm-release}
# A target directory of its own: switching features in one directory would rebuild everything.
export CARGO_TARGET_DIR="$ROOT/target/wasm"
say "building the WASM bundle (profile $profile)"
cargo build -p veilig-frontend --lib --target wasm32-unknown-unknown --features hydrate --profile "$profile"

out="$ROOT/target/site/pkg"
tmp="$ROOT/target/site/pkg.tmp"
rm -rf "$tmp" && mkdir -p "$tmp"
wasm-bindgen --target web --no-typescript --out-dir "$tmp" --out-name veilig \
  "$CARGO_TARGET_DIR/wasm32-unknown-unknown/$profile/veilig_frontend.wasm"
if command -v wasm-opt >/dev/null && [ "${VEILIG_WASM_OPT:-1}" = 1 ]; then
  say "optimising with wasm-opt"
  wasm-opt -Oz --enable-bulk-memory --enable-nontrapping-float-to-int -o "$tmp/veilig_bg.opt.wasm" "$tmp/veilig_bg.wasm"
  mv "$tmp/veilig_bg.opt.wasm" "$tmp/veilig_bg.wasm"
fi
# The loader is a file, not an inline script, so the content security policy can forbid those.
# Hydration only adds niceties to pages that already work as plain HTML, so it must never stand
# between a child and the first question: the bundle is fetched when someone starts to use the
# page's fields (focus or a key in one), or once the page has been idle for a few seconds. A child
# who opens a card's link and presses Start at once downloads none of it.
cat > "$tmp/boot.js" <<'JS'
let started = false;
const events = ["keydown", "focusin"];
function boot() {
  if (started) return;
  started = true;
  events.forEach((e) => removeEventListener(e, onField, true));
  import("./veilig.js").then((m) =>
    m.default({ module_or_path: new URL("./veilig_bg.wasm", import.meta.url) }).then(() => m.hydrate()));
}
function onField(event) {
  if (event.target instanceof Element && event.target.matches("input, textarea, select")) boot();
}
events.forEach((e) => addEventListener(e, onField, { capture: true, passive: true }));
const later = () => setTimeout(boot, 3000);
if (document.readyState === "complete") later(); else addEventListener("load", later);
JS
for f in "$tmp"/*.js "$tmp"/*.wasm; do
  gzip -9 -k -f "$f"
  if command -v brotli >/dev/null; then brotli -q 11 -f -k "$f"; fi
done
rm -rf "$out" && mv "$tmp" "$out"
say "bundle: $(du -b "$out/veilig_bg.wasm" | cut -f1) bytes WASM, $(du -b "$out/veilig_bg.wasm.gz" | cut -f1) gzip"
