//! The child's survey. Two ways through, one set of rules:
//! - without JavaScript (`forms`): every screen is a form post; the answers so far are kept on
//!   the server for that code only (`survey_draft`), found through a random token in a cookie
//!   scoped to `/survey`;
//! - with JavaScript (`app`): the start page checks the code through the API, and the whole
//!   survey comes as one document that survey.js walks on the device, offline too; nothing
//!   half-finished is kept on the server, and the answers arrive once, at `POST /api/v1/responses`.
//!
//! Also here: help, thanks, the quick exit, and the kiosk reset.

mod app;
mod forms;
mod screen;

use crate::auth::token::Token;
use crate::domain::instrument::{Instrument, ScaleKind};
use crate::http::client_addr::ClientAddr;
use crate::http::cookies;
use crate::http::AppState;
use crate::kiosk::{KioskPass, KIOSK_COOKIE};
use crate::store::drafts;
use axum::extract::{Query, Request, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use std::collections::BTreeMap;
use veilig_frontend::i18n::Lang;
use veilig_frontend::survey::{
    render_exit, render_help, render_thanks, ChildPage, Choice, ScaleLook, Screen,
};
use veilig_frontend::DeviceMode;

pub const SURVEY_COOKIE: &str = "veilig_survey";
/// A code the start page refused, shown again in its field once (see `forms::refused_at_start`).
pub const RETRY_COOKIE: &str = "veilig_retry";

/// What of a typed code goes back to the start page in `RETRY_COOKIE`: letters, digits and
/// dashes, at most as many as the field takes.
pub fn retry_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-')
        .take(24)
        .collect()
}

