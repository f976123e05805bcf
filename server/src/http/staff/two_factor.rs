//! The second step of signing in, enrolling an authenticator app, and one's own recovery codes
//! (`accounts::two_factor`). These pages take [`SigningIn`], so a session still waiting for
//! its second factor reaches them (and signing out); every other staff page refuses it.

use super::error::StaffError;
use super::render::{page, page_with_nav};
use super::session::{session_cookie, SigningIn};
use crate::accounts::two_factor::{SecondFactorError, Step};
use crate::accounts::NewSession;
use crate::domain::two_factor::RecoveryCode;
use crate::http::AppState;
use axum::extract::State;
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use leptos::prelude::IntoAny;
use serde::Deserialize;
use tower_http::set_header::SetResponseHeaderLayer;
use veilig_frontend::staff::{
    Flash, RecoveryCodesPage, TwoFactorCodePage, TwoFactorEnrolPage, TwoFactorStatusPage,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/two-factor", get(show))
        .route("/staff/two-factor/verify", post(verify))
        .route("/staff/two-factor/enrol", post(enrol))
        .route("/staff/two-factor/recovery-codes", post(new_recovery_codes))
        // The key and the recovery codes are on these pages: no cache keeps them.
        .layer(SetResponseHeaderLayer::overriding(
            header::CACHE_CONTROL,
            HeaderValue::from_static("no-store"),
        ))
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
    /// Enrolling from a full session asks for the password again.
    #[serde(default)]
    password: String,
}

/// A full session with a temporary password changes it first, here as on every staff page.
fn password_first(who: &SigningIn) -> Option<Response> {
    (!who.pending && who.staff.user.must_change_password)
        .then(|| Redirect::to("/staff/password").into_response())
}

impl From<SecondFactorError> for StaffError {
    fn from(e: SecondFactorError) -> Self {
        match e {
            SecondFactorError::Db(e) => e.into(),
            other => StaffError::Internal(other.to_string()),
        }
    }
}

async fn show(State(state): State<AppState>, who: SigningIn) -> Result<Response, StaffError> {
    if let Some(redirect) = password_first(&who) {
        return Ok(redirect);
    }
    render(&state, &who, StatusCode::OK, None).await
}

/// The page for where `who` stands: the code (pending, enrolled), the enrolment (not
/// enrolled), or the state of their second factor (signed in, enrolled).
async fn render(
    state: &AppState,
    who: &SigningIn,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let staff = &who.staff;
    let csrf = staff.csrf_token.clone();
    let invalid = matches!(flash, Some(Flash::Problem(_)));
    let step = state
        .two_factor
        .step(&state.db, &staff.user, who.token_hash())
        .await?;
    let (title, view) = match (step, who.pending) {
        (Step::Enrolled { .. }, true) => (
            "Sign-in code",
            leptos::view! { <TwoFactorCodePage csrf_token=csrf invalid=invalid/> }.into_any(),
        ),
        (
            Step::Enrolled {
                recovery_codes_left,
            },
            false,
        ) => (
            "Two-factor sign-in",
            leptos::view! {
                <TwoFactorStatusPage csrf_token=csrf recovery_codes_left=recovery_codes_left invalid=invalid/>
            }
            .into_any(),
        ),
        (Step::Enrol { secret, otpauth }, _) => {
            let required = state.two_factor.roles().requires(staff.role());
            let qr = super::codes::qr_svg(&otpauth);
            let ask_password = !who.pending;
            (
                "Set up two-factor sign-in",
                leptos::view! {
                    <TwoFactorEnrolPage csrf_token=csrf qr_svg=qr key=secret.grouped()
                        required=required ask_password=ask_password invalid=invalid/>
                }
                .into_any(),
            )
        }
    };
    // No links while the second factor is still to come: they would only lead back here.
    let html = if who.pending {
        page_with_nav(state, staff, Vec::new(), "", title, flash, view).await?
    } else {
        page(state, staff, "/staff/two-factor", title, flash, view).await?
    };
    Ok((status, html).into_response())
}

/// The new full session's cookie and on to where it leads.
fn signed_in(state: &AppState, session: &NewSession) -> Response {
    (
        AppendHeaders([(
            header::SET_COOKIE,
            session_cookie(state, session.token.expose(), session.max_age_seconds()),
        )]),
        Redirect::to(session.next()),
    )
        .into_response()
}

