//! The survey with JavaScript: the start page checks a code here (`POST /api/v1/codes/check`),
//! then loads the whole survey of the code's wave and setting type as one document
//! (`GET /survey/app/{wave}/{setting_type}/{lang}`), which survey.js walks on the device. The
//! document holds no answers, so it may be cached for use without a network.

use super::{child_page, html, kiosk_of, offered_languages, question_screen, text_in};
use crate::domain::instrument::Instrument;
use crate::domain::response::FieldError;
use crate::domain::SettingType;
use crate::http::error::ApiError;
use crate::http::AppState;
use crate::participation::{check_code, CodeRefusal, Expected};
use crate::store::{drafts, waves};
use axum::extract::rejection::JsonRejection;
use axum::extract::{Path, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use veilig_frontend::i18n::Lang;
use veilig_frontend::survey::{render_app, render_lost, AppScreen, Routing, Screen, SurveyApp};

pub fn router() -> Router<AppState> {
    Router::new().route("/survey/app/{wave}/{setting_type}/{lang}", get(document))
}

pub fn api_router() -> Router<AppState> {
    Router::new().route("/codes/check", post(check))
}

#[derive(Deserialize)]
struct CheckBody {
    #[serde(default)]
    code: String,
    /// The wave of a QR link; a code of another wave is refused.
    #[serde(default)]
    wave: Option<String>,
}

/// What a device needs to start the survey of an accepted code. No answer, nothing about the
/// child: the wave, the setting type (which questions apply) and where the survey is.
#[derive(Serialize)]
struct Accepted {
    wave: String,
    setting_type: &'static str,
    /// Codes of the languages a child may choose.
    languages: Vec<&'static str>,
    /// The survey's document without the language: add `/{lang}`.
    survey: String,
    /// A survey for this code was begun without JavaScript and is kept on the server: the
    /// device goes on with the plain form (`POST /survey/start`) so no answer is lost.
    under_way_on_server: bool,
}

/// Checks a code without using it: 200 with the survey to load; 404 `unknown`; 409 `used`,
/// `revoked`, `closed`, `wrong_wave`, `wrong_location` (a kiosk tablet of another location);
/// 422 `format`; 429 after too many wrong codes from one address.
async fn check(
    State(state): State<AppState>,
    client: crate::http::client_addr::ClientAddr,
    headers: HeaderMap,
    body: Result<Json<CheckBody>, JsonRejection>,
) -> Result<Json<Accepted>, ApiError> {
    let Json(body) = body.map_err(|e| ApiError::BadJson(e.body_text()))?;
    if body.code.trim().is_empty() || body.code.len() > 64 {
        return Err(ApiError::Invalid(vec![FieldError {
            field: "code".into(),
            message: "give the code from the card".into(),
        }]));
    }
    let kiosk = kiosk_of(&state, &headers);
    let source = super::code_source(kiosk.as_ref(), &client);
    if let Err(wait) = state.attempts.check_code(&source) {
        return Err(ApiError::TooManyAttempts(wait.as_secs()));
    }
    let expected = Expected {
        wave: kiosk
            .as_ref()
            .map(|k| k.wave.as_str())
            .or(super::forms::wave_param(body.wave.as_deref())),
        location: kiosk.as_ref().map(|k| k.location_id),
    };
    let accepted = match check_code(&state.db, &state.code_key, &body.code, expected).await? {
        Ok(accepted) => accepted,
        Err(refusal) => {
            if matches!(refusal, CodeRefusal::Unknown | CodeRefusal::Format) {
                state.attempts.wrong_code(&source).await;
            }
            return Err(ApiError::Code(refusal));
        }
    };
    let instrument = state.instrument_of(&accepted.wave).await?;
    let setting = accepted.placement.setting;
    Ok(Json(Accepted {
        survey: format!("/survey/app/{}/{}", accepted.wave.label, setting.as_str()),
        wave: accepted.wave.label,
        setting_type: setting.as_str(),
        languages: offered_languages(&state, &instrument)
            .into_iter()
            .map(Lang::code)
            .collect(),
        under_way_on_server: drafts::exists(&state.db, &accepted.code_hash).await?,
    }))
}

/// The screens of the survey for a setting type, in order, with their routing. Items the
/// setting type never asks are left out; the rest carry their condition on earlier answers.
fn screens(
    instrument: &Instrument,
    setting: SettingType,
    lang: Lang,
    offered: Vec<Lang>,
) -> Vec<AppScreen> {
    let plain = |screen| AppScreen {
        screen,
        routing: Routing::default(),
    };
    let mut all = vec![
        plain(Screen::Language {
            offered,
            chosen: lang,
        }),
        plain(Screen::Intro {
            minutes: crate::domain::survey::minutes(instrument, setting),
        }),
        plain(Screen::About {
            age_band: None,
            gender: None,
            time_here: None,
            concealed: false,
        }),
    ];
    for item in &instrument.def().items {
        let condition = item.show_if.as_ref();
        let in_setting = condition
            .and_then(|c| c.setting_types.as_ref())
            .is_none_or(|types| types.contains(&setting));
        if !in_setting {
            continue;
        }
        let Some(screen) = question_screen(instrument, &item.key, lang, None, false) else {
            continue;
        };
        let (show_if_item, show_if_values) = match condition.map(|c| (&c.item, &c.values)) {
            Some((Some(earlier), Some(values))) => (Some(earlier.clone()), values.clone()),
            _ => (None, Vec::new()),
        };
        all.push(AppScreen {
            screen,
            routing: Routing {
                show_if_item,
                show_if_values,
                help_if: item.help_if.clone(),
            },
        });
    }
    let open = &instrument.def().open_question;
    all.push(plain(Screen::Open {
        question: text_in(&open.text, lang),
        max_length: open.max_length,
        value: String::new(),
        concealed: false,
    }));
    all.push(plain(Screen::Send { answered: 0 }));
    all
}

/// The whole survey as one document. 404 (the "type your code" page) for a wave that is not
/// open, an unknown setting type, or a language this questionnaire does not offer.
async fn document(
    State(state): State<AppState>,
    headers: HeaderMap,
    Path((wave, setting_type, lang)): Path<(String, String, String)>,
) -> Response {
    let lang_asked = Lang::parse(&lang);
    let fallback = lang_asked.filter(|l| !l.is_pseudo()).unwrap_or(Lang::Nl);
    let not_found = || {
        html(
            StatusCode::NOT_FOUND,
            render_lost(child_page(&state, &headers, fallback)),
        )
    };
    let found = match waves::find_by_label(&state.db, &wave).await {
        Ok(found) => found.filter(|w| w.state.accepts_responses()),
        Err(e) => {
            tracing::warn!(error = %e, "survey document unavailable");
            return html(
                StatusCode::SERVICE_UNAVAILABLE,
                render_lost(child_page(&state, &headers, fallback)),
            );
        }
    };
    let (Some(wave), Ok(setting)) = (found, setting_type.parse::<SettingType>()) else {
        return not_found();
    };
    let instrument = match state.instrument_of(&wave).await {
        Ok(i) => i,
        Err(e) => {
            tracing::warn!(error = %e, "survey document unavailable");
            return not_found();
        }
    };
    let offered = offered_languages(&state, &instrument);
    let Some(lang) = lang_asked.filter(|l| offered.contains(l)) else {
        return not_found();
    };
    let app = SurveyApp {
        page: child_page(&state, &headers, lang),
        base: format!("/survey/app/{}/{}", wave.label, setting.as_str()),
        wave: wave.label,
        setting_type: setting.as_str().to_string(),
        languages: offered.clone(),
        screens: screens(&instrument, setting, lang, offered),
        help: state.help.contacts.clone(),
        keep_days: state.survey.draft_days,
    };
    html(StatusCode::OK, render_app(app)).into_response()
}
