//! The engine's own audit: the range every hidden figure could have, given every published
//! figure, every link and cap, and that no count is negative — the attacker's linear
//! programme. A hidden figure is *narrow* when that range is narrower than its floor.
//!
//! Ranges are found cheaply where they can be: cells that published figures pin are
//! substituted first; then a few objectives with random signs over the hidden figures give
//! feasible solutions (witnesses) far apart, and every figure whose witnesses already lie
//! its floor apart is proven wide; only the rest get their own minimum and maximum.

use super::model::{Cell, Model};
use super::simplex::{Equation, Lp, Optimum};

/// Rounds of random objectives at most before figures get their own; the rounds stop early
/// once one proves fewer than `WITNESS_YIELD` of the figures still open.
const WITNESS_ROUNDS: usize = 40;
const WITNESS_YIELD: f64 = 0.02;
const TOLERANCE: f64 = 1e-5;
/// Pivots one audit may take for figures' own programmes; figures still unproven after that
/// count as narrow (the engine hides more: safe, and bounded in time on a large wave).
const AUDIT_PIVOTS: usize = 300_000;

#[derive(Debug, Clone, PartialEq)]
pub struct Narrow {
    pub figure: usize,
    pub low: f64,
    pub high: f64,
}

/// What the audit found: the narrow figures, or that the published figures contradict each
/// other (a bug: they come from one set of counts).
#[derive(Debug, Clone, PartialEq)]
pub enum Audit {
    Narrow(Vec<Narrow>),
    Infeasible,
}

/// Cells fixed by what is published, found by repeatedly taking the published figures and
/// links with one cell left unknown, or whose unknown cells on one side must add up to 0
/// (counts are never negative, so each is 0).
pub(crate) fn pinned_cells(model: &Model, hidden: &[bool]) -> Vec<Option<f64>> {
    let mut known: Vec<Option<f64>> = vec![None; model.truth.len()];
    let sums: Vec<(Vec<Cell>, Vec<Cell>)> = model
        .figures
        .iter()
        .enumerate()
        .filter(|(f, fig)| fig.public || !hidden[*f])
        .map(|(_, fig)| (fig.cells.clone(), Vec::new()))
        .chain(model.links.iter().cloned())
        .collect();
    loop {
        let mut changed = false;
        for (a, b) in &sums {
            let unknown: Vec<Cell> = a
                .iter()
                .chain(b)
                .copied()
                .filter(|&c| known[c as usize].is_none())
                .collect();
            let open = |side: &[Cell]| side.iter().any(|&c| known[c as usize].is_none());
            let zero = |side: &[Cell]| {
                side.iter()
                    .all(|&c| known[c as usize].is_some() || model.truth[c as usize] == 0)
            };
            let (open_a, open_b) = (open(a), open(b));
            if unknown.len() == 1 || (open_a != open_b && zero(if open_a { a } else { b })) {
                for c in unknown {
                    known[c as usize] = Some(model.truth[c as usize] as f64);
                }
                changed = true;
            }
        }
        if !changed {
            return known;
        }
    }
}

/// The attacker's system for one round: cells pinned by what is published are substituted,
/// and the rest falls apart into independent parts (a union of cells that published
/// figures, links, caps and the checked figure itself tie together), each solved on its own.
struct Part {
    /// The LP column of each of the part's unknown cells.
    columns: usize,
    equations: Vec<Equation>,
    /// Checked figures inside the part, as (index into `checked`, constant, columns).
    figures: Vec<(usize, f64, Vec<usize>)>,
}

