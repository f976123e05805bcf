//! Results as every screen, export and API call gets them: the families of tables built from
//! the register, the counts from the store, and the one engine (`domain::results`) with k
//! applied to all tables of a family at once, so no two tables can be subtracted.

pub mod change;
pub mod compare;
pub mod exports;
pub mod families;
pub mod flat;
pub mod methods;
pub mod published;
pub mod themes;
pub mod views;

pub use flat::{flat_rows, FlatDomain, FlatItem, FlatRow};

use crate::domain::results::family::FamilyKind;
use crate::domain::results::{compute_one_way, Count, Dimension, ResultTable};
use crate::domain::staff::Scope;
use crate::domain::wave::WaveState;
use crate::domain::SettingType;
use crate::startup::AppState;
use crate::store::results as counts;
use crate::store::waves::Wave;
use crate::submission::InstrumentCache;
use sea_orm::DatabaseConnection;
use sea_orm::DbErr;

/// The label used for children who did not say (age band, gender).
pub const NOT_SAID: &str = "not said";

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
    /// Tables of published waves this process has read or made.
    pub published: &'a published::PublishedTables,
}

impl<'a> From<&'a AppState> for Source<'a> {
    fn from(state: &'a AppState) -> Self {
        Source {
            db: &state.db,
            instruments: &state.wave_instruments,
            k: state.k,
            published: &state.published,
        }
    }
}

/// A national breakdown of a published wave: one table of its family, whose tables are all
/// protected together (made once per wave, see `published`).
pub async fn table(
    state: &Source<'_>,
    wave: &Wave,
    dimension: Dimension,
) -> Result<ResultTable, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let family = published::tables(state, wave, FamilyKind::of(dimension)).await?;
    let table = family
        .iter()
        .find(|t| t.dimension == dimension)
        .ok_or_else(|| DbErr::Custom(format!("no {} table", dimension.as_str())))?;
    Ok(table.clone())
}

/// What an institution sees of one published wave: its own figures (or "too few responses"),
/// the national benchmark, and the benchmark for each setting type it has locations in.
#[derive(Debug, Clone)]
pub struct InstitutionView {
    pub wave: String,
    /// `None`: fewer than k children of this organisation answered.
    pub own: Option<crate::domain::results::GroupResult>,
    pub national: crate::domain::results::GroupResult,
    pub settings: Vec<crate::domain::results::GroupResult>,
}

/// The institution's view of a published wave. A benchmark is shown only when the children
/// outside this organisation in it reach k, so that subtracting the institution's own figure
/// from a benchmark never tells about a small group of others.
pub async fn institution_view(
    state: &Source<'_>,
    wave: &Wave,
    organisation_id: i32,
    own_settings: &[SettingType],
) -> Result<InstitutionView, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let instrument = crate::submission::load_instrument(state.db, state.instruments, wave).await?;
    let own_scope = Scope::Organisation(organisation_id);
    // One read per wave: the own counts per setting type, and their sum for the whole.
    let own_by_setting =
        counts::counts(state.db, wave.id, Dimension::SettingType, own_scope).await?;
    let own_counts = summed_as_one_group(&own_by_setting, "all");
    let all = vec![("all".to_string(), "Your organisation".to_string())];
    let own = compute_one_way(&instrument, Dimension::Overall, all, &own_counts, state.k);
    let own_n = own.total.n;
    let national = table(state, wave, Dimension::Overall).await?.total;
    let national_ok = match (national.n, own_n) {
        (Some(n), Some(o)) => n.saturating_sub(o) >= state.k,
        (Some(_), None) => true,
        _ => false,
    };
    let own_in = |setting: &str| -> u64 {
        own_by_setting
            .iter()
            .filter(|c| {
                c.group == setting && c.measure == crate::domain::results::measures::RESPONDENTS
            })
            .map(|c| c.n)
            .sum()
    };
    let settings = table(state, wave, Dimension::SettingType)
        .await?
        .rows
        .into_iter()
        .filter(|r| own_settings.iter().any(|s| s.as_str() == r.value))
        .filter(|r| {
            r.n.is_some_and(|n| n.saturating_sub(own_in(&r.value)) >= state.k)
        })
        .collect();
    Ok(InstitutionView {
        wave: wave.label.clone(),
        own: own.total.n.is_some().then_some(own.total),
        national: if national_ok {
            national
        } else {
            crate::domain::results::GroupResult {
                n: None,
                share_safe: None,
                share_safe_n: None,
                domains: Vec::new(),
                items: Vec::new(),
                ..national
            }
        },
        settings,
    })
}

/// Counts of several groups added up as one group.
fn summed_as_one_group(counts: &[Count], group: &str) -> Vec<Count> {
    let mut sums: std::collections::BTreeMap<(&str, i16), u64> = std::collections::BTreeMap::new();
    for c in counts {
        *sums.entry((c.measure.as_str(), c.value)).or_insert(0) += c.n;
    }
    sums.into_iter()
        .map(|((measure, value), n)| Count {
            group: group.to_string(),
            measure: measure.to_string(),
            value,
            n,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn count(group: &str, measure: &str, value: i16, n: u64) -> Count {
        Count {
            group: group.into(),
            measure: measure.into(),
            value,
            n,
        }
    }

    #[test]
    fn counts_of_several_groups_add_up_per_measure_and_value() {
        let by_setting = [
            count("closed", "safe_home", 4, 3),
            count("open_residential", "safe_home", 4, 5),
            count("open_residential", "safe_home", 2, 1),
            count("closed", "_respondents", 1, 3),
            count("open_residential", "_respondents", 1, 6),
        ];
        assert_eq!(
            summed_as_one_group(&by_setting, "all"),
            [
                count("all", "_respondents", 1, 9),
                count("all", "safe_home", 2, 1),
                count("all", "safe_home", 4, 8),
            ]
        );
    }
}
