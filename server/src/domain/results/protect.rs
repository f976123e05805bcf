//! Disclosure control for a family of tables, all at once. The rules, for every count of
//! children that a figure rests on:
//!
//! 1. Primary: a figure based on fewer than k children is hidden, whatever its value (also 0).
//!    When the total is under k, everything is hidden.
//! 2. Complementary: wherever a published figure is a sum of others (a total of its rows, a
//!    region of its organisations, a row of the two-way table of its cells), its hidden parts
//!    are none, or at least two; and whatever an outsider can work out about them — the
//!    published figure, less every published part, less every published part of a hidden
//!    part, and so on down — is a group of at least k children.
//! 3. No hidden figure of any table of the family follows from all published figures together
//!    (by linear algebra over the cells), and a hidden figure whose parts are all published is
//!    not hidden at all — so a hidden region gets a hidden organisation beside it.
//! 4. The range each hidden figure could have, given everything published and that no count
//!    is negative, is at least k wide (`ranges`). This also rules out figures pinned by
//!    non-negativity and any known total under k of hidden figures, however it is combined.
//!
//! Complements are chosen smallest first, deepest first: a small organisation inside a hidden
//! region before a whole other region.

use super::family::{Structure, TOTAL};
use super::linear::Span;
use super::ranges::Polytope;
use std::collections::BTreeSet;

/// The smallest k the engine works with, whatever it is given.
pub const MIN_K: u64 = 5;
pub const DEFAULT_K: u64 = 10;

/// The k the engine applies: never below `MIN_K`, also when a caller passes less. The
/// configuration refuses a smaller k with a message; this is the engine's own guarantee.
pub fn effective_k(k: u64) -> u64 {
    k.max(MIN_K)
}

/// Decides which nodes of `s` are hidden, given the count each cell's figure rests on.
/// `forced` nodes are hidden from the start (a group hidden for its number of children stays
/// hidden for every question).
pub fn protect(s: &Structure, cells: &[u64], k: u64, forced: &BTreeSet<usize>) -> Vec<bool> {
    let k = effective_k(k);
    let value = s.values(cells);
    let mut hidden: Vec<bool> = (0..s.nodes.len())
        .map(|n| !s.shown[n] || forced.contains(&n) || value[n] < k)
        .collect();
    if hidden[TOTAL] {
        return vec![true; s.nodes.len()];
    }
    // Each round hides one more node, so this ends (at the latest with all but the total).
    loop {
        let next = complement(s, &value, &hidden, k)
            .or_else(|| undetermine(s, &value, &hidden))
            .or_else(|| widen(s, &value, &hidden, k));
        match next {
            Some(n) => hidden[n] = true,
            None => return hidden,
        }
    }
}

/// What an outsider can subtract from a hidden node: per node, the most its published parts
/// (and the published parts of its hidden parts) add up to, and the partition that gives it.
struct Known {
    amount: Vec<Option<u64>>,
    via: Vec<Option<usize>>,
}

impl Known {
    fn of(&mut self, s: &Structure, value: &[u64], hidden: &[bool], node: usize) -> u64 {
        if let Some(a) = self.amount[node] {
            return a;
        }
        let mut best = (0, None);
        for &p in &s.parts_of[node] {
            let amount: u64 = s.partitions[p]
                .1
                .iter()
                .map(|&c| {
                    if hidden[c] {
                        self.of(s, value, hidden, c)
                    } else {
                        value[c]
                    }
                })
                .sum();
            if amount > best.0 || best.1.is_none() {
                best = (amount, Some(p));
            }
        }
        self.amount[node] = Some(best.0);
        self.via[node] = best.1;
        best.0
    }

    /// The published nodes an outsider subtracts inside `node`.
    fn published_inside(&self, s: &Structure, hidden: &[bool], node: usize, out: &mut Vec<usize>) {
        let Some(p) = self.via[node] else { return };
        for &c in &s.partitions[p].1 {
            if hidden[c] {
                self.published_inside(s, hidden, c, out);
            } else {
                out.push(c);
            }
        }
    }
}

/// The smallest of `candidates` by value (then by index), never the total.
fn smallest(value: &[u64], candidates: impl IntoIterator<Item = usize>) -> Option<usize> {
    candidates
        .into_iter()
        .filter(|&n| n != TOTAL)
        .min_by_key(|&n| (value[n], n))
}

