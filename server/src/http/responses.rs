//! `POST /api/v1/responses`: a child's whole survey in one request, stored once.

use super::error::ApiError;
use crate::domain::response::parse_envelope;
use crate::http::client_addr::ClientAddr;
use crate::http::AppState;
use crate::participation::CodeRefusal;
use crate::store::responses::SubmitOutcome;
use crate::submission::{self, SubmitError};
use axum::extract::rejection::JsonRejection;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::{Json, Router};
use serde_json::Value;

pub fn router() -> Router<AppState> {
    Router::new().route("/responses", post(create))
}

/// 201 stored now; 200 stored before (a retry); 404/409/422 with a reason and a message.
#[tracing::instrument(name = "submit_response", skip_all)]
async fn create(
    State(state): State<AppState>,
    client: ClientAddr,
    headers: axum::http::HeaderMap,
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadJson(e.body_text()))?;
    let envelope = parse_envelope(&body).map_err(ApiError::Invalid)?;
    // Guessing codes through the API is limited like guessing them on the start page.
    let kiosk = crate::http::survey::kiosk_of(&state, &headers);
    let source = crate::http::survey::code_source(kiosk.as_ref(), &client);
    if let Err(wait) = state.attempts.check_code(&source) {
        return Err(ApiError::TooManyAttempts(wait.as_secs()));
    }
    let outcome = submission::submit(state.desk(), envelope).await;
    if let Err(SubmitError::Code(CodeRefusal::Unknown | CodeRefusal::Format)) = &outcome {
        state.attempts.wrong_code(&source).await;
    }
    match outcome {
        Ok((SubmitOutcome::Created, receipt)) => {
            Ok((StatusCode::CREATED, Json(receipt)).into_response())
        }
        Ok((_, receipt)) => Ok((StatusCode::OK, Json(receipt)).into_response()),
        Err(SubmitError::Invalid(errors)) => Err(ApiError::Invalid(errors)),
        Err(SubmitError::Code(refusal)) => Err(ApiError::Code(refusal)),
        Err(SubmitError::Db(e)) => Err(e.into()),
    }
}
