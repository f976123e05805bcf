//! Turns the interface texts (`texts/*.toml`, one file per language) into Rust: a `Lang` enum
//! and one static struct of texts per language (see build/texts.rs). The texts stay data that
//! translators edit; the build refuses a language file with a missing, extra or empty text, a
//! list of choices with other values, or placeholders (`{n}`) that differ from the first
//! language's.

#[path = "build/texts.rs"]
mod texts;

use std::path::{Path, PathBuf};

fn main() {
    // Read when the script runs, not baked in when it is compiled: two checkouts sharing one
    // target directory share this script's binary, and each must read its own texts.
    let manifest_dir =
        std::env::var_os("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let dir = Path::new(&manifest_dir).join("texts");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=build/texts.rs");
    let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .collect();
    paths.sort();
    let files: Vec<(String, String)> = paths
        .iter()
        .map(|p| {
            println!("cargo:rerun-if-changed={}", p.display());
            let source =
                std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
            (
                format!(
                    "frontend/texts/{}",
                    p.file_name().unwrap_or_default().to_string_lossy()
                ),
                source,
            )
        })
        .collect();
    let rust = texts::compile(&files).unwrap_or_else(|problem| panic!("{problem}"));
    let out = PathBuf::from(std::env::var("OUT_DIR").expect("cargo sets OUT_DIR")).join("texts.rs");
    std::fs::write(&out, rust).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}
