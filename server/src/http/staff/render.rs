//! Rendering staff pages, and the one error type of the staff pages.

use super::session::Staff;
use crate::domain::staff::Role;
use crate::startup::AppState;
use crate::store::entity::organisation;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use leptos::prelude::IntoView;
use sea_orm::{ColumnTrait, DbErr, EntityTrait, QueryFilter};
use veilig_frontend::staff::{render_document, Flash, NavLink, StaffFrame};

/// The links a role sees, in order. A page a role may not open is never linked for it.
pub fn nav_for(role: Role) -> Vec<NavLink> {
    let link = |href: &str, label: &str| NavLink {
        href: href.to_string(),
        label: label.to_string(),
    };
    let mut links = vec![link("/staff", "Home")];
    match role {
        Role::Admin => {
            links.push(link("/staff/users", "Staff accounts"));
            links.push(link("/staff/audit", "Audit log"));
            links.push(link("/staff/tokens", "API tokens"));
        }
        Role::Researcher => {
            links.push(link("/staff/waves", "Waves"));
            links.push(link("/staff/organisations", "Organisations"));
            links.push(link("/staff/codes", "Access codes"));
            links.push(link("/staff/response", "Response"));
            links.push(link("/staff/kiosk", "Kiosk tablet"));
            links.push(link("/staff/results", "Results"));
            links.push(link("/staff/compare", "Compare waves"));
            links.push(link("/staff/open-answers", "Open answers"));
            links.push(link("/staff/incidents", "Incidents"));
            links.push(link("/staff/dashboard", "Institution dashboards"));
            links.push(link("/staff/tokens", "API tokens"));
        }
        Role::InstitutionAdmin => {
            links.push(link("/staff/dashboard", "Dashboard"));
            links.push(link("/staff/codes", "Access codes"));
            links.push(link("/staff/response", "Response"));
            links.push(link("/staff/kiosk", "Kiosk tablet"));
            links.push(link("/staff/incidents", "Incident counts"));
            links.push(link("/staff/tokens", "API tokens"));
        }
        Role::InstitutionViewer => {
            links.push(link("/staff/dashboard", "Dashboard"));
            links.push(link("/staff/response", "Response"));
            links.push(link("/staff/incidents", "Incident counts"));
            links.push(link("/staff/tokens", "API tokens"));
        }
    }
    links
}

pub fn role_label(role: Role) -> &'static str {
    match role {
        Role::Admin => "administrator",
        Role::Researcher => "researcher",
        Role::InstitutionAdmin => "institution administrator",
        Role::InstitutionViewer => "institution viewer",
    }
}

/// A page for `staff` with `content` in the frame; `current` is the nav entry to mark.
pub async fn page(
    state: &AppState,
    staff: &Staff,
    current: &str,
    title: &str,
    flash: Option<Flash>,
    content: impl IntoView + 'static,
) -> Result<Html<String>, StaffError> {
    let synthetic = organisation::Entity::find()
        .filter(organisation::Column::Synthetic.eq(true))
        .one(&state.db)
        .await?
        .is_some();
    let frame = StaffFrame {
        stylesheet: state.assets.urls().stylesheet,
        email: staff.user.email.clone(),
        role_label: role_label(staff.role()).to_string(),
        csrf_token: staff.csrf_token.clone(),
        nav: nav_for(staff.role()),
        current: current.to_string(),
        synthetic,
    };
    Ok(Html(render_document(frame, title, flash, content)))
}

/// What can go wrong on a staff page, each with its status code.
#[derive(Debug)]
pub enum StaffError {
    /// 303 to the sign-in page: no valid session.
    SignInNeeded,
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
