//! Disclosure control for one table of counts.
//!
//! A table is a set of cells (counts of respondents) and a set of published sums over groups of
//! cells (row, column and grand totals, and sub-totals such as a region over its organisations,
//! whose values appear in other tables). The rules:
//!
//! 1. Primary: a cell under k is suppressed, whatever its value (also 0).
//! 2. Complementary: in every published sum, the suppressed cells are either none, or at least
//!    two whose total is at least k — so subtracting the published cells from the sum tells
//!    neither one cell nor a group smaller than k. Cells are added smallest first.
//! 3. No suppressed cell may be determined by the published sums taken together (a cell whose
//!    indicator vector lies in the span of the sums' indicator vectors, restricted to the
//!    suppressed cells): such cells get a further complementary suppression until none is.
//!
//! A sum that cannot be protected (all of its cells are suppressed and still under k) is
//! withheld: it is not published either.

use std::collections::BTreeSet;

/// The smallest k the engine accepts; the default is 10.
pub const MIN_K: u64 = 5;
pub const DEFAULT_K: u64 = 10;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Suppression {
    /// Indices of suppressed cells.
    pub cells: BTreeSet<usize>,
    /// Indices of sums that are withheld.
    pub withheld_sums: BTreeSet<usize>,
}

/// Decides what to suppress. `sums` lists, for each published sum, the indices of its cells.
pub fn suppress(counts: &[u64], sums: &[Vec<usize>], k: u64) -> Suppression {
    suppress_with(counts, sums, k, &BTreeSet::new())
}

/// As `suppress`, with some cells suppressed from the start (for example groups already
/// suppressed for their number of respondents, when suppressing one question's cells).
///
/// A cell that is a published sum on its own (an organisation alone in its region, when the
/// region's figure is published in the region table) is known whatever happens here: it is
/// never hidden as a complement, because hiding it would protect nothing.
pub fn suppress_with(
    counts: &[u64],
    sums: &[Vec<usize>],
    k: u64,
    already: &BTreeSet<usize>,
) -> Suppression {
    let mut suppressed: BTreeSet<usize> = (0..counts.len())
        .filter(|&i| counts[i] < k || already.contains(&i))
        .collect();
    let mut withheld: BTreeSet<usize> = BTreeSet::new();
    let alone: BTreeSet<usize> = sums.iter().filter(|m| m.len() == 1).map(|m| m[0]).collect();
    let smallest_open = |members: &[usize], suppressed: &BTreeSet<usize>| {
        members
            .iter()
            .copied()
            .filter(|i| !suppressed.contains(i) && !alone.contains(i))
            .min_by_key(|&i| (counts[i], i))
    };
    // Each round adds at least one cell or withholds one sum, so this ends.
    loop {
        let mut changed = false;
        for (s, members) in sums.iter().enumerate() {
            if withheld.contains(&s) {
                continue;
            }
            let hidden: Vec<usize> = members
                .iter()
                .copied()
                .filter(|i| suppressed.contains(i))
                .collect();
            if hidden.is_empty() {
                continue;
            }
            let hidden_total: u64 = hidden.iter().map(|&i| counts[i]).sum();
            if hidden.len() >= 2 && hidden_total >= k {
                continue;
            }
            match smallest_open(members, &suppressed) {
                Some(next) => {
                    suppressed.insert(next);
                }
                None => {
                    // Every cell of this sum is suppressed and together still under k: the
                    // sum itself would tell them, so it is not published.
                    withheld.insert(s);
                }
            }
            changed = true;
        }
        if changed {
            continue;
        }
        // Rule 3: no suppressed cell may follow from the published sums together.
        match determined_cells(sums, &withheld, &suppressed)
            .into_iter()
            .next()
        {
            Some(cell) => {
                let next = sums
                    .iter()
                    .enumerate()
                    .filter(|(s, members)| !withheld.contains(s) && members.contains(&cell))
                    .find_map(|(_, members)| smallest_open(members, &suppressed));
                match next {
                    Some(next) => {
                        suppressed.insert(next);
                    }
                    None => {
                        // Withhold the sums that pin this cell.
                        for (s, members) in sums.iter().enumerate() {
                            if members.contains(&cell) {
                                withheld.insert(s);
                            }
                        }
                    }
                }
            }
            None => break,
        }
    }
    Suppression {
        cells: suppressed,
        withheld_sums: withheld,
    }
}

/// Suppressed cells whose value follows from the published sums by linear algebra.
pub fn determined_cells(
    sums: &[Vec<usize>],
    withheld: &BTreeSet<usize>,
    suppressed: &BTreeSet<usize>,
) -> Vec<usize> {
    let unknowns: Vec<usize> = suppressed.iter().copied().collect();
    if unknowns.is_empty() {
        return Vec::new();
    }
    let column = |cell: usize| unknowns.iter().position(|&u| u == cell);
    let rows: Vec<Vec<f64>> = sums
        .iter()
        .enumerate()
        .filter(|(s, _)| !withheld.contains(s))
        .map(|(_, members)| {
            let mut row = vec![0.0; unknowns.len()];
            for &m in members {
                if let Some(c) = column(m) {
                    row[c] = 1.0;
                }
            }
            row
        })
        .filter(|row| row.iter().any(|v| *v != 0.0))
        .collect();
    let basis = reduced_row_echelon(rows);
    unknowns
        .iter()
        .enumerate()
        .filter(|(c, _)| in_span(&basis, *c, unknowns.len()))
        .map(|(_, &cell)| cell)
        .collect()
}

