//! Results as every screen, export and API call gets them: the families of tables built from
//! the register, the counts from the store, and the one engine (`domain::results`) with k
//! applied to all tables of a family at once, so no two tables can be subtracted.

pub mod change;
pub mod compare;
pub mod exports;
pub mod flat;
pub mod methods;
pub mod published;
pub mod themes;
pub mod views;

pub use flat::{flat_rows, FlatDomain, FlatItem, FlatRow};

use crate::domain::results::{Dimension, GroupResult, Publication, ResultTable};
use crate::domain::wave::WaveState;
use crate::domain::SettingType;
use crate::store::instruments::InstrumentCache;
use crate::store::waves::Wave;
use sea_orm::DatabaseConnection;
use sea_orm::DbErr;
use std::sync::Arc;

/// The label used for children who did not say (age band, gender).
pub const NOT_SAID: &str = crate::domain::results::population::NOT_SAID;

#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("the results of wave {0} are shown once the wave is published")]
    NotPublished(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Where results come from: the database, the parsed instruments, and k.
pub struct Source<'a> {
    pub db: &'a DatabaseConnection,
    pub instruments: &'a InstrumentCache,
    pub k: u64,
    /// Publications this process has read or made.
    pub published: &'a published::PublishedTables,
}

/// The publication of a wave, once it is published.
pub async fn publication(
    state: &Source<'_>,
    wave: &Wave,
) -> Result<Arc<Publication>, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    Ok(published::publication(state, wave).await?)
}

/// A national breakdown of a published wave: one table of its publication, at `state.k` when
/// that is stricter than the publication's own k.
pub async fn table(
    state: &Source<'_>,
    wave: &Wave,
    dimension: Dimension,
) -> Result<ResultTable, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let publication = published::at_k(state, wave, state.k).await?;
    let table = publication
        .table(dimension)
        .ok_or_else(|| DbErr::Custom(format!("no {} table", dimension.as_str())))?;
    Ok(table.clone())
}

/// What an institution sees of one published wave: its own row of the publication (or "too
/// few responses"), the national row, and the row of each setting type it has locations in.
/// All three are figures of one publication, protected together, so subtracting one from
/// another gives nothing the engine has not allowed for.
#[derive(Debug, Clone)]
pub struct InstitutionView {
    pub wave: String,
    /// `None`: fewer than k children of this organisation answered.
    pub own: Option<GroupResult>,
    pub national: GroupResult,
    pub settings: Vec<GroupResult>,
}

/// The institution's view of a published wave.
pub async fn institution_view(
    state: &Source<'_>,
    wave: &Wave,
    organisation_id: i32,
    own_settings: &[SettingType],
) -> Result<InstitutionView, ResultsError> {
    let publication = publication(state, wave).await?;
    let row_of = |dimension: Dimension| -> Result<&ResultTable, ResultsError> {
        Ok(publication
            .table(dimension)
            .ok_or_else(|| DbErr::Custom(format!("no {} table", dimension.as_str())))?)
    };
    let own = row_of(Dimension::Organisation)?
        .rows
        .iter()
        .find(|r| r.value == organisation_id.to_string())
        .filter(|r| r.n.is_some())
        .cloned();
    let national = row_of(Dimension::Overall)?.total.clone();
    let settings = row_of(Dimension::SettingType)?
        .rows
        .iter()
        .filter(|r| own_settings.iter().any(|s| s.as_str() == r.value))
        .filter(|r| r.n.is_some())
        .cloned()
        .collect();
    Ok(InstitutionView {
        wave: wave.label.clone(),
        own,
        national,
        settings,
    })
}
