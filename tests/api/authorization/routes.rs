//! Every route the server registers has a row in the matrix: `.route(...)` with a literal or a
//! `format!` path, `.nest_service(...)`, and every page route of the leptos app.

use super::matrix::matrix;
use std::collections::BTreeSet;

/// The first argument of a call whose opening parenthesis ends `text`'s prefix: a string
/// literal (also inside `&format!(...)`) as written, or a variable `base` as `{base}`.
fn first_argument(rest: &str) -> Option<String> {
    let rest = rest.trim_start();
    let rest = rest.strip_prefix('&').unwrap_or(rest).trim_start();
    let rest = rest.strip_prefix("format!(").unwrap_or(rest).trim_start();
    if let Some(literal) = rest.strip_prefix('"') {
        return literal.split('"').next().map(str::to_string);
    }
    let name: String = rest
        .chars()
        .take_while(|c| c.is_alphanumeric() || *c == '_')
        .collect();
    (!name.is_empty()).then(|| format!("{{{name}}}"))
}

/// The text up to the parenthesis that closes the call.
fn call_arguments(rest: &str) -> &str {
    let mut depth = 1;
    let end = rest
        .char_indices()
        .find(|(_, c)| {
            match c {
                '(' => depth += 1,
                ')' => depth -= 1,
                _ => {}
            }
            depth == 0
        })
        .map_or(rest.len(), |(i, _)| i);
    &rest[..end]
}

fn routes_in(text: &str, registered: &mut BTreeSet<(String, String)>) {
    for part in text.split(".route(").skip(1) {
        let arguments = call_arguments(part);
        let Some(route) = first_argument(arguments) else {
            continue;
        };
        for (method, marker) in [("GET", "get("), ("POST", "post(")] {
            if arguments.contains(marker) {
                registered.insert((method.to_string(), route.clone()));
            }
        }
    }
    // A service answers whatever is under its path; static files are read with GET.
    for marker in [".nest_service(", ".route_service("] {
        for part in text.split(marker).skip(1) {
            if let Some(route) = first_argument(call_arguments(part)) {
                registered.insert(("GET".to_string(), route));
            }
        }
    }
}

#[test]
fn the_scan_finds_literal_formatted_and_nested_routes() {
    let mut found = BTreeSet::new();
    routes_in(
        r#"Router::new().route("/a", get(x).post(y))
            .route(
                &format!("{base}/b.css"),
                get(|| async { "" }),
            )
            .nest_service(&base, files)
            .nest_service("/c", files)"#,
        &mut found,
    );
    let found: Vec<(&str, &str)> = found
        .iter()
        .map(|(m, r)| (m.as_str(), r.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            ("GET", "/a"),
            ("GET", "/c"),
            ("GET", "{base}"),
            ("GET", "{base}/b.css"),
            ("POST", "/a"),
        ]
    );
}

#[test]
fn every_route_has_a_row_in_the_matrix() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut registered: BTreeSet<(String, String)> = BTreeSet::new();
    let mut dirs = vec![root.join("server/src/http")];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                dirs.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                routes_in(&std::fs::read_to_string(&path).unwrap(), &mut registered);
            }
        }
    }
    let app = std::fs::read_to_string(root.join("frontend/src/app.rs")).unwrap();
    for part in app.split("path!(\"").skip(1) {
        registered.insert(("GET".into(), part.split('"').next().unwrap().to_string()));
    }
    assert!(
        registered.len() > 30,
        "the routes are found: {registered:?}"
    );
    for expected in ["{base}", "{base}/veilig.css", "/staff/incidents"] {
        assert!(
            registered.iter().any(|(_, r)| r == expected),
            "{expected} is found: {registered:?}"
        );
    }
    let covered: BTreeSet<(String, String)> = matrix()
        .iter()
        .map(|r| (r.method.to_string(), r.route.to_string()))
        .collect();
    let missing: Vec<_> = registered.difference(&covered).collect();
    assert!(
        missing.is_empty(),
        "routes without a row in the authorization matrix: {missing:?}"
    );
}
