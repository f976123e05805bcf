//! The child's survey as plain HTML forms: the start page posts the code here, every screen
//! posts its answer, and the last one sends the whole survey through the same checks as the
//! JSON API. Between screens the answers are kept for that code only (`survey_draft`), and the
//! browser holds a random token in a cookie scoped to `/survey`.

use crate::auth::rate_limit::RateLimiter;
use crate::auth::token::Token;
use crate::domain::demographics::{AgeBand, Gender, TimeHere};
use crate::domain::instrument::{Instrument, ScaleKind};
use crate::domain::response::DONT_KNOW;
use crate::domain::survey::{self, Draft, Step};
use crate::domain::SettingType;
use crate::participation::{check_code, check_code_hash, CodeRefusal};
use crate::startup::AppState;
use crate::store::{drafts, responses};
use crate::submission::{self, SubmitError};
use axum::extract::{ConnectInfo, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;
use veilig_frontend::i18n::Lang;
use veilig_frontend::survey::{
    render_exit, render_help, render_lost, render_step, render_thanks, Choice, HelpContacts,
    ScaleLook, StepView, SurveyFrame,
};

const SURVEY_COOKIE: &str = "veilig_survey";

/// Wrong codes per source address in 15 minutes. A school or group network shares one
/// address, so this is generous for children mistyping and still slow for guessing: see
/// docs/operations.md for the arithmetic.
pub fn code_limiter() -> RateLimiter {
    RateLimiter::new(100, Duration::from_secs(15 * 60))
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/survey/start", post(start))
        .route("/survey", get(show).post(answer))
        .route("/survey/send", post(send))
        .route("/survey/thanks", get(thanks))
        .route("/survey/help", get(help))
        .route("/exit", get(exit))
}

#[derive(Deserialize)]
struct LangQuery {
    lang: Option<String>,
}

fn lang_of(code: Option<&str>) -> Lang {
    code.and_then(Lang::parse).unwrap_or(Lang::Nl)
}

fn html(status: StatusCode, body: String) -> Response {
    let mut response = (status, Html(body)).into_response();
    // Nothing of a child's survey may stay in a shared tablet's cache.
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    response
}

fn cookie(state: &AppState, value: &str, clear: bool) -> HeaderValue {
    let secure = if state.secure_cookies { "; Secure" } else { "" };
    let age = if clear { "; Max-Age=0" } else { "" };
    HeaderValue::from_str(&format!(
        "{SURVEY_COOKIE}={value}; Path=/survey; HttpOnly; SameSite=Strict{secure}{age}"
    ))
    .unwrap_or_else(|_| HeaderValue::from_static(""))
}

fn token_of(headers: &HeaderMap) -> Option<Token> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(k, _)| *k == SURVEY_COOKIE)
        .and_then(|(_, v)| Token::from_client(v))
}

pub fn help_contacts() -> HelpContacts {
    toml::from_str(veilig_frontend::survey::DEFAULT_HELP).unwrap_or(HelpContacts {
        contacts: Vec::new(),
    })
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
    /// Set by a wave-specific link (QR code) or a kiosk tablet.
    #[serde(default)]
    wave: Option<String>,
}

/// The start page's form: a good code starts (or resumes) the survey; any other code goes back
/// to the start page with a kind message. The code itself never goes into an address.
async fn start(
    State(state): State<AppState>,
    ConnectInfo(peer): ConnectInfo<SocketAddr>,
    Form(form): Form<StartForm>,
) -> Result<Response, Response> {
    let lang = lang_of(Some(form.lang.as_str()));
    let back = |reason: &str| {
        Redirect::to(&format!("/?error={reason}&lang={}", lang.code())).into_response()
    };
    let source = peer.ip().to_string();
    if state.code_limits.check(&source).is_err() {
        return Ok(back("busy"));
    }
    let wave = form.wave.as_deref().filter(|w| !w.is_empty());
    let accepted = match check_code(&state.db, &form.code, wave).await {
        Ok(Ok(accepted)) => accepted,
        Ok(Err(refusal)) => {
            if matches!(refusal, CodeRefusal::Unknown | CodeRefusal::Format) {
                state.code_limits.record_failure(&source);
            }
            return Ok(back(refusal.reason()));
        }
        Err(e) => {
            tracing::warn!(error = %e, "code check failed");
            return Ok(back("busy"));
        }
    };
    let token = Token::generate();
    let stored = drafts::start_or_resume(
        &state.db,
        &accepted.code_hash,
        &token.hash(),
        &Draft::new(lang.code()),
    )
    .await;
    if let Err(e) = stored {
        tracing::warn!(error = %e, "survey draft could not be saved");
        return Ok(back("busy"));
    }
    Ok((
        [(header::SET_COOKIE, cookie(&state, token.expose(), false))],
        Redirect::to("/survey"),
    )
        .into_response())
}

/// The survey under way for this browser, with what the screens need.
struct Current {
    code_hash: String,
    draft: Draft,
    instrument: Arc<Instrument>,
    setting: SettingType,
}

