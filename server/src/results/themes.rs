//! Counts of open answers per theme, per setting type: through the engine like every count,
//! with the number of open answers as the rows' children.

use super::{ResultsError, Source};
use crate::domain::results::population::setting_label;
use crate::domain::results::themes::{protect_themes, ThemeTable};
use crate::domain::wave::WaveState;
use crate::domain::SettingType;
use crate::store::open_answers::{self, ANSWERS};
use crate::store::waves::Wave;

/// The open answers of a wave are read once the wave is closed: while children still answer,
/// a new answer could be matched to a child by its moment.
pub fn readable(wave: &Wave) -> bool {
    matches!(wave.state, WaveState::Closed | WaveState::Published)
}

pub async fn theme_counts(state: &Source<'_>, wave: &Wave) -> Result<ThemeTable, ResultsError> {
    if !readable(wave) {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let themes = open_answers::themes(state.db).await?;
    let counts = open_answers::theme_counts(state.db, wave.id).await?;
    let rows: Vec<(String, String, u64, Vec<u64>)> = SettingType::ALL
        .iter()
        .map(|s| {
            let of = |measure: &str| -> u64 {
                counts
                    .iter()
                    .filter(|c| c.group == s.as_str() && c.measure == measure)
                    .map(|c| c.n)
                    .sum()
            };
            (
                s.as_str().to_string(),
                setting_label(*s).to_string(),
                of(ANSWERS),
                themes.iter().map(|t| of(t)).collect(),
            )
        })
        .collect();
    Ok(protect_themes(themes, &rows, state.k))
}
