//! The server's layers, checked by a test over its own source: every module of `server/src`
//! belongs to one layer and uses only modules of its own layer or of layers below it, and no
//! folder has an import circle between the modules in it. (What is read is each file's part
//! before its first `#[cfg(test)]`: tests may reach across.)
//!
//! ```text
//! startup                      wiring: settings → database → router → listener
//! http, commands               entry points: parse, call a use case, render
//! config, cli                  settings
//! app, submission, results, …  use cases
//! store                        persistence (sea-orm)
//! domain, pepper, auth, …      plain rules and types
//! ```

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// The layers, lowest first.
const LAYERS: &[(&str, &[&str])] = &[
    (
        "foundations",
        &[
            "domain",
            "pepper",
            "auth",
            "db",
            "export",
            "help",
            "telemetry",
        ],
    ),
    ("store", &["store"]),
    (
        "use cases",
        &[
            "app",
            "accounts",
            "attempts",
            "dashboard",
            "demo",
            "incidents",
            "intake",
            "kiosk",
            "mixer",
            "participation",
            "results",
            "submission",
        ],
    ),
    ("settings", &["config", "cli"]),
    ("entry points", &["http", "commands"]),
    ("wiring", &["startup"]),
];

type Graph = BTreeMap<String, BTreeSet<String>>;

/// The modules (files without `.rs`, and folders) directly in `dir`.
fn modules_in(dir: &Path) -> BTreeSet<String> {
    std::fs::read_dir(dir)
        .expect("a source folder")
        .filter_map(|e| {
            let name = e.ok()?.file_name().into_string().ok()?;
            match name.strip_suffix(".rs") {
                Some("lib" | "main" | "mod") => None,
                Some(stem) => Some(stem.to_string()),
                None if dir.join(&name).is_dir() => Some(name),
                None => None,
            }
        })
        .collect()
}

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).expect("a source folder").flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The names that follow `prefix` in `text` (`crate::store::codes` gives `store` for the
/// prefix `crate::`).
fn names_after(text: &str, prefix: &str) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    let mut rest = text;
    while let Some(at) = rest.find(prefix) {
        let before = rest[..at].chars().next_back();
        rest = &rest[at + prefix.len()..];
        if before.is_some_and(|c| c.is_alphanumeric() || c == '_') {
            continue;
        }
        let name: String = rest
            .chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect();
        if !name.is_empty() {
            names.insert(name);
        }
    }
    names
}

/// Who uses whom among the modules directly in `src/<folder>`: `crate::<folder>::x` from any
/// file below it, and `super::x` from the files directly in it.
fn graph(src: &Path, folder: &[&str]) -> Graph {
    let dir = folder
        .iter()
        .fold(src.to_path_buf(), |d, part| d.join(part));
    let modules = modules_in(&dir);
    let prefix = ["crate"]
        .iter()
        .chain(folder)
        .fold(String::new(), |p, part| format!("{p}{part}::"));
    let mut files = Vec::new();
    rust_files(&dir, &mut files);
    let mut graph: Graph = modules
        .iter()
        .map(|m| (m.clone(), BTreeSet::new()))
        .collect();
    for file in files {
        let relative = file.strip_prefix(&dir).expect("below its folder");
        let first = relative
            .components()
            .next()
            .and_then(|c| c.as_os_str().to_str())
            .unwrap_or_default();
        let me = first.strip_suffix(".rs").unwrap_or(first);
        if !modules.contains(me) {
            continue;
        }
        let text = std::fs::read_to_string(&file).expect("a readable source file");
        let text = text.split("#[cfg(test)]").next().unwrap_or_default();
        let mut uses = names_after(text, &prefix);
        if !folder.is_empty() && relative.components().count() == 1 {
            uses.extend(names_after(text, "super::"));
        }
        for used in uses {
            if used != me && modules.contains(&used) {
                graph.get_mut(me).expect("listed").insert(used);
            }
        }
    }
    graph
}