const EPS: f64 = 1e-9;

/// Reduced row echelon form; returns the non-zero rows.
fn reduced_row_echelon(mut rows: Vec<Vec<f64>>) -> Vec<Vec<f64>> {
    let width = rows.first().map_or(0, Vec::len);
    let mut pivot_row = 0;
    for col in 0..width {
        let Some(p) = (pivot_row..rows.len()).find(|&r| rows[r][col].abs() > EPS) else {
            continue;
        };
        rows.swap(pivot_row, p);
        let pivot = rows[pivot_row][col];
        for v in rows[pivot_row].iter_mut() {
            *v /= pivot;
        }
        for r in 0..rows.len() {
            if r != pivot_row && rows[r][col].abs() > EPS {
                let factor = rows[r][col];
                let source = rows[pivot_row].clone();
                for (v, s) in rows[r].iter_mut().zip(source) {
                    *v -= factor * s;
                }
            }
        }
        pivot_row += 1;
        if pivot_row == rows.len() {
            break;
        }
    }
    rows.truncate(pivot_row);
    rows
}

/// Whether the unit vector e_col lies in the span of a reduced row echelon basis: true when
/// some basis row is exactly e_col (in RREF, e_col is in the span only then).
fn in_span(basis: &[Vec<f64>], col: usize, width: usize) -> bool {
    basis.iter().any(|row| {
        (0..width).all(|c| {
            if c == col {
                (row[c] - 1.0).abs() < EPS
            } else {
                row[c].abs() < EPS
            }
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn one_way(n: usize) -> Vec<Vec<usize>> {
        vec![(0..n).collect()]
    }

    #[test]
    fn cells_under_k_are_suppressed_and_so_is_their_complement() {
        let s = suppress(&[40, 3, 25, 60], &one_way(4), 10);
        // 3 alone could be found from the total: the next smallest (25) goes with it.
        assert_eq!(s.cells, BTreeSet::from([1, 2]));
        assert!(s.withheld_sums.is_empty());
    }

    #[test]
    fn zero_is_suppressed_like_any_small_cell() {
        let s = suppress(&[0, 30, 30], &one_way(3), 10);
        assert!(s.cells.contains(&0));
        assert_eq!(s.cells.len(), 2);
    }

    #[test]
    fn two_small_cells_together_under_k_take_a_third() {
        let s = suppress(&[2, 3, 50, 60], &one_way(4), 10);
        assert_eq!(s.cells, BTreeSet::from([0, 1, 2]));
    }

    #[test]
    fn a_table_without_small_cells_is_published_whole() {
        let s = suppress(&[12, 30, 10], &one_way(3), 10);
        assert!(s.cells.is_empty());
    }

    #[test]
    fn when_everything_is_small_the_total_is_withheld_too() {
        let s = suppress(&[2, 3], &one_way(2), 10);
        assert_eq!(s.cells, BTreeSet::from([0, 1]));
        assert_eq!(s.withheld_sums, BTreeSet::from([0]));
    }

    #[test]
    fn a_cell_pinned_by_rows_and_columns_together_is_protected() {
        // 2 x 2 with row and column sums: one small cell forces a whole rectangle.
        let counts = [3, 40, 50, 60];
        let sums = vec![vec![0, 1], vec![2, 3], vec![0, 2], vec![1, 3]];
        let s = suppress(&counts, &sums, 10);
        assert_eq!(s.cells, BTreeSet::from([0, 1, 2, 3]));
        assert!(determined_cells(&sums, &s.withheld_sums, &s.cells).is_empty());
    }

    #[test]
    fn the_rank_test_finds_a_bridge_between_two_cycles() {
        // Rows r0..r3, columns c0..c3; two 2x2 rectangles joined by one cell (r1, c2): that
        // bridge is determined by the sums even though every row and column hides two cells.
        let idx = |r: usize, c: usize| r * 4 + c;
        let mut sums = Vec::new();
        for r in 0..4 {
            sums.push((0..4).map(|c| idx(r, c)).collect());
        }
        for c in 0..4 {
            sums.push((0..4).map(|r| idx(r, c)).collect());
        }
        let hidden = BTreeSet::from([
            idx(0, 0),
            idx(0, 1),
            idx(1, 0),
            idx(1, 1),
            idx(1, 2),
            idx(2, 2),
            idx(2, 3),
            idx(3, 2),
            idx(3, 3),
        ]);
        let found = determined_cells(&sums, &BTreeSet::new(), &hidden);
        assert!(found.contains(&idx(1, 2)), "{found:?}");
    }
}