/// What wrong codes are counted under (`attempts`): an unlocked kiosk tablet by its pass, so
/// that a group home whose children share one connection is not locked out by the mistakes
/// typed on another device there (nor the tablet by theirs); any other device by its address.
/// `kiosk` is the request's verified pass ([`kiosk_of`]), which the caller has already.
pub fn code_source(kiosk: Option<&KioskPass>, client: &ClientAddr) -> String {
    match kiosk {
        Some(pass) => format!("kiosk:{}.{}.{}", pass.location_id, pass.wave, pass.expires),
        None => client.key(),
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .merge(forms::router())
        .merge(app::router())
        .route("/survey/thanks", get(thanks))
        .route("/survey/help", get(help))
        .route("/survey/reset", get(reset))
        .route("/exit", get(exit))
}

/// The JSON API's part of the survey (mounted under `/api/v1`).
pub fn api_router() -> Router<AppState> {
    app::api_router()
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

/// A language by its code; the test locale only when this deployment offers it.
fn lang_of(state: &AppState, code: Option<&str>) -> Lang {
    code.and_then(Lang::parse)
        .filter(|l| !l.is_pseudo() || state.survey.pseudo_locale)
        .unwrap_or(Lang::Nl)
}

/// The languages a child may choose for this questionnaire: those with texts in it (a test
/// locale counts as its base language), in the order of the interface.
fn offered_languages(state: &AppState, instrument: &Instrument) -> Vec<Lang> {
    Lang::ALL
        .into_iter()
        .filter(|l| !l.is_pseudo() || state.survey.pseudo_locale)
        .filter(|l| {
            instrument
                .def()
                .languages
                .iter()
                .any(|c| c == l.content_code())
        })
        .collect()
}

/// A text of the questionnaire in the language's content language (mirrored, like the rest of
/// its texts, for the right-to-left test locale).
fn text_in(texts: &BTreeMap<String, String>, lang: Lang) -> String {
    let text = texts
        .get(lang.content_code())
        .or_else(|| texts.values().next())
        .cloned()
        .unwrap_or_default();
    if lang.is_pseudo() {
        format!("\u{202E}{text}\u{202C}")
    } else {
        text
    }
}

/// The screen of one question, as the questionnaire words it in `lang`.
fn question_screen(
    instrument: &Instrument,
    key: &str,
    lang: Lang,
    chosen: Option<String>,
    concealed: bool,
) -> Option<Screen> {
    let item = instrument.item(key)?;
    let scale = instrument.scale_of(item)?;
    Some(Screen::Question {
        key: key.to_string(),
        text: text_in(&item.text, lang),
        look: match scale.kind {
            ScaleKind::Smiley => ScaleLook::Smiley,
            ScaleKind::Choice => ScaleLook::Words,
            ScaleKind::Mark => ScaleLook::Mark,
        },
        choices: scale
            .points
            .iter()
            .map(|p| Choice {
                value: p.value.to_string(),
                label: text_in(&p.label, lang),
            })
            .collect(),
        chosen,
        concealed,
    })
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    // Nothing of a child's survey may stay in a shared tablet's cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

/// The plain survey's token, for this browser session only (or cleared).
fn survey_cookie(state: &AppState, value: &str, clear: bool) -> HeaderValue {
    let max_age = clear.then_some(0);
    cookies::set(
        state.secure_cookies,
        SURVEY_COOKIE,
        value,
        "/survey",
        max_age,
    )
}

fn token_of(headers: &HeaderMap) -> Option<Token> {
    cookies::read(headers, SURVEY_COOKIE).and_then(Token::from_client)
}

/// The pass of an unlocked kiosk tablet, if this browser holds a valid one.
pub fn kiosk_of(state: &AppState, headers: &HeaderMap) -> Option<KioskPass> {
    let value = cookies::read(headers, KIOSK_COOKIE)?;
    state
        .kiosk_key
        .verify(value, chrono::Utc::now().timestamp())
}

fn child_page(state: &AppState, headers: &HeaderMap, lang: Lang) -> ChildPage {
    let urls = state.assets.urls();
    ChildPage {
        stylesheet: urls.stylesheet,
        script: urls.child_script,
        lang,
        kiosk_idle_seconds: kiosk_of(state, headers).map(|_| state.survey.kiosk_idle_seconds),
    }
}

/// Tells the leptos pages (the start page) whether this is a kiosk tablet.
pub async fn device_mode(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let kiosk = kiosk_of(&state, request.headers()).is_some();
    request.extensions_mut().insert(DeviceMode {
        kiosk_idle_seconds: kiosk.then_some(state.survey.kiosk_idle_seconds),
    });
    next.run(request).await
}

/// Lets go of this browser's survey under way, if any: the cookie is cleared and the draft no
/// longer answers to it (the code still picks it up).
async fn let_go(state: &AppState, headers: &HeaderMap) -> [(header::HeaderName, HeaderValue); 1] {
    if let Some(token) = token_of(headers) {
        if let Err(e) = drafts::forget_token(&state.db, &token.hash()).await {
            tracing::warn!(error = %e, "a survey token could not be forgotten");
        }
    }
    [(header::SET_COOKIE, survey_cookie(state, "", true))]
}

async fn thanks(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    let page = child_page(&state, &headers, lang_of(&state, query.lang.as_deref()));
    html(
        StatusCode::OK,
        render_thanks(page, state.help.contacts.clone()),
    )
}

async fn help(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = lang_of(&state, query.lang.as_deref());
    let back = match token_of(&headers) {
        Some(_) => "/survey".to_string(),
        None => format!("/?lang={}", lang.code()),
    };
    let page = child_page(&state, &headers, lang);
    html(
        StatusCode::OK,
        render_help(page, state.help.contacts.clone(), back),
    )
}

/// The quick exit: a neutral page at once, and the survey let go of (exit.js also replaces the
/// history entry and clears the device's session, so "back" does not show the survey).
async fn exit(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = let_go(&state, &headers).await;
    let kiosk = kiosk_of(&state, &headers).map(|_| state.survey.kiosk_idle_seconds);
    let script = kiosk.map(|_| state.assets.urls().child_script);
    (cookie, html(StatusCode::OK, render_exit(script, kiosk))).into_response()
}

/// A kiosk tablet hands over to the next child: the previous survey is let go of, and the
/// start page comes back.
async fn reset(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let cookie = let_go(&state, &headers).await;
    (cookie, Redirect::to("/")).into_response()
}
