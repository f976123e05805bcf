//! The results API for researchers' scripts, authenticated with a personal token
//! (`Authorization: Bearer ...`): a wave's breakdown, a comparison of two waves, within-child
//! change; as JSON, CSV, XLSX or SPSS syntax. Every read is written to the audit log.

use super::error::ApiError;
use crate::auth::token::Token;
use crate::domain::results::Dimension;
use crate::domain::staff::Role;
use crate::export::{self, Format};
use crate::http::AppState;
use crate::results::exports::{export_view, View, ViewError};
use crate::results::{self, methods, ResultsError, Source};
use crate::store::staff::{self as staff_store, StaffUser};
use crate::store::tokens;
use axum::extract::{FromRequestParts, Path, Query, State};
use axum::http::request::Parts;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Json, Router};
use serde::Deserialize;
use serde_json::json;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/waves/{wave}/results", get(wave_results))
        .route("/compare", get(compare))
        .route("/change", get(change))
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

impl ApiCaller {
    /// National aggregates are for the study team. Institutions get their own figures on the
    /// dashboard; administrators manage accounts and read the audit log, not results.
    pub(super) fn researcher(&self) -> Result<&StaffUser, ApiError> {
        match self.0.role() {
            Role::Researcher => Ok(&self.0),
            _ => Err(ApiError::Forbidden),
        }
    }
}

/// The tables a CSV may hold (`part`), as the OpenAPI document lists them.
const PARTS: [&str; 3] = ["groups", "items", "answers"];

#[derive(Deserialize)]
struct FormatQuery {
    by: Option<String>,
    format: Option<String>,
    sep: Option<String>,
    part: Option<String>,
}

impl FormatQuery {
    fn dimension(&self) -> Result<Dimension, ApiError> {
        Dimension::parse(self.by.as_deref().unwrap_or("overall")).map_err(ApiError::BadQuery)
    }

    fn format(&self) -> Result<Format, ApiError> {
        // `part` matters to CSV only, but a value the document does not list is refused for
        // every format, as the document says.
        if let Some(part) = self.part.as_deref() {
            if !PARTS.contains(&part) {
                return Err(ApiError::BadQuery(format!(
                    "part={part:?}: use one of {}",
                    PARTS.join(", ")
                )));
            }
        }
        let semicolon = match self.sep.as_deref() {
            None | Some("comma") => false,
            Some("semicolon") => true,
            Some(other) => {
                return Err(ApiError::BadQuery(format!(
                    "sep={other:?}: use comma or semicolon"
                )))
            }
        };
        Format::parse(self.format.as_deref().unwrap_or("json"), semicolon)
            .map_err(ApiError::BadQuery)
    }
}

impl From<ViewError> for ApiError {
    fn from(e: ViewError) -> Self {
        match e {
            ViewError::UnknownWave(label) => ApiError::NotFound {
                error: "unknown_wave",
                message: format!("There is no wave {label:?}."),
            },
            ViewError::Results(ResultsError::NotPublished(_)) => ApiError::NotPublished,
            ViewError::Results(ResultsError::Db(e)) => e.into(),
        }
    }
}

async fn audit(
    state: &AppState,
    who: &StaffUser,
    view: &View,
    format: Format,
) -> Result<(), ApiError> {
    let action = format!("{}.api", view.kind());
    let detail = format!("{}, {} (API)", view.describe(), format.as_str());
    staff_store::audit(&state.db, Some(who.id), &action, &detail).await?;
    Ok(())
}

/// A file format of a view: the whole export (XLSX, SPSS) or one part as plain CSV.
async fn file(
    state: &AppState,
    view: &View,
    format: Format,
    part: Option<&str>,
) -> Result<Response, ApiError> {
    let source: Source = state.into();
    let export = export_view(&source, view).await?;
    let bytes = match format {
        // The API's CSV is plain data for scripts; the methods note is in every other form.
        Format::Csv { semicolon } => {
            let sheets = export::csv_part(&export, part).map_err(ApiError::BadQuery)?;
            export::to_csv(&sheets, semicolon, None).into_bytes()
        }
        other => export::render(&export, other, part).map_err(ApiError::Internal)?,
    };
    let disposition = format!(
        "attachment; filename=\"{}.{}\"",
        export.name,
        format.as_str()
    );
    let mut response = (
        StatusCode::OK,
        [(header::CONTENT_TYPE, format.content_type())],
        bytes,
    )
        .into_response();
    if !matches!(format, Format::Csv { .. }) {
        if let Ok(v) = disposition.parse() {
            response
                .headers_mut()
                .insert(header::CONTENT_DISPOSITION, v);
        }
    }
    Ok(response)
}

/// The answer in a file format (audited), or `None` when JSON was asked.
async fn file_answer(
    state: &AppState,
    who: &StaffUser,
    view: &View,
    format: Format,
    part: Option<&str>,
) -> Result<Option<Response>, ApiError> {
    if format == Format::Json {
        return Ok(None);
    }
    let response = file(state, view, format, part).await?;
    audit(state, who, view, format).await?;
    Ok(Some(response))
}

/// What a two-wave endpoint works on once a file format has been answered.
struct TwoWaves<'a> {
    who: &'a StaffUser,
    view: View,
    from: crate::store::waves::Wave,
    to: crate::store::waves::Wave,
    by: Dimension,
    format: Format,
}