enum Lost {
    /// No survey for this browser (or it was sent): start again with the code.
    NoSurvey,
    /// The code can no longer be used (the wave closed, or it was revoked).
    Refused(CodeRefusal),
    Unavailable,
}

async fn current(state: &AppState, headers: &HeaderMap) -> Result<Current, Lost> {
    let token = token_of(headers).ok_or(Lost::NoSurvey)?;
    let unavailable = |e: sea_orm::DbErr| {
        tracing::warn!(error = %e, "survey unavailable");
        Lost::Unavailable
    };
    let (code_hash, draft) = drafts::find_by_token(&state.db, &token.hash())
        .await
        .map_err(unavailable)?
        .ok_or(Lost::NoSurvey)?;
    let accepted = match check_code_hash(&state.db, &code_hash, None)
        .await
        .map_err(unavailable)?
    {
        Ok(a) => a,
        Err(refusal) => return Err(Lost::Refused(refusal)),
    };
    let instrument = submission::instrument_of(state, &accepted.wave)
        .await
        .map_err(unavailable)?;
    let setting = responses::setting_of_location(&state.db, accepted.stored.location_id)
        .await
        .map_err(unavailable)?;
    Ok(Current {
        code_hash,
        draft,
        instrument,
        setting,
    })
}

fn lost_page(state: &AppState, lang: Lang, lost: Lost) -> Response {
    match lost {
        Lost::NoSurvey => html(
            StatusCode::NOT_FOUND,
            render_lost(state.assets.urls().stylesheet, lang),
        ),
        Lost::Refused(refusal) => Redirect::to(&format!(
            "/?error={}&lang={}",
            refusal.reason(),
            lang.code()
        ))
        .into_response(),
        Lost::Unavailable => {
            Redirect::to(&format!("/?error=busy&lang={}", lang.code())).into_response()
        }
    }
}

fn text_in(texts: &std::collections::BTreeMap<String, String>, lang: Lang) -> String {
    texts
        .get(lang.code())
        .or_else(|| texts.values().next())
        .cloned()
        .unwrap_or_default()
}

fn step_view(c: &Current, lang: Lang) -> StepView {
    let d = &c.draft;
    match &d.step {
        Step::Intro => StepView::Intro,
        Step::About => StepView::About {
            age_band: d.demographics.age_band.map(|v| v.as_str().to_string()),
            gender: d.demographics.gender.map(|v| v.as_str().to_string()),
            time_here: d.demographics.time_here.map(|v| v.as_str().to_string()),
        },
        Step::Item(key) => match c.instrument.item(key).zip(
            c.instrument
                .item(key)
                .and_then(|i| c.instrument.scale_of(i)),
        ) {
            Some((item, scale)) => StepView::Question {
                key: key.clone(),
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
                chosen: d.answers.get(key).map(|v| match v {
                    Some(v) => v.to_string(),
                    None => DONT_KNOW.to_string(),
                }),
            },
            None => StepView::Intro,
        },
        Step::Open => StepView::Open {
            question: text_in(&c.instrument.def().open_question.text, lang),
            max_length: c.instrument.def().open_question.max_length,
            value: d.open_answer.clone().unwrap_or_default(),
        },
        Step::Send => StepView::Send {
            answered: d.answers.values().filter(|v| v.is_some()).count(),
        },
    }
}

fn render(state: &AppState, c: &Current, error: Option<String>, status: StatusCode) -> Response {
    let lang = lang_of(Some(c.draft.language.as_str()));
    let frame = SurveyFrame {
        stylesheet: state.assets.urls().stylesheet,
        lang,
        progress: survey::progress(&c.instrument, c.setting, &c.draft),
        help: c.draft.offer_help.then(|| help_contacts().contacts),
    };
    html(status, render_step(frame, step_view(c, lang), error))
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    match current(&state, &headers).await {
        Ok(c) => render(&state, &c, None, StatusCode::OK),
        Err(lost) => lost_page(&state, lang_of(query.lang.as_deref()), lost),
    }
}

#[derive(Deserialize, Default)]
struct AnswerForm {
    #[serde(default)]
    go: String,
    answer: Option<String>,
    age_band: Option<String>,
    gender: Option<String>,
    time_here: Option<String>,
    open_answer: Option<String>,
}

/// `Some(None)` for "don't know", `Some(Some(v))` for a value, `None` for nothing chosen.
fn choice<T>(raw: Option<&str>, parse: impl Fn(&str) -> Result<T, String>) -> Option<Option<T>> {
    match raw {
        None | Some("") => None,
        Some(DONT_KNOW) => Some(None),
        Some(v) => parse(v).ok().map(Some),
    }
}

