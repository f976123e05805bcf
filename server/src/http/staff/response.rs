//! Response tracking: per location, codes handed out and used against children placed.
//! Institutions see their own locations; researchers see all. The store applies the scope.

use super::render::{page, StaffError};
use super::session::{Staff, ORGANISATION_READERS};
use crate::participation::{response_per_location, response_rate, wave_to_follow};
use crate::startup::AppState;
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

/// The rows of the response table, and the total row.
pub(super) fn response_rows(
    locations: Vec<(LocationRow, CodeCounts)>,
) -> (Vec<ResponseRow>, ResponseRow) {
    let mut total = ResponseRow {
        organisation: String::new(),
        location: String::new(),
        setting_type: String::new(),
        children_placed: 0,
        issued: 0,
        used: 0,
        rate: String::new(),
    };
    let rows = locations
        .into_iter()
        .map(|(l, c)| {
            total.children_placed += l.children_placed;
            total.issued += c.issued;
            total.used += c.used;
            ResponseRow {
                organisation: l.organisation,
                location: l.name,
                setting_type: l.setting_type.to_string(),
                children_placed: l.children_placed,
                issued: c.issued,
                used: c.used,
                rate: response_rate(c.used, i64::from(l.children_placed)),
            }
        })
        .collect();
    total.rate = response_rate(total.used, i64::from(total.children_placed));
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
    let (rows, total) =
        response_rows(response_per_location(&state.db, staff.scope(), chosen.id).await?);
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
