//! Response tracking: per location, codes handed out and used against children placed.
//! Institutions see their own locations; researchers see all.

use super::render::{page, StaffError};
use super::session::Staff;
use crate::domain::staff::Role;
use crate::domain::wave::WaveState;
use crate::startup::AppState;
use crate::store::{codes, organisations, waves};
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

/// Used codes per 100 children placed.
pub fn rate(used: u64, placed: i64) -> String {
    if placed <= 0 {
        return String::new();
    }
    format!("{:.1}%", used as f64 * 100.0 / placed as f64)
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<WaveQuery>,
) -> Result<Response, StaffError> {
    staff.require(&[
        Role::Researcher,
        Role::InstitutionAdmin,
        Role::InstitutionViewer,
    ])?;
    let all = waves::list(&state.db).await?;
    let chosen = match &query.wave {
        Some(label) => all
            .iter()
            .find(|w| &w.label == label)
            .ok_or(StaffError::NotFound)?,
        None => all
            .iter()
            .find(|w| w.state == WaveState::Open)
            .or_else(|| all.first())
            .ok_or(StaffError::NotFound)?,
    };
    let counts = codes::counts_per_location(&state.db, chosen.id).await?;
    let locations =
        organisations::list_locations(&state.db, staff.user.membership.organisation_id()).await?;
    let mut total = ResponseRow {
        organisation: String::new(),
        location: String::new(),
        setting_type: String::new(),
        children_placed: 0,
        issued: 0,
        used: 0,
        rate: String::new(),
    };
    let rows: Vec<ResponseRow> = locations
        .into_iter()
        .map(|l| {
            let c = counts.get(&l.id).cloned().unwrap_or_default();
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
                rate: rate(c.used, i64::from(l.children_placed)),
            }
        })
        .collect();
    total.rate = rate(total.used, i64::from(total.children_placed));
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

#[cfg(test)]
mod tests {
    #[test]
    fn the_rate_is_used_codes_per_child_placed() {
        assert_eq!(super::rate(3, 12), "25.0%");
        assert_eq!(super::rate(0, 0), "");
    }
}
