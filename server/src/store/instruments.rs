//! The questionnaire of a wave, parsed once per server and kept: a wave's instrument never
//! changes once it is open.

use crate::domain::instrument::Instrument;
use crate::store::waves::Wave;
use sea_orm::DbErr;
use std::sync::Arc;

/// The instrument a wave was opened with, from the cache or read and parsed now.
pub async fn load_instrument(
    db: &sea_orm::DatabaseConnection,
    cache: &InstrumentCache,
    wave: &Wave,
) -> Result<Arc<Instrument>, DbErr> {
    if let Some(found) = cache.get(wave.instrument_id) {
        return Ok(found);
    }
    let json = super::waves::instrument_json(db, wave).await?;
    let instrument =
        Instrument::from_json(&format!("wave {}", wave.label), &json).map_err(|e| {
            DbErr::Custom(format!(
                "the stored instrument of wave {} is invalid: {e}",
                wave.label
            ))
        })?;
    Ok(cache.insert(wave.instrument_id, instrument))
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
