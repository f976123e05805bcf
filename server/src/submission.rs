//! Taking in a child's survey: check the code, check the answers against the wave's
//! questionnaire, scrub the open answer, and store it all at once. Used by the JSON API and by
//! the plain-HTML survey.

use crate::domain::access_code::CodeKey;
use crate::domain::response::{self, Envelope, FieldError};
use crate::domain::scrub::scrub;
use crate::domain::submission::submission_hash;
use crate::intake::Intake;
use crate::mixer::Mixer;
use crate::participation::{
    check_code, check_code_hash, wave_of_code, AcceptedCode, CodeRefusal, Expected,
};
use crate::pepper::Pepper;
use crate::store::instruments::{load_instrument, InstrumentCache};
use crate::store::responses::{self, NewResponse, SubmitOutcome};
use sea_orm::{DatabaseConnection, DbErr};

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

/// What taking in a survey uses of the server.
#[derive(Clone, Copy)]
pub struct Desk<'a> {
    pub db: &'a DatabaseConnection,
    pub code_key: &'a CodeKey,
    pub pepper: &'a Pepper,
    pub instruments: &'a InstrumentCache,
    pub intake: &'a Intake,
    pub mixer: &'a Mixer,
}

/// Stores one submission from the API. The same `submission_id` sent again answers
/// `AlreadyStored`.
pub async fn submit(
    state: Desk<'_>,
    envelope: Envelope,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let hash = submission_hash(&envelope.submission_id.to_string());
    let accepted = match check_code(state.db, state.code_key, &envelope.code, Expected::ANY).await?
    {
        Ok(accepted) => accepted,
        // A retry of a submission that was stored: same answer as the first time, also once
        // the wave has closed (only the device that sent it knows its submission id).
        Err(CodeRefusal::Used | CodeRefusal::WaveNotOpen)
            if responses::submission_exists(state.db, &hash).await? =>
        {
            let wave = wave_of_code(state.db, state.code_key, &envelope.code).await?;
            let receipt = Receipt {
                status: "stored",
                submission_id: envelope.submission_id.to_string(),
                wave: wave.unwrap_or_default(),
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
    state: Desk<'_>,
    code_hash: &str,
    draft: &crate::domain::survey::Draft,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let accepted = match check_code_hash(state.db, code_hash, Expected::ANY).await? {
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
    state: Desk<'_>,
    accepted: AcceptedCode,
    envelope: Envelope,
    hash: String,
) -> Result<(SubmitOutcome, Receipt), SubmitError> {
    let instrument = load_instrument(state.db, state.instruments, &accepted.wave).await?;
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
            .map(|p| p.link_key(state.pepper)),
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
