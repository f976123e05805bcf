//! What a table of results says about the questionnaire: per question the distribution over
//! the scale and "don't know", the share of children who feel safe and the mean (each on the
//! children who gave an answer on the scale, which is also published as the denominator), per
//! domain the share of children who feel safe there. Every figure comes out of the engine.

use super::engine::{protect_family, Base, Count, Dimension, Measure, ProtectedRow, Tally};
use super::family::Family;
use super::intervals::{mean, wilson, Estimate};
use super::measures::{domain_measure, DONT_KNOW_VALUE, RESPONDENTS};
use crate::domain::instrument::{Instrument, Item};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ItemResult {
    pub key: String,
    /// Children who answered (a value or "don't know"); `None` when hidden.
    pub n: Option<u64>,
    /// Children who answered "I don't know / I'd rather not say".
    pub dont_know: Option<u64>,
    /// Children who answered on the scale: the denominator of the share and the mean.
    pub share_safe_n: Option<u64>,
    /// (value, children) for each point of the scale; empty when hidden.
    pub distribution: Vec<(i16, u64)>,
    pub mean: Option<Estimate>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DomainResult {
    pub key: String,
    /// Children with a score in this domain (the denominator); `None` when hidden.
    pub n: Option<u64>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupResult {
    pub value: String,
    pub label: String,
    /// Children behind this row; `None` when hidden (whatever the true number, also 0).
    pub n: Option<u64>,
    /// The headline: share of children who feel safe (on the headline question).
    pub share_safe: Option<Estimate>,
    /// Its denominator: children who answered the headline question on the scale.
    pub share_safe_n: Option<u64>,
    pub domains: Vec<DomainResult>,
    pub items: Vec<ItemResult>,
}

impl GroupResult {
    pub fn suppressed(&self) -> bool {
        self.n.is_none()
    }

    pub fn item(&self, key: &str) -> Option<&ItemResult> {
        self.items.iter().find(|i| i.key == key)
    }

    pub fn domain(&self, key: &str) -> Option<&DomainResult> {
        self.domains.iter().find(|d| d.key == key)
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResultTable {
    pub dimension: Dimension,
    /// The k applied.
    pub k: u64,
    pub total: GroupResult,
    pub rows: Vec<GroupResult>,
}

/// Per cell of a family: whether none of `items` can be asked there, because each is asked
/// only in setting types the cell's children are not in (known from the register).
pub fn impossible_cells(family: &Family, items: &[&Item]) -> Vec<bool> {
    (0..family.cells.len())
        .map(|c| {
            let Some(settings) = family.settings_of(c) else {
                return false;
            };
            !items.is_empty()
                && items.iter().all(|item| {
                    item.show_if
                        .as_ref()
                        .and_then(|cond| cond.setting_types.as_ref())
                        .is_some_and(|only| !settings.iter().any(|s| only.contains(s)))
                })
        })
        .collect()
}

/// The items of a domain.
pub fn domain_items<'a>(instrument: &'a Instrument, domain: &str) -> Vec<&'a Item> {
    instrument
        .def()
        .items
        .iter()
        .filter(|i| i.domain == domain)
        .collect()
}

/// The measures of an instrument over a family: every question on its answers on the
/// scale, every domain on its scores; each with the cells where it cannot occur.
pub fn measures_of(instrument: &Instrument, family: &Family) -> Vec<Measure> {
    let def = instrument.def();
    def.items
        .iter()
        .map(|i| Measure {
            key: i.key.clone(),
            base: Base::Substantive,
            impossible: impossible_cells(family, &[i]),
        })
        .chain(def.domains.iter().map(|d| Measure {
            key: domain_measure(&d.key),
            base: Base::Every,
            impossible: impossible_cells(family, &domain_items(instrument, &d.key)),
        }))
        .collect()
}

/// Every table of a family, as results of the instrument's questions and domains.
pub fn compute(
    instrument: &Instrument,
    family: &Family,
    counts: &[Count],
    k: u64,
) -> Vec<ResultTable> {
    let measures = measures_of(instrument, family);
    let protected = protect_family(family, counts, RESPONDENTS, &measures, k);
    protected
        .tables
        .into_iter()
        .map(|t| ResultTable {
            dimension: t.dimension,
            k: protected.k,
            total: group_result(instrument, t.total),
            rows: t
                .rows
                .into_iter()
                .map(|r| group_result(instrument, r))
                .collect(),
        })
        .collect()
}

/// One table whose rows are its own cells (the whole wave, genders, one organisation).
pub fn compute_one_way(
    instrument: &Instrument,
    dimension: Dimension,
    rows: Vec<(String, String)>,
    counts: &[Count],
    k: u64,
) -> ResultTable {
    let family = Family::one_way(dimension, rows);
    let mut tables = compute(instrument, &family, counts, k);
    // `one_way` makes exactly one table.
    tables.swap_remove(0)
}

fn group_result(instrument: &Instrument, row: ProtectedRow) -> GroupResult {
    let def = instrument.def();
    let mut tallies = row.tallies.into_iter();
    let items: Vec<ItemResult> = def
        .items
        .iter()
        .zip(tallies.by_ref())
        .map(|(item, tally)| item_result(instrument, &item.key, tally))
        .collect();
    let domains = def
        .domains
        .iter()
        .zip(tallies)
        .map(|(domain, tally)| {
            let n = tally.as_ref().map(|t| Base::Every.count(t));
            DomainResult {
                key: domain.key.clone(),
                n,
                share_safe: tally
                    .and_then(|t| wilson(t.get(&1).copied().unwrap_or(0), Base::Every.count(&t))),
            }
        })
        .collect();
    let headline = instrument
        .headline_item()
        .and_then(|h| items.iter().find(|i| i.key == h.key));
    GroupResult {
        value: row.value,
        label: row.label,
        n: row.n,
        share_safe: headline.and_then(|i| i.share_safe),
        share_safe_n: headline.and_then(|i| i.share_safe_n),
        domains,
        items,
    }
}

fn item_result(instrument: &Instrument, key: &str, tally: Option<Tally>) -> ItemResult {
    let Some(tally) = tally else {
        return ItemResult {
            key: key.to_string(),
            n: None,
            dont_know: None,
            share_safe_n: None,
            distribution: Vec::new(),
            mean: None,
            share_safe: None,
        };
    };
    let item = instrument.item(key);
    let safe = item.map(|i| instrument.safe_values(i)).unwrap_or_default();
    let points: Vec<i16> = item
        .and_then(|i| instrument.scale_of(i))
        .map(|s| s.points.iter().map(|p| p.value).collect())
        .unwrap_or_default();
    let distribution: Vec<(i16, u64)> = points
        .iter()
        .map(|v| (*v, tally.get(v).copied().unwrap_or(0)))
        .collect();
    let dont_know = tally.get(&DONT_KNOW_VALUE).copied().unwrap_or(0);
    let on_scale = Base::Substantive.count(&tally);
    let safe_count: u64 = distribution
        .iter()
        .filter(|(v, _)| safe.contains(v))
        .map(|(_, n)| n)
        .sum();
    let values: Vec<(f64, u64)> = distribution
        .iter()
        .map(|(v, n)| (f64::from(*v), *n))
        .collect();
    ItemResult {
        key: key.to_string(),
        n: Some(on_scale + dont_know),
        dont_know: Some(dont_know),
        share_safe_n: Some(on_scale),
        distribution,
        mean: mean(&values),
        share_safe: wilson(safe_count, on_scale),
    }
}
