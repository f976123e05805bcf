//! The authorization matrix: every route, called as every role (and as nobody), for its own
//! organisation and for another one, with the answer each must get. A route added to the
//! server without a row here fails `every_route_has_a_row_in_the_matrix`.

use std::collections::BTreeSet;
use veilig::domain::wave::WaveState;
use veilig_tests::{on_both_databases, StaffClient, TestApp};

/// Who calls: nobody, then each role. Institution roles belong to De Linde.
const CALLERS: [&str; 5] = [
    "nobody",
    "admin",
    "researcher",
    "institution_admin",
    "institution_viewer",
];

#[derive(Clone, Copy)]
enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Multipart(&'static [(&'static str, &'static str)]),
    Json(&'static str),
}

/// How the caller proves who they are.
#[derive(Clone, Copy, PartialEq)]
enum Auth {
    /// A signed-in browser (session cookie, CSRF token in forms).
    Session,
    /// A personal API token.
    Token,
    /// Nothing: public.
    Public,
}

struct Row {
    method: &'static str,
    /// The route as registered (for the completeness check).
    route: &'static str,
    /// The path called; `{own_location}`, `{other_location}`, `{user}`, `{wave}` are filled in.
    path: &'static str,
    auth: Auth,
    body: Body,
    /// Expected status per caller, in the order of `CALLERS`.
    expect: [u16; 5],
}

const REGISTER_ROW: &[(&str, &str)] = &[("csv", "organisation,region,location,setting_type,children_placed\nDe Linde,Utrecht,Groep Eik,open_residential,10\n")];
const ONE_LOCATION: &[(&str, &str)] = &[
    ("organisation", "De Linde"),
    ("region", "Utrecht"),
    ("location", "Groep Es"),
    ("setting_type", "closed"),
    ("children_placed", "6"),
];

fn matrix() -> Vec<Row> {
    use Auth::*;
    use Body::*;
    let row = |method, route, path, auth, body, expect| Row {
        method,
        route,
        path,
        auth,
        body,
        expect,
    };
    vec![
        // Public pages and the child's survey.
        row("GET", "/", "/", Public, None, [200; 5]),
        row(
            "GET",
            "/staff/login",
            "/staff/login",
            Public,
            None,
            [200; 5],
        ),
        row("GET", "/health", "/health", Public, None, [200; 5]),
        row("GET", "/exit", "/exit", Public, None, [200; 5]),
        row(
            "GET",
            "/survey/help",
            "/survey/help",
            Public,
            None,
            [200; 5],
        ),
        row(
            "GET",
            "/survey/thanks",
            "/survey/thanks",
            Public,
            None,
            [200; 5],
        ),
        row("GET", "/survey", "/survey", Public, None, [404; 5]),
        row(
            "POST",
            "/survey",
            "/survey",
            Public,
            Form(&[("go", "next")]),
            [404; 5],
        ),
        row(
            "POST",
            "/survey/send",
            "/survey/send",
            Public,
            Form(&[("go", "next")]),
            [404; 5],
        ),
        row(
            "POST",
            "/survey/start",
            "/survey/start",
            Public,
            Form(&[("code", "AAA-AAA-AAA")]),
            [303; 5],
        ),
        row(
            "POST",
            "/staff/login",
            "/staff/login",
            Public,
            Form(&[("email", "x@example.nl"), ("password", "wrong password!")]),
            [303; 5],
        ),
        // The JSON API.
        row(
            "GET",
            "/waves/{wave}/instrument",
            "/api/v1/waves/2021/instrument",
            Public,
            None,
            [200; 5],
        ),
        row(
            "POST",
            "/responses",
            "/api/v1/responses",
            Public,
            Json(
                r#"{"code":"AAA-AAA-AAA","submission_id":"6f1c2d0e-8a4b-4c1e-9f3a-2b7d5e6a9c10","language":"nl"}"#,
            ),
            [404; 5],
        ),
        row(
            "GET",
            "/openapi.json",
            "/api/v1/openapi.json",
            Public,
            None,
            [200; 5],
        ),
        row(
            "GET",
            "/waves/{wave}/results",
            "/api/v1/waves/2021/results?by=organisation",
            Token,
            None,
            [401, 200, 200, 403, 403],
        ),
        row(
            "GET",
            "/compare",
            "/api/v1/compare?from=2021&to=2021&by=region",
            Token,
            None,
            [401, 200, 200, 403, 403],
        ),
        // Staff pages: every signed-in role.
        row(
            "GET",
            "/staff",
            "/staff",
            Session,
            None,
            [303, 200, 200, 200, 200],
        ),
        row(
            "GET",
            "/staff/password",
            "/staff/password",
            Session,
            None,
            [303, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/staff/password",
            "/staff/password",
            Session,
            Form(&[("current", "x"), ("new", "y"), ("repeat", "z")]),
            [303, 422, 422, 422, 422],
        ),
        row(
            "GET",
            "/staff/tokens",
            "/staff/tokens",
            Session,
            None,
            [303, 200, 200, 200, 200],
        ),
        row(
            "POST",
            "/staff/tokens",
            "/staff/tokens",
            Session,
            Form(&[("name", "matrix")]),
            [303, 201, 201, 201, 201],
        ),
        // Someone else's token cannot be revoked by anyone but its owner.
        row(
            "POST",
            "/staff/tokens/{id}/revoke",
            "/staff/tokens/{other_token}/revoke",
            Session,
            Form(&[]),
            [303, 404, 404, 404, 404],
        ),
        // Administrators.
        row(
            "GET",
            "/staff/users",
            "/staff/users",
            Session,
            None,
            [303, 200, 403, 403, 403],
        ),
        row(
            "POST",
            "/staff/users",
            "/staff/users",
            Session,
            Form(&[("email", "not an address"), ("role", "researcher")]),
            [303, 422, 403, 403, 403],
        ),
        row(
            "POST",
            "/staff/users/{id}/reset",
            "/staff/users/{user}/reset",
            Session,
            Form(&[]),
            [303, 200, 403, 403, 403],
        ),
        row(
            "POST",
            "/staff/users/{id}/deactivate",
            "/staff/users/{user}/deactivate",
            Session,
            Form(&[]),
            [303, 200, 403, 403, 403],
        ),
        row(
            "POST",
            "/staff/users/{id}/activate",
            "/staff/users/{user}/activate",
            Session,
            Form(&[]),
            [303, 200, 403, 403, 403],
        ),
        row(
            "GET",
            "/staff/audit",
            "/staff/audit",
            Session,
            None,
            [303, 200, 403, 403, 403],
        ),
        // Researchers.
        row(
            "GET",
            "/staff/waves",
            "/staff/waves",
            Session,
            None,
            [303, 403, 200, 403, 403],
        ),
        row(
            "POST",
            "/staff/waves",
            "/staff/waves",
            Session,
            Form(&[("label", "")]),
            [303, 403, 422, 403, 403],
        ),
        row(
            "POST",
            "/staff/waves/{id}/state",
            "/staff/waves/{wave}/state",
            Session,
            Form(&[("to", "draft")]),
            [303, 403, 409, 403, 403],
        ),
        row(
            "GET",
            "/staff/organisations",
            "/staff/organisations",
            Session,
            None,
            [303, 403, 200, 403, 403],
        ),
        row(
            "POST",
            "/staff/organisations/import",
            "/staff/organisations/import",
            Session,
            Multipart(REGISTER_ROW),
            [303, 403, 200, 403, 403],
        ),
        row(
            "POST",
            "/staff/organisations/location",
            "/staff/organisations/location",
            Session,
            Multipart(ONE_LOCATION),
            [303, 403, 200, 403, 403],
        ),
        row(
            "GET",
            "/staff/results",
            "/staff/results?wave=2021",
            Session,
            None,
            [303, 403, 200, 403, 403],
        ),
        row(
            "GET",
            "/staff/results.csv",
            "/staff/results.csv?wave=2021&by=organisation",
            Session,
            None,
            [303, 403, 200, 403, 403],
        ),
        // Codes: researchers anywhere, institution administrators for their own locations.
        row(
            "GET",
            "/staff/codes",
            "/staff/codes",
            Session,
            None,
            [303, 403, 200, 200, 403],
        ),
        row(
            "POST",
            "/staff/codes",
            "/staff/codes?own",
            Session,
            Form(&[
                ("wave", "2023"),
                ("location", "{own_location}"),
                ("kind", "anonymous"),
                ("count", "1"),
            ]),
            [303, 403, 201, 201, 403],
        ),
        row(
            "POST",
            "/staff/codes",
            "/staff/codes?other",
            Session,
            Form(&[
                ("wave", "2023"),
                ("location", "{other_location}"),
                ("kind", "anonymous"),
                ("count", "1"),
            ]),
            [303, 403, 201, 403, 403],
        ),
        row(
            "POST",
            "/staff/codes/revoke",
            "/staff/codes/revoke",
            Session,
            Form(&[("code", "{other_code}")]),
            [303, 403, 200, 404, 403],
        ),
        row(
            "POST",
            "/staff/codes/reissue",
            "/staff/codes/reissue",
            Session,
            Form(&[("code", "{other_code_2}")]),
            [303, 403, 201, 404, 403],
        ),
        // The institution dashboard: institution roles, their own organisation only.
        row(
            "GET",
            "/staff/dashboard",
            "/staff/dashboard",
            Session,
            None,
            [303, 403, 403, 200, 200],
        ),
        // Response tracking: every role with data to follow.
        row(
            "GET",
            "/staff/response",
            "/staff/response?wave=2023",
            Session,
            None,
            [303, 403, 200, 200, 200],
        ),
        // Signing out comes last: it ends the session.
        row(
            "POST",
            "/staff/logout",
            "/staff/logout",
            Session,
            Form(&[]),
            [303, 303, 303, 303, 303],
        ),
    ]
}

struct World {
    own_location: String,
    other_location: String,
    user: String,
    wave: String,
    other_token: String,
    /// Codes of the other organisation, fresh for each caller (revoke and reissue change them).
    other_codes: Vec<String>,
}

async fn world(app: &TestApp) -> World {
    let locations = app.with_register().await;
    app.wave("2021", WaveState::Published).await;
    let wave = app.wave("2023", WaveState::Open).await;
    let dummy = app.add_staff("dummy@example.nl", "researcher", None).await;
    let owner = app.add_staff("owner@example.nl", "researcher", None).await;
    let token = veilig::auth::token::Token::generate();
    let other_token = veilig::store::tokens::create(&app.db, owner, "other", &token.hash())
        .await
        .unwrap();
    World {
        own_location: locations["Groep Eik"].to_string(),
        other_location: locations["Team 1"].to_string(),
        user: dummy.to_string(),
        wave: wave.to_string(),
        other_token: other_token.to_string(),
        other_codes: app
            .codes("2023", locations["Team 1"], 2 * CALLERS.len())
            .await,
    }
}

fn fill(text: &str, w: &World, caller: usize) -> String {
    text.replace("{own_location}", &w.own_location)
        .replace("{other_location}", &w.other_location)
        .replace("{user}", &w.user)
        .replace("{wave}", &w.wave)
        .replace("{other_token}", &w.other_token)
        .replace("{other_code_2}", &w.other_codes[2 * caller + 1])
        .replace("{other_code}", &w.other_codes[2 * caller])
}

async fn call(
    app: &TestApp,
    row: &Row,
    w: &World,
    caller: usize,
    session: Option<&StaffClient>,
    token: Option<&str>,
) -> u16 {
    let path = fill(row.path, w, caller);
    let client = match session {
        Some(s) if row.auth == Auth::Session => s.client.clone(),
        _ => app.client.clone(),
    };
    let mut request = match row.method {
        "GET" => client.get(app.url(&path)),
        _ => client.post(app.url(&path)),
    };
    if let (Auth::Token, Some(token)) = (row.auth, token) {
        request = request.bearer_auth(token);
    }
    let csrf = session.map(|s| s.csrf.clone()).unwrap_or_default();
    request = match row.body {
        Body::None => request,
        Body::Form(fields) => {
            let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf)];
            form.extend(
                fields
                    .iter()
                    .map(|(k, v)| (k.to_string(), fill(v, w, caller))),
            );
            request.form(&form)
        }
        Body::Multipart(fields) => {
            let mut form = reqwest::multipart::Form::new().text("csrf", csrf);
            for (k, v) in fields {
                form = form.text(k.to_string(), v.to_string());
            }
            request.multipart(form)
        }
        Body::Json(json) => request
            .header("content-type", "application/json")
            .body(json),
    };
    request
        .send()
        .await
        .expect("the request is sent")
        .status()
        .as_u16()
}

