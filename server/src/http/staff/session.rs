//! Sign-in, sign-out, and the `Staff` extractor that every staff handler takes.
//!
//! The session cookie holds a random token; the database holds its SHA-256. The cookie is
//! HttpOnly and SameSite=Strict, and Secure whenever the server is reached over TLS.
//!
//! The sign-in form carries a token too (against login CSRF: another site signing a browser in
//! to an account of the attacker's). Showing the form sets a pre-session cookie with a random
//! value and puts the same value in the form; a sign-in without both, equal, is refused. The
//! cookie is `__Host-` prefixed when Secure, so a sibling subdomain cannot plant one.

use super::error::StaffError;
use crate::accounts::{self, SignInError};
use crate::auth::token::{constant_time_eq, Token};
use crate::domain::staff::{Role, Scope};
use crate::http::AppState;
use crate::store::staff::{self as store, StaffUser};
use axum::extract::{FromRequestParts, State};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::post;
use axum::{Form, Router};
use serde::Deserialize;

pub const SESSION_COOKIE: &str = "veilig_session";
/// Who follows organisations' figures: researchers all of them, institution roles their own.
pub const ORGANISATION_READERS: &[Role] = &[
    Role::Researcher,
    Role::InstitutionAdmin,
    Role::InstitutionViewer,
];
/// How long a sign-in form stays usable.
pub const LOGIN_FORM_SECONDS: u64 = 3600;

/// The pre-session cookie of the sign-in form.
pub fn login_cookie_name(secure: bool) -> &'static str {
    if secure {
        "__Host-veilig_login"
    } else {
        "veilig_login"
    }
}

/// Sets the sign-in form's token (`max_age_seconds` 0 removes it).
pub fn login_cookie(secure: bool, value: &str, max_age_seconds: u64) -> HeaderValue {
    crate::http::cookies::set(
        secure,
        login_cookie_name(secure),
        value,
        "/",
        Some(max_age_seconds),
    )
}

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
    /// The person of a session just started (whose cookie the browser does not hold yet).
    pub(super) fn of_new(session: &accounts::NewSession) -> Staff {
        Staff {
            user: session.user.clone(),
            csrf_token: session.csrf_token.clone(),
            token_hash: session.token.hash(),
        }
    }

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

    /// The scope of a page about one organisation, from `?organisation=ID` when given: an
    /// institution's own organisation, or the one named if this person may see it (not found
    /// otherwise). `None` for a researcher who named none.
    pub fn narrowed(&self, asked: Option<&str>) -> Result<Option<Scope>, StaffError> {
        match asked.map(str::trim).filter(|a| !a.is_empty()) {
            Some(a) => {
                let id = a.parse::<i32>().map_err(|_| StaffError::NotFound)?;
                self.scope()
                    .narrow_to(id)
                    .map(Some)
                    .ok_or(StaffError::NotFound)
            }
            None => Ok(match self.scope() {
                own @ Scope::Organisation(_) => Some(own),
                Scope::National => None,
            }),
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

/// Someone between their password and their second factor, or signed in: what the pages of
/// the second step take (`two_factor`). Every other staff page takes [`Staff`], which refuses
/// a pending session.
#[derive(Debug, Clone)]
pub struct SigningIn {
    pub staff: Staff,
    /// The second factor is still to come.
    pub pending: bool,
}

impl SigningIn {
    pub(super) fn token_hash(&self) -> &str {
        &self.staff.token_hash
    }
}

impl FromRequestParts<AppState> for SigningIn {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let Some(token) =
            crate::http::cookies::read(&parts.headers, SESSION_COOKIE).and_then(Token::from_client)
        else {
            return Err(StaffError::SignInNeeded.into_response());
        };
        let token_hash = token.hash();
        let session = store::find_session(&state.db, &token_hash, chrono::Utc::now())
            .await
            .map_err(|e| StaffError::from(e).into_response())?
            .ok_or_else(|| StaffError::SignInNeeded.into_response())?;
        Ok(SigningIn {
            pending: session.pending,
            staff: Staff {
                user: session.user,
                csrf_token: session.csrf_token,
                token_hash,
            },
        })
    }
}

impl FromRequestParts<AppState> for Staff {
    type Rejection = Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Response> {
        let signing_in = SigningIn::from_request_parts(parts, state).await?;
        let path = parts.uri.path();
        // The second factor first: a pending session opens no page but its own and signing out.
        if signing_in.pending {
            if path == "/staff/logout" {
                return Ok(signing_in.staff);
            }
            return Err(StaffError::SecondFactorNeeded.into_response());
        }
        let staff = signing_in.staff;
        if staff.user.must_change_password && path != "/staff/password" && path != "/staff/logout" {
            return Err(Redirect::to("/staff/password").into_response());
        }
        Ok(staff)
    }
}

impl Staff {
    /// Ends this session, as signing out does; the header clears the browser's cookie.
    pub(super) async fn end_session(
        &self,
        state: &AppState,
    ) -> Result<(header::HeaderName, HeaderValue), StaffError> {
        store::delete_session(&state.db, &self.token_hash).await?;
        Ok((header::SET_COOKIE, session_cookie(state, "", 0)))
    }
}

pub(super) fn session_cookie(state: &AppState, value: &str, max_age_seconds: u64) -> HeaderValue {
    crate::http::cookies::set(
        state.secure_cookies,
        SESSION_COOKIE,
        value,
        "/",
        Some(max_age_seconds),
    )
}

#[derive(Deserialize)]
pub struct LoginForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// Success: a session cookie and on to the staff home (or the forced password change).
/// Failure: back to the sign-in page with one message for every kind of wrong input.
async fn login(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    headers: HeaderMap,
    Form(form): Form<LoginForm>,
) -> Response {
    // A form from elsewhere, or one shown before the cookie expired: show a fresh form. Not a
    // failed sign-in, so it does not count toward the limit.
    let expected =
        crate::http::cookies::read(&headers, login_cookie_name(state.secure_cookies)).unwrap_or("");
    if expected.is_empty() || !constant_time_eq(form.csrf.as_bytes(), expected.as_bytes()) {
        return Redirect::to("/staff/login?error=expired").into_response();
    }
    match accounts::sign_in(
        &state.db,
        &state.attempts,
        &state.two_factor,
        &form.email,
        &form.password,
        client.0,
    )
    .await
    {
        Ok(session) => (
            AppendHeaders([
                (
                    header::SET_COOKIE,
                    session_cookie(&state, session.token.expose(), session.max_age_seconds()),
                ),
                (
                    header::SET_COOKIE,
                    login_cookie(state.secure_cookies, "", 0),
                ),
            ]),
            Redirect::to(session.next()),
        )
            .into_response(),
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
    fn the_sign_in_form_cookie_cannot_be_planted_by_a_subdomain_over_tls() {
        assert_eq!(login_cookie_name(true), "__Host-veilig_login");
        let secure = login_cookie(true, "abc", 60);
        let secure = secure.to_str().unwrap();
        // `__Host-` cookies must be Secure, have Path=/ and no Domain.
        assert!(secure.starts_with("__Host-veilig_login=abc; Path=/;"));
        assert!(secure.contains("; Secure") && !secure.contains("Domain"));
        assert!(!login_cookie(false, "abc", 60)
            .to_str()
            .unwrap()
            .contains("Secure"));
    }
}
