//! The staff home, one's own password, and (for administrators) accounts and the audit log.

use super::error::StaffError;
use super::render::{nav_for, page, role_label};
use super::session::{CsrfForm, Staff};
use crate::accounts::{self, AccountError};
use crate::domain::staff::{Role, MIN_PASSWORD_CHARS};
use crate::http::AppState;
use crate::store::staff::{self as store, CreateUserError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{
    AuditPage, AuditRow, Flash, HomePage, PasswordPage, UserRow, UsersPage,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff", get(home))
        .route("/staff/password", get(password_page).post(change_password))
        .route("/staff/users", get(users).post(add_user))
        .route("/staff/users/{id}/reset", post(reset_password))
        .route("/staff/users/{id}/reset-two-factor", post(reset_two_factor))
        .route("/staff/users/{id}/activate", post(activate))
        .route("/staff/users/{id}/deactivate", post(deactivate))
        .route("/staff/audit", get(audit))
}

async fn home(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    let greeting = format!(
        "You are signed in as {} ({}).",
        staff.user.email,
        role_label(staff.role())
    );
    let links = nav_for(staff.role()).into_iter().skip(1).collect();
    let view = leptos::view! { <HomePage greeting=greeting links=links/> };
    Ok(page(&state, &staff, "/staff", "Home", None, view)
        .await?
        .into_response())
}

async fn password_page(
    State(state): State<AppState>,
    staff: Staff,
) -> Result<Response, StaffError> {
    render_password(&state, &staff, StatusCode::OK, None).await
}

async fn render_password(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let view = leptos::view! {
        <PasswordPage
            csrf_token=staff.csrf_token.clone()
            forced=staff.user.must_change_password
            min_chars=MIN_PASSWORD_CHARS
        />
    };
    Ok((
        status,
        page(
            state,
            staff,
            "/staff/password",
            "Change your password",
            flash,
            view,
        )
        .await?,
    )
        .into_response())
}

#[derive(Deserialize)]
struct PasswordForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    current: String,
    #[serde(default)]
    new: String,
    #[serde(default)]
    repeat: String,
}

async fn change_password(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<PasswordForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    match accounts::change_password(
        &state.db,
        staff.user.id,
        &form.current,
        &form.new,
        &form.repeat,
    )
    .await
    {
        Ok(()) => {
            // Every session of the person ends, this one too: a stolen session dies with the
            // old password. They sign in again with the new one.
            store::delete_sessions_of(&state.db, staff.user.id).await?;
            Ok(Redirect::to("/staff/login?changed=1").into_response())
        }
        Err(AccountError::Invalid(errors)) => {
            render_password(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(Flash::Problem(errors.join(". ") + ".")),
            )
            .await
        }
        Err(other) => Err(other.into()),
    }
}

async fn users(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    render_users(&state, &staff, StatusCode::OK, None).await
}

async fn render_users(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let organisations: Vec<(i32, String)> =
        crate::store::organisations::list_organisations(&state.db, staff.scope())
            .await?
            .into_iter()
            .map(|o| (o.id, o.name))
            .collect();
    let rows = store::list_users(&state.db)
        .await?
        .into_iter()
        .map(|u| UserRow {
            id: u.id,
            email: u.email.clone(),
            role: role_label(u.role()).to_string(),
            organisation: u.membership.organisation_id().map(|id| {
                organisations
                    .iter()
                    .find(|(oid, _)| *oid == id)
                    .map(|(_, n)| n.clone())
                    .unwrap_or_else(|| id.to_string())
            }),
            active: u.active,
            two_factor: u.two_factor,
        })
        .collect();
    let roles = Role::ALL
        .into_iter()
        .map(|r| (r.as_str().to_string(), role_label(r).to_string()))
        .collect();
    let view = leptos::view! {
        <UsersPage csrf_token=staff.csrf_token.clone() users=rows roles=roles organisations=organisations/>
    };
    Ok((
        status,
        page(state, staff, "/staff/users", "Staff accounts", flash, view).await?,
    )
        .into_response())
}

#[derive(Deserialize)]
struct AddUserForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    organisation: String,
}

