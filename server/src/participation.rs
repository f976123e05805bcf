//! Participation use cases shared by the web UI, the API and the CLI: making codes for a
//! location, and checking a code a child typed.

use crate::domain::access_code::{AccessCode, CodeKey, CodeState};
use crate::domain::client_number::ClientNumber;
use crate::domain::staff::Scope;
use crate::domain::wave::WaveState;
use crate::pepper::Pepper;
use crate::store::codes::{self, StoredCode};
use crate::store::organisations::LocationRow;
use crate::store::placement::Placement;
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
    pub location: LocationRow,
    pub codes: Vec<AccessCode>,
}

/// The wave, and the location if it is in the scope (another organisation's location is
/// answered like an unknown one).
async fn wave_and_location(
    db: &DatabaseConnection,
    scope: Scope,
    wave_label: &str,
    location_id: i32,
) -> Result<(Wave, LocationRow), CodesError> {
    let wave = waves::find_by_label(db, wave_label)
        .await?
        .ok_or_else(|| CodesError::UnknownWave(wave_label.to_string()))?;
    if !wave.state.issues_codes() {
        return Err(CodesError::WaveNotIssuing {
            label: wave.label,
            state: wave.state.as_str(),
        });
    }
    let location = crate::store::organisations::find_location(db, scope, location_id)
        .await?
        .ok_or(CodesError::UnknownLocation(location_id))?;
    Ok((wave, location))
}

/// `count` anonymous codes for a location in the scope.
pub async fn generate_anonymous(
    db: &DatabaseConnection,
    pepper: &Pepper,
    scope: Scope,
    wave_label: &str,
    location_id: i32,
    count: usize,
) -> Result<CodeBatch, CodesError> {
    if count == 0 || count > MAX_CODES_PER_REQUEST {
        return Err(CodesError::BadCount);
    }
    let (wave, location) = wave_and_location(db, scope, wave_label, location_id).await?;
    let codes = codes::generate_anonymous(
        db,
        &CodeKey::from_pepper(pepper),
        wave.id,
        location.id,
        count,
    )
    .await?;
    Ok(CodeBatch {
        wave,
        location,
        codes,
    })
}

/// One linkable code per client number, in the same order as the list, for a location in the
/// scope.
pub async fn generate_linkable(
    db: &DatabaseConnection,
    pepper: &Pepper,
    scope: Scope,
    wave_label: &str,
    location_id: i32,
    clients: &[ClientNumber],
) -> Result<CodeBatch, CodesError> {
    if clients.is_empty() || clients.len() > MAX_CODES_PER_REQUEST {
        return Err(CodesError::BadCount);
    }
    let (wave, location) = wave_and_location(db, scope, wave_label, location_id).await?;
    let codes = codes::generate_linkable(
        db,
        pepper,
        &CodeKey::from_pepper(pepper),
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

/// Response tracking: every location in the scope with its codes in a wave (handed out, used),
/// in the register's order. Locations without codes are listed with zeros.
pub async fn response_per_location(
    db: &DatabaseConnection,
    scope: Scope,
    wave_id: i32,
) -> Result<Vec<(LocationRow, codes::CodeCounts)>, DbErr> {
    let mut counts = codes::counts_per_location(db, scope, wave_id).await?;
    Ok(crate::store::organisations::list_locations(db, scope)
        .await?
        .into_iter()
        .map(|l| {
            let c = counts.remove(&l.id).unwrap_or_default();
            (l, c)
        })
        .collect())
}

/// The wave response is followed for: the one asked for, else the open one, else the newest.
pub fn wave_to_follow<'a>(all: &'a [Wave], asked: Option<&str>) -> Option<&'a Wave> {
    match asked {
        Some(label) => all.iter().find(|w| w.label == label),
        None => all
            .iter()
            .find(|w| w.state == WaveState::Open)
            .or_else(|| all.first()),
    }
}

/// Used codes per 100 children placed, one decimal; empty when no child is placed.
pub fn response_rate(used: u64, placed: i64) -> String {
    if placed <= 0 {
        return String::new();
    }
    format!("{:.1}%", used as f64 * 100.0 / placed as f64)
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
    /// A kiosk tablet takes codes of its own location only.
    WrongLocation,
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
            CodeRefusal::WrongLocation => "wrong_location",
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
    /// Where the code was handed out: its setting type decides the questions.
    pub placement: Placement,
}

/// Where a code must belong: set by a wave-specific address (a QR code) or a kiosk tablet.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Expected<'a> {
    pub wave: Option<&'a str>,
    pub location: Option<i32>,
}

impl Expected<'_> {
    /// Anywhere: the code alone decides.
    pub const ANY: Expected<'static> = Expected {
        wave: None,
        location: None,
    };
}

/// Checks a typed code without changing anything.
pub async fn check_code(
    db: &DatabaseConnection,
    key: &CodeKey,
    typed: &str,
    expected: Expected<'_>,
) -> Result<Result<AcceptedCode, CodeRefusal>, DbErr> {
    match AccessCode::parse(typed) {
        Ok(code) => check_code_hash(db, &code.hash(key), expected).await,
        Err(_) => Ok(Err(CodeRefusal::Format)),
    }
}

/// The label of the wave a typed code belongs to, whatever the code's state; none for a code
/// that is not one.
pub async fn wave_of_code(
    db: &DatabaseConnection,
    key: &CodeKey,
    typed: &str,
) -> Result<Option<String>, DbErr> {
    let Ok(code) = AccessCode::parse(typed) else {
        return Ok(None);
    };
    Ok(codes::find_for_survey(db, &code.hash(key))
        .await?
        .map(|found| found.wave.label))
}

/// The same check for a code known only by its hash (a survey under way).
pub async fn check_code_hash(
    db: &DatabaseConnection,
    code_hash: &str,
    expected: Expected<'_>,
) -> Result<Result<AcceptedCode, CodeRefusal>, DbErr> {
    let Some(codes::SurveyCode {
        stored,
        wave,
        placement,
    }) = codes::find_for_survey(db, code_hash).await?
    else {
        return Ok(Err(CodeRefusal::Unknown));
    };
    // Once a wave is closed, every code of it gets one answer, whatever its state: whoever
    // holds the list of codes (for linkable codes, which child has which) must not learn from
    // it which children took part.
    if !wave.state.accepts_responses() {
        return Ok(Err(CodeRefusal::WaveNotOpen));
    }
    match stored.state {
        CodeState::Used => return Ok(Err(CodeRefusal::Used)),
        CodeState::Revoked => return Ok(Err(CodeRefusal::Revoked)),
        CodeState::Unused => {}
    }
    if expected.wave.is_some_and(|label| label != wave.label) {
        return Ok(Err(CodeRefusal::WrongWave));
    }
    if expected
        .location
        .is_some_and(|location| location != stored.location_id)
    {
        return Ok(Err(CodeRefusal::WrongLocation));
    }
    Ok(Ok(AcceptedCode {
        code_hash: code_hash.to_string(),
        stored,
        wave,
        placement,
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_rate_is_used_codes_per_child_placed() {
        assert_eq!(super::response_rate(3, 12), "25.0%");
        assert_eq!(super::response_rate(0, 0), "");
    }
}
