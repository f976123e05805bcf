//! The HTTP layer: thin handlers that turn requests into domain calls. Each module exposes its
//! own `router()`; this one merges them and adds the cross-cutting layers.

pub mod assets;
pub mod calm;
pub mod client_addr;
pub mod connections;
pub mod cookies;
pub mod error;
mod health;
pub mod limits;
mod pages;
mod publication;
mod responses;
mod results;
pub mod security;
pub mod staff;
mod state;
pub mod survey;
mod waves;

pub use state::AppState;

use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::compression::CompressionLayer;
use tower_http::timeout::TimeoutLayer;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        .merge(waves::router())
        .merge(responses::router())
        .merge(results::router())
        .merge(publication::router())
        .merge(survey::api_router())
        .fallback(error::api_not_found);
    let behind_tls = state.behind_tls;
    let mut router = Router::new()
        .merge(health::router())
        .nest("/api/v1", api)
        .merge(staff::router())
        .merge(survey::router())
        .merge(state.assets.router())
        .merge(
            pages::router(&state).layer(axum::middleware::from_fn_with_state(
                state.clone(),
                survey::device_mode,
            )),
        )
        .layer(axum::middleware::from_fn(log_request))
        // A panic is answered with a calm 500 rather than a dropped connection.
        .layer(CatchPanicLayer::new())
        .layer(axum::middleware::from_fn(limits::whole_body))
        .layer(TimeoutLayer::with_status_code(
            axum::http::StatusCode::REQUEST_TIMEOUT,
            limits::REQUEST_TIMEOUT,
        ))
        .layer(axum::middleware::from_fn(calm::calm_refusals))
        .layer(CompressionLayer::new());
    for layer in security::layers(behind_tls) {
        router = router.layer(layer);
    }
    router.with_state(state)
}

/// One log line per request: method, the route's pattern (never the path itself or its query,
/// which may carry a code from a card's link), status and duration. No address, no agent.
async fn log_request(
    request: axum::extract::Request,
    next: axum::middleware::Next,
) -> axum::response::Response {
    let method = request.method().clone();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map(|p| p.as_str().to_string())
        .unwrap_or_else(|| "(no route)".to_string());
    let started = std::time::Instant::now();
    let response = next.run(request).await;
    tracing::info!(
        %method,
        %route,
        status = response.status().as_u16(),
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    response
}
