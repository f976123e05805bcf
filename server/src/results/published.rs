//! The protected tables of published waves are made once and then kept: in the database, so
//! every server and every later day serves the same figures (a register changed after
//! publication cannot regroup the cells into a second, subtractable version), and in memory,
//! so a dashboard costs a lookup instead of a run of the engine. Counts of a published wave
//! never change (no response is accepted once a wave is closed), so nothing has to expire.

use super::{families, Source};
use crate::domain::results::family::FamilyKind;
use crate::domain::results::{compute, ResultTable};
use crate::store::published as store;
use crate::store::results as counts;
use crate::store::waves::Wave;
use sea_orm::DbErr;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

type Key = (i32, FamilyKind, u64);

/// Tables already read or made by this server, per (wave, family, k).
#[derive(Debug, Default)]
pub struct PublishedTables {
    kept: Mutex<HashMap<Key, Arc<Vec<ResultTable>>>>,
}

impl PublishedTables {
    fn get(&self, key: &Key) -> Option<Arc<Vec<ResultTable>>> {
        self.kept.lock().ok()?.get(key).cloned()
    }

    fn keep(&self, key: Key, tables: Arc<Vec<ResultTable>>) {
        if let Ok(mut kept) = self.kept.lock() {
            kept.insert(key, tables);
        }
    }
}

/// The tables of one family of a published wave (the caller checked it is published): kept
/// in memory, else stored, else made by the engine and stored, the first stored version
/// winning when two servers make them at once.
pub async fn tables(
    state: &Source<'_>,
    wave: &Wave,
    kind: FamilyKind,
) -> Result<Arc<Vec<ResultTable>>, DbErr> {
    let key = (wave.id, kind, state.k);
    if let Some(kept) = state.published.get(&key) {
        return Ok(kept);
    }
    let stored = match store::find(state.db, wave.id, kind.as_str(), state.k).await? {
        Some(json) => json,
        None => {
            let made = make(state, wave, kind).await?;
            let json = serde_json::to_string(&made)
                .map_err(|e| DbErr::Custom(format!("writing the tables as JSON: {e}")))?;
            store::store_once(state.db, wave.id, kind.as_str(), state.k, &json).await?;
            store::find(state.db, wave.id, kind.as_str(), state.k)
                .await?
                .unwrap_or(json)
        }
    };
    let tables: Vec<ResultTable> = serde_json::from_str(&stored).map_err(|e| {
        DbErr::Custom(format!(
            "the stored {} tables of wave {} cannot be read: {e}",
            kind.as_str(),
            wave.label
        ))
    })?;
    let tables = Arc::new(tables);
    state.published.keep(key, tables.clone());
    Ok(tables)
}

/// Makes and stores every family of a wave that was just published, so its figures are those
/// of the register at publication.
pub async fn freeze(state: &Source<'_>, wave: &Wave) -> Result<(), DbErr> {
    for kind in FamilyKind::ALL {
        tables(state, wave, kind).await?;
    }
    Ok(())
}

/// The engine's tables of one family, from the counts and the register as they are now.
async fn make(
    state: &Source<'_>,
    wave: &Wave,
    kind: FamilyKind,
) -> Result<Vec<ResultTable>, DbErr> {
    let instrument = crate::submission::load_instrument(state.db, state.instruments, wave).await?;
    let cell_counts = counts::cell_counts(state.db, wave.id, kind).await?;
    let family = families::family(state.db, kind, &cell_counts).await?;
    Ok(compute(&instrument, &family, &cell_counts, state.k))
}
