//! The leptos pages, rendered on the server with the asset URLs of this build. Showing the
//! staff sign-in form also hands out its token (see `staff::session`).

use super::staff::{login_cookie, LOGIN_FORM_SECONDS};
use super::survey::{retry_code, RETRY_COOKIE};
use crate::auth::token::Token;
use crate::http::AppState;
use axum::extract::Request;
use axum::http::{header, request::Parts, HeaderValue, Method};
use axum::middleware::Next;
use axum::response::{IntoResponse, Redirect, Response};
use axum::Router;
use leptos::prelude::{provide_context, use_context};
use leptos_axum::{generate_route_list, LeptosRoutes, ResponseOptions};
use veilig_frontend::i18n::Lang;
use veilig_frontend::{shell, App, LoginToken, RetryCode};

/// The answer being rendered, when the page rendered is the one at `path`;
/// the answer is then never cached (what follows puts something for this visitor alone in it).
fn rendering(path: &str) -> Option<ResponseOptions> {
    let (parts, response) = (use_context::<Parts>()?, use_context::<ResponseOptions>()?);
    if parts.uri.path() != path {
        return None;
    }
    response.insert_header(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Some(response)
}

/// A sign-in form gets a fresh token, in the page and in a cookie, and is never cached.
fn provide_login_token(secure: bool) {
    let Some(response) = rendering("/staff/login") else {
        return;
    };
    let token = Token::generate();
    response.append_header(
        header::SET_COOKIE,
        login_cookie(secure, token.expose(), LOGIN_FORM_SECONDS),
    );
    provide_context(LoginToken(token.expose().to_string()));
}

/// The start page shows a refused code again in its field, once: the cookie the refusal set
/// (`survey::forms`) is read and cleared here, and the page is never cached.
fn provide_retry_code(secure: bool) {
    // Only when the cookie is there: the start page is otherwise the same for everyone.
    let Some(kept) = use_context::<Parts>()
        .and_then(|parts| super::cookies::read(&parts.headers, RETRY_COOKIE).map(retry_code))
    else {
        return;
    };
    let Some(response) = rendering("/") else {
        return;
    };
    response.append_header(
        header::SET_COOKIE,
        super::cookies::set(secure, RETRY_COOKIE, "", "/", Some(0)),
    );
    provide_context(RetryCode(kept));
}

pub fn router(state: &AppState) -> Router<AppState> {
    let routes = generate_route_list(App);
    let urls = state.assets.urls();
    let secure = state.secure_cookies;
    let context = move || {
        let mut urls = urls.clone();
        // No WASM on a page a child sees (docs/design.md): only the staff sign-in page hydrates.
        let signing_in = use_context::<Parts>().is_some_and(|p| p.uri.path() == "/staff/login");
        if !signing_in {
            urls.boot_script = None;
        }
        provide_context(urls);
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
        .layer(axum::middleware::from_fn(in_the_browsers_language))
}

/// The child's start page opened without a language (`/`, or a card's `/?code=…&wave=…`) is
/// sent on to the same address with the language the browser prefers among ours (its
/// `Accept-Language`), when that is not Dutch, the default. The page reads its language from the
/// address alone, on the server and in the browser alike, so the two render the same page.
///
/// Only a page the browser navigates to (`Sec-Fetch-Mode: navigate`): a kiosk tablet's service
/// worker stores `/` for use offline, and a browser will not show a stored answer that was a
/// redirect. A browser too old to say how it fetches gets Dutch and the language links.
async fn in_the_browsers_language(request: Request, next: Next) -> Response {
    let navigates = request
        .headers()
        .get("sec-fetch-mode")
        .is_some_and(|mode| mode == "navigate");
    if navigates && request.method() == Method::GET && request.uri().path() == "/" {
        let query = request.uri().query().unwrap_or_default();
        let named = query
            .split('&')
            .any(|pair| pair.split('=').next() == Some("lang"));
        if !named {
            let preferred = request
                .headers()
                .get(header::ACCEPT_LANGUAGE)
                .and_then(|v| v.to_str().ok())
                .and_then(preferred_language);
            let mut response = match preferred {
                Some(lang) if lang != Lang::Nl => {
                    let joiner = if query.is_empty() { "" } else { "&" };
                    Redirect::to(&format!("/?{query}{joiner}lang={}", lang.code())).into_response()
                }
                _ => next.run(request).await,
            };
            // What `/` answers depends on the browser's languages: no cache may hand one
            // browser's answer to another.
            response
                .headers_mut()
                .append(header::VARY, HeaderValue::from_static("accept-language"));
            return response;
        }
    }
    next.run(request).await
}

/// The language among ours (no test locales) that an `Accept-Language` header likes best: the
/// highest weight, the header's order among equals; a region (`en-GB`) counts as its language.
/// `None` when it names none of ours.
fn preferred_language(header: &str) -> Option<Lang> {
    let mut best: Option<(f32, Lang)> = None;
    for part in header.split(',').take(20) {
        let mut fields = part.split(';');
        let tag = fields
            .next()
            .unwrap_or_default()
            .trim()
            .to_ascii_lowercase();
        let weight = fields
            .filter_map(|f| f.trim().strip_prefix("q="))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        let primary = tag.split('-').next().unwrap_or_default();
        let Some(lang) = Lang::everyday().find(|l| l.code() == primary) else {
            continue;
        };
        if weight > 0.0 && best.is_none_or(|(w, _)| weight > w) {
            best = Some((weight, lang));
        }
    }
    best.map(|(_, lang)| lang)
}

#[cfg(test)]
mod tests {
    use super::preferred_language;
    use veilig_frontend::i18n::Lang;

    #[test]
    fn the_browsers_language_is_the_best_weighted_of_ours() {
        assert_eq!(preferred_language("en-GB,en;q=0.9"), Some(Lang::En));
        assert_eq!(
            preferred_language("nl-NL,nl;q=0.9,en;q=0.8"),
            Some(Lang::Nl)
        );
        assert_eq!(
            preferred_language("ar;q=1,en;q=0.5,nl;q=0.7"),
            Some(Lang::Nl)
        );
        assert_eq!(preferred_language("de, en;q=0.3"), Some(Lang::En));
        assert_eq!(preferred_language("fr, de"), None);
        assert_eq!(preferred_language("en;q=0, nl;q=0.1"), Some(Lang::Nl));
        assert_eq!(preferred_language("x-rtl"), None, "no test locale");
        assert_eq!(preferred_language(""), None);
    }
}