/// Rule 2: the first published sum whose hidden parts are one alone, or less than k together
/// after everything subtractable is subtracted; returns the node to hide next.
fn complement(s: &Structure, value: &[u64], hidden: &[bool], k: u64) -> Option<usize> {
    let mut known = Known {
        amount: vec![None; s.nodes.len()],
        via: vec![None; s.nodes.len()],
    };
    for (parent, children) in &s.partitions {
        if hidden[*parent] {
            continue;
        }
        let hidden_parts: Vec<usize> = children.iter().copied().filter(|&c| hidden[c]).collect();
        if hidden_parts.is_empty() {
            continue;
        }
        let open = || children.iter().copied().filter(|&c| !hidden[c]);
        if hidden_parts.len() == 1 {
            if let Some(n) = smallest(value, open()) {
                return Some(n);
            }
            continue;
        }
        let published: u64 = open().map(|c| value[c]).sum();
        let subtractable: u64 = hidden_parts
            .iter()
            .map(|&h| known.of(s, value, hidden, h))
            .sum();
        let residual = value[*parent].saturating_sub(published + subtractable);
        if residual >= k {
            continue;
        }
        let mut inside = Vec::new();
        for &h in &hidden_parts {
            known.published_inside(s, hidden, h, &mut inside);
        }
        if let Some(n) = smallest(value, inside).or_else(|| smallest(value, open())) {
            return Some(n);
        }
    }
    None
}

/// The hidden cells (the unknowns), and each hidden node as a vector over them.
struct Unknowns {
    cells: Vec<usize>,
}

impl Unknowns {
    fn new(s: &Structure, hidden: &[bool]) -> Unknowns {
        Unknowns {
            cells: (0..s.cell_node.len())
                .filter(|&c| hidden[s.cell_node[c]] && !s.ignored[s.cell_node[c]])
                .collect(),
        }
    }

    fn vector(&self, s: &Structure, node: usize) -> Vec<f64> {
        self.cells
            .iter()
            .map(|c| f64::from(u8::from(s.nodes[node].binary_search(c).is_ok())))
            .collect()
    }

    /// Every published sum of more than one cell, as an equation over the hidden cells.
    fn equations(&self, s: &Structure, value: &[u64], hidden: &[bool]) -> Vec<(Vec<f64>, f64)> {
        (0..s.nodes.len())
            .filter(|&n| !hidden[n] && !s.is_single_cell(n))
            .map(|n| {
                let published: u64 = s.nodes[n]
                    .iter()
                    .filter(|&&c| !hidden[s.cell_node[c]])
                    .map(|&c| value[s.cell_node[c]])
                    .sum();
                (self.vector(s, n), value[n] as f64 - published as f64)
            })
            .collect()
    }
}

/// Rule 3: the first hidden node that follows from the published ones; returns the node to
/// hide next so that it no longer does.
fn undetermine(s: &Structure, value: &[u64], hidden: &[bool]) -> Option<usize> {
    let unknowns = Unknowns::new(s, hidden);
    let equations: Vec<Vec<f64>> = unknowns
        .equations(s, value, hidden)
        .into_iter()
        .map(|(row, _)| row)
        .collect();
    let span = Span::new(equations);
    let determined = (0..s.nodes.len())
        .filter(|&n| hidden[n] && !s.ignored[n])
        .find(|&n| span.contains(&unknowns.vector(s, n)))?;
    beside(s, value, hidden, determined)
}

/// Rule 4: the first hidden node whose possible range is narrower than k; returns the node
/// to hide next.
fn widen(s: &Structure, value: &[u64], hidden: &[bool], k: u64) -> Option<usize> {
    let unknowns = Unknowns::new(s, hidden);
    if unknowns.cells.is_empty() {
        return None;
    }
    let polytope = Polytope::new(&unknowns.equations(s, value, hidden), unknowns.cells.len())?;
    let narrow = (0..s.nodes.len())
        .filter(|&n| hidden[n] && !s.ignored[n])
        .find(|&n| {
            polytope
                .width_of(&unknowns.vector(s, n))
                .is_some_and(|w| w < k as f64 - 1e-6)
        })?;
    beside(s, value, hidden, narrow)
}

