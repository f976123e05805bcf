//! Replays models written with `VEILIG_ENGINE_DUMP=<dir>`: `cargo run --release -p
//! veilig-disclosure --example replay -- <dir or files>`, printing the time and what was
//! hidden (`VEILIG_ENGINE_TRACE=1` for every round).

use std::time::Instant;
use veilig_disclosure::{audit, protect, Audit, Model};

fn main() {
    let mut files: Vec<std::path::PathBuf> = Vec::new();
    for arg in std::env::args().skip(1) {
        let path = std::path::PathBuf::from(arg);
        match std::fs::read_dir(&path) {
            Ok(dir) => files.extend(dir.filter_map(|e| e.ok()).map(|e| e.path())),
            Err(_) => files.push(path),
        }
    }
    files.sort();
    for file in files {
        let Some((model, k, forced)) = std::fs::read_to_string(&file)
            .ok()
            .and_then(|text| Model::read(&text))
        else {
            eprintln!("{}: not a model", file.display());
            continue;
        };
        let started = Instant::now();
        let hidden = protect(&model, k, &forced);
        let took = started.elapsed();
        let clean = matches!(audit(&model, &hidden), Audit::Narrow(n) if n.is_empty());
        println!(
            "{}: {} figures, {} cells, {} hidden, {:.2} s, audit clean: {clean}",
            file.display(),
            model.figures.len(),
            model.truth.len(),
            hidden.iter().filter(|h| **h).count(),
            took.as_secs_f64()
        );
    }
}
