//! The range each hidden figure could have, given everything published and that no count is
//! negative: a linear programme per figure, solved with a small dense simplex (Bland's rule,
//! so it cannot cycle). The engine requires every range to be at least k wide. That one rule
//! covers exact recovery (a range of one value), figures pinned by non-negativity (two hidden
//! cells whose sum is 0), and any group of hidden cells whose total is known and under k (each
//! of its cells would have a range narrower than that total).

const EPS: f64 = 1e-9;

/// The feasible set `A x = b, x ≥ 0` with a feasible basis found once (phase one), from which
/// every objective is optimised.
pub struct Polytope {
    /// Rows of the tableau: coefficients of every column, then the right-hand side.
    rows: Vec<Vec<f64>>,
    basis: Vec<usize>,
    width: usize,
}

enum Optimum {
    Value(f64),
    Unbounded,
}

fn pivot(rows: &mut [Vec<f64>], objective: &mut [f64], r: usize, j: usize) {
    let p = rows[r][j];
    for v in rows[r].iter_mut() {
        *v /= p;
    }
    let source = rows[r].clone();
    for (i, row) in rows.iter_mut().enumerate() {
        if i != r && row[j].abs() > EPS {
            let f = row[j];
            for (v, s) in row.iter_mut().zip(&source) {
                *v -= f * s;
            }
        }
    }
    let f = objective[j];
    if f.abs() > EPS {
        for (v, s) in objective.iter_mut().zip(&source) {
            *v -= f * s;
        }
    }
}

/// Maximises `c·x` where `objective` holds `−c` (then the value, negated) over `columns`.
fn maximise(
    rows: &mut [Vec<f64>],
    basis: &mut [usize],
    objective: &mut [f64],
    columns: usize,
) -> Optimum {
    let rhs = objective.len() - 1;
    // Enough for any table here; a pathological case ends as "unbounded" (nothing published).
    for _ in 0..10_000 {
        let Some(j) = (0..columns).find(|&j| objective[j] < -EPS) else {
            return Optimum::Value(objective[rhs]);
        };
        let mut leave: Option<(usize, f64)> = None;
        for (i, row) in rows.iter().enumerate() {
            if row[j] > EPS {
                let ratio = row[rhs] / row[j];
                let better = match leave {
                    None => true,
                    Some((l, best)) => {
                        ratio < best - EPS || (ratio <= best + EPS && basis[i] < basis[l])
                    }
                };
                if better {
                    leave = Some((i, ratio));
                }
            }
        }
        let Some((r, _)) = leave else {
            return Optimum::Unbounded;
        };
        pivot(rows, objective, r, j);
        basis[r] = j;
    }
    Optimum::Unbounded
}

impl Polytope {
    /// `equations`: (coefficients, right-hand side). `None` when there is no solution.
    pub fn new(equations: &[(Vec<f64>, f64)], width: usize) -> Option<Polytope> {
        let m = equations.len();
        let mut rows: Vec<Vec<f64>> = equations
            .iter()
            .enumerate()
            .map(|(i, (a, b))| {
                let sign = if *b < 0.0 { -1.0 } else { 1.0 };
                let mut row: Vec<f64> = a.iter().map(|v| v * sign).collect();
                row.extend((0..m).map(|k| if k == i { 1.0 } else { 0.0 }));
                row.push(b * sign);
                row
            })
            .collect();
        let mut basis: Vec<usize> = (width..width + m).collect();
        // Phase one: maximise −Σ artificials.
        let mut objective = vec![0.0; width + m + 1];
        for row in &rows {
            for (j, v) in objective.iter_mut().enumerate() {
                if j < width || j == width + m {
                    *v -= row[j];
                }
            }
        }
        if let Optimum::Value(v) = maximise(&mut rows, &mut basis, &mut objective, width + m) {
            if v < -1e-6 {
                return None;
            }
        }
        // Artificials still basic (at 0) leave for a real column, or their row goes.
        let mut r = 0;
        while r < rows.len() {
            if basis[r] >= width {
                match (0..width).find(|&j| rows[r][j].abs() > 1e-7) {
                    Some(j) => {
                        let mut ignore = vec![0.0; width + m + 1];
                        pivot(&mut rows, &mut ignore, r, j);
                        basis[r] = j;
                    }
                    None => {
                        rows.remove(r);
                        basis.remove(r);
                        continue;
                    }
                }
            }
            r += 1;
        }
        for row in &mut rows {
            row.drain(width..width + m);
        }
        Some(Polytope { rows, basis, width })
    }

    /// The largest value of `c·x`; `None` when it has no bound.
    pub fn max(&self, c: &[f64]) -> Option<f64> {
        let mut rows = self.rows.clone();
        let mut basis = self.basis.clone();
        let mut objective: Vec<f64> = c.iter().map(|v| -v).collect();
        objective.push(0.0);
        for (row, &b) in rows.iter().zip(&basis) {
            let f = objective[b];
            if f.abs() > EPS {
                for (v, s) in objective.iter_mut().zip(row) {
                    *v -= f * s;
                }
            }
        }
        match maximise(&mut rows, &mut basis, &mut objective, self.width) {
            Optimum::Value(v) => Some(v),
            Optimum::Unbounded => None,
        }
    }

    /// How wide the range of `c·x` is: `None` when it has no bound.
    pub fn width_of(&self, c: &[f64]) -> Option<f64> {
        let high = self.max(c)?;
        let negated: Vec<f64> = c.iter().map(|v| -v).collect();
        let low = -self.max(&negated)?;
        Some(high - low)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ranges_follow_the_equations_and_non_negativity() {
        // x + y = 10, x + z = 4: x in [0, 4], y in [6, 10], z in [0, 4].
        let p = Polytope::new(
            &[(vec![1.0, 1.0, 0.0], 10.0), (vec![1.0, 0.0, 1.0], 4.0)],
            3,
        )
        .unwrap();
        assert!((p.width_of(&[1.0, 0.0, 0.0]).unwrap() - 4.0).abs() < 1e-9);
        assert!((p.max(&[0.0, 1.0, 0.0]).unwrap() - 10.0).abs() < 1e-9);
        assert!(
            p.width_of(&[1.0, 1.0, 0.0]).unwrap().abs() < 1e-9,
            "x + y is published"
        );
        assert!(
            (p.width_of(&[0.0, 1.0, 1.0]).unwrap() - 8.0).abs() < 1e-9,
            "y + z = 14 − 2x"
        );
        // x + y = 0 pins both at 0.
        let p = Polytope::new(&[(vec![1.0, 1.0], 0.0)], 2).unwrap();
        assert!(p.width_of(&[1.0, 0.0]).unwrap().abs() < 1e-9);
        // Nothing published: no bound.
        let p = Polytope::new(&[], 2).unwrap();
        assert!(p.width_of(&[1.0, 0.0]).is_none());
        assert!(
            Polytope::new(&[(vec![1.0], -1.0)], 1).is_none(),
            "x = −1 has no solution"
        );
    }
}
