//! Counts of open answers per theme, per setting type: through the engine like every count,
//! with the number of open answers as the rows' children.

use super::families::setting_groups;
use super::{ResultsError, Source};
use crate::domain::results::engine::ProtectedTable;
use crate::domain::results::{protect_family, Base, Dimension, Family, Measure};
use crate::domain::wave::WaveState;
use crate::store::open_answers::{self, ANSWERS};
use crate::store::waves::Wave;

/// The open answers of a wave are read once the wave is closed: while children still answer,
/// a new answer could be matched to a child by its moment.
pub fn readable(wave: &Wave) -> bool {
    matches!(wave.state, WaveState::Closed | WaveState::Published)
}

pub struct ThemeCounts {
    pub themes: Vec<String>,
    /// Rows: setting types; `n` is open answers, each tally a theme's count (value 1).
    pub table: ProtectedTable,
}

pub async fn theme_counts(state: &Source<'_>, wave: &Wave) -> Result<ThemeCounts, ResultsError> {
    if !readable(wave) {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let themes = open_answers::themes(state.db).await?;
    let counts = open_answers::theme_counts(state.db, wave.id).await?;
    let family = Family::one_way(Dimension::SettingType, setting_groups())
        .with_cells_for(counts.iter().map(|c| c.group.as_str()));
    let measures: Vec<Measure> = themes
        .iter()
        .map(|t| Measure {
            key: t.clone(),
            base: Base::Every,
            impossible: Vec::new(),
        })
        .collect();
    let mut protected = protect_family(&family, &counts, ANSWERS, &measures, state.k);
    Ok(ThemeCounts {
        themes,
        table: protected.tables.swap_remove(0),
    })
}
