//! What can go wrong on a staff page, each with its status code and a calm page.

use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use sea_orm::DbErr;

/// What can go wrong on a staff page, each with its status code.
#[derive(Debug)]
pub enum StaffError {
    /// 303 to the sign-in page: no valid session.
    SignInNeeded,
    /// 303 to the second step of signing in: the password was right, the code is still to come.
    SecondFactorNeeded,
    /// 403: the role may not do this, or the organisation is not theirs.
    Forbidden,
    /// 403: the form did not carry this session's CSRF token.
    Csrf,
    /// 404: no such thing (or not visible to this person).
    NotFound,
    /// 409: another request changed the same thing at the same moment; nothing was changed.
    Conflict,
    /// 503: the database cannot be reached.
    Unavailable,
    /// 500: details go to the log only.
    Internal(String),
}

impl From<DbErr> for StaffError {
    fn from(err: DbErr) -> Self {
        if crate::store::is_unavailable(&err) {
            StaffError::Unavailable
        } else if crate::store::is_conflict(&err) {
            tracing::warn!("a staff action met a concurrent change");
            StaffError::Conflict
        } else {
            StaffError::Internal(err.to_string())
        }
    }
}

impl From<crate::accounts::AccountError> for StaffError {
    fn from(err: crate::accounts::AccountError) -> Self {
        match err {
            crate::accounts::AccountError::Db(e) => e.into(),
            crate::accounts::AccountError::UnknownUser => StaffError::NotFound,
            other => StaffError::Internal(other.to_string()),
        }
    }
}

fn plain_page(status: StatusCode, title: &str, message: &str) -> Response {
    let html = format!(
        "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" \
         content=\"width=device-width, initial-scale=1\"><title>{title} · Veilig</title></head>\
         <body><main><h1>{title}</h1><p>{message}</p><p><a href=\"/staff\">Back to the start</a></p>\
         </main></body></html>"
    );
    (status, Html(html)).into_response()
}

impl IntoResponse for StaffError {
    fn into_response(self) -> Response {
        match self {
            StaffError::SignInNeeded => Redirect::to("/staff/login").into_response(),
            StaffError::SecondFactorNeeded => Redirect::to("/staff/two-factor").into_response(),
            StaffError::Forbidden => plain_page(
                StatusCode::FORBIDDEN,
                "No access",
                "Your account does not give access to this page.",
            ),
            StaffError::Csrf => plain_page(
                StatusCode::FORBIDDEN,
                "Please try again",
                "This form was old or came from elsewhere. Go back, reload the page and try again.",
            ),
            StaffError::NotFound => plain_page(
                StatusCode::NOT_FOUND,
                "Not found",
                "There is nothing here, or it is not visible to your account.",
            ),
            StaffError::Conflict => plain_page(
                StatusCode::CONFLICT,
                "Please try again",
                "Someone else changed the same thing at the same moment, so nothing was changed. \
                 Go back and send it again.",
            ),
            StaffError::Unavailable => plain_page(
                StatusCode::SERVICE_UNAVAILABLE,
                "Please try again in a moment",
                "The service cannot reach its database right now. Nothing was changed.",
            ),
            StaffError::Internal(detail) => {
                tracing::error!(detail = %detail, "internal error on a staff page");
                plain_page(
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "Something went wrong",
                    "Something went wrong on our side. Nothing was changed. Please try again later.",
                )
            }
        }
    }
}
