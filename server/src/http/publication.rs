//! `GET /api/v1/waves/{wave}/publication`: everything published of a wave at once — every
//! table of every breakdown, and the register the tables were grouped by — for researchers'
//! scripts. The same figures as each breakdown of `/results`, read from the one publication.

use super::error::ApiError;
use super::results::ApiCaller;
use crate::http::AppState;
use crate::results::exports::ViewError;
use crate::results::{self, methods, Source};
use crate::store::staff as staff_store;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new().route("/waves/{wave}/publication", get(wave_publication))
}

/// `GET /api/v1/waves/{wave}/publication`: every table of a published wave at once, with the
/// register it was grouped by. The same figures as every breakdown of `/results`.
async fn wave_publication(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(label): Path<String>,
) -> Result<Response, ApiError> {
    let who = caller.researcher()?;
    let source: Source = (&state).into();
    let wave = super::waves::wave_or_404(&state, &label).await?;
    let publication = results::publication(&source, &wave)
        .await
        .map_err(ViewError::from)?;
    let instrument = state.instrument_of(&wave).await?;
    staff_store::audit(
        &state.db,
        Some(who.id),
        "publication.api",
        &format!("wave {}, every table (API)", wave.label),
    )
    .await?;
    let tables: Vec<serde_json::Value> = publication
        .tables
        .iter()
        .map(|t| {
            json!({
                "breakdown": t.dimension.as_str(),
                "rows": results::flat_rows(&instrument, t),
            })
        })
        .collect();
    Ok(Json(json!({
        "wave": publication.wave,
        "k": publication.k,
        "made_on": publication.made_on,
        "instrument": publication.instrument,
        "synthetic": wave.synthetic,
        "suppression": methods::SUPPRESSION_RULE,
        "register": publication.register.as_served(),
        "tables": tables,
    }))
    .into_response())
}
