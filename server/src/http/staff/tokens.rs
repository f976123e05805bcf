//! Personal API tokens, for every staff member: made here (shown once), listed, revoked.

use super::error::StaffError;
use super::render::page;
use super::session::{CsrfForm, Staff};
use crate::auth::token::Token;
use crate::http::AppState;
use crate::store::{staff as staff_store, tokens};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{Flash, TokenListRow, TokensPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/tokens", get(token_list).post(token_create))
        .route("/staff/tokens/{id}/revoke", post(token_revoke))
}

async fn render_tokens(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let rows = tokens::list(&state.db, staff.user.id)
        .await?
        .into_iter()
        .map(|t| TokenListRow {
            id: t.id,
            name: t.name,
            created: t.created_at.format("%Y-%m-%d %H:%M").to_string(),
            revoked: t.revoked,
        })
        .collect();
    let view = leptos::view! { <TokensPage csrf_token=staff.csrf_token.clone() tokens=rows/> };
    Ok((
        status,
        page(state, staff, "/staff/tokens", "API tokens", flash, view).await?,
    )
        .into_response())
}

async fn token_list(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    render_tokens(&state, &staff, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn token_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<TokenForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    // Control characters are refused: a NUL cannot even be stored in PostgreSQL's text.
    if name.is_empty() || name.chars().count() > 100 || name.chars().any(char::is_control) {
        let flash = Flash::Problem(
            "name: say in 1 to 100 characters, on one line, what the token is for.".into(),
        );
        return render_tokens(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(flash),
        )
        .await;
    }
    let token = Token::generate();
    tokens::create(&state.db, staff.user.id, name, &token.hash()).await?;
    staff_store::audit(&state.db, Some(staff.user.id), "token.create", name).await?;
    let flash = Flash::Done(format!(
        "Token made. Copy it now; it is shown only this once: {}",
        token.expose()
    ));
    render_tokens(&state, &staff, StatusCode::CREATED, Some(flash)).await
}

async fn token_revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    if !tokens::revoke(&state.db, staff.user.id, id).await? {
        return Err(StaffError::NotFound);
    }
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "token.revoke",
        &id.to_string(),
    )
    .await?;
    render_tokens(
        &state,
        &staff,
        StatusCode::OK,
        Some(Flash::Done("Token revoked.".into())),
    )
    .await
}