fn parts(model: &Model, hidden: &[bool], known: &[Option<f64>], checked: &[usize]) -> Vec<Part> {
    let cells = model.truth.len();
    // Union-find over unknown cells.
    let mut root: Vec<usize> = (0..cells).collect();
    fn find(root: &mut [usize], mut i: usize) -> usize {
        while root[i] != i {
            root[i] = root[root[i]];
            i = root[i];
        }
        i
    }
    let unknown = |c: &Cell| known[*c as usize].is_none();
    // Equations over cells, and whether each needs a slack column (a cap).
    let mut rows: Vec<(Equation, bool)> = Vec::new();
    let mut row = |plus: &[Cell], minus: &[Cell], constant: f64, slack: bool| {
        let mut terms = Vec::new();
        let mut rhs = constant;
        for (list, sign) in [(plus, 1.0), (minus, -1.0)] {
            for &c in list {
                match known[c as usize] {
                    None => terms.push((c as usize, sign)),
                    Some(v) => rhs -= sign * v,
                }
            }
        }
        if !terms.is_empty() {
            rows.push(((terms, rhs), slack));
        }
    };
    for (f, fig) in model.figures.iter().enumerate() {
        if fig.public || !hidden[f] {
            row(&fig.cells, &[], model.sum(&fig.cells) as f64, false);
        }
    }
    for (a, b) in &model.links {
        row(a, b, 0.0, false);
    }
    for cap in &model.caps {
        row(&cap.lhs, &cap.rhs, cap.constant as f64, true);
    }
    for ((terms, _), _) in &rows {
        let first = find(&mut root, terms[0].0);
        for &(c, _) in &terms[1..] {
            let other = find(&mut root, c);
            root[other] = first;
        }
    }
    let figure_cells: Vec<Vec<usize>> = checked
        .iter()
        .map(|&f| {
            model.figures[f]
                .cells
                .iter()
                .filter(|c| unknown(c))
                .map(|&c| c as usize)
                .collect()
        })
        .collect();
    for cells in &figure_cells {
        if let Some((&first, rest)) = cells.split_first() {
            let first = find(&mut root, first);
            for &c in rest {
                let other = find(&mut root, c);
                root[other] = first;
            }
        }
    }
    // Only parts that hold a checked figure are solved.
    let mut part_of_root: Vec<Option<usize>> = vec![None; cells];
    let mut out: Vec<Part> = Vec::new();
    let mut column: Vec<usize> = vec![usize::MAX; cells];
    for (i, cells) in figure_cells.iter().enumerate() {
        let Some(&first) = cells.first() else {
            continue;
        };
        let r = find(&mut root, first);
        let p = *part_of_root[r].get_or_insert_with(|| {
            out.push(Part {
                columns: 0,
                equations: Vec::new(),
                figures: Vec::new(),
            });
            out.len() - 1
        });
        let f = checked[i];
        let constant = model.figures[f]
            .cells
            .iter()
            .filter_map(|&c| known[c as usize])
            .sum();
        out[p].figures.push((i, constant, cells.clone()));
    }
    for c in 0..cells {
        if known[c].is_none() {
            if let Some(p) = part_of_root[find(&mut root, c)] {
                column[c] = out[p].columns;
                out[p].columns += 1;
            }
        }
    }
    for part in &mut out {
        for (_, _, cells) in &mut part.figures {
            for c in cells.iter_mut() {
                *c = column[*c];
            }
        }
    }
    for ((terms, rhs), slack) in rows {
        let Some(p) = part_of_root[find(&mut root, terms[0].0)] else {
            continue;
        };
        let part = &mut out[p];
        let mut terms: Vec<(usize, f64)> = terms.into_iter().map(|(c, v)| (column[c], v)).collect();
        if slack {
            terms.push((part.columns, 1.0));
            part.columns += 1;
        }
        part.equations.push((terms, rhs));
    }
    out
}

/// The audit of one model from round to round of `protect`. The lowest and highest value
/// of each figure seen in a feasible solution are kept: `protect` only ever hides more,
/// which only widens the system, so what was feasible stays feasible and a figure once
/// proven wide stays wide.
pub struct Auditor<'m> {
    model: &'m Model,
    low: Vec<f64>,
    high: Vec<f64>,
}