/// The caller, the view and both waves; `Err` holds the answer when a file was asked.
async fn two_waves<'a>(
    state: &AppState,
    caller: &'a ApiCaller,
    query: &TwoWavesQuery,
    make: impl Fn(String, String, Dimension) -> View,
) -> Result<Result<TwoWaves<'a>, Response>, ApiError> {
    let who = caller.researcher()?;
    let ((from, to), by, format) = (
        query.waves()?,
        query.rest.dimension()?,
        query.rest.format()?,
    );
    let view = make(from.clone(), to.clone(), by);
    if let Some(response) =
        file_answer(state, who, &view, format, query.rest.part.as_deref()).await?
    {
        return Ok(Err(response));
    }
    Ok(Ok(TwoWaves {
        who,
        view,
        from: super::waves::wave_or_404(state, &from).await?,
        to: super::waves::wave_or_404(state, &to).await?,
        by,
        format,
    }))
}

async fn wave_results(
    State(state): State<AppState>,
    caller: ApiCaller,
    Path(label): Path<String>,
    Query(query): Query<FormatQuery>,
) -> Result<Response, ApiError> {
    let who = caller.researcher()?;
    let (dimension, format) = (query.dimension()?, query.format()?);
    let view = View::Results {
        wave: label.clone(),
        by: dimension,
    };
    let source: Source = (&state).into();
    let wave = super::waves::wave_or_404(&state, &label).await?;
    if let Some(response) = file_answer(&state, who, &view, format, query.part.as_deref()).await? {
        return Ok(response);
    }
    let table = results::table(&source, &wave, dimension)
        .await
        .map_err(ViewError::from)?;
    let instrument = state.instrument_of(&wave).await?;
    let response_rate = methods::response_rate(&source, &wave).await?;
    audit(&state, who, &view, format).await?;
    Ok(Json(json!({
        "wave": wave.label,
        "breakdown": dimension.as_str(),
        "k": table.k,
        "methods": {
            "opens_on": wave.opens_on,
            "closes_on": wave.closes_on,
            "instrument": instrument.version(),
            "k": table.k,
            "suppression": methods::SUPPRESSION_RULE,
            "intervals": methods::INTERVALS,
            "response_rate": response_rate,
            "synthetic": wave.synthetic,
        },
        "rows": results::flat_rows(&instrument, &table),
    }))
    .into_response())
}

#[derive(Deserialize)]
struct TwoWavesQuery {
    from: Option<String>,
    to: Option<String>,
    #[serde(flatten)]
    rest: FormatQuery,
}

impl TwoWavesQuery {
    fn waves(&self) -> Result<(String, String), ApiError> {
        match (self.from.as_deref(), self.to.as_deref()) {
            (Some(f), Some(t)) => Ok((f.to_string(), t.to_string())),
            _ => Err(ApiError::BadQuery(
                "give two waves: from=2021&to=2023".into(),
            )),
        }
    }
}

/// `GET /api/v1/compare?from=2021&to=2023&by=...`: change between two published waves.
async fn compare(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<TwoWavesQuery>,
) -> Result<Response, ApiError> {
    let TwoWaves {
        who,
        view,
        from: a,
        to: b,
        by: dimension,
        format,
    } = match two_waves(&state, &caller, &query, |from, to, by| View::Compare {
        from,
        to,
        by,
    })
    .await?
    {
        Ok(w) => w,
        Err(file) => return Ok(file),
    };
    let source: Source = (&state).into();
    let c = results::compare::compare(&source, &a, &b, dimension)
        .await
        .map_err(ViewError::from)?;
    audit(&state, who, &view, format).await?;
    Ok(Json(json!({
        "from": a.label,
        "to": b.label,
        "breakdown": dimension.as_str(),
        "methods": {
            "k": crate::domain::results::effective_k(state.k),
            "difference": "to − from, with Newcombe's hybrid score 95% interval; significant when the interval leaves out 0; only where both waves show the group",
            "comparable": "questions with the same comparability key in both instruments; domains whose questions have the same keys",
            "suppression": methods::SUPPRESSION_RULE,
        },
        "comparable": {
            "headline": c.comparable.headline,
            "domains": c.comparable.domains,
            "items": c.comparable.items.iter().map(|(a, b, key)| json!({"from_item": a, "to_item": b, "comparability_key": key})).collect::<Vec<_>>(),
        },
        "rows": c.rows,
    }))
    .into_response())
}

/// `GET /api/v1/change?from=2021&to=2023&by=...`: within-child change from linked pairs.
async fn change(
    State(state): State<AppState>,
    caller: ApiCaller,
    Query(query): Query<TwoWavesQuery>,
) -> Result<Response, ApiError> {
    let TwoWaves {
        who,
        view,
        from: a,
        to: b,
        by: dimension,
        format,
    } = match two_waves(&state, &caller, &query, |from, to, by| View::Change {
        from,
        to,
        by,
    })
    .await?
    {
        Ok(w) => w,
        Err(file) => return Ok(file),
    };
    let source: Source = (&state).into();
    let (measures, table) = results::change::change(&source, &a, &b, dimension)
        .await
        .map_err(ViewError::from)?;
    audit(&state, who, &view, format).await?;
    Ok(Json(json!({
        "from": a.label,
        "to": b.label,
        "breakdown": dimension.as_str(),
        "methods": {
            "k": table.k,
            "pairs": "children who answered in both waves with a linkable code (matched by link key, never shown); a group is shown only when its pairs reach k, with complementary suppression",
            "change": "improved, same or worse on the headline question (a safer answer on its scale) and per domain (feeling safe there or not)",
            "measures": measures.keys(),
        },
        "total": table.total,
        "rows": table.rows,
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