on_both_databases! {
    async fn every_route_answers_every_role_as_the_matrix_says(app) {
        let w = world(&app).await;
        let linde = app.organisation_id("De Linde").await;
        let mut failures = Vec::new();
        for (caller, name) in CALLERS.iter().enumerate() {
            let (session, token) = if caller == 0 {
                (None, None)
            } else {
                let organisation = name.starts_with("institution").then_some(linde);
                let email = format!("{name}@example.nl");
                let session = app.staff(&email, name, organisation).await;
                let user = veilig::store::staff::find_user_by_email(&app.db, &veilig::domain::staff::Email::parse(&email).unwrap()).await.unwrap().unwrap();
                let token = veilig::auth::token::Token::generate();
                veilig::store::tokens::create(&app.db, user.id, "matrix", &token.hash()).await.unwrap();
                (Some(session), Some(token.expose().to_string()))
            };
            for row in matrix() {
                let got = call(&app, &row, &w, caller, session.as_ref(), token.as_deref()).await;
                if got != row.expect[caller] {
                    failures.push(format!("{} {} as {name}: {got}, expected {}", row.method, row.path, row.expect[caller]));
                }
            }
        }
        assert!(failures.is_empty(), "{failures:#?}");
    }
}

/// Every `.route(...)` in the server and every page route of the app has a row.
#[test]
fn every_route_has_a_row_in_the_matrix() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut registered: BTreeSet<(String, String)> = BTreeSet::new();
    let mut files = vec![root.join("server/src/http")];
    while let Some(dir) = files.pop() {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                files.push(path);
            } else if path.extension().is_some_and(|e| e == "rs") {
                let text = std::fs::read_to_string(&path).unwrap();
                for part in text.split(".route(\"").skip(1) {
                    let (route, rest) = part.split_once('"').unwrap();
                    // The handlers: up to the parenthesis that closes `.route(`.
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
                    let handlers = &rest[..end];
                    for (method, marker) in [("GET", "get("), ("POST", "post(")] {
                        if handlers.contains(marker) {
                            registered.insert((method.to_string(), route.to_string()));
                        }
                    }
                }
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