fn problem(e: SecondFactorError) -> Result<(StatusCode, Flash), StaffError> {
    match e {
        SecondFactorError::Invalid => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash::Problem(
                "That code is not right. Type the code the app shows now (each code works once)."
                    .into(),
            ),
        )),
        SecondFactorError::Limited(wait) => Ok((
            StatusCode::TOO_MANY_REQUESTS,
            Flash::Problem(format!(
                "Too many attempts. Try again in {} minutes.",
                wait.as_secs().div_ceil(60)
            )),
        )),
        SecondFactorError::AlreadyEnrolled => Ok((
            StatusCode::CONFLICT,
            Flash::Problem("Two-factor sign-in was already set up for this account.".into()),
        )),
        SecondFactorError::WrongPassword => Ok((
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash::Problem("Your password is not right.".into()),
        )),
        SecondFactorError::Unreadable => Ok((
            StatusCode::CONFLICT,
            Flash::Problem(
                "Your two-factor sign-in cannot be read on this server any more (its key was \
                 replaced). Ask an administrator to reset it; you then set it up again."
                    .into(),
            ),
        )),
        other => Err(other.into()),
    }
}

async fn verify(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    who: SigningIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    who.staff.check_csrf(&form.csrf)?;
    if !who.pending {
        return Ok(Redirect::to("/staff").into_response());
    }
    let outcome = state
        .two_factor
        .verify(
            &state.db,
            &state.attempts,
            who.token_hash(),
            who.staff.user.clone(),
            &form.code,
            client.0,
        )
        .await;
    match outcome {
        Ok(session) => Ok(signed_in(&state, &session)),
        Err(e) => {
            let (status, flash) = problem(e)?;
            render(&state, &who, status, Some(flash)).await
        }
    }
}

async fn enrol(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    who: SigningIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    who.staff.check_csrf(&form.csrf)?;
    if let Some(redirect) = password_first(&who) {
        return Ok(redirect);
    }
    let outcome = state
        .two_factor
        .enrol(
            &state.db,
            &state.attempts,
            who.staff.user.clone(),
            who.token_hash(),
            who.pending,
            &form.code,
            Some(form.password.as_str()),
            client.0,
        )
        .await;
    let (codes, session) = match outcome {
        Ok(done) => done,
        Err(e) => {
            let (status, flash) = problem(e)?;
            return render(&state, &who, status, Some(flash)).await;
        }
    };
    match session {
        // The pending session is gone: the page is rendered for the new one, whose cookie
        // goes with it.
        Some(session) => {
            let staff = super::session::Staff::of_new(&session);
            let html = codes_page(&state, &staff, &codes, session.next()).await?;
            let cookie = session_cookie(&state, session.token.expose(), session.max_age_seconds());
            Ok((StatusCode::OK, [(header::SET_COOKIE, cookie)], html).into_response())
        }
        None => Ok(codes_page(&state, &who.staff, &codes, "/staff/two-factor")
            .await?
            .into_response()),
    }
}

/// The recovery codes, shown once, with the way on to `next`.
async fn codes_page(
    state: &AppState,
    staff: &super::session::Staff,
    codes: &[RecoveryCode],
    next: &str,
) -> Result<axum::response::Html<String>, StaffError> {
    let shown: Vec<String> = codes.iter().map(|c| c.shown()).collect();
    let view = leptos::view! { <RecoveryCodesPage codes=shown next=next.to_string()/> };
    page(
        state,
        staff,
        "/staff/two-factor",
        "Your recovery codes",
        None,
        view,
    )
    .await
}

async fn new_recovery_codes(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    who: SigningIn,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    who.staff.check_csrf(&form.csrf)?;
    if who.pending {
        return Ok(Redirect::to("/staff/two-factor").into_response());
    }
    if let Some(redirect) = password_first(&who) {
        return Ok(redirect);
    }
    let outcome = state
        .two_factor
        .new_recovery_codes(
            &state.db,
            &state.attempts,
            &who.staff.user,
            &form.code,
            client.0,
        )
        .await;
    match outcome {
        Ok(codes) => Ok(codes_page(&state, &who.staff, &codes, "/staff")
            .await?
            .into_response()),
        Err(e) => {
            let (status, flash) = problem(e)?;
            render(&state, &who, status, Some(flash)).await
        }
    }
}
