//! The survey as plain HTML forms: the start page posts the code here, every screen posts its
//! answer, and the last one sends the whole survey through the same checks as the JSON API.

use super::screen::{screen_of, take_answer, AnswerForm, Current};
use super::{child_page, html, kiosk_of, lang_of, survey_cookie, token_of, LangQuery};
use super::{retry_code, RETRY_COOKIE};
use crate::auth::token::Token;
use crate::domain::access_code::{AccessCode, CodeFormatError};
use crate::domain::survey::{self, Draft};
use crate::http::cookies;
use crate::http::AppState;
use crate::participation::{check_code, check_code_hash, CodeRefusal, Expected};
use crate::store::drafts;
use crate::submission::{self, SubmitError};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::i18n::Lang;
use veilig_frontend::survey::{render_lost, render_step, StepPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/survey/start", post(start))
        .route("/survey", get(show).post(answer))
        .route("/survey/send", post(send))
}

#[derive(Deserialize)]
struct StartForm {
    #[serde(default)]
    code: String,
    #[serde(default)]
    lang: String,
    /// Set by a wave-specific link (QR code).
    #[serde(default)]
    wave: Option<String>,
}

/// Back to the start page with a reason the page turns into a kind sentence. The wave of a QR
/// link goes along, so the next try is checked the same way; the code never goes into an address.
fn back_to_start(reason: &str, lang: Lang, wave: Option<&str>) -> Response {
    Redirect::to(&start_page_address(reason, "", lang, wave)).into_response()
}

/// `/?error=…` with what else the start page needs (`detail` starts with `&`, or is empty).
fn start_page_address(reason: &str, detail: &str, lang: Lang, wave: Option<&str>) -> String {
    let wave = wave.map(|w| format!("&wave={w}")).unwrap_or_default();
    format!("/?error={reason}{detail}&lang={}{wave}", lang.code())
}

/// Back to the start page after a refused code, which the page shows again in its field (a
/// child who mistyped one sign types one sign again, not nine): it goes along in a cookie that
/// lives a minute and that the start page clears as it reads it, never in the address. A code
/// in the wrong format also names what is wrong: the first sign that is on no card, or how many
/// signs were typed.
fn refused_at_start(
    state: &AppState,
    refusal: CodeRefusal,
    typed: &str,
    lang: Lang,
    wave: Option<&str>,
) -> Response {
    let detail = match (refusal, AccessCode::parse(typed)) {
        (CodeRefusal::Format, Err(CodeFormatError::UnknownCharacter(sign))) => {
            let mut buffer = [0; 4];
            let sign = sign.encode_utf8(&mut buffer).as_bytes();
            format!(
                "&symbol={}",
                form_urlencoded::byte_serialize(sign).collect::<String>()
            )
        }
        (CodeRefusal::Format, Err(CodeFormatError::WrongLength(count))) => {
            format!("&count={count}")
        }
        _ => String::new(),
    };
    let to = start_page_address(refusal.reason(), &detail, lang, wave);
    let mut response = Redirect::to(&to).into_response();
    let kept = retry_code(typed);
    if !kept.is_empty() {
        response.headers_mut().insert(
            header::SET_COOKIE,
            cookies::set(state.secure_cookies, RETRY_COOKIE, &kept, "/", Some(60)),
        );
    }
    response
}

/// A wave label as it may appear in an address.
pub(super) fn wave_param(wave: Option<&str>) -> Option<&str> {
    wave.filter(|w| crate::domain::wave::is_label(w))
}

/// The start page's form: a good code starts (or resumes) the survey; any other code goes back
/// to the start page with a kind message.
async fn start(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    headers: HeaderMap,
    Form(form): Form<StartForm>,
) -> Response {
    let lang = lang_of(&state, Some(form.lang.as_str()));
    let kiosk = kiosk_of(&state, &headers);
    let wave = wave_param(form.wave.as_deref());
    let expected = Expected {
        wave: kiosk.as_ref().map(|k| k.wave.as_str()).or(wave),
        location: kiosk.as_ref().map(|k| k.location_id),
    };
    let source = super::code_source(kiosk.as_ref(), &client);
    if state.attempts.check_code(&source).is_err() {
        return back_to_start("busy", lang, wave);
    }
    let accepted = match check_code(&state.db, &state.code_key, &form.code, expected).await {
        Ok(Ok(accepted)) => accepted,
        Ok(Err(refusal)) => {
            if matches!(refusal, CodeRefusal::Unknown | CodeRefusal::Format) {
                state.attempts.wrong_code(&source).await;
            }
            return refused_at_start(&state, refusal, &form.code, lang, wave);
        }
        Err(e) => {
            tracing::warn!(error = %e, "code check failed");
            return back_to_start("busy", lang, wave);
        }
    };
    let token = Token::generate();
    let stored = drafts::start_or_resume(
        &state.db,
        &state.seal_key,
        &accepted.code_hash,
        &token.hash(),
        &Draft::new(lang.code()),
    )
    .await;
    if let Err(e) = stored {
        tracing::warn!(error = %e, "survey draft could not be saved");
        return back_to_start("busy", lang, wave);
    }
    (
        [(
            header::SET_COOKIE,
            survey_cookie(&state, token.expose(), false),
        )],
        Redirect::to("/survey"),
    )
        .into_response()
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
    let (code_hash, draft) = drafts::find_by_token(&state.db, &state.seal_key, &token.hash())
        .await
        .map_err(unavailable)?
        .ok_or(Lost::NoSurvey)?;
    let accepted = match check_code_hash(&state.db, &code_hash, Expected::ANY)
        .await
        .map_err(unavailable)?
    {
        Ok(a) => a,
        Err(refusal) => return Err(Lost::Refused(refusal)),
    };
    let instrument = state
        .instrument_of(&accepted.wave)
        .await
        .map_err(unavailable)?;
    let setting = accepted.placement.setting;
    Ok(Current {
        code_hash,
        draft,
        instrument,
        setting,
    })
}

