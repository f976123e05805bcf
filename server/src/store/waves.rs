//! Waves and the instruments they were opened with.

use super::entity::{instrument, wave};
use crate::domain::instrument::Instrument;
use crate::domain::wave::WaveState;
use chrono::NaiveDate;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, Set,
};

/// A wave as the rest of the server sees it.
#[derive(Debug, Clone, PartialEq)]
pub struct Wave {
    pub id: i32,
    pub label: String,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub state: WaveState,
    pub synthetic: bool,
    pub instrument_id: i32,
}

impl TryFrom<wave::Model> for Wave {
    type Error = DbErr;

    fn try_from(m: wave::Model) -> Result<Self, DbErr> {
        Ok(Wave {
            state: WaveState::parse(&m.state).map_err(DbErr::Custom)?,
            id: m.id,
            label: m.label,
            opens_on: m.opens_on,
            closes_on: m.closes_on,
            synthetic: m.synthetic,
            instrument_id: m.instrument_id,
        })
    }
}

pub struct NewWave<'a> {
    pub label: &'a str,
    pub opens_on: NaiveDate,
    pub closes_on: NaiveDate,
    pub state: WaveState,
    pub instrument: &'a Instrument,
    pub synthetic: bool,
}

/// Stores the instrument (once per version and content) and returns its id.
pub async fn ensure_instrument<C: ConnectionTrait>(
    db: &C,
    instrument: &Instrument,
) -> Result<i32, DbErr> {
    let sha = instrument.sha256();
    if let Some(existing) = instrument::Entity::find()
        .filter(instrument::Column::Version.eq(instrument.version()))
        .filter(instrument::Column::Sha256.eq(&sha))
        .one(db)
        .await?
    {
        return Ok(existing.id);
    }
    let stored = instrument::ActiveModel {
        version: Set(instrument.version().to_string()),
        sha256: Set(sha),
        definition: Set(instrument.to_json()),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Ok(stored.id)
}

pub async fn create<C: ConnectionTrait>(db: &C, new: NewWave<'_>) -> Result<Wave, DbErr> {
    let instrument_id = ensure_instrument(db, new.instrument).await?;
    let stored = wave::ActiveModel {
        label: Set(new.label.to_string()),
        opens_on: Set(new.opens_on),
        closes_on: Set(new.closes_on),
        instrument_id: Set(instrument_id),
        state: Set(new.state.as_str().to_string()),
        synthetic: Set(new.synthetic),
        ..Default::default()
    }
    .insert(db)
    .await?;
    Wave::try_from(stored)
}

/// No wave has a label that is not one (`is_label`); such text, which may hold a NUL that
/// PostgreSQL refuses even to compare, is not sent to the database.
pub async fn find_by_label<C: ConnectionTrait>(db: &C, label: &str) -> Result<Option<Wave>, DbErr> {
    if !crate::domain::wave::is_label(label) {
        return Ok(None);
    }
    wave::Entity::find()
        .filter(wave::Column::Label.eq(label))
        .one(db)
        .await?
        .map(Wave::try_from)
        .transpose()
}

pub async fn find_by_id<C: ConnectionTrait>(db: &C, id: i32) -> Result<Option<Wave>, DbErr> {
    wave::Entity::find_by_id(id)
        .one(db)
        .await?
        .map(Wave::try_from)
        .transpose()
}

/// Every wave, newest label first.
pub async fn list<C: ConnectionTrait>(db: &C) -> Result<Vec<Wave>, DbErr> {
    use sea_orm::QueryOrder;
    wave::Entity::find()
        .order_by_desc(wave::Column::Label)
        .all(db)
        .await?
        .into_iter()
        .map(Wave::try_from)
        .collect()
}

/// The instrument definition a wave was opened with, as stored (canonical JSON).
pub async fn instrument_json<C: ConnectionTrait>(db: &C, wave: &Wave) -> Result<String, DbErr> {
    instrument::Entity::find_by_id(wave.instrument_id)
        .one(db)
        .await?
        .map(|m| m.definition)
        .ok_or_else(|| {
            DbErr::RecordNotFound(format!(
                "instrument {} of wave {}",
                wave.instrument_id, wave.label
            ))
        })
}

/// Why a wave cannot change as asked.
#[derive(Debug, thiserror::Error)]
pub enum WaveChangeError {
    #[error("there is no such wave")]
    NotFound,
    #[error("wave {label} is {from}; it can only move on to {allowed}")]
    NotNext {
        label: String,
        from: &'static str,
        allowed: &'static str,
    },
    #[error("wave {0} is no longer a draft: its dates and instrument are fixed")]
    NotDraft(String),
    #[error("a wave labelled {0:?} exists already")]
    LabelTaken(String),
    /// Publishing makes the wave's publication: `app::publish::publish_wave`, not a state move.
    #[error("wave {0} is published by making its publication, not by moving its state")]
    PublishedOnlyWithPublication(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

impl WaveChangeError {
    /// `wave` cannot move to the state asked: it can only go to its next one.
    pub fn not_next(wave: &Wave) -> WaveChangeError {
        WaveChangeError::NotNext {
            label: wave.label.clone(),
            from: wave.state.as_str(),
            allowed: wave
                .state
                .next()
                .map(WaveState::as_str)
                .unwrap_or("nothing"),
        }
    }
}

/// Moves a wave one step along `draft → open → closed → published`, never back or skipping.
/// The update is conditional on the state read, so two people pressing at once move it once.
/// Responses still held are mixed in batches of the default size, and a wave that closes is
/// rewritten out of arrival order (`store::shuffle`) before this returns.
pub async fn advance(
    db: &sea_orm::DatabaseConnection,
    key: &crate::domain::seal::SealKey,
    wave_id: i32,
    to: WaveState,
) -> Result<Wave, WaveChangeError> {
    let wave = advance_mixing(db, key, wave_id, to, super::mixing::DEFAULT_BATCH).await?;
    if to == WaveState::Closed {
        super::shuffle::shuffle_wave(db, wave_id).await?;
    }
    Ok(wave)
}

/// `advance` without the rewrite of a closing wave, which the caller starts (the staff pages
/// run it beside the request: it takes minutes for a national wave), mixing what is still held
/// in batches of at least `batch` (the server's `--mix-batch`).
pub async fn advance_mixing(
    db: &sea_orm::DatabaseConnection,
    key: &crate::domain::seal::SealKey,
    wave_id: i32,
    to: WaveState,
    batch: usize,
) -> Result<Wave, WaveChangeError> {
    let current = find_by_id(db, wave_id)
        .await?
        .ok_or(WaveChangeError::NotFound)?;
    let not_next = || WaveChangeError::not_next(&current);
    if to == WaveState::Published {
        return Err(WaveChangeError::PublishedOnlyWithPublication(
            current.label.clone(),
        ));
    }
    if current.state.next() != Some(to) || !move_state(db, wave_id, current.state, to).await? {
        return Err(not_next());
    }
    if to == WaveState::Closed {
        // Nothing may wait unmixed once the wave is closed: results count what was sent.
        loop {
            let done =
                super::mixing::flush(db, key, super::mixing::Select::Wave { wave_id, batch })
                    .await?;
            if done.left == 0 || done.moved == 0 {
                break;
            }
        }
    }
    if !to.accepts_responses() {
        // Nothing half-finished outlives the wave it was for.
        crate::store::drafts::purge_wave(db, wave_id).await?;
    }
    Ok(Wave {
        state: to,
        ..current
    })
}

/// Moves a wave from `from` to `to` if it is still in `from`; `false` when it was not (someone
/// else moved it first).
pub async fn move_state<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    from: WaveState,
    to: WaveState,
) -> Result<bool, DbErr> {
    let result = wave::Entity::update_many()
        .col_expr(
            wave::Column::State,
            sea_orm::sea_query::Expr::value(to.as_str()),
        )
        .filter(wave::Column::Id.eq(wave_id))
        .filter(wave::Column::State.eq(from.as_str()))
        .exec(db)
        .await?;
    Ok(result.rows_affected == 1)
}

/// Dates and instrument may change only while the wave is a draft: once children answer,
/// the questionnaire is fixed.
pub async fn update_draft<C: ConnectionTrait>(
    db: &C,
    wave_id: i32,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    instrument: &Instrument,
) -> Result<Wave, WaveChangeError> {
    let current = find_by_id(db, wave_id)
        .await?
        .ok_or(WaveChangeError::NotFound)?;
    let instrument_id = ensure_instrument(db, instrument).await?;
    let result = wave::Entity::update_many()
        .col_expr(
            wave::Column::OpensOn,
            sea_orm::sea_query::Expr::value(opens_on),
        )
        .col_expr(
            wave::Column::ClosesOn,
            sea_orm::sea_query::Expr::value(closes_on),
        )
        .col_expr(
            wave::Column::InstrumentId,
            sea_orm::sea_query::Expr::value(instrument_id),
        )
        .filter(wave::Column::Id.eq(wave_id))
        .filter(wave::Column::State.eq(WaveState::Draft.as_str()))
        .exec(db)
        .await?;
    if result.rows_affected != 1 {
        return Err(WaveChangeError::NotDraft(current.label));
    }
    Ok(Wave {
        opens_on,
        closes_on,
        instrument_id,
        ..current
    })
}

/// A new draft wave; the label must be new.
pub async fn create_draft<C: ConnectionTrait>(
    db: &C,
    label: &str,
    opens_on: NaiveDate,
    closes_on: NaiveDate,
    instrument: &Instrument,
) -> Result<Wave, WaveChangeError> {
    if find_by_label(db, label).await?.is_some() {
        return Err(WaveChangeError::LabelTaken(label.to_string()));
    }
    create(
        db,
        NewWave {
            label,
            opens_on,
            closes_on,
            state: WaveState::Draft,
            instrument,
            synthetic: false,
        },
    )
    .await
    .map_err(|e| match super::unique_violated(&e) {
        Some(super::Unique::WaveLabel) => WaveChangeError::LabelTaken(label.to_string()),
        _ => WaveChangeError::Db(e),
    })
}

pub async fn instrument_version<C: ConnectionTrait>(
    db: &C,
    instrument_id: i32,
) -> Result<String, DbErr> {
    Ok(instrument::Entity::find_by_id(instrument_id)
        .one(db)
        .await?
        .map(|m| m.version)
        .unwrap_or_default())
}
