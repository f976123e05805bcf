//! Wave endpoints of the JSON API.

use super::error::ApiError;
use crate::http::AppState;
use crate::store::waves;
use axum::extract::{Path, State};
use axum::http::header;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;

pub fn router() -> Router<AppState> {
    Router::new().route("/waves/{wave}/instrument", get(instrument))
}

/// The instrument a wave uses, exactly as the wave stored it.
async fn instrument(
    State(state): State<AppState>,
    Path(label): Path<String>,
) -> Result<impl IntoResponse, ApiError> {
    let wave = wave_or_404(&state, &label).await?;
    let json = waves::instrument_json(&state.db, &wave).await?;
    Ok(([(header::CONTENT_TYPE, "application/json")], json))
}

/// The wave with this label, or the API's 404.
pub async fn wave_or_404(state: &AppState, label: &str) -> Result<waves::Wave, ApiError> {
    waves::find_by_label(&state.db, label)
        .await?
        .ok_or_else(|| ApiError::NotFound {
            error: "unknown_wave",
            message: format!("There is no wave {label:?}."),
        })
}
