//! The authorization matrix: every route, called as every role (and as nobody), for its own
//! organisation and for another one, with the answer each must get — and, for institution
//! roles, nothing of another organisation in any answer. A route added to the server without
//! a row here fails `every_route_has_a_row_in_the_matrix` (see `routes.rs`). The fuzz suite
//! (`tests/fuzz`) sends hostile variants of the same rows; `world.rs` is shared with it.

pub(crate) mod matrix;
mod routes;
mod world;

use matrix::matrix;
use veilig::domain::staff::Scope;
use veilig_tests::{on_both_databases, StaffClient, TestApp};
pub(crate) use world::*;

/// What belongs to the other organisation (Pleegzorg West): its name, its location, and the
/// incidents it registered. None of it may reach an institution role of De Linde.
const OTHER_ORGANISATION: [&str; 3] = ["Pleegzorg West", "Team 1", ">4321<"];

/// Calls one row as one caller: the status and the body.
async fn call(
    app: &TestApp,
    row: &Row,
    w: &World,
    caller: usize,
    session: Option<&StaffClient>,
    token: Option<&str>,
) -> (u16, String) {
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
    let form = |fields: Vec<(String, String)>| {
        let mut form: Vec<(String, String)> = vec![("csrf".into(), csrf.clone())];
        form.extend(fields.into_iter().map(|(k, v)| (k, fill(&v, w, caller))));
        form
    };
    request = match row.body {
        Body::None => request,
        Body::Form(fields) => request.form(&form(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
        )),
        Body::Incidents(extra) => request.form(&form(incident_fields(extra))),
        Body::Multipart(fields) => {
            let mut form = reqwest::multipart::Form::new().text("csrf", csrf.clone());
            for (k, v) in fields {
                form = form.text(k.to_string(), v.to_string());
            }
            request.multipart(form)
        }
        Body::Json(json) => request
            .header("content-type", "application/json")
            .body(json),
    };
    let response = request.send().await.expect("the request is sent");
    let status = response.status().as_u16();
    (status, response.text().await.unwrap_or_default())
}

/// What is wrong with a successful answer's content, if anything.
fn content_problems(row: &Row, caller: usize, body: &str, w: &World) -> Vec<String> {
    let mut problems = Vec::new();
    if CALLERS[caller].starts_with("institution") {
        for other in OTHER_ORGANISATION {
            if body.contains(other) {
                problems.push(format!("shows another organisation's {other:?}"));
            }
        }
    }
    let researcher = CALLERS[caller] == "researcher";
    for wanted in row
        .shows
        .iter()
        .chain(row.researcher_shows.iter().filter(|_| researcher))
    {
        let wanted = fill(wanted, w, caller);
        if !body.contains(&wanted) {
            problems.push(format!("does not show {wanted:?}"));
        }
    }
    problems
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
                let (got, body) = call(&app, &row, &w, caller, session.as_ref(), token.as_deref()).await;
                if got != row.expect[caller] {
                    failures.push(format!("{} {} as {name}: {got}, expected {}", row.method, row.path, row.expect[caller]));
                } else if (200..300).contains(&got) {
                    for problem in content_problems(&row, caller, &body, &w) {
                        failures.push(format!("{} {} as {name}: {problem}", row.method, row.path));
                    }
                }
            }
        }
        // The institution's posts never touched the other organisation's registration.
        let west = app.organisation_id("Pleegzorg West").await;
        let kept = veilig::store::incidents::list(&app.db, Scope::Organisation(west), None).await.unwrap();
        assert_eq!(kept.len(), 1, "{kept:?}");
        assert_eq!(kept[0].report.recorded(), 4321);
        assert!(failures.is_empty(), "{failures:#?}");
    }
}
