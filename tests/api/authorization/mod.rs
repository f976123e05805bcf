//! The authorization matrix: every route, called as every role (and as nobody), for its own
//! organisation and for another one, with the answer each must get — and, for institution
//! roles, nothing of another organisation in any answer. A route added to the server without
//! a row here fails `every_route_has_a_row_in_the_matrix` (see `routes.rs`). The fuzz suite
//! (`fuzz/`) sends hostile variants of the same rows.

pub(crate) mod matrix;
mod routes;

use matrix::matrix;
use veilig::domain::incidents::{Kind, Perpetrator, Quarter, QuarterReport, Tally};
use veilig::domain::staff::Scope;
use veilig::domain::wave::WaveState;
use veilig::domain::SettingType;
use veilig_tests::{on_both_databases, StaffClient, TestApp};

/// Who calls: nobody, then each role. Institution roles belong to De Linde.
pub(crate) const CALLERS: [&str; 5] = [
    "nobody",
    "admin",
    "researcher",
    "institution_admin",
    "institution_viewer",
];

/// What belongs to the other organisation (Pleegzorg West): its name, its location, and the
/// incidents it registered. None of it may reach an institution role of De Linde.
const OTHER_ORGANISATION: [&str; 3] = ["Pleegzorg West", "Team 1", ">4321<"];

#[derive(Clone, Copy)]
pub enum Body {
    None,
    Form(&'static [(&'static str, &'static str)]),
    Multipart(&'static [(&'static str, &'static str)]),
    Json(&'static str),
    /// The incident form for 2023 Q1 with every count 0, then these fields.
    Incidents(&'static [(&'static str, &'static str)]),
}

/// How the caller proves who they are.
#[derive(Clone, Copy, PartialEq)]
pub enum Auth {
    /// A signed-in browser (session cookie, CSRF token in forms).
    Session,
    /// A personal API token.
    Token,
    /// Nothing: public.
    Public,
}

pub struct Row {
    pub method: &'static str,
    /// The route as registered (for the completeness check).
    pub route: &'static str,
    /// The path called; `{own_location}`, `{other_org}`, `{user}`, `{wave}`, … are filled in.
    pub path: &'static str,
    pub auth: Auth,
    pub body: Body,
    /// Expected status per caller, in the order of `CALLERS`.
    pub expect: [u16; 5],
    /// Text every successful answer on this row must contain.
    pub shows: &'static [&'static str],
    /// Text a researcher's successful answer must contain as well.
    pub researcher_shows: &'static [&'static str],
}

pub(crate) struct World {
    own_org: String,
    other_org: String,
    own_location: String,
    other_location: String,
    user: String,
    wave: String,
    other_token: String,
    /// Two codes per caller at each organisation (revoke and reissue change them).
    own_codes: Vec<String>,
    other_codes: Vec<String>,
    /// The hashed asset prefix, `/assets/<hash>`.
    assets: String,
}

/// A registration with `recorded` physical incidents by a peer in 2023 Q2.
async fn registered(
    app: &TestApp,
    organisation: i32,
    setting: SettingType,
    placed: u32,
    recorded: u32,
) {
    let mut report = QuarterReport::empty(setting, Quarter::new(2023, 2).unwrap(), placed);
    report
        .set(
            Kind::Physical,
            Perpetrator::Peer,
            Tally {
                recorded,
                reported: 0,
            },
        )
        .unwrap();
    assert!(
        veilig::store::incidents::save(&app.db, Scope::National, organisation, &report)
            .await
            .unwrap()
    );
}

pub(crate) async fn world(app: &TestApp) -> World {
    let locations = app.with_register().await;
    app.wave("2021", WaveState::Published).await;
    let wave = app.wave("2023", WaveState::Open).await;
    let (linde, west) = (
        app.organisation_id("De Linde").await,
        app.organisation_id("Pleegzorg West").await,
    );
    registered(app, linde, SettingType::Closed, 8, 1234).await;
    registered(app, west, SettingType::FosterCare, 30, 4321).await;
    let dummy = app.add_staff("dummy@example.nl", "researcher", None).await;
    let owner = app.add_staff("owner@example.nl", "researcher", None).await;
    let token = veilig::auth::token::Token::generate();
    let other_token = veilig::store::tokens::create(&app.db, owner, "other", &token.hash())
        .await
        .unwrap();
    let start = app.get("/").await.text().await.unwrap();
    let assets = start
        .split("href=\"")
        .filter_map(|s| s.split('"').next())
        .find(|s| s.starts_with("/assets/") && s.ends_with("/veilig.css"))
        .map(|s| s.trim_end_matches("/veilig.css").to_string())
        .expect("the stylesheet link");
    World {
        own_org: linde.to_string(),
        other_org: west.to_string(),
        own_location: locations["Groep Eik"].to_string(),
        other_location: locations["Team 1"].to_string(),
        user: dummy.to_string(),
        wave: wave.to_string(),
        other_token: other_token.to_string(),
        own_codes: app
            .codes("2023", locations["Groep Eik"], 2 * CALLERS.len())
            .await,
        other_codes: app
            .codes("2023", locations["Team 1"], 2 * CALLERS.len())
            .await,
        assets,
    }
}

pub(crate) fn fill(text: &str, w: &World, caller: usize) -> String {
    text.replace("{own_location}", &w.own_location)
        .replace("{other_location}", &w.other_location)
        .replace("{own_org}", &w.own_org)
        .replace("{other_org}", &w.other_org)
        .replace("{user}", &w.user)
        .replace("{wave}", &w.wave)
        .replace("{other_token}", &w.other_token)
        .replace("{assets}", &w.assets)
        .replace("{own_code_2}", &w.own_codes[2 * caller + 1])
        .replace("{own_code}", &w.own_codes[2 * caller])
        .replace("{other_code_2}", &w.other_codes[2 * caller + 1])
        .replace("{other_code}", &w.other_codes[2 * caller])
}

pub(crate) fn incident_fields(extra: &[(&str, &str)]) -> Vec<(String, String)> {
    let mut fields: Vec<(String, String)> = vec![
        ("quarter".into(), "2023-Q1".into()),
        ("children_placed".into(), "10".into()),
    ];
    for k in Kind::ALL {
        for p in Perpetrator::ALL {
            for reported in [false, true] {
                fields.push((
                    veilig::domain::incidents::field_name(k, p, reported),
                    "0".into(),
                ));
            }
        }
    }
    // Later fields win: serde keeps the last of a repeated name.
    fields.extend(extra.iter().map(|(k, v)| (k.to_string(), v.to_string())));
    fields
}

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
