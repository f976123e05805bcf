//! The attacker of the property tests: given every table of a family as published, try to
//! recover any hidden figure. Written apart from the engine on purpose — its own equations,
//! exact integer arithmetic instead of floating point, the published values themselves
//! instead of the pattern, and an exact simplex — so a mistake in one is not repeated in the
//! other.
//!
//! Unknowns are every hidden figure of every table (the total too, when hidden). Equations
//! are every sum that holds between figures: a figure equals the figures of another table
//! that exactly cover it (a region its organisations, the total any table's rows, a row of
//! the two-way table its cells). Attacks:
//! - elimination: an unknown fixed by the equations;
//! - group under k: a sum of hidden figures of disjoint groups of children that is known and
//!   under k (through subtraction of everything published, level by level, or through a
//!   combination found by elimination);
//! - pinned: an unknown whose range, given that no figure is negative, is a single value.

use super::lp::{always_zero, eliminate, fixed, Row};

/// Which cells (finest groups) each row of each table adds up; the total is every cell.
pub struct Scene<'a> {
    pub cells: usize,
    pub tables: &'a [Vec<Vec<usize>>],
    /// Cells anyone knows to be 0 (a question not asked there); may be empty.
    pub zero: &'a [bool],
}

/// What was published: the total and each row of each table, `None` when hidden.
pub struct Seen<'a> {
    pub total: Option<u64>,
    pub rows: &'a [Vec<Option<u64>>],
}

/// What kind of count is attacked: numbers of children (all attacks), or parts of them such
/// as the children who gave one answer (elimination only: a hidden group's parts are not
/// groups of their own).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    Children,
    Part,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// (table, row) of the figure, or `None` for the total.
    pub figure: Option<(usize, usize)>,
    pub how: &'static str,
}

struct Figure {
    at: Option<(usize, usize)>,
    cells: Vec<usize>,
    value: Option<u64>,
}

/// `whole = sum of parts`, as indices into the figures.
struct Sum {
    whole: usize,
    parts: Vec<usize>,
}

pub fn attack(scene: &Scene, seen: &Seen, k: u64, kind: Kind) -> Vec<Recovered> {
    let known_zero = |cells: &[usize]| {
        cells
            .iter()
            .all(|&c| scene.zero.get(c).copied().unwrap_or(false))
    };
    let all: Vec<usize> = (0..scene.cells).collect();
    let mut figures = vec![Figure {
        // A question asked nowhere in the family is 0 in total too.
        value: if known_zero(&all) {
            Some(0)
        } else {
            seen.total
        },
        at: None,
        cells: all,
    }];
    for (t, rows) in scene.tables.iter().enumerate() {
        for (r, cells) in rows.iter().enumerate() {
            let mut cells = cells.clone();
            cells.sort_unstable();
            // A row without cells, or only of cells known to be 0, is known to be 0.
            let value = if known_zero(&cells) {
                Some(0)
            } else {
                seen.rows[t][r]
            };
            figures.push(Figure {
                at: Some((t, r)),
                cells,
                value,
            });
        }
    }
    let sums = sums_between(scene, &figures);
    let unknowns: Vec<usize> = (0..figures.len())
        .filter(|&f| figures[f].value.is_none())
        .collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column = |f: usize| unknowns.iter().position(|&u| u == f);
    // Each sum as an equation over the unknowns: whole − Σ parts = 0, knowns moved right.
    let equations: Vec<Row> = sums
        .iter()
        .map(|s| {
            let mut row = vec![0i128; unknowns.len() + 1];
            let mut term = |f: usize, sign: i128| match (column(f), figures[f].value) {
                (Some(c), _) => row[c] += sign,
                (None, Some(v)) => row[unknowns.len()] -= sign * i128::from(v),
                (None, None) => {}
            };
            term(s.whole, 1);
            for &p in &s.parts {
                term(p, -1);
            }
            row
        })
        .filter(|row| row[..unknowns.len()].iter().any(|c| *c != 0))
        .collect();
    let found_at = |f: usize, how| Recovered {
        figure: figures[f].at,
        how,
    };
    let mut found: Vec<Recovered> = Vec::new();
    let reduced = eliminate(equations.clone(), unknowns.len());
    for c in fixed(&reduced, unknowns.len()) {
        found.push(found_at(unknowns[c], "elimination"));
    }
    if kind == Kind::Part {
        return found;
    }
    for f in subtraction(&figures, &sums, k) {
        found.push(found_at(f, "group under k (subtraction)"));
    }
    for row in &reduced {
        if let Some(members) = small_group(row, &unknowns, &figures, k) {
            found.push(found_at(members, "group under k (combination)"));
        }
    }
    // Pinned: with the figures that can only be 0 fixed at 0, an unknown whose value is then
    // fixed by the equations has a range of one value.
    let zero = always_zero(&equations, unknowns.len());
    let mut with_zero = equations;
    for &z in &zero {
        let mut row = vec![0i128; unknowns.len() + 1];
        row[z] = 1;
        with_zero.push(row);
    }
    for c in fixed(&eliminate(with_zero, unknowns.len()), unknowns.len()) {
        found.push(found_at(unknowns[c], "pinned"));
    }
    found
}

