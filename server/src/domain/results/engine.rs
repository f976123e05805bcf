//! The one engine behind every number anyone sees or exports: from counts per group to a
//! table of results, with k and complementary suppression applied. There is no other path.

use super::intervals::{mean, wilson, Estimate};
use super::measures::{domain_measure, DONT_KNOW_VALUE, RESPONDENTS};
use super::suppression::{suppress, suppress_with};
use crate::domain::instrument::Instrument;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The fixed breakdowns. There are no free filters: two overlapping queries could otherwise be
/// subtracted from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Overall,
    SettingType,
    Region,
    AgeBand,
    Gender,
    Organisation,
    SettingTypeByAgeBand,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Overall,
        Dimension::SettingType,
        Dimension::Region,
        Dimension::AgeBand,
        Dimension::Gender,
        Dimension::Organisation,
        Dimension::SettingTypeByAgeBand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Overall => "overall",
            Dimension::SettingType => "setting_type",
            Dimension::Region => "region",
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::Organisation => "organisation",
            Dimension::SettingTypeByAgeBand => "setting_type_by_age_band",
        }
    }

    pub fn parse(s: &str) -> Result<Dimension, String> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a breakdown; choose one of {}",
                    Dimension::ALL.map(Dimension::as_str).join(", ")
                )
            })
    }
}

/// One value of the breakdown, in the order it is shown. Every value is listed, also when no
/// child has it, so an absent row never tells that a group is empty.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub value: String,
    pub label: String,
    /// Sub-totals this group counts toward that are published elsewhere (an organisation's
    /// region; a setting type and an age band for the two-way table).
    pub parents: Vec<String>,
}

