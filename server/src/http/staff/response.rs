//! Response tracking: per location, codes handed out and used against children placed.
//! Institutions see their own locations; researchers see all. The store applies the scope.

use super::error::StaffError;
use super::figures::HIDDEN;
use super::render::page;
use super::session::{Staff, ORGANISATION_READERS};
use crate::http::AppState;
use crate::participation::{response_per_location, response_rate, wave_to_follow};
use crate::store::codes::CodeCounts;
use crate::store::organisations::LocationRow;
use crate::store::waves;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use veilig_frontend::staff::{ResponsePage, ResponseRow};

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/response", get(show))
}

#[derive(Deserialize)]
struct WaveQuery {
    wave: Option<String>,
}

/// The rows of the response table, and the total row. Codes used are shown while the wave
/// takes responses (`live`); once it is closed they are figures of its publication.
pub(super) fn response_rows(
    locations: Vec<(LocationRow, CodeCounts)>,
    live: bool,
) -> (Vec<ResponseRow>, ResponseRow) {
    let used = |n: u64| {
        if live {
            n.to_string()
        } else {
            HIDDEN.to_string()
        }
    };
    let rate = |n: u64, placed: i32| {
        if live {
            response_rate(n, i64::from(placed))
        } else {
            String::new()
        }
    };
    let mut total = ResponseRow {
        organisation: String::new(),
        location: String::new(),
        setting_type: String::new(),
        children_placed: 0,
        issued: 0,
        used: String::new(),
        rate: String::new(),
    };
    let mut used_total = 0;
    let rows = locations
        .into_iter()
        .map(|(l, c)| {
            total.children_placed += l.children_placed;
            total.issued += c.issued;
            used_total += c.used;
            ResponseRow {
                organisation: l.organisation,
                location: l.name,
                setting_type: l.setting_type.label().to_string(),
                children_placed: l.children_placed,
                issued: c.issued,
                used: used(c.used),
                rate: rate(c.used, l.children_placed),
            }
        })
        .collect();
    total.used = used(used_total);
    total.rate = rate(used_total, total.children_placed);
    (rows, total)
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<WaveQuery>,
) -> Result<Response, StaffError> {
    staff.require(ORGANISATION_READERS)?;
    let all = waves::list(&state.db).await?;
    let chosen = wave_to_follow(&all, query.wave.as_deref()).ok_or(StaffError::NotFound)?;
    let (rows, total) = response_rows(
        response_per_location(&state.db, staff.scope(), chosen.id).await?,
        chosen.state.accepts_responses(),
    );
    let wave_choices = all
        .iter()
        .map(|w| (w.label.clone(), w.id == chosen.id))
        .collect();
    let view = leptos::view! {
        <ResponsePage wave=chosen.label.clone() waves=wave_choices rows=rows total=total/>
    };
    Ok(
        page(&state, &staff, "/staff/response", "Response", None, view)
            .await?
            .into_response(),
    )
}