/// Every sum that holds: a figure and the rows of another table that exactly cover it.
fn sums_between(scene: &Scene, figures: &[Figure]) -> Vec<Sum> {
    let mut sums = Vec::new();
    for (w, whole) in figures.iter().enumerate() {
        if whole.cells.is_empty() {
            continue;
        }
        for t in 0..scene.tables.len() {
            if whole.at.is_some_and(|(own, _)| own == t) {
                continue;
            }
            let rows: Vec<usize> = (0..figures.len())
                .filter(|&f| figures[f].at.is_some_and(|(table, _)| table == t))
                .collect();
            let inside: Vec<usize> = rows
                .iter()
                .copied()
                .filter(|&f| {
                    !figures[f].cells.is_empty()
                        && figures[f].cells.iter().all(|c| whole.cells.contains(c))
                })
                .collect();
            let overlapping_outside = rows.iter().any(|&f| {
                let cells = &figures[f].cells;
                cells.iter().any(|c| whole.cells.contains(c))
                    && !cells.iter().all(|c| whole.cells.contains(c))
            });
            let mut covered: Vec<usize> = inside
                .iter()
                .flat_map(|&f| figures[f].cells.iter().copied())
                .collect();
            covered.sort_unstable();
            if !inside.is_empty() && !overlapping_outside && covered == whole.cells {
                sums.push(Sum {
                    whole: w,
                    parts: inside,
                });
            }
        }
    }
    sums
}

/// Groups under k found by subtraction: a published figure, less its published parts, less
/// everything published inside its hidden parts (as deep as it goes), is the number of
/// children in those hidden parts together.
fn subtraction(figures: &[Figure], sums: &[Sum], k: u64) -> Vec<usize> {
    // Most that can be subtracted inside a hidden figure, over every way to split it.
    fn inside(f: usize, figures: &[Figure], sums: &[Sum], memo: &mut Vec<Option<u64>>) -> u64 {
        if let Some(v) = memo[f] {
            return v;
        }
        let mut best = 0;
        for s in sums.iter().filter(|s| s.whole == f && s.parts.len() >= 2) {
            let amount = s
                .parts
                .iter()
                .map(|&p| match figures[p].value {
                    Some(v) => v,
                    None => inside(p, figures, sums, memo),
                })
                .sum();
            best = best.max(amount);
        }
        memo[f] = Some(best);
        best
    }
    let mut memo = vec![None; figures.len()];
    let mut found = Vec::new();
    for s in sums {
        let Some(whole) = figures[s.whole].value else {
            continue;
        };
        let hidden: Vec<usize> = s
            .parts
            .iter()
            .copied()
            .filter(|&p| figures[p].value.is_none())
            .collect();
        if hidden.is_empty() {
            continue;
        }
        let mut known: i128 = 0;
        for &p in &s.parts {
            known += i128::from(match figures[p].value {
                Some(v) => v,
                None => inside(p, figures, sums, &mut memo),
            });
        }
        if i128::from(whole) - known < i128::from(k) {
            found.extend(hidden);
        }
    }
    found
}

