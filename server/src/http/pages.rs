//! The leptos pages, rendered on the server with the asset URLs of this build. Showing the
//! staff sign-in form also hands out its token (see `staff::session`).

use super::staff::{login_cookie, LOGIN_FORM_SECONDS};
use super::survey::{retry_code, RETRY_COOKIE};
use crate::auth::token::Token;
use crate::http::AppState;
use axum::http::{header, request::Parts, HeaderValue};
use axum::Router;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes, ResponseOptions};
use veilig_frontend::{shell, App, LoginToken, RetryCode};

/// A sign-in form gets a fresh token, in the page and in a cookie, and is never cached.
fn provide_login_token(secure: bool) {
    let (Some(parts), Some(response)) = (use_context::<Parts>(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if parts.uri.path() != "/staff/login" {
        return;
    }
    let token = Token::generate();
    response.append_header(
        header::SET_COOKIE,
        login_cookie(secure, token.expose(), LOGIN_FORM_SECONDS),
    );
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    provide_context(LoginToken(token.expose().to_string()));
}

/// The start page shows a refused code again in its field, once: the cookie the refusal set
/// (`survey::forms`) is read and cleared here, and the page is never cached.
fn provide_retry_code(secure: bool) {
    let (Some(parts), Some(response)) = (use_context::<Parts>(), use_context::<ResponseOptions>())
    else {
        return;
    };
    if parts.uri.path() != "/" {
        return;
    }
    let Some(kept) = super::cookies::read(&parts.headers, RETRY_COOKIE) else {
        return;
    };
    response.append_header(
        header::SET_COOKIE,
        super::cookies::set(secure, RETRY_COOKIE, "", "/", Some(0)),
    );
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    provide_context(RetryCode(retry_code(kept)));
}

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(App);
    let urls = state.assets.urls();
    let secure = state.secure_cookies;
    let context = move || {
        provide_context(urls.clone());
        provide_login_token(secure);
        provide_retry_code(secure);
    };
    let options = state.leptos_options.clone();
    let fallback_options = options.clone();
    let fallback = leptos_axum::render_app_to_stream_with_context(context.clone(), move || {
        shell(fallback_options.clone())
    });
    Router::new()
        .leptos_routes_with_context(state, routes, context, move || shell(options.clone()))
        .fallback(fallback)
}