/// A count from the store, already summed per group of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub group: String,
    pub measure: String,
    pub value: i16,
    pub n: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ItemResult {
    pub key: String,
    /// Children who answered (a value or "don't know"); `None` when suppressed.
    pub n: Option<u64>,
    /// (value, children) for each scale value; empty when suppressed.
    pub distribution: Vec<(i16, u64)>,
    pub dont_know: Option<u64>,
    pub mean: Option<Estimate>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DomainResult {
    pub key: String,
    /// Children with a score in this domain; `None` when suppressed.
    pub n: Option<u64>,
    pub share_safe: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct GroupResult {
    pub value: String,
    pub label: String,
    /// Children behind this row; `None` when suppressed (whatever the true number, also 0).
    pub n: Option<u64>,
    /// The headline: share of children who feel safe (headline item), with its n.
    pub share_safe: Option<Estimate>,
    pub share_safe_n: Option<u64>,
    pub domains: Vec<DomainResult>,
    pub items: Vec<ItemResult>,
}

impl GroupResult {
    pub fn suppressed(&self) -> bool {
        self.n.is_none()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ResultTable {
    pub dimension: Dimension,
    pub k: u64,
    pub total: GroupResult,
    pub rows: Vec<GroupResult>,
}

/// Counts of one measure in one group: value → children.
type Tally = BTreeMap<i16, u64>;

/// One measure across the groups: its key, a tally per group, the hidden groups, and whether
/// its total is withheld.
type MeasureTable = (String, Vec<Tally>, (BTreeSet<usize>, bool));

/// Computes a breakdown. `counts` may hold groups not in `groups` (they count toward the
/// total only when listed, so callers pass every group of the scope).
///
/// `parents` are the tables already computed for the dimensions whose values are this table's
/// sub-totals (regions for organisations; setting types and age bands for the two-way table):
/// a sub-total counts as published exactly when that table shows it, so no two tables can be
/// subtracted from each other to find a hidden group.
pub fn compute(
    instrument: &Instrument,
    dimension: Dimension,
    groups: &[Group],
    counts: &[Count],
    k: u64,
    parents: &[&ResultTable],
) -> ResultTable {
    let index: HashMap<&str, usize> = groups
        .iter()
        .enumerate()
        .map(|(i, g)| (g.value.as_str(), i))
        .collect();
    // measure → per group tally
    let mut tallies: HashMap<&str, Vec<Tally>> = HashMap::new();
    for c in counts {
        let Some(&g) = index.get(c.group.as_str()) else {
            continue;
        };
        let per_group = tallies
            .entry(c.measure.as_str())
            .or_insert_with(|| vec![Tally::new(); groups.len()]);
        *per_group[g].entry(c.value).or_insert(0) += c.n;
    }
    let empty = vec![Tally::new(); groups.len()];
    let tally_of = |measure: &str| tallies.get(measure).unwrap_or(&empty).clone();

    // Rows first: the number of children behind each group.
    let respondents: Vec<u64> = tally_of(RESPONDENTS)
        .iter()
        .map(|t| t.values().sum())
        .collect();
    let sums = published_sums(groups, parents, Measure::Respondents);
    let rows_hidden = suppress(&respondents, &sums, k);
    let total_withheld = rows_hidden.withheld_sums.contains(&0);

    // Then each measure: its answered counts, with the suppressed rows hidden from the start.
    // (hidden cells, total withheld) for one measure.
    let measure_cells = |tally: &[Tally], measure: Measure| -> (BTreeSet<usize>, bool) {
        let answered: Vec<u64> = tally.iter().map(|t| t.values().sum()).collect();
        let sums = published_sums(groups, parents, measure);
        let s = suppress_with(&answered, &sums, k, &rows_hidden.cells);
        (s.cells, total_withheld || s.withheld_sums.contains(&0))
    };

    let headline = instrument.headline_item().map(|i| i.key.clone());
    let mut item_tables: Vec<MeasureTable> = Vec::new();
    for item in &instrument.def().items {
        let tally = tally_of(&item.key);
        let hidden = measure_cells(&tally, Measure::Item(&item.key));
        item_tables.push((item.key.clone(), tally, hidden));
    }
    let mut domain_tables: Vec<MeasureTable> = Vec::new();
    for domain in &instrument.def().domains {
        let tally = tally_of(&domain_measure(&domain.key));
        let hidden = measure_cells(&tally, Measure::Domain(&domain.key));
        domain_tables.push((domain.key.clone(), tally, hidden));
    }

    let build = |g: Option<usize>, value: String, label: String| -> GroupResult {
        let hidden_row = match g {
            Some(g) => rows_hidden.cells.contains(&g),
            None => total_withheld,
        };
        let pick =
            |tally: &[Tally], (hidden, withheld): &(BTreeSet<usize>, bool)| -> Option<Tally> {
                match g {
                    Some(g) if hidden.contains(&g) => None,
                    Some(g) => Some(tally[g].clone()),
                    None if *withheld => None,
                    None => Some(sum_tallies(tally)),
                }
            };
        let items: Vec<ItemResult> = item_tables
            .iter()
            .map(|(key, tally, hidden)| item_result(instrument, key, pick(tally, hidden)))
            .collect();
        let domains = domain_tables
            .iter()
            .map(|(key, tally, hidden)| {
                let t = pick(tally, hidden);
                let n = t.as_ref().map(|t| t.values().sum::<u64>());
                DomainResult {
                    key: key.clone(),
                    n,
                    share_safe: t
                        .and_then(|t| wilson(t.get(&1).copied().unwrap_or(0), t.values().sum())),
                }
            })
            .collect();
        let headline_result = headline
            .as_ref()
            .and_then(|h| items.iter().find(|i| &i.key == h));
        let n = if hidden_row {
            None
        } else {
            match g {
                Some(g) => Some(respondents[g]),
                None => Some(respondents.iter().sum()),
            }
        };
        GroupResult {
            value,
            label,
            n,
            share_safe: headline_result.and_then(|i| i.share_safe),
            share_safe_n: headline_result.and_then(|i| i.n.map(|n| n - i.dont_know.unwrap_or(0))),
            domains,
            items,
        }
    };

    let rows = groups
        .iter()
        .enumerate()
        .map(|(i, g)| build(Some(i), g.value.clone(), g.label.clone()))
        .collect();
    let total = build(None, "total".to_string(), "All children".to_string());
    ResultTable {
        dimension,
        k,
        total,
        rows,
    }
}

#[derive(Clone, Copy)]
enum Measure<'a> {
    Respondents,
    Item(&'a str),
    Domain(&'a str),
}

/// Whether a parent table shows this measure for the row with this value.
fn parent_shows(parents: &[&ResultTable], value: &str, measure: Measure) -> bool {
    parents
        .iter()
        .flat_map(|t| t.rows.iter())
        .find(|r| r.value == value)
        .is_some_and(|r| match measure {
            Measure::Respondents => r.n.is_some(),
            Measure::Item(key) => r.items.iter().any(|i| i.key == key && i.n.is_some()),
            Measure::Domain(key) => r.domains.iter().any(|d| d.key == key && d.n.is_some()),
        })
}

/// The sums whose values are published: the grand total first (it is withheld here only when
/// it is under k, and then everything is hidden), then every sub-total that a parent table
/// shows for this measure.
fn published_sums(groups: &[Group], parents: &[&ResultTable], measure: Measure) -> Vec<Vec<usize>> {
    let mut sums = vec![(0..groups.len()).collect::<Vec<_>>()];
    let mut by_parent: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, g) in groups.iter().enumerate() {
        for p in &g.parents {
            by_parent.entry(p.as_str()).or_default().push(i);
        }
    }
    sums.extend(
        by_parent
            .into_iter()
            .filter(|(p, _)| parent_shows(parents, p, measure))
            .map(|(_, members)| members),
    );
    sums
}

fn sum_tallies(tallies: &[Tally]) -> Tally {
    let mut out = Tally::new();
    for t in tallies {
        for (v, n) in t {
            *out.entry(*v).or_insert(0) += n;
        }
    }
    out
}

fn item_result(instrument: &Instrument, key: &str, tally: Option<Tally>) -> ItemResult {
    let Some(tally) = tally else {
        return ItemResult {
            key: key.to_string(),
            n: None,
            distribution: Vec::new(),
            dont_know: None,
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
    let answered_with_value: u64 = distribution.iter().map(|(_, n)| n).sum();
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
        n: Some(answered_with_value + dont_know),
        distribution,
        dont_know: Some(dont_know),
        mean: mean(&values),
        share_safe: wilson(safe_count, answered_with_value),
    }
}
