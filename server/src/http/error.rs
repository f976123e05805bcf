//! One error type for the JSON API. Each variant names its status code. Database and internal
//! errors are logged and answered with a calm, generic message: never SQL, never a stack trace.

use crate::participation::CodeRefusal;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::Json;
use sea_orm::DbErr;
use serde::Serialize;

/// A 503 tells devices to try again after this many seconds: a database that restarts is
/// usually back by then, and many devices do not all come back at once.
const RETRY_WHEN_UNAVAILABLE_SECS: u64 = 10;

#[derive(Debug)]
pub enum ApiError {
    /// 404: the named thing does not exist.
    NotFound {
        error: &'static str,
        message: String,
    },
    /// 400: the body is not JSON (or not the JSON content type).
    BadJson(String),
    /// 422: the request is well-formed JSON, but fields are wrong; one message per field.
    Invalid(Vec<crate::domain::response::FieldError>),
    /// 404/409/422: an access code that cannot be used, with its machine-readable reason.
    Code(crate::participation::CodeRefusal),
    /// 429: too many wrong codes from this address; try again after this many seconds.
    TooManyAttempts(u64),
    /// 401: no valid API token.
    Unauthorized,
    /// 403: the token's owner may not read this.
    Forbidden,
    /// 400: a query parameter is not right.
    BadQuery(String),
    /// 409: results are shown once the wave is published.
    NotPublished,
    /// 503 with Retry-After: the database cannot be reached right now.
    Unavailable,
    /// 500: something unexpected; details go to the log only.
    Internal(String),
}

#[derive(Serialize)]
struct Body<'a> {
    error: &'a str,
    message: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    fields: Option<&'a [crate::domain::response::FieldError]>,
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let fields = match &self {
            ApiError::Invalid(errors) => Some(errors.as_slice()),
            _ => None,
        };
        let (status, error, message) = match &self {
            ApiError::BadJson(detail) => (StatusCode::BAD_REQUEST, "bad_json", detail.as_str()),
            ApiError::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "Send a personal API token as Authorization: Bearer <token> (make one under Staff > API tokens).",
            ),
            ApiError::Forbidden => (
                StatusCode::FORBIDDEN,
                "forbidden",
                "Your account does not give access to this.",
            ),
            ApiError::BadQuery(message) => (StatusCode::BAD_REQUEST, "bad_query", message.as_str()),
            ApiError::NotPublished => (
                StatusCode::CONFLICT,
                "not_published",
                "The results of this wave are shown once the wave is published.",
            ),
            ApiError::TooManyAttempts(_) => (
                StatusCode::TOO_MANY_REQUESTS,
                "too_many_attempts",
                "Too many wrong codes from this address. Please wait a while and try again.",
            ),
            ApiError::Invalid(_) => (
                StatusCode::UNPROCESSABLE_ENTITY,
                "invalid",
                "Some fields are not right; see fields.",
            ),
            ApiError::Code(refusal) => (
                refusal_status(*refusal),
                refusal.reason(),
                refusal_message(*refusal),
            ),
            ApiError::NotFound { error, message } => {
                (StatusCode::NOT_FOUND, *error, message.as_str())
            }
            ApiError::Unavailable => (
                StatusCode::SERVICE_UNAVAILABLE,
                "unavailable",
                "The service cannot reach its database right now. Please try again in a moment.",
            ),
            ApiError::Internal(detail) => {
                tracing::error!(detail = %detail, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "Something went wrong on our side. Please try again later.",
                )
            }
        };
        let mut response = (
            status,
            Json(Body {
                error,
                message,
                fields,
            }),
        )
            .into_response();
        let retry_after = match self {
            ApiError::TooManyAttempts(seconds) => Some(seconds.max(1)),
            ApiError::Unavailable => Some(RETRY_WHEN_UNAVAILABLE_SECS),
            _ => None,
        };
        if let Some(seconds) = retry_after {
            response
                .headers_mut()
                .insert(axum::http::header::RETRY_AFTER, seconds.into());
        }
        response
    }
}

impl From<DbErr> for ApiError {
    fn from(err: DbErr) -> Self {
        if crate::store::is_unavailable(&err) {
            tracing::warn!("database unavailable");
            ApiError::Unavailable
        } else {
            ApiError::Internal(err.to_string())
        }
    }
}

/// Unknown API paths answer in JSON, like the rest of the API.
pub async fn api_not_found() -> ApiError {
    ApiError::NotFound {
        error: "not_found",
        message: "There is no such API endpoint. See /api/v1/openapi.json.".to_string(),
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
