//! Exact integer arithmetic for the attacker: fraction-free elimination, and a simplex for
//! which unknowns are 0 in every non-negative solution of a set of equations. Each tableau row
//! keeps its own positive multiple of its basic variable, and rows are divided by their common
//! divisor after every pivot. Bland's rule keeps it from cycling. Only the tests use it.

/// An equation: coefficients of the unknowns, then the right-hand side.
pub type Row = Vec<i128>;

/// Fraction-free Gauss–Jordan elimination; returns the non-zero rows.
pub fn eliminate(mut rows: Vec<Row>, width: usize) -> Vec<Row> {
    let mut next = 0;
    for col in 0..width {
        let Some(p) = (next..rows.len()).find(|&r| rows[r][col] != 0) else {
            continue;
        };
        rows.swap(next, p);
        let pivot_row = rows[next].clone();
        for (r, row) in rows.iter_mut().enumerate() {
            if r != next && row[col] != 0 {
                let (a, b) = (pivot_row[col], row[col]);
                for (v, p) in row.iter_mut().zip(&pivot_row) {
                    *v = *v * a - p * b;
                }
                normalise(row);
            }
        }
        next += 1;
    }
    rows.truncate(next);
    rows
}

/// Divides a row by the greatest common divisor of its entries.
pub fn normalise(row: &mut [i128]) {
    let g = row.iter().fold(0i128, |g, v| gcd(g, v.abs()));
    if g > 1 {
        for v in row.iter_mut() {
            *v /= g;
        }
    }
}

fn gcd(a: i128, b: i128) -> i128 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

/// Columns whose value the reduced equations fix: rows with a single unknown.
pub fn fixed(reduced: &[Row], width: usize) -> Vec<usize> {
    reduced
        .iter()
        .filter_map(|row| {
            let members: Vec<usize> = (0..width).filter(|&c| row[c] != 0).collect();
            (members.len() == 1).then(|| members[0])
        })
        .collect()
}

struct Tableau {
    /// Constraint rows: coefficients of every column, then the right-hand side.
    rows: Vec<Row>,
    basis: Vec<usize>,
    columns: usize,
}

enum Outcome {
    /// The basic solution at the optimum: which columns are positive, and whether the
    /// objective is positive.
    Optimal {
        positive: Vec<usize>,
        objective_positive: bool,
    },
    Unbounded,
}

impl Tableau {
    fn pivot(&mut self, objective: &mut Row, r: usize, j: usize) {
        let pivot_row = self.rows[r].clone();
        let a = pivot_row[j];
        let update = |row: &mut Row| {
            let b = row[j];
            if b != 0 {
                for (v, p) in row.iter_mut().zip(&pivot_row) {
                    *v = *v * a - p * b;
                }
            }
        };
        for (i, row) in self.rows.iter_mut().enumerate() {
            if i != r {
                update(row);
                normalise(row);
            }
        }
        // The objective row carries the multiple of z as its last entry.
        let b = objective[j];
        if b != 0 {
            let last = objective.len() - 1;
            for (i, v) in objective.iter_mut().enumerate() {
                *v = *v * a - if i < last { pivot_row[i] * b } else { 0 };
            }
            normalise(objective);
        }
        self.basis[r] = j;
    }

    /// Maximises the objective row `z − c·x = rest` (with z's multiple last) from a feasible
    /// basis, over the first `self.columns` columns.
    fn maximise(&mut self, objective: &mut Row) -> Outcome {
        let rhs = self.rows.first().map_or(0, |r| r.len() - 1);
        loop {
            let Some(j) = (0..self.columns).find(|&j| objective[j] < 0) else {
                let positive = self
                    .rows
                    .iter()
                    .zip(&self.basis)
                    .filter(|(row, _)| row[rhs] > 0)
                    .map(|(_, &b)| b)
                    .collect();
                return Outcome::Optimal {
                    positive,
                    objective_positive: objective[rhs] > 0,
                };
            };
            // Smallest ratio rhs / a over rows with a > 0; ties to the smallest basic column.
            let mut leave: Option<usize> = None;
            for (i, row) in self.rows.iter().enumerate() {
                if row[j] <= 0 {
                    continue;
                }
                leave = match leave {
                    None => Some(i),
                    Some(l) => {
                        let other = &self.rows[l];
                        let (mine, theirs) = (row[rhs] * other[j], other[rhs] * row[j]);
                        if mine < theirs || (mine == theirs && self.basis[i] < self.basis[l]) {
                            Some(i)
                        } else {
                            Some(l)
                        }
                    }
                };
            }
            let Some(r) = leave else {
                return Outcome::Unbounded;
            };
            self.pivot(objective, r, j);
        }
    }

