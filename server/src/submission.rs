//! Taking in a child's survey: check the code, check the answers against the wave's
//! questionnaire, scrub the open answer, and store it all at once. Used by the JSON API and by
//! the plain-HTML survey.

use crate::domain::instrument::Instrument;
use crate::domain::response::{self, Envelope, FieldError};
use crate::domain::scrub::scrub;
use crate::domain::submission::submission_hash;
use crate::participation::{check_code, check_code_hash, AcceptedCode, CodeRefusal, Expected};
use crate::startup::AppState;
use crate::store::responses::{self, NewResponse, SubmitOutcome};
use crate::store::waves::Wave;
use sea_orm::DbErr;
use std::sync::Arc;

#[derive(Debug)]
pub enum SubmitError {
    /// 422: one message per field.
    Invalid(Vec<FieldError>),
    /// The code cannot be used (404 unknown, 409 used/revoked/closed, 422 format).
    Code(CodeRefusal),
    Db(DbErr),
}

impl From<DbErr> for SubmitError {
    fn from(e: DbErr) -> Self {
        SubmitError::Db(e)
    }
}

/// What the device gets back: enough to know the survey arrived, nothing more.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Receipt {
    pub status: &'static str,
    pub submission_id: String,
    pub wave: String,
}

/// The instrument a wave was opened with, parsed once per server and kept.
pub async fn instrument_of(state: &AppState, wave: &Wave) -> Result<Arc<Instrument>, DbErr> {
    load_instrument(&state.db, &state.wave_instruments, wave).await
}

pub async fn load_instrument(
    db: &sea_orm::DatabaseConnection,
    cache: &InstrumentCache,
    wave: &Wave,
) -> Result<Arc<Instrument>, DbErr> {
    if let Some(found) = cache.get(wave.instrument_id) {
        return Ok(found);
    }
    let json = crate::store::waves::instrument_json(db, wave).await?;
    let instrument =
        Instrument::from_json(&format!("wave {}", wave.label), &json).map_err(|e| {
            DbErr::Custom(format!(
                "the stored instrument of wave {} is invalid: {e}",
                wave.label
            ))
        })?;
    Ok(cache.insert(wave.instrument_id, instrument))
}

/// Stores one submission from the API. The same `submission_id` sent again answers
/// `AlreadyStored`.
pub async fn submit(
    state: &AppState,
    envelope: Envelope,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let hash = submission_hash(&envelope.submission_id.to_string());
    let accepted =
        match check_code(&state.db, &state.code_key, &envelope.code, Expected::ANY).await? {
            Ok(accepted) => accepted,
            // A retry of a submission that was stored: same answer as the first time, also once
            // the wave has closed (only the device that sent it knows its submission id).
            Err(CodeRefusal::Used | CodeRefusal::WaveNotOpen)
                if responses::submission_exists(&state.db, &hash).await? =>
            {
                let receipt = Receipt {
                    status: "stored",
                    submission_id: envelope.submission_id.to_string(),
                    wave: String::new(),
                };
                return Ok((SubmitOutcome::AlreadyStored, receipt));
            }
            Err(refusal) => return Err(SubmitError::Code(refusal)),
        };
    store_checked(state, accepted, envelope, hash).await
}

/// Sends a survey under way (the plain-HTML path), known by its code's hash. Its answers go
/// through exactly the checks an API submission goes through.
pub async fn submit_draft(
    state: &AppState,
    code_hash: &str,
    draft: &crate::domain::survey::Draft,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let accepted = match check_code_hash(&state.db, code_hash, Expected::ANY).await? {
        Ok(accepted) => accepted,
        Err(refusal) => return Err(SubmitError::Code(refusal)),
    };
    let answers = draft
        .answers
        .iter()
        .map(|(key, value)| {
            let value = match value {
                Some(v) => serde_json::Value::from(*v),
                None => serde_json::Value::from(response::DONT_KNOW),
            };
            (key.clone(), value)
        })
        .collect();
    let envelope = Envelope {
        code: String::new(),
        submission_id: uuid::Uuid::new_v4(),
        language: draft.language.clone(),
        demographics: draft.demographics,
        answers,
        open_answer: draft.open_answer.clone(),
    };
    let hash = submission_hash(&envelope.submission_id.to_string());
    store_checked(state, accepted, envelope, hash).await
}

async fn store_checked(
    state: &AppState,
    accepted: AcceptedCode,
    envelope: Envelope,
    hash: String,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let instrument = instrument_of(state, &accepted.wave).await?;
    let setting = accepted.placement.setting;
    let mut errors = Vec::new();
    if !instrument.def().languages.contains(&envelope.language) {
        errors.push(FieldError {
            field: "language".into(),
            message: format!(
                "this questionnaire is in {}",
                instrument.def().languages.join(", ")
            ),
        });
    }
    let answers = match response::check_answers(&instrument, setting, &envelope.answers) {
        Ok(a) => a,
        Err(mut e) => {
            errors.append(&mut e);
            Default::default()
        }
    };
    if let Err(e) = response::check_open_answer(&instrument, envelope.open_answer.as_deref()) {
        errors.push(e);
    }
    if !errors.is_empty() {
        return Err(SubmitError::Invalid(errors));
    }
    let counts = crate::domain::results::measures::increments(&instrument, &answers);
    let new = NewResponse {
        counts,
        wave_id: accepted.wave.id,
        location_id: accepted.stored.location_id,
        demographics: envelope.demographics,
        language: envelope.language,
        link_key: accepted
            .stored
            .pseudonym
            .as_ref()
            .map(|p| p.link_key(&state.pepper)),
        submission_hash: hash,
        answers,
        open_answer: envelope
            .open_answer
            .as_deref()
            .map(scrub)
            .filter(|t| !t.trim().is_empty()),
    };
    let outcome = state.intake.submit(accepted.code_hash.clone(), new).await?;
    match outcome {
        SubmitOutcome::CodeNotUnused => return Err(SubmitError::Code(CodeRefusal::Used)),
        SubmitOutcome::Created => state.mixer.nudge(),
        SubmitOutcome::AlreadyStored => {}
    }
    Ok((
        outcome,
        Receipt {
            status: "stored",
            submission_id: envelope.submission_id.to_string(),
            wave: accepted.wave.label,
        },
    ))
}

/// Instruments of waves by instrument id. A wave's instrument never changes once it is open,
/// and an id always names the same content, so entries never go stale.
#[derive(Debug, Default)]
pub struct InstrumentCache(std::sync::RwLock<std::collections::HashMap<i32, Arc<Instrument>>>);

impl InstrumentCache {
    pub fn get(&self, id: i32) -> Option<Arc<Instrument>> {
        self.0
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .get(&id)
            .cloned()
    }

    pub fn insert(&self, id: i32, instrument: Instrument) -> Arc<Instrument> {
        let instrument = Arc::new(instrument);
        self.0
            .write()
            .unwrap_or_else(|e| e.into_inner())
            .insert(id, instrument.clone());
        instrument
    }
}
