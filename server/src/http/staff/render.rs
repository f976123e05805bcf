//! Rendering staff pages, and the one error type of the staff pages.

use super::error::StaffError;
use super::session::Staff;
use crate::domain::staff::Role;
use crate::http::AppState;
use crate::store::entity::organisation;
use axum::response::Html;
use leptos::prelude::IntoView;
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter};
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
    let nav = nav_for(staff.role());
    page_with_nav(state, staff, nav, current, title, flash, content).await
}

/// The same with the links given: none while the second factor is still to come.
pub async fn page_with_nav(
    state: &AppState,
    staff: &Staff,
    nav: Vec<NavLink>,
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
    let urls = state.assets.urls();
    let frame = StaffFrame {
        stylesheet: urls.stylesheet,
        script: urls.staff_script,
        email: staff.user.email.clone(),
        role_label: role_label(staff.role()).to_string(),
        csrf_token: staff.csrf_token.clone(),
        nav,
        current: current.to_string(),
        synthetic,
    };
    Ok(Html(render_document(frame, title, flash, content)))
}