impl<'m> Auditor<'m> {
    pub fn new(model: &'m Model) -> Auditor<'m> {
        let truth: Vec<f64> = (0..model.figures.len())
            .map(|f| model.value(f) as f64)
            .collect();
        Auditor {
            model,
            low: truth.clone(),
            high: truth,
        }
    }

    /// The hidden figures (`hidden[f]`) whose range is narrower than their floor; `None`
    /// when the published figures contradict each other. `hidden` may only grow from one
    /// call to the next.
    pub fn narrow(&mut self, hidden: &[bool]) -> Option<Vec<Narrow>> {
        let model = self.model;
        let checked: Vec<usize> = (0..model.figures.len())
            .filter(|&f| hidden[f] && !model.figures[f].public && model.figures[f].floor > 0)
            .collect();
        let known = pinned_cells(model, hidden);
        let open: Vec<usize> = checked
            .iter()
            .copied()
            .filter(|&f| !wide(model, &self.low, &self.high, f))
            .collect();
        let (mut pivots, mut dedicated, mut largest) = (0, 0, 0);
        for part in parts(model, hidden, &known, &open) {
            largest = largest.max(part.columns);
            let mut lp = Lp::new(&part.equations, part.columns)?;
            let figures: Vec<(usize, f64, Vec<usize>)> = part
                .figures
                .into_iter()
                .map(|(i, constant, cells)| (open[i], constant, cells))
                .collect();
            dedicated += self.solve(&mut lp, &figures);
            pivots += lp.pivots;
        }
        if super::protect::trace() {
            eprintln!(
                "  audit: {} checked, {} open, largest part {} columns, {} own programmes, {} pivots",
                checked.len(),
                open.len(),
                largest,
                dedicated,
                pivots
            );
        }
        Some(
            checked
                .iter()
                .filter(|&&f| !wide(model, &self.low, &self.high, f))
                .map(|&f| Narrow {
                    figure: f,
                    low: self.low[f],
                    high: self.high[f],
                })
                .collect(),
        )
    }

    /// Widens the figures of one part as far as needed: a few objectives with random signs
    /// first, then each figure still narrow on its own. Returns the own programmes run.
    fn solve(&mut self, lp: &mut Lp, figures: &[(usize, f64, Vec<usize>)]) -> usize {
        let model = self.model;
        let (low, high) = (&mut self.low, &mut self.high);
        let note = |x: &[f64], low: &mut [f64], high: &mut [f64]| {
            for (f, constant, columns) in figures {
                let v = constant + columns.iter().map(|&j| x[j]).sum::<f64>();
                low[*f] = low[*f].min(v);
                high[*f] = high[*f].max(v);
            }
        };
        let mut open: Vec<usize> = (0..figures.len()).collect();
        let mut rng = SplitMix(lp_seed(figures));
        for round in 0..WITNESS_ROUNDS {
            let before = open.len();
            open.retain(|&i| !wide(model, low, high, figures[i].0));
            if open.is_empty()
                || (round > 2 && ((before - open.len()) as f64) < WITNESS_YIELD * before as f64)
            {
                break;
            }
            // First all up, then all down, then random directions.
            let mut c: Vec<(usize, f64)> = Vec::new();
            for &i in &open {
                let s = match round {
                    0 => 1.0,
                    1 => -1.0,
                    _ => rng.sign(),
                };
                c.extend(figures[i].2.iter().map(|&j| (j, s)));
            }
            match lp.maximize(&c) {
                Some(Optimum::Bounded(_, x)) => note(&x, low, high),
                Some(Optimum::Unbounded) | None => break,
            }
        }
        open.retain(|&i| !wide(model, low, high, figures[i].0));
        let mut dedicated = 0;
        for i in open {
            let (f, constant, columns) = &figures[i];
            let f = *f;
            for sign in [1.0, -1.0] {
                if wide(model, low, high, f) || lp.pivots > AUDIT_PIVOTS {
                    break;
                }
                dedicated += 1;
                let c: Vec<(usize, f64)> = columns.iter().map(|&j| (j, sign)).collect();
                // Far enough from the other end proves it wide; only a narrow figure needs
                // the optimum.
                let floor = model.figures[f].floor as f64 - TOLERANCE;
                let enough = if sign > 0.0 {
                    low[f] + floor - constant
                } else {
                    floor - high[f] + constant
                };
                match lp.maximize_to(&c, enough + TOLERANCE) {
                    Some(Optimum::Bounded(_, x)) => note(&x, low, high),
                    Some(Optimum::Unbounded) => {
                        if sign > 0.0 {
                            high[f] = f64::INFINITY;
                        } else {
                            low[f] = f64::NEG_INFINITY;
                        }
                    }
                    // The solver gave up: counted as narrow, so the engine hides more.
                    None => {}
                }
            }
        }
        dedicated
    }
}

fn lp_seed(figures: &[(usize, f64, Vec<usize>)]) -> u64 {
    figures.iter().fold(0x5EED, |h, (f, _, c)| {
        h.rotate_left(7) ^ (*f as u64) ^ ((c.len() as u64) << 32)
    })
}

/// Whether `f`'s range seen so far is at least its floor.
fn wide(model: &Model, low: &[f64], high: &[f64], f: usize) -> bool {
    high[f] - low[f] >= model.figures[f].floor as f64 - TOLERANCE
}

/// A small deterministic generator: the same counts give the same publication.
struct SplitMix(u64);

impl SplitMix {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn sign(&mut self) -> f64 {
        if self.next() & 1 == 0 {
            1.0
        } else {
            -1.0
        }
    }
}

/// The hidden figures of `model` (`hidden[f]`) whose range is narrower than their floor,
/// in one go (`protect` keeps an `Auditor` from round to round instead).
pub fn audit(model: &Model, hidden: &[bool]) -> Audit {
    match Auditor::new(model).narrow(hidden) {
        Some(narrow) => Audit::Narrow(narrow),
        None => Audit::Infeasible,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::model::Cap;

    /// A region of three organisations, as cells; figures for each (floor k: their number
    /// of children is not known) and the region.
    fn region(values: [u64; 3], k: u64) -> (Model, Vec<usize>) {
        let mut m = Model::default();
        let cells: Vec<Cell> = values.iter().map(|&v| m.cell(v)).collect();
        let mut figures: Vec<usize> = cells.iter().map(|&c| m.figure(vec![c], k, 1)).collect();
        figures.push(m.figure(cells.clone(), k, 2));
        (m, figures)
    }

    fn narrow_figures(a: Audit) -> Vec<usize> {
        match a {
            Audit::Narrow(n) => n.into_iter().map(|n| n.figure).collect(),
            Audit::Infeasible => panic!("infeasible"),
        }
    }

    #[test]
    fn one_hidden_part_of_a_published_sum_is_pinned() {
        let (m, f) = region([3, 20, 30], 10);
        let hidden = vec![true, false, false, false];
        assert_eq!(narrow_figures(audit(&m, &hidden)), [f[0]]);
    }

    #[test]
    fn two_hidden_parts_whose_sum_reaches_k_are_wide() {
        let (m, _) = region([3, 20, 30], 10);
        let hidden = vec![true, true, false, false];
        assert!(narrow_figures(audit(&m, &hidden)).is_empty());
    }

    #[test]
    fn two_hidden_parts_under_k_together_are_narrow() {
        let (m, _) = region([3, 4, 30], 10);
        let hidden = vec![true, true, false, false];
        assert_eq!(narrow_figures(audit(&m, &hidden)).len(), 2);
    }

    #[test]
    fn a_cap_narrows_a_hidden_figure_and_its_complement() {
        // Hidden 3 and 20 (sum 23), but the first is capped at 4 children: it ranges over
        // [0, 4], and so the second over [19, 23]. With a floor of min(k, 4) = 4 (a group of
        // 4 children) the first is wide enough, the second (floor 10) is not; with 10 neither.
        let (mut m, f) = region([3, 20, 30], 10);
        m.caps.push(Cap {
            lhs: vec![0],
            constant: 4,
            rhs: Vec::new(),
        });
        m.figures[f[0]].floor = 4;
        let hidden = vec![true, true, false, false];
        assert_eq!(narrow_figures(audit(&m, &hidden)), [f[1]]);
        m.figures[f[0]].floor = 10;
        assert_eq!(narrow_figures(audit(&m, &hidden)), [f[0], f[1]]);
    }

    #[test]
    fn a_figure_known_to_everyone_is_an_equation_even_when_shown_as_hidden() {
        let (mut m, f) = region([3, 20, 30], 10);
        m.figures[f[3]].public = true;
        let hidden = vec![true, true, false, true];
        assert!(narrow_figures(audit(&m, &hidden)).is_empty());
        m.figures[f[1]].public = true;
        assert_eq!(narrow_figures(audit(&m, &hidden)), [f[0]]);
    }
}