/// Takes in one screen's answer and moves on (or back). Choosing nothing is skipping.
async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Response {
    let mut c = match current(&state, &headers).await {
        Ok(c) => c,
        Err(lost) => return lost_page(&state, Lang::Nl, lost),
    };
    let step = c.draft.step.clone();
    c.draft.offer_help = false;
    match &step {
        Step::About => {
            let d = &mut c.draft.demographics;
            if let Some(v) = choice(form.age_band.as_deref(), AgeBand::parse) {
                d.age_band = v;
            }
            if let Some(v) = choice(form.gender.as_deref(), Gender::parse) {
                d.gender = v;
            }
            if let Some(v) = choice(form.time_here.as_deref(), TimeHere::parse) {
                d.time_here = v;
            }
        }
        Step::Item(key) => {
            let valid = |v: &str| -> Result<i16, String> {
                let value: i16 = v.parse().map_err(|_| "not a number".to_string())?;
                let scale = c
                    .instrument
                    .item(key)
                    .and_then(|i| c.instrument.scale_of(i));
                match scale {
                    Some(s) if s.points.iter().any(|p| p.value == value) => Ok(value),
                    _ => Err("not on the scale".to_string()),
                }
            };
            if let Some(value) = choice(form.answer.as_deref(), valid) {
                c.draft.offer_help =
                    form.go == "next" && survey::asks_for_help(&c.instrument, key, value);
                c.draft.answers.insert(key.clone(), value);
                survey::prune(&c.instrument, c.setting, &mut c.draft.answers);
            }
        }
        Step::Open => {
            let max = c.instrument.def().open_question.max_length;
            let text: String = form
                .open_answer
                .unwrap_or_default()
                .trim()
                .chars()
                .take(max)
                .collect();
            c.draft.open_answer = (!text.is_empty()).then_some(text);
        }
        Step::Intro | Step::Send => {}
    }
    c.draft.step = if form.go == "back" {
        survey::previous(&c.instrument, c.setting, &c.draft)
    } else {
        survey::next(&c.instrument, c.setting, &c.draft)
    };
    if let Err(e) = drafts::save(&state.db, &c.code_hash, &c.draft).await {
        tracing::warn!(error = %e, "survey draft could not be saved");
        let lang = lang_of(Some(c.draft.language.as_str()));
        let message = match lang {
            Lang::Nl => "Dat lukte even niet. Je antwoorden zijn niet kwijt. Probeer het zo nog eens.",
            Lang::En => "That did not work just now. Your answers are not lost. Please try again in a moment.",
        };
        return render(
            &state,
            &c,
            Some(message.to_string()),
            StatusCode::SERVICE_UNAVAILABLE,
        );
    }
    Redirect::to("/survey").into_response()
}

/// Sends the survey: stored whole (with the draft removed) or not at all.
async fn send(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Response {
    let mut c = match current(&state, &headers).await {
        Ok(c) => c,
        Err(lost) => return lost_page(&state, Lang::Nl, lost),
    };
    let lang = lang_of(Some(c.draft.language.as_str()));
    if form.go == "back" {
        c.draft.step = survey::previous(&c.instrument, c.setting, &c.draft);
        let _ = drafts::save(&state.db, &c.code_hash, &c.draft).await;
        return Redirect::to("/survey").into_response();
    }
    match submission::submit_draft(&state, &c.code_hash, &c.draft).await {
        Ok(_) => (
            [(header::SET_COOKIE, cookie(&state, "", true))],
            Redirect::to(&format!("/survey/thanks?lang={}", lang.code())),
        )
            .into_response(),
        Err(SubmitError::Code(refusal)) => lost_page(&state, lang, Lost::Refused(refusal)),
        Err(SubmitError::Invalid(errors)) => {
            // The screens only let valid answers through; this is a bug, not the child's doing.
            tracing::error!(
                fields = errors.len(),
                "a survey draft did not pass the checks"
            );
            let message = match lang {
                Lang::Nl => "Er ging iets mis bij het versturen. Probeer het nog eens.",
                Lang::En => "Something went wrong while sending. Please try again.",
            };
            render(
                &state,
                &c,
                Some(message.to_string()),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(SubmitError::Db(e)) => {
            tracing::warn!(error = %e, "survey could not be stored");
            let message = match lang {
                Lang::Nl => "Versturen lukte even niet. Je antwoorden zijn niet kwijt. Probeer het zo nog eens.",
                Lang::En => "Sending did not work just now. Your answers are not lost. Please try again in a moment.",
            };
            render(
                &state,
                &c,
                Some(message.to_string()),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}

async fn thanks(State(state): State<AppState>, Query(query): Query<LangQuery>) -> Response {
    let lang = lang_of(query.lang.as_deref());
    html(
        StatusCode::OK,
        render_thanks(
            state.assets.urls().stylesheet,
            lang,
            help_contacts().contacts,
        ),
    )
}

async fn help(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    let lang = lang_of(query.lang.as_deref());
    let back = token_of(&headers).map(|_| "/survey".to_string());
    html(
        StatusCode::OK,
        render_help(
            state.assets.urls().stylesheet,
            lang,
            help_contacts().contacts,
            back,
        ),
    )
}

async fn exit() -> Response {
    html(StatusCode::OK, render_exit())
}