    /// The objective row for maximising the sum of `columns`, in terms of the non-basic ones.
    fn objective_for(&self, columns: &[usize]) -> Row {
        let width = self.rows.first().map_or(0, Row::len);
        let mut objective = vec![0i128; width + 1];
        objective[width] = 1;
        for &c in columns {
            objective[c] = -1;
        }
        for (row, &b) in self.rows.iter().zip(&self.basis) {
            let coefficient = objective[b];
            if coefficient != 0 {
                let d = row[b];
                for (i, v) in objective.iter_mut().enumerate() {
                    let from_row = if i < width { row[i] } else { 0 };
                    *v = *v * d - from_row * coefficient;
                }
                normalise(&mut objective);
            }
        }
        objective
    }
}

/// A feasible basis for `rows · x = rhs, x ≥ 0` (phase one with artificial columns, which are
/// then driven out); `None` when there is none.
fn feasible(equations: &[Row], width: usize) -> Option<Tableau> {
    let m = equations.len();
    let mut rows: Vec<Row> = equations
        .iter()
        .enumerate()
        .map(|(i, e)| {
            let sign = if e[width] < 0 { -1 } else { 1 };
            let mut row: Row = e[..width].iter().map(|v| v * sign).collect();
            row.extend((0..m).map(|a| i128::from(a == i)));
            row.push(e[width] * sign);
            row
        })
        .collect();
    let mut t = Tableau {
        rows: std::mem::take(&mut rows),
        basis: (width..width + m).collect(),
        columns: width + m,
    };
    let artificial: Vec<usize> = (width..width + m).collect();
    // Maximise −Σ artificials: optimum 0 exactly when the equations have a solution.
    let mut objective = t.objective_for(&[]);
    for &a in &artificial {
        objective[a] = 1;
    }
    let full = t.rows.first().map_or(0, Row::len);
    for row in &t.rows {
        for (i, v) in objective.iter_mut().enumerate().take(full) {
            *v -= row[i];
        }
    }
    t.maximise(&mut objective);
    let rhs = full - 1;
    if objective[rhs] != 0 {
        return None;
    }
    // Artificial columns still basic (at 0) leave for any real column, or their row goes.
    let mut r = 0;
    while r < t.rows.len() {
        if t.basis[r] >= width {
            match (0..width).find(|&j| t.rows[r][j] != 0) {
                Some(j) => {
                    if t.rows[r][j] < 0 {
                        t.rows[r].iter_mut().for_each(|v| *v = -*v);
                    }
                    let mut ignore = vec![0i128; full + 1];
                    t.pivot(&mut ignore, r, j);
                }
                None => {
                    t.rows.remove(r);
                    t.basis.remove(r);
                    continue;
                }
            }
        }
        r += 1;
    }
    for row in &mut t.rows {
        row.drain(width..width + m);
    }
    t.columns = width;
    Some(t)
}

/// The unknowns that are 0 in every non-negative solution of the equations.
pub fn always_zero(equations: &[Row], width: usize) -> Vec<usize> {
    if equations.is_empty() {
        return Vec::new();
    }
    let Some(start) = feasible(equations, width) else {
        return Vec::new();
    };
    let mut positive = vec![false; width];
    let mut zero = vec![false; width];
    loop {
        let open: Vec<usize> = (0..width).filter(|&j| !positive[j] && !zero[j]).collect();
        if open.is_empty() {
            break;
        }
        let mut t = Tableau {
            rows: start.rows.clone(),
            basis: start.basis.clone(),
            columns: width,
        };
        let mut objective = t.objective_for(&open);
        match t.maximise(&mut objective) {
            Outcome::Optimal {
                objective_positive: false,
                ..
            } => {
                open.iter().for_each(|&j| zero[j] = true);
            }
            Outcome::Optimal { positive: p, .. } => {
                p.iter().for_each(|&j| positive[j] = true);
            }
            Outcome::Unbounded => {
                // Something can grow without end; ask each open unknown alone.
                for j in open {
                    let mut t = Tableau {
                        rows: start.rows.clone(),
                        basis: start.basis.clone(),
                        columns: width,
                    };
                    let mut objective = t.objective_for(&[j]);
                    match t.maximise(&mut objective) {
                        Outcome::Optimal {
                            objective_positive: false,
                            ..
                        } => zero[j] = true,
                        _ => positive[j] = true,
                    }
                }
            }
        }
    }
    (0..width).filter(|&j| zero[j]).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknowns_that_can_only_be_zero_are_found() {
        // x0 + x1 = 0; x2 + x3 = 5; x3 − x4 = 5 (so x3 ≥ 5, x3 = 5, x2 = 0, x4 = 0).
        let equations = vec![
            vec![1, 1, 0, 0, 0, 0],
            vec![0, 0, 1, 1, 0, 5],
            vec![0, 0, 0, 1, -1, 5],
        ];
        assert_eq!(always_zero(&equations, 5), vec![0, 1, 2, 4]);
    }

    #[test]
    fn nothing_is_zero_when_every_unknown_can_move() {
        let equations = vec![vec![1, 1, 1, 30], vec![1, -1, 0, 0]];
        assert!(always_zero(&equations, 3).is_empty());
        // Without equations every unknown can grow.
        assert!(always_zero(&[], 2).is_empty());
    }
}
