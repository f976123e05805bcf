//! The leptos pages, rendered on the server with the asset URLs of this build.

use crate::startup::AppState;
use axum::Router;
use leptos::prelude::provide_context;
use leptos_axum::{generate_route_list, LeptosRoutes};
use veilig_frontend::{shell, App};

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(App);
    let urls = state.assets.urls();
    let context = move || provide_context(urls.clone());
    let options = state.leptos_options.clone();
    let fallback_options = options.clone();
    let fallback = leptos_axum::render_app_to_stream_with_context(context.clone(), move || {
        shell(fallback_options.clone())
    });
    Router::new()
        .leptos_routes_with_context(state, routes, context, move || shell(options.clone()))
        .fallback(fallback)
}
