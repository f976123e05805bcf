//! The attacker of the property tests: given everything a table publishes, try to recover
//! each suppressed cell. Written apart from the engine on purpose — exact integer arithmetic
//! instead of floating point, and the published values themselves instead of only the
//! pattern — so a mistake in one is not repeated in the other.

use std::collections::BTreeSet;

/// What an outsider sees: the published cells (by index) and the published sums.
pub struct Published<'a> {
    pub cell_count: usize,
    pub cells: &'a [(usize, u64)],
    pub sums: &'a [(Vec<usize>, u64)],
}

/// A suppressed cell the attacker pinned down, and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recovered {
    pub cell: usize,
    pub how: &'static str,
}

/// Tries three attacks: a sum with one hidden cell (differencing), a sum whose hidden cells
/// add up to less than k (a group too small, even if no single cell is known), and exact
/// elimination over all published sums together.
pub fn attack(p: &Published, k: u64) -> Vec<Recovered> {
    let published: BTreeSet<usize> = p.cells.iter().map(|(i, _)| *i).collect();
    let value_of = |i: usize| p.cells.iter().find(|(j, _)| *j == i).map(|(_, v)| *v);
    let hidden: Vec<usize> = (0..p.cell_count)
        .filter(|i| !published.contains(i))
        .collect();
    let mut found = Vec::new();
    // Equations over the hidden cells: coefficients and right-hand side.
    let mut equations: Vec<(Vec<i128>, i128)> = Vec::new();
    for (members, total) in p.sums {
        let known: u64 = members.iter().filter_map(|&m| value_of(m)).sum();
        let unknown: Vec<usize> = members
            .iter()
            .copied()
            .filter(|m| !published.contains(m))
            .collect();
        let residual = *total as i128 - known as i128;
        if unknown.len() == 1 {
            found.push(Recovered {
                cell: unknown[0],
                how: "differencing",
            });
        }
        if !unknown.is_empty() && residual < k as i128 {
            for &u in &unknown {
                found.push(Recovered {
                    cell: u,
                    how: "group under k",
                });
            }
        }
        if !unknown.is_empty() {
            let mut row = vec![0i128; hidden.len()];
            for u in &unknown {
                if let Some(c) = hidden.iter().position(|h| h == u) {
                    row[c] = 1;
                }
            }
            equations.push((row, residual));
        }
    }
    for cell in determined(&equations, hidden.len()) {
        found.push(Recovered {
            cell: hidden[cell],
            how: "elimination",
        });
    }
    found
}

/// Columns whose value the equations fix, by fraction-free Gaussian elimination.
fn determined(equations: &[(Vec<i128>, i128)], width: usize) -> Vec<usize> {
    let mut rows: Vec<Vec<i128>> = equations
        .iter()
        .map(|(coefficients, rhs)| {
            let mut r = coefficients.clone();
            r.push(*rhs);
            r
        })
        .collect();
    let mut pivots: Vec<(usize, usize)> = Vec::new();
    let mut next = 0;
    for col in 0..width {
        let Some(p) = (next..rows.len()).find(|&r| rows[r][col] != 0) else {
            continue;
        };
        rows.swap(next, p);
        for r in 0..rows.len() {
            if r != next && rows[r][col] != 0 {
                let a = rows[next][col];
                let b = rows[r][col];
                let pivot_row = rows[next].clone();
                for (v, p) in rows[r].iter_mut().zip(&pivot_row) {
                    *v = *v * a - p * b;
                }
                let g = rows[r].iter().fold(0i128, |g, v| gcd(g, v.abs()));
                if g > 1 {
                    for v in rows[r].iter_mut() {
                        *v /= g;
                    }
                }
            }
        }
        pivots.push((next, col));
        next += 1;
    }
    pivots
        .into_iter()
        .filter(|(r, col)| (0..width).all(|c| c == *col || rows[*r][c] == 0))
        .map(|(_, col)| col)
        .collect()
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}