/// Every circle of the graph, each once, as the path that closes it.
fn circles(graph: &Graph) -> Vec<Vec<String>> {
    fn walk(
        graph: &Graph,
        at: &str,
        path: &mut Vec<String>,
        done: &mut BTreeSet<String>,
        found: &mut Vec<Vec<String>>,
    ) {
        if let Some(start) = path.iter().position(|m| m == at) {
            let mut circle = path[start..].to_vec();
            circle.push(at.to_string());
            found.push(circle);
            return;
        }
        if done.contains(at) {
            return;
        }
        path.push(at.to_string());
        for next in graph.get(at).into_iter().flatten() {
            walk(graph, next, path, done, found);
        }
        path.pop();
        done.insert(at.to_string());
    }
    let mut found = Vec::new();
    let mut done = BTreeSet::new();
    for start in graph.keys() {
        walk(graph, start, &mut Vec::new(), &mut done, &mut found);
    }
    found
}

/// The folders of `src`, as paths of parts (the root first, as no parts).
fn folders(src: &Path, below: &[String], out: &mut Vec<Vec<String>>) {
    out.push(below.to_vec());
    let dir = below.iter().fold(src.to_path_buf(), |d, part| d.join(part));
    let mut subs: Vec<String> = std::fs::read_dir(&dir)
        .expect("a source folder")
        .flatten()
        .filter(|e| e.path().is_dir())
        .filter_map(|e| e.file_name().into_string().ok())
        .collect();
    subs.sort();
    for sub in subs {
        let mut next = below.to_vec();
        next.push(sub);
        folders(src, &next, out);
    }
}

fn layer_of(module: &str) -> Option<usize> {
    LAYERS.iter().position(|(_, ms)| ms.contains(&module))
}

/// What breaks the layering of the top-level modules: a module in no layer, or a use of a
/// higher layer.
fn layer_breaks(graph: &Graph) -> Vec<String> {
    let mut breaks = Vec::new();
    for (module, uses) in graph {
        let Some(mine) = layer_of(module) else {
            breaks.push(format!("`{module}` is in no layer: add it to LAYERS"));
            continue;
        };
        for used in uses {
            if let Some(theirs) = layer_of(used).filter(|theirs| *theirs > mine) {
                breaks.push(format!(
                    "`{module}` ({}) uses `{used}` ({}), a layer above it",
                    LAYERS[mine].0, LAYERS[theirs].0
                ));
            }
        }
    }
    breaks
}

fn source() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("src")
}

#[test]
fn no_folder_has_an_import_circle() {
    let src = source();
    let mut all = Vec::new();
    folders(&src, &[], &mut all);
    let mut found = Vec::new();
    for folder in &all {
        let parts: Vec<&str> = folder.iter().map(String::as_str).collect();
        for circle in circles(&graph(&src, &parts)) {
            found.push(format!("src/{}: {}", folder.join("/"), circle.join(" → ")));
        }
    }
    assert!(found.is_empty(), "import circles:\n{}", found.join("\n"));
}

#[test]
fn every_module_uses_only_its_own_layer_and_those_below() {
    let breaks = layer_breaks(&graph(&source(), &[]));
    assert!(breaks.is_empty(), "{}", breaks.join("\n"));
}

#[test]
fn the_checks_find_a_circle_and_a_use_upwards() {
    let edges = |pairs: &[(&str, &str)]| -> Graph {
        let mut g = Graph::new();
        for (a, b) in pairs {
            g.entry(a.to_string()).or_default().insert(b.to_string());
            g.entry(b.to_string()).or_default();
        }
        g
    };
    // store → domain is allowed; a use back from domain closes a circle and goes upwards.
    assert!(circles(&edges(&[("store", "domain")])).is_empty());
    let back = edges(&[("store", "domain"), ("domain", "store")]);
    assert_eq!(circles(&back), vec![vec!["domain", "store", "domain"]]);
    assert_eq!(layer_breaks(&back).len(), 1);
    assert_eq!(
        circles(&edges(&[("a", "b"), ("b", "c"), ("c", "a"), ("c", "d")])).len(),
        1
    );
    assert_eq!(layer_breaks(&edges(&[("newcomer", "domain")])).len(), 1);
}

#[test]
fn uses_are_read_from_paths_and_super() {
    let text = "use crate::store::codes;\nlet x = crate::domain::wave::Wave;\n// notcrate::http";
    assert_eq!(
        names_after(text, "crate::"),
        BTreeSet::from(["domain".to_string(), "store".to_string()])
    );
    assert_eq!(
        names_after("use super::render::page;", "super::"),
        BTreeSet::from(["render".to_string()])
    );
}