fn lost_page(state: &AppState, headers: &HeaderMap, lang: Lang, lost: Lost) -> Response {
    match lost {
        Lost::NoSurvey => html(
            StatusCode::NOT_FOUND,
            render_lost(super::child_page(state, headers, lang)),
        ),
        Lost::Refused(refusal) => back_to_start(refusal.reason(), lang, None),
        Lost::Unavailable => back_to_start("busy", lang, None),
    }
}

fn render(
    state: &AppState,
    headers: &HeaderMap,
    c: &Current,
    error: Option<String>,
    status: StatusCode,
) -> Response {
    let lang = c.lang(state);
    let step = StepPage {
        page: child_page(state, headers, lang),
        progress: survey::progress(&c.instrument, c.setting, &c.draft),
        help: c.draft.offer_help.then(|| state.help.contacts.clone()),
        resumed: c.draft.resumed,
        error,
    };
    html(status, render_step(step, screen_of(state, c, lang)))
}

async fn show(
    State(state): State<AppState>,
    headers: HeaderMap,
    Query(query): Query<LangQuery>,
) -> Response {
    match current(&state, &headers).await {
        Ok(c) => render(&state, &headers, &c, None, StatusCode::OK),
        Err(lost) => lost_page(
            &state,
            &headers,
            lang_of(&state, query.lang.as_deref()),
            lost,
        ),
    }
}

async fn answer(
    State(state): State<AppState>,
    headers: HeaderMap,
    Form(form): Form<AnswerForm>,
) -> Response {
    let mut c = match current(&state, &headers).await {
        Ok(c) => c,
        Err(lost) => return lost_page(&state, &headers, Lang::Nl, lost),
    };
    let back = form.go == "back";
    c.draft.offer_help = false;
    c.draft.resumed = false;
    take_answer(&state, &mut c, form);
    c.draft.step = if back {
        survey::previous(&c.instrument, c.setting, &c.draft)
    } else {
        survey::next(&c.instrument, c.setting, &c.draft)
    };
    if let Err(e) = drafts::save(&state.db, &state.seal_key, &c.code_hash, &c.draft).await {
        tracing::warn!(error = %e, "survey draft could not be saved");
        let message = c.lang(&state).survey().save_problem.to_string();
        return render(
            &state,
            &headers,
            &c,
            Some(message),
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
        Err(lost) => return lost_page(&state, &headers, Lang::Nl, lost),
    };
    let lang = c.lang(&state);
    if form.go == "back" {
        c.draft.step = survey::previous(&c.instrument, c.setting, &c.draft);
        c.draft.resumed = false;
        if let Err(e) = drafts::save(&state.db, &state.seal_key, &c.code_hash, &c.draft).await {
            tracing::warn!(error = %e, "survey draft could not be saved");
        }
        return Redirect::to("/survey").into_response();
    }
    // The response is stored in the questionnaire's language (a test locale in its base one).
    let mut draft = c.draft.clone();
    draft.language = lang.content_code().to_string();
    match submission::submit_draft(state.desk(), &c.code_hash, &draft).await {
        Ok(_) => (
            [(header::SET_COOKIE, survey_cookie(&state, "", true))],
            Redirect::to(&format!("/survey/thanks?lang={}", lang.code())),
        )
            .into_response(),
        Err(SubmitError::Code(refusal)) => {
            lost_page(&state, &headers, lang, Lost::Refused(refusal))
        }
        Err(SubmitError::Invalid(errors)) => {
            // The screens only let valid answers through; this is a bug, not the child's doing.
            tracing::error!(
                fields = errors.len(),
                "a survey draft did not pass the checks"
            );
            let message = lang.survey().send_failed.to_string();
            render(
                &state,
                &headers,
                &c,
                Some(message),
                StatusCode::UNPROCESSABLE_ENTITY,
            )
        }
        Err(SubmitError::Db(e)) => {
            tracing::warn!(error = %e, "survey could not be stored");
            let message = lang.survey().send_busy.to_string();
            render(
                &state,
                &headers,
                &c,
                Some(message),
                StatusCode::SERVICE_UNAVAILABLE,
            )
        }
    }
}
