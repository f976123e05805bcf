//! The one engine behind every number anyone sees or exports: from counts per cell to the
//! tables of a family, with k and complementary suppression applied to each measure. There
//! is no other path: `figures` reads questions and domains out of what this returns, and
//! `change` reads within-child change.

use super::family::{Family, Structure, TOTAL};
use super::measures::DONT_KNOW_VALUE;
use super::protect::{effective_k, protect};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet, HashMap};

/// The fixed breakdowns. There are no free filters: two overlapping queries could otherwise be
/// subtracted from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
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

    /// How the breakdown is called on screen and in exports.
    pub fn title(self) -> &'static str {
        match self {
            Dimension::Overall => "All children",
            Dimension::SettingType => "Setting type",
            Dimension::Region => "Region",
            Dimension::AgeBand => "Age band",
            Dimension::Gender => "Gender",
            Dimension::Organisation => "Organisation",
            Dimension::SettingTypeByAgeBand => "Setting type by age band",
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

/// A count from the store, already summed per cell of the family.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    pub group: String,
    pub measure: String,
    pub value: i16,
    pub n: u64,
}

/// Counts of one measure in one group: value → children.
pub type Tally = BTreeMap<i16, u64>;

/// Which children a measure's figures rest on, for the k rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Base {
    /// Every child counted (a domain score, a linked pair).
    Every,
    /// Only the children who gave an answer on the scale, not "don't know": the share and the
    /// mean rest on these, so a question is hidden when they are fewer than k.
    Substantive,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Measure {
    pub key: String,
    pub base: Base,
    /// Per cell: whether the measure cannot occur there (a question asked only in other
    /// setting types). Anyone with the questionnaire knows those cells are 0, so they are
    /// treated as published. Empty: it can occur anywhere.
    pub impossible: Vec<bool>,
}

impl Base {
    pub fn count(self, tally: &Tally) -> u64 {
        tally
            .iter()
            .filter(|(v, _)| self == Base::Every || **v != DONT_KNOW_VALUE)
            .map(|(_, n)| n)
            .sum()
    }
}

/// One row as published: its children (`None` when hidden) and each measure's tally (`None`
/// when hidden), in the order of the measures asked for.
#[derive(Debug, Clone, PartialEq)]
pub struct ProtectedRow {
    pub value: String,
    pub label: String,
    pub n: Option<u64>,
    pub tallies: Vec<Option<Tally>>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct ProtectedTable {
    pub dimension: Dimension,
    pub total: ProtectedRow,
    pub rows: Vec<ProtectedRow>,
}

/// Every table of a family, protected together.
#[derive(Debug, Clone, PartialEq)]
pub struct Protected {
    /// The k applied (never below `MIN_K`).
    pub k: u64,
    pub tables: Vec<ProtectedTable>,
}

/// Protects a family: first the number of children (`rows_measure`) of every row of every
/// table, then each measure on its own base, with the rows hidden for their number of
/// children hidden for every measure too.
pub fn protect_family(
    family: &Family,
    counts: &[Count],
    rows_measure: &str,
    measures: &[Measure],
    k: u64,
) -> Protected {
    let k = effective_k(k);
    let index = family.cell_index();
    let mut tallies: HashMap<&str, Vec<Tally>> = HashMap::new();
    for c in counts {
        let Some(&cell) = index.get(c.group.as_str()) else {
            continue;
        };
        let per_cell = tallies
            .entry(c.measure.as_str())
            .or_insert_with(|| vec![Tally::new(); family.cells.len()]);
        *per_cell[cell].entry(c.value).or_insert(0) += c.n;
    }
    let empty = vec![Tally::new(); family.cells.len()];
    let tally_of = |measure: &str| tallies.get(measure).unwrap_or(&empty);
    let s = Structure::new(family);

    let children: Vec<u64> = tally_of(rows_measure)
        .iter()
        .map(|t| Base::Every.count(t))
        .collect();
    let rows_hidden = protect(&s, &children, k, &BTreeSet::new());
    // Each measure on its own structure (without the cells where it cannot occur), with the
    // rows hidden for their number of children hidden from the start.
    let per_measure: Vec<(&Vec<Tally>, Structure, Vec<bool>)> = measures
        .iter()
        .map(|m| {
            let tally = tally_of(&m.key);
            let base: Vec<u64> = tally.iter().map(|t| m.base.count(t)).collect();
            // A cell where the measure "cannot occur" but has children is no structural zero
            // (the register changed): it stays in.
            let left_out: Vec<bool> = (0..family.cells.len())
                .map(|c| m.impossible.get(c).copied().unwrap_or(false) && base[c] == 0)
                .collect();
            let ms = Structure::without(family, &left_out);
            let mut forced = BTreeSet::new();
            if rows_hidden[TOTAL] {
                forced.insert(TOTAL);
            }
            for (t, nodes) in s.rows.iter().enumerate() {
                for (r, node) in nodes.iter().enumerate() {
                    if let (Some(n), Some(mn)) = (node, ms.rows[t][r]) {
                        if rows_hidden[*n] {
                            forced.insert(mn);
                        }
                    }
                }
            }
            let hidden = protect(&ms, &base, k, &forced);
            (tally, ms, hidden)
        })
        .collect();

    let row = |at: Option<(usize, usize)>, value: String, label: String| -> ProtectedRow {
        let node_in = |st: &Structure| match at {
            Some((t, r)) => st.rows[t][r],
            None => Some(TOTAL),
        };
        ProtectedRow {
            value,
            label,
            n: node_in(&s)
                .filter(|&n| !rows_hidden[n])
                .map(|n| sum_over(&s.nodes[n], &children)),
            tallies: per_measure
                .iter()
                .map(|(tally, ms, hidden)| {
                    node_in(ms)
                        .filter(|&n| !hidden[n])
                        .map(|n| add_tallies(&ms.nodes[n], tally))
                })
                .collect(),
        }
    };
    let tables = family
        .tables
        .iter()
        .enumerate()
        .map(|(t, table)| ProtectedTable {
            dimension: table.dimension,
            total: row(None, "total".into(), "All children".into()),
            rows: table
                .groups
                .iter()
                .enumerate()
                .map(|(r, g)| row(Some((t, r)), g.value.clone(), g.label.clone()))
                .collect(),
        })
        .collect();
    Protected { k, tables }
}

fn sum_over(cells: &[usize], values: &[u64]) -> u64 {
    cells.iter().map(|&c| values[c]).sum()
}

fn add_tallies(cells: &[usize], tallies: &[Tally]) -> Tally {
    let mut out = Tally::new();
    for &c in cells {
        for (v, n) in &tallies[c] {
            *out.entry(*v).or_insert(0) += n;
        }
    }
    out
}
