//! Sign-in, sign-out, and the `Staff` extractor that every staff handler takes.
//!
//! The session cookie holds a random token; the database holds its SHA-256. The cookie is
//! HttpOnly and SameSite=Strict, and Secure whenever the server is reached over TLS.

use super::render::StaffError;
use crate::accounts::{self, SignInError};
use crate::auth::token::{constant_time_eq, Token};
use crate::domain::staff::{Role, Scope};
use crate::startup::AppState;
use crate::store::staff::{self as store, StaffUser};
use axum::extract::{ConnectInfo, FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;
use std::net::SocketAddr;

pub const SESSION_COOKIE: &str = "veilig_session";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/login", post(login))
        .route("/staff/logout", post(logout))
}

/// A signed-in staff member, with the CSRF token of their session.
#[derive(Debug, Clone)]
pub struct Staff {
    pub user: StaffUser,
    pub csrf_token: String,
    token_hash: String,
}

impl Staff {
    pub fn role(&self) -> Role {
        self.user.role()
    }

    pub fn scope(&self) -> Scope {
        self.user.membership.scope()
    }

    /// 403 unless the person has one of `roles`.
    pub fn require(&self, roles: &[Role]) -> Result<(), StaffError> {
        if roles.contains(&self.role()) {
            Ok(())
        } else {
            Err(StaffError::Forbidden)
        }
    }

    /// Every state-changing form carries the session's CSRF token.
    pub fn check_csrf(&self, sent: &str) -> Result<(), StaffError> {
        if constant_time_eq(sent.as_bytes(), self.csrf_token.as_bytes()) {
            Ok(())
        } else {
            Err(StaffError::Csrf)
        }
    }
}

fn cookie_value<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) = cookie_value(&parts.headers, SESSION_COOKIE).and_then(Token::from_client)
        else {
            return Err(StaffError::SignInNeeded.into_response());
        };
        let token_hash = token.hash();
        let session = store::find_session(&state.db, &token_hash, chrono::Utc::now())
            .await
            .map_err(|e| StaffError::from(e).into_response())?
            .ok_or_else(|| StaffError::SignInNeeded.into_response())?;
        let path = parts.uri.path();
        if session.user.must_change_password && path != "/staff/password" && path != "/staff/logout"
        {
            return Err(Redirect::to("/staff/password").into_response());
        }
        Ok(Staff {
            user: session.user,
            csrf_token: session.csrf_token,
            token_hash,
        })
    }
}

fn session_cookie(state: &AppState, value: &str, max_age_seconds: i64) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let cookie = format!(
        "{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age_seconds}{secure}"
    );
    // The token is URL-safe base64, so this is always a valid header value.
    HeaderValue::from_str(&cookie).unwrap_or_else(|_| HeaderValue::from_static(""))
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Success: a session cookie and on to the staff home (or the forced password change).
/// Failure: back to the sign-in page with one message for every kind of wrong input.
async fn login(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<LoginForm>,
) -> Response {
    match accounts::sign_in(
        &state.db,
        &state.login_limits,
        &form.email,
        &form.password,
        peer.ip(),
    )
    .await
    {
        Ok(session) => {
            let next = if session.user.must_change_password {
                "/staff/password"
            } else {
                "/staff"
            };
            let max_age = accounts::SESSION_HOURS * 3600;
            (
                [(
                    header::SET_COOKIE,
                    session_cookie(&state, session.token.expose(), max_age),
                )],
                Redirect::to(next),
            )
                .into_response()
        }
        Err(SignInError::Invalid) => Redirect::to("/staff/login?error=invalid").into_response(),
        Err(SignInError::Limited(_)) => Redirect::to("/staff/login?error=limited").into_response(),
        Err(SignInError::Db(e)) => StaffError::from(e).into_response(),
    }
}

#[derive(Deserialize)]
pub struct CsrfForm {
    #[serde(default)]
    pub csrf: String,
}

async fn logout(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    store::delete_session(&state.db, &staff.token_hash).await?;
    store::audit(&state.db, Some(staff.user.id), "session.sign_out", "").await?;
    Ok((
        [(header::SET_COOKIE, session_cookie(&state, "", 0))],
        Redirect::to("/staff/login"),
    )
        .into_response())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_session_cookie_is_found_among_others() {
        let mut headers = HeaderMap::new();
        headers.insert(
            header::COOKIE,
            HeaderValue::from_static("a=1; veilig_session=abc; b=2"),
        );
        assert_eq!(cookie_value(&headers, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie_value(&headers, "c"), None);
    }
}
