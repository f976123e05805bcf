//! The HTTP layer: thin handlers that turn requests into domain calls. Each module exposes its
//! own `router()`; this one merges them and adds the cross-cutting layers.

pub mod assets;
pub mod error;
mod health;
mod pages;
mod responses;
mod results;
pub mod security;
pub mod staff;
pub mod survey;
mod waves;

use crate::startup::AppState;
use axum::Router;
use std::time::Duration;
use tower_http::compression::CompressionLayer;
use tower_http::limit::RequestBodyLimitLayer;
use tower_http::timeout::TimeoutLayer;

/// Requests larger than this are refused with 413 before any handler sees them.
const MAX_BODY_BYTES: usize = 256 * 1024;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(waves::router())
        .merge(responses::router())
        .merge(results::router())
        .fallback(error::api_not_found);
    let secure = state.secure_cookies;
    let mut router = Router::new()
        .merge(health::router())
        .nest("/api/v1", api)
        .merge(staff::router())
        .merge(survey::router())
        .merge(state.assets.router())
        .merge(pages::router(&state))
        .layer(CompressionLayer::new())
        .layer(RequestBodyLimitLayer::new(MAX_BODY_BYTES))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            Duration::from_secs(30),
        ));
    for layer in security::layers(secure) {
        router = router.layer(layer);
    }
    router.with_state(state)
}
