//! `POST /api/v1/responses`: a child's whole survey in one request, stored once.

use super::error::ApiError;
use crate::domain::response::parse_envelope;
use crate::http::client_addr::ClientAddr;
use crate::participation::CodeRefusal;
use crate::startup::AppState;
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
    body: Result<Json<Value>, JsonRejection>,
) -> Result<Response, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadJson(e.body_text()))?;
    let envelope = parse_envelope(&body).map_err(ApiError::Invalid)?;
    // Guessing codes through the API is limited like guessing them on the start page.
    let source = client.key();
    if let Err(wait) = state.code_limits.check(&source) {
        return Err(ApiError::TooManyAttempts(wait.as_secs()));
    }
    let outcome = submission::submit(&state, envelope).await;
    if let Err(SubmitError::Code(CodeRefusal::Unknown | CodeRefusal::Format)) = &outcome {
        state.code_limits.record_failure(&source);
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

/// The sentence a device may show for a refused code (the child's screen uses its own texts).
pub fn refusal_message(refusal: CodeRefusal) -> &'static str {
    match refusal {
        CodeRefusal::Format => "A code has 9 letters and digits, like K7M-4Q9-TXA.",
        CodeRefusal::Unknown => "This code is not known. Check the card, or ask for a new one.",
        CodeRefusal::Used => "This code has been used already. Each code works once.",
        CodeRefusal::Revoked => "This code no longer works. Ask for a new card.",
        CodeRefusal::WrongWave => "This code belongs to another round of the survey.",
        CodeRefusal::WrongLocation => "This code belongs to another location than this tablet's.",
        CodeRefusal::WaveNotOpen => "The survey for this code is not open right now.",
    }
}

pub fn refusal_status(refusal: CodeRefusal) -> StatusCode {
    match refusal {
        CodeRefusal::Format => StatusCode::UNPROCESSABLE_ENTITY,
        CodeRefusal::Unknown => StatusCode::NOT_FOUND,
        CodeRefusal::Used
        | CodeRefusal::Revoked
        | CodeRefusal::WrongWave
        | CodeRefusal::WrongLocation
        | CodeRefusal::WaveNotOpen => StatusCode::CONFLICT,
    }
}
