//! Requests beyond the authorization matrix's own: rows that reach further into a route, such
//! as a whole submission, so that hostile variants get past the first checks.

use crate::world::{Auth, Body, Row};

/// A whole submission, so that some cases get past the code check into the answers' checks,
/// the open answer's scrubbing and storage (`{fresh_code}` is a new code each time).
const SUBMISSION: &str = r#"{"code":"{fresh_code}","submission_id":"{fresh_uuid}","language":"nl","demographics":{"age_band":"12-14","gender":"girl","time_here":"gt_2y"},"answers":{"safe_home":4,"safe_own_room":5,"safe_mark":8,"safe_with_staff":"dont_know"},"open_answer":"Meer praten met de groepsleiding."}"#;

/// Requests that reach further into a route than its matrix row does; each route is one the
/// matrix lists (`every_route_has_a_row_in_the_matrix` keeps that list complete).
pub fn rows() -> Vec<Row> {
    let row = |method, route, path, auth, body| Row {
        method,
        route,
        path,
        auth,
        body,
        expect: [0; 5],
        shows: &[],
        researcher_shows: &[],
    };
    use Auth::*;
    vec![
        row(
            "POST",
            "/responses",
            "/api/v1/responses",
            Public,
            Body::Json(SUBMISSION),
        ),
        row(
            "POST",
            "/codes/check",
            "/api/v1/codes/check",
            Public,
            Body::Json(r#"{"code":"{fresh_code}"}"#),
        ),
        row(
            "POST",
            "/survey/start",
            "/survey/start",
            Public,
            Body::Form(&[("code", "{fresh_code}"), ("lang", "nl")]),
        ),
        row("GET", "/survey", "/survey?lang=nl", Public, Body::None),
        row(
            "POST",
            "/survey",
            "/survey",
            Public,
            Body::Form(&[("go", "next"), ("answer", "3"), ("open_answer", "iets")]),
        ),
        row(
            "POST",
            "/survey/send",
            "/survey/send",
            Public,
            Body::Form(&[("go", "send"), ("open_answer", "iets")]),
        ),
        row(
            "GET",
            "/staff/open-answers",
            "/staff/open-answers?wave=2021&setting_type=closed&theme=Rules&page=1",
            Session,
            Body::None,
        ),
        row(
            "GET",
            "/staff/results",
            "/staff/results?wave=2021&by=region&with=setting_type",
            Session,
            Body::None,
        ),
        row(
            "GET",
            "/staff/results/export",
            "/staff/results/export?wave=2021&by=region&format=csv&part=items",
            Session,
            Body::None,
        ),
        row(
            "GET",
            "/waves/{wave}/results",
            "/api/v1/waves/2021/results?by=setting_type&format=csv",
            Token,
            Body::None,
        ),
        row(
            "POST",
            "/staff/waves",
            "/staff/waves",
            Session,
            Body::Form(&[
                ("label", "2025"),
                ("starts", "2025-01-01"),
                ("ends", "2025-06-30"),
            ]),
        ),
        row(
            "POST",
            "/staff/users",
            "/staff/users",
            Session,
            Body::Form(&[
                ("email", "new@example.nl"),
                ("role", "institution_viewer"),
                ("organisation", "{own_org}"),
            ]),
        ),
        row(
            "POST",
            "/staff/tokens",
            "/staff/tokens",
            Session,
            Body::Form(&[("name", "fuzz")]),
        ),
        row(
            "GET",
            "/staff/response",
            "/staff/response?wave=2023&organisation={own_org}",
            Session,
            Body::None,
        ),
        row(
            "GET",
            "/staff/dashboard",
            "/staff/dashboard?organisation={own_org}&wave=2021&by=setting_type",
            Session,
            Body::None,
        ),
    ]
}
