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

pub async fn find_by_label<C: ConnectionTrait>(db: &C, label: &str) -> Result<Option<Wave>, DbErr> {
    wave::Entity::find()
        .filter(wave::Column::Label.eq(label))
        .one(db)
        .await?
        .map(Wave::try_from)
        .transpose()
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
