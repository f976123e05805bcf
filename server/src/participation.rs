//! Participation use cases shared by the web UI, the API and the CLI: making codes for a
//! location, and checking a code a child typed.

use crate::domain::access_code::{AccessCode, CodeState};
use crate::domain::client_number::ClientNumber;
use crate::pepper::Pepper;
use crate::store::codes::{self, StoredCode};
use crate::store::waves::{self, Wave};
use sea_orm::{DatabaseConnection, DbErr};

/// Most codes made in one go for one location (a large foster-care team's caseload fits).
pub const MAX_CODES_PER_REQUEST: usize = 2_000;

#[derive(Debug, thiserror::Error)]
pub enum CodesError {
    #[error("there is no wave {0:?}")]
    UnknownWave(String),
    #[error("there is no location {0}")]
    UnknownLocation(i32),
    #[error("wave {label} is {state}: codes are made only for draft and open waves")]
    WaveNotIssuing { label: String, state: &'static str },
    #[error("choose between 1 and {MAX_CODES_PER_REQUEST} codes")]
    BadCount,
    #[error(transparent)]
    Db(#[from] DbErr),
}

pub struct CodeBatch {
    pub wave: Wave,
    pub location: crate::store::organisations::LocationRow,
    pub codes: Vec<AccessCode>,
}

async fn wave_and_location(
    db: &DatabaseConnection,
    wave_label: &str,
    location_id: i32,
) -> Result<(Wave, crate::store::organisations::LocationRow), CodesError> {
    let wave = waves::find_by_label(db, wave_label)
        .await?
        .ok_or_else(|| CodesError::UnknownWave(wave_label.to_string()))?;
    if !wave.state.issues_codes() {
        return Err(CodesError::WaveNotIssuing {
            label: wave.label,
            state: wave.state.as_str(),
        });
    }
    let location = crate::store::organisations::find_location(db, location_id)
        .await?
        .ok_or(CodesError::UnknownLocation(location_id))?;
    Ok((wave, location))
}

/// `count` anonymous codes for a location.
pub async fn generate_anonymous(
    db: &DatabaseConnection,
    wave_label: &str,
    location_id: i32,
    count: usize,
) -> Result<CodeBatch, CodesError> {
    if count == 0 || count > MAX_CODES_PER_REQUEST {
        return Err(CodesError::BadCount);
    }
    let (wave, location) = wave_and_location(db, wave_label, location_id).await?;
    let codes = codes::generate_anonymous(db, wave.id, location.id, count).await?;
    Ok(CodeBatch {
        wave,
        location,
        codes,
    })
}

/// One linkable code per client number, in the same order as the list.
pub async fn generate_linkable(
    db: &DatabaseConnection,
    pepper: &Pepper,
    wave_label: &str,
    location_id: i32,
    clients: &[ClientNumber],
) -> Result<CodeBatch, CodesError> {
    if clients.is_empty() || clients.len() > MAX_CODES_PER_REQUEST {
        return Err(CodesError::BadCount);
    }
    let (wave, location) = wave_and_location(db, wave_label, location_id).await?;
    let codes = codes::generate_linkable(
        db,
        pepper,
        wave.id,
        location.id,
        location.organisation_id,
        clients,
    )
    .await?;
    Ok(CodeBatch {
        wave,
        location,
        codes,
    })
}

/// Why a typed code cannot start a survey. Each has a stable machine-readable name for the API;
/// the child sees a kind sentence for it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CodeRefusal {
    /// Not 9 characters from the card's alphabet.
    Format,
    /// No such code.
    Unknown,
    /// The code was used already.
    Used,
    /// The code was taken back (for example after a card was lost).
    Revoked,
    /// The code belongs to another wave than the one asked for.
    WrongWave,
    /// Its wave is not open (not yet, or no longer).
    WaveNotOpen,
}

impl CodeRefusal {
    pub fn reason(self) -> &'static str {
        match self {
            CodeRefusal::Format => "format",
            CodeRefusal::Unknown => "unknown",
            CodeRefusal::Used => "used",
            CodeRefusal::Revoked => "revoked",
            CodeRefusal::WrongWave => "wrong_wave",
            CodeRefusal::WaveNotOpen => "closed",
        }
    }
}

/// A code that may start (or resume) a survey.
#[derive(Debug, Clone)]
pub struct AcceptedCode {
    pub code_hash: String,
    pub stored: StoredCode,
    pub wave: Wave,
}

/// Checks a typed code without changing anything. `expected_wave` is set when the child came
/// in through a wave-specific address (a QR code or a kiosk tablet).
pub async fn check_code(
    db: &DatabaseConnection,
    typed: &str,
    expected_wave: Option<&str>,
) -> Result<Result<AcceptedCode, CodeRefusal>, DbErr> {
    match AccessCode::parse(typed) {
        Ok(code) => check_code_hash(db, &code.hash(), expected_wave).await,
        Err(_) => Ok(Err(CodeRefusal::Format)),
    }
}

/// The same check for a code known only by its hash (a survey under way).
pub async fn check_code_hash(
    db: &DatabaseConnection,
    code_hash: &str,
    expected_wave: Option<&str>,
) -> Result<Result<AcceptedCode, CodeRefusal>, DbErr> {
    let Some(stored) = codes::find_by_hash(db, code_hash).await? else {
        return Ok(Err(CodeRefusal::Unknown));
    };
    match stored.state {
        CodeState::Used => return Ok(Err(CodeRefusal::Used)),
        CodeState::Revoked => return Ok(Err(CodeRefusal::Revoked)),
        CodeState::Unused => {}
    }
    let Some(wave) = waves::find_by_id(db, stored.wave_id).await? else {
        return Ok(Err(CodeRefusal::Unknown));
    };
    if expected_wave.is_some_and(|label| label != wave.label) {
        return Ok(Err(CodeRefusal::WrongWave));
    }
    if !wave.state.accepts_responses() {
        return Ok(Err(CodeRefusal::WaveNotOpen));
    }
    Ok(Ok(AcceptedCode {
        code_hash: code_hash.to_string(),
        stored,
        wave,
    }))
}