async fn add_user(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<AddUserForm>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    staff.check_csrf(&form.csrf)?;
    let organisation = match form.organisation.trim() {
        "" => None,
        id => match id.parse::<i32>() {
            Ok(id) => Some(id),
            Err(_) => {
                let flash = Flash::Problem("organisation: choose one from the list.".into());
                return render_users(
                    &state,
                    &staff,
                    StatusCode::UNPROCESSABLE_ENTITY,
                    Some(flash),
                )
                .await;
            }
        },
    };
    let outcome = accounts::add_user(
        &state.db,
        Some(staff.user.id),
        &form.email,
        &form.role,
        organisation,
        None,
    )
    .await;
    let (status, flash) = match outcome {
        Ok((user, temporary)) => (
            StatusCode::CREATED,
            Flash::Done(format!(
                "Account added for {}. Temporary password (shown only now; hand it over in person or by phone): {}",
                user.email,
                temporary.as_ref().map(|p| p.expose()).unwrap_or_default()
            )),
        ),
        Err(AccountError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash::Problem(errors.join(". ") + "."),
        ),
        Err(AccountError::Create(CreateUserError::EmailTaken)) => (
            StatusCode::CONFLICT,
            Flash::Problem("There is already an account for this e-mail address.".into()),
        ),
        Err(AccountError::Create(CreateUserError::UnknownOrganisation(_))) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash::Problem("organisation: there is no such organisation.".into()),
        ),
        Err(other) => return Err(other.into()),
    };
    render_users(&state, &staff, status, Some(flash)).await
}

async fn reset_password(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    staff.check_csrf(&form.csrf)?;
    let (user, temporary) = accounts::reset_password(&state.db, staff.user.id, id).await?;
    let flash = Flash::Done(format!(
        "The password of {} was reset. Temporary password (shown only now): {}",
        user.email,
        temporary.expose()
    ));
    render_users(&state, &staff, StatusCode::OK, Some(flash)).await
}

/// A lost phone: the person's second factor is removed and all their sessions end; they
/// enrol again at their next sign-in.
async fn reset_two_factor(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    staff.check_csrf(&form.csrf)?;
    let user = accounts::two_factor::reset(&state.db, Some(staff.user.id), id).await?;
    let again = if state.two_factor.roles().requires(user.role()) {
        "They set it up again at their next sign-in."
    } else {
        "They can set it up again under Two-factor."
    };
    let flash = Flash::Done(format!(
        "Two-factor sign-in of {} was removed and they were signed out. {again}",
        user.email
    ));
    render_users(&state, &staff, StatusCode::OK, Some(flash)).await
}

async fn activate(
    state: State<AppState>,
    staff: Staff,
    id: Path<i32>,
    form: Form<CsrfForm>,
) -> Result<Response, StaffError> {
    set_active(state, staff, id, form, true).await
}

async fn deactivate(
    state: State<AppState>,
    staff: Staff,
    id: Path<i32>,
    form: Form<CsrfForm>,
) -> Result<Response, StaffError> {
    set_active(state, staff, id, form, false).await
}

async fn set_active(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
    active: bool,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    staff.check_csrf(&form.csrf)?;
    let (status, flash) = match accounts::set_active(&state.db, staff.user.id, id, active).await {
        Ok(user) => (
            StatusCode::OK,
            Flash::Done(format!(
                "{} is now {}.",
                user.email,
                if active {
                    "active"
                } else {
                    "deactivated and signed out"
                }
            )),
        ),
        Err(AccountError::Invalid(errors)) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            Flash::Problem(errors.join(". ") + "."),
        ),
        Err(other) => return Err(other.into()),
    };
    render_users(&state, &staff, status, Some(flash)).await
}

async fn audit(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&[Role::Admin])?;
    let rows = store::recent_audit(&state.db, 500)
        .await?
        .into_iter()
        .map(|e| AuditRow {
            at: e.at.format("%Y-%m-%d %H:%M:%S").to_string(),
            actor: e.actor.unwrap_or_else(|| "(system)".into()),
            action: e.action,
            detail: e.detail,
        })
        .collect();
    let view = leptos::view! { <AuditPage rows=rows/> };
    Ok(
        page(&state, &staff, "/staff/audit", "Audit log", None, view)
            .await?
            .into_response(),
    )
}
