//! The results API for researchers' scripts: `GET /api/v1/waves/{wave}/results?by=...`,
//! authenticated with a personal token (`Authorization: Bearer ...`). Every read is audited.

use super::error::ApiError;
use crate::auth::token::Token;
use crate::domain::results::Dimension;
use crate::domain::staff::Role;
use crate::results::{self, ResultsError};
use crate::startup::AppState;
use crate::store::staff::{self as staff_store, StaffUser};
use crate::store::tokens;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/waves/{wave}/results", get(wave_results))
        .route("/compare", get(compare))
        .route("/openapi.json", get(openapi))
}

/// The owner of the bearer token of a request.
pub struct ApiCaller(pub StaffUser);

impl FromRequestParts<AppState> for ApiCaller {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, ApiError> {
        let token = parts
            .headers
            .get(header::AUTHORIZATION)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.strip_prefix("Bearer "))
            .and_then(|t| Token::from_client(t.trim()))
            .ok_or(ApiError::Unauthorized)?;
        tokens::owner(&state.db, &token.hash())
            .await?
            .map(ApiCaller)
            .ok_or(ApiError::Unauthorized)
    }
}

#[derive(Deserialize)]
struct ResultsQuery {
    by: Option<String>,
    format: Option<String>,
    sep: Option<String>,
}

async fn wave_results(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Path(label): Path<String>,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, ApiError> {
    // Institutions get their own figures through the dashboard; national tables are for the
    // study team.
    if !matches!(caller.role(), Role::Researcher | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let dimension =
        Dimension::parse(query.by.as_deref().unwrap_or("overall")).map_err(ApiError::BadQuery)?;
    let csv = match query.format.as_deref() {
        None | Some("json") => false,
        Some("csv") => true,
        Some(other) => {
            return Err(ApiError::BadQuery(format!(
                "{other:?} is not a format; use json or csv"
            )))
        }
    };
    let wave = super::waves::wave_or_404(&state, &label).await?;
    let table = match results::table(&(&state).into(), &wave, dimension).await {
        Ok(t) => t,
        Err(ResultsError::NotPublished(_)) => return Err(ApiError::NotPublished),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    staff_store::audit(
        &state.db,
        Some(caller.id),
        "results.api",
        &format!(
            "wave {}, by {}, {}",
            wave.label,
            dimension.as_str(),
            if csv { "csv" } else { "json" }
        ),
    )
    .await?;
    if csv {
        let semicolon = query.sep.as_deref() == Some("semicolon");
        return Ok((
            StatusCode::OK,
            [(header::CONTENT_TYPE, "text/csv; charset=utf-8")],
            results::to_csv(&table, semicolon),
        )
            .into_response());
    }
    let instrument = crate::submission::instrument_of(&state, &wave).await?;
    Ok(Json(serde_json::json!({
        "wave": wave.label,
        "breakdown": dimension.as_str(),
        "methods": {
            "opens_on": wave.opens_on,
            "closes_on": wave.closes_on,
            "instrument": instrument.version(),
            "k": table.k,
            "suppression": "cells with fewer than k children are not shown, and enough other cells are hidden that none can be found from totals or other tables",
        },
        "rows": results::flat_rows(&table),
    }))
    .into_response())
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
}

/// `GET /api/v1/compare?from=2021&to=2023&by=...`: change between two published waves.
async fn compare(
    State(state): State<AppState>,
    ApiCaller(caller): ApiCaller,
    Query(query): Query<CompareQuery>,
) -> Result<Response, ApiError> {
    if !matches!(caller.role(), Role::Researcher | Role::Admin) {
        return Err(ApiError::Forbidden);
    }
    let dimension =
        Dimension::parse(query.by.as_deref().unwrap_or("overall")).map_err(ApiError::BadQuery)?;
    let (Some(from), Some(to)) = (query.from.as_deref(), query.to.as_deref()) else {
        return Err(ApiError::BadQuery(
            "give two waves: from=2021&to=2023".into(),
        ));
    };
    let from = super::waves::wave_or_404(&state, from).await?;
    let to = super::waves::wave_or_404(&state, to).await?;
    let rows = match results::compare(&(&state).into(), &from, &to, dimension).await {
        Ok(rows) => rows,
        Err(ResultsError::NotPublished(_)) => return Err(ApiError::NotPublished),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    staff_store::audit(
        &state.db,
        Some(caller.id),
        "results.compare",
        &format!("{} → {}, by {}", from.label, to.label, dimension.as_str()),
    )
    .await?;
    Ok(Json(serde_json::json!({
        "from": from.label,
        "to": to.label,
        "breakdown": dimension.as_str(),
        "methods": {
            "k": state.k,
            "difference": "to − from, with Newcombe's hybrid score 95% interval; significant when the interval leaves out 0; only where both waves show the group",
        },
        "rows": rows,
    }))
    .into_response())
}

/// The OpenAPI document of the JSON API.
async fn openapi() -> Response {
    (
        [(header::CONTENT_TYPE, "application/json")],
        include_str!("openapi.json"),
    )
        .into_response()
}