/// A reduced equation that says "these hidden figures of disjoint groups add up to less
/// than k": returns one of them.
fn small_group(row: &Row, unknowns: &[usize], figures: &[Figure], k: u64) -> Option<usize> {
    let width = unknowns.len();
    let members: Vec<usize> = (0..width).filter(|&c| row[c] != 0).collect();
    let first = *members.first()?;
    let unit = row[first];
    if members.iter().any(|&c| row[c] != unit) || row[width] % unit != 0 {
        return None;
    }
    let total = row[width] / unit;
    let disjoint = members.iter().enumerate().all(|(i, &a)| {
        members[i + 1..].iter().all(|&b| {
            let (a, b) = (&figures[unknowns[a]].cells, &figures[unknowns[b]].cells);
            !a.iter().any(|c| b.contains(c))
        })
    });
    (disjoint && total < i128::from(k)).then_some(unknowns[first])
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Attacks one family's tables with the children's counts published as given.
    fn attack_children(
        tables: &[Vec<Vec<usize>>],
        rows: &[Vec<Option<u64>>],
        total: u64,
        zero: &[bool],
    ) -> Vec<Recovered> {
        let cells = tables[0].iter().map(Vec::len).sum();
        let scene = Scene {
            cells,
            tables,
            zero,
        };
        attack(
            &scene,
            &Seen {
                total: Some(total),
                rows,
            },
            10,
            Kind::Children,
        )
    }

    #[test]
    fn the_attacker_rebuilds_a_hidden_region_from_published_organisations() {
        // The leak of the old engine: R1 = {1, 3}, R2 = {30, 40}, R3 = {12, 200}; the region
        // table hid R1 and R2, the organisation table hid 1, 3, 12 and 200.
        let tables = vec![
            vec![vec![0, 1], vec![2, 3], vec![4, 5]],
            (0..6).map(|i| vec![i]).collect(),
        ];
        let rows = vec![
            vec![None, None, Some(212)],
            vec![None, None, Some(30), Some(40), None, None],
        ];
        let found = attack_children(&tables, &rows, 286, &[]);
        assert!(found.contains(&Recovered {
            figure: Some((0, 1)),
            how: "elimination"
        }));
        assert!(found.contains(&Recovered {
            figure: Some((0, 0)),
            how: "elimination"
        }));
    }

    #[test]
    fn the_attacker_finds_a_figure_pinned_by_zero() {
        // Two hidden cells whose sum is 0: each is 0, though no equation names one alone.
        let tables = vec![vec![vec![0], vec![1], vec![2]]];
        let rows = vec![vec![None, None, Some(40)]];
        let found = attack_children(&tables, &rows, 40, &[]);
        assert!(found.iter().any(|r| r.how == "pinned"), "{found:?}");
        assert!(found.iter().any(|r| r.how.starts_with("group under k")));
    }

    #[test]
    fn the_attacker_uses_what_the_questionnaire_tells() {
        // Seclusion is asked only in closed and justice settings: the other setting types are
        // 0 for anyone who reads the questionnaire, so a hidden closed = 1042 − 521.
        let tables = vec![(0..4).map(|i| vec![i]).collect::<Vec<_>>()];
        let rows = vec![vec![None, None, None, Some(521)]];
        let found = attack_children(&tables, &rows, 1042, &[true, false, true, false]);
        assert!(found.contains(&Recovered {
            figure: Some((0, 1)),
            how: "elimination"
        }));
    }

    #[test]
    fn nothing_is_recovered_from_a_well_protected_table() {
        let tables = vec![vec![vec![0], vec![1], vec![2], vec![3]]];
        let rows = vec![vec![None, None, None, Some(60)]];
        let found = attack_children(&tables, &rows, 115, &[]);
        assert!(found.is_empty(), "{found:?}");
    }
}