/// A node to hide so that `node` is better protected. Deepest first: a published cell inside
/// it; then a published sibling in the smallest published sum it is part of; then anything
/// published that overlaps it; then anything published at all.
fn beside(s: &Structure, value: &[u64], hidden: &[bool], node: usize) -> Option<usize> {
    let inside = s.nodes[node]
        .iter()
        .map(|&c| s.cell_node[c])
        .filter(|&n| !hidden[n] && n != node);
    if let Some(n) = smallest(value, inside) {
        return Some(n);
    }
    let mut sums: Vec<&(usize, Vec<usize>)> = s
        .partitions
        .iter()
        .filter(|(p, children)| !hidden[*p] && children.contains(&node))
        .collect();
    sums.sort_by_key(|(p, _)| s.nodes[*p].len());
    for (_, children) in sums {
        if let Some(n) = smallest(value, children.iter().copied().filter(|&c| !hidden[c])) {
            return Some(n);
        }
    }
    let overlapping = (0..s.nodes.len()).filter(|&n| {
        !hidden[n]
            && s.nodes[n]
                .iter()
                .any(|c| s.nodes[node].binary_search(c).is_ok())
    });
    smallest(value, overlapping)
        .or_else(|| smallest(value, (0..s.nodes.len()).filter(|&n| !hidden[n])))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::results::engine::Dimension;
    use crate::domain::results::family::{Family, Group, TableSpec};

    fn table(dimension: Dimension, rows: &[Vec<usize>]) -> TableSpec {
        TableSpec {
            dimension,
            groups: rows
                .iter()
                .enumerate()
                .map(|(i, cells)| Group {
                    value: i.to_string(),
                    label: i.to_string(),
                    cells: cells.clone(),
                })
                .collect(),
        }
    }

    /// Regions over organisations: `regions[r]` lists the organisations of region r.
    fn hierarchy(regions: &[Vec<usize>]) -> (Structure, usize) {
        let n = regions.iter().map(Vec::len).sum();
        let family = Family {
            cells: (0..n).map(|i| i.to_string()).collect(),
            cell_settings: Vec::new(),
            tables: vec![
                table(Dimension::Region, regions),
                table(
                    Dimension::Organisation,
                    &(0..n).map(|i| vec![i]).collect::<Vec<_>>(),
                ),
            ],
        };
        (Structure::new(&family), n)
    }

    fn shown_rows(s: &Structure, hidden: &[bool], table: usize) -> Vec<bool> {
        s.rows[table]
            .iter()
            .map(|n| n.is_some_and(|n| !hidden[n]))
            .collect()
    }

    #[test]
    fn a_hidden_region_is_not_rebuilt_from_its_published_organisations() {
        // R1 = {1, 3}, R2 = {30, 40}, R3 = {12, 200}; k = 10. Hiding R1 and R2 in the region
        // table is not enough when 30 and 40 are published: R2 = 70 and R1 = 286 − 212 − 70.
        let (s, _) = hierarchy(&[vec![0, 1], vec![2, 3], vec![4, 5]]);
        let hidden = protect(&s, &[1, 3, 30, 40, 12, 200], 10, &BTreeSet::new());
        assert_eq!(shown_rows(&s, &hidden, 0), [false, false, true]);
        let organisations = shown_rows(&s, &hidden, 1);
        assert!(!organisations[0] && !organisations[1]);
        assert!(
            !(organisations[2] && organisations[3]),
            "one of 30 and 40 is hidden beside the hidden region"
        );
    }

    #[test]
    fn a_hidden_setting_type_is_not_rebuilt_from_the_two_way_table() {
        // Setting types A = (1, 2), B = (39, 11), C = (10, 90) over two age bands.
        let cells: Vec<Vec<usize>> = (0..6).map(|i| vec![i]).collect();
        let family = Family {
            cells: (0..6).map(|i| i.to_string()).collect(),
            cell_settings: Vec::new(),
            tables: vec![
                table(
                    Dimension::SettingType,
                    &[vec![0, 1], vec![2, 3], vec![4, 5]],
                ),
                table(Dimension::AgeBand, &[vec![0, 2, 4], vec![1, 3, 5]]),
                table(Dimension::SettingTypeByAgeBand, &cells),
            ],
        };
        let s = Structure::new(&family);
        let hidden = protect(&s, &[1, 2, 39, 11, 10, 90], 10, &BTreeSet::new());
        let settings = shown_rows(&s, &hidden, 0);
        assert!(!settings[0] && !settings[1], "A and B are hidden together");
        let two_way = shown_rows(&s, &hidden, 2);
        assert!(
            !(two_way[2] && two_way[3]),
            "B is not the sum of two published cells"
        );
    }

    #[test]
    fn zero_is_hidden_like_any_small_figure() {
        let (s, _) = hierarchy(&[vec![0, 1, 2]]);
        let hidden = protect(&s, &[0, 30, 30], 10, &BTreeSet::new());
        assert_eq!(shown_rows(&s, &hidden, 1), [false, false, true]);
    }

    #[test]
    fn a_table_without_small_figures_is_published_whole() {
        let (s, _) = hierarchy(&[vec![0, 1], vec![2]]);
        let hidden = protect(&s, &[12, 30, 10], 10, &BTreeSet::new());
        assert!(hidden.iter().all(|h| !h));
    }

    #[test]
    fn when_the_total_is_under_k_everything_is_hidden() {
        let (s, _) = hierarchy(&[vec![0, 1]]);
        assert!(protect(&s, &[2, 3], 10, &BTreeSet::new())
            .iter()
            .all(|h| *h));
    }

    #[test]
    fn k_is_never_below_five_whatever_the_caller_asks() {
        let (s, _) = hierarchy(&[vec![0, 1, 2]]);
        let hidden = protect(&s, &[4, 30, 30], 1, &BTreeSet::new());
        assert_eq!(shown_rows(&s, &hidden, 1), [false, false, true]);
        assert_eq!(effective_k(0), MIN_K);
        assert_eq!(effective_k(12), 12);
    }

    #[test]
    fn two_small_hidden_groups_together_under_k_take_a_third() {
        let (s, _) = hierarchy(&[vec![0, 1, 2, 3]]);
        let hidden = protect(&s, &[2, 3, 50, 60], 10, &BTreeSet::new());
        assert_eq!(shown_rows(&s, &hidden, 1), [false, false, false, true]);
    }
}
