//! `GET /health`: whether this server and its database are ready.

use crate::db;
use crate::http::AppState;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::IntoResponse;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::time::Duration;

pub fn router() -> Router<AppState> {
    Router::new().route("/health", get(health))
}

async fn health(State(state): State<AppState>) -> impl IntoResponse {
    let database = state.backend.name();
    let check = async {
        db::ping(&state.db).await?;
        db::migrations_current(&state.db).await
    };
    match tokio::time::timeout(Duration::from_secs(3), check).await {
        Ok(Ok(true)) => (
            StatusCode::OK,
            Json(json!({ "status": "ok", "database": database, "migrations": "current" })),
        ),
        Ok(Ok(false)) => (
            StatusCode::SERVICE_UNAVAILABLE,
            Json(json!({
                "status": "unavailable", "database": database, "migrations": "pending",
                "message": "The database has migrations that have not run yet. Run `veilig migrate`."
            })),
        ),
        Ok(Err(_)) | Err(_) => {
            tracing::warn!(database, "health check: database unreachable");
            (
                StatusCode::SERVICE_UNAVAILABLE,
                Json(json!({
                    "status": "unavailable", "database": database,
                    "message": "The database cannot be reached right now."
                })),
            )
        }
    }
}
