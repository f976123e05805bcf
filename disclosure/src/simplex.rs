//! A dense simplex for the engine's audit: `A x = b, x ≥ 0`, a feasible basis found once
//! (phase one), then any number of objectives optimised one after the other, each starting
//! from the basis the last one ended in (so a new objective usually takes a few pivots).
//!
//! Steepest edge (the reduced cost per length of the edge, computed exactly from the
//! tableau: on the publication's degenerate tables it takes a tenth of the pivots of
//! Dantzig's rule), Bland's rule after a run of degenerate pivots so it cannot cycle. The
//! tableau is one flat row-major array; rows whose entry in the pivot column is zero are
//! skipped, which keeps the sparse tables of the publication cheap to pivot.

const EPS: f64 = 1e-9;
/// The smallest entry taken as a pivot: smaller ones are rounding noise, and dividing by
/// them would blow the tableau up.
const PIVOT_TOLERANCE: f64 = 1e-7;
/// Degenerate pivots in a row before Bland's rule takes over.
const DEGENERATE_RUN: usize = 50;
/// Pivots for finding a feasible basis before giving up (a bug or a pathological table).
const MAX_PIVOTS: usize = 200_000;
/// Pivots per objective before giving up on it: the audit then counts its figure as narrow
/// and hides more, which is safe, and the publication of a large wave stays bounded in time.
const OBJECTIVE_PIVOTS: usize = 20_000;

/// One equation: sparse coefficients `(column, value)` and the right-hand side.
pub type Equation = (Vec<(usize, f64)>, f64);

#[derive(Debug, Clone, PartialEq)]
pub enum Optimum {
    /// The optimal value and the value of every column at the optimum.
    Bounded(f64, Vec<f64>),
    Unbounded,
}

/// The tableau of a feasible system, ready for objectives.
///
/// The tables the audit solves are highly degenerate (many counts are 0), which makes the
/// simplex stall on pivots that change nothing. Every column's lower bound is therefore moved
/// a tiny, different amount below 0 (`x' = x + δ`, so `A x' = b + A δ`): the system stays
/// exactly consistent, basic solutions stop being degenerate, and every answer is shifted
/// back. The optima move by at most `Σ δ` over a figure's cells, far below the audit's
/// tolerance.
pub struct Lp {
    rows: usize,
    columns: usize,
    /// `rows × (columns + 1)`, the right-hand side last.
    t: Vec<f64>,
    basis: Vec<usize>,
    /// Pivots taken so far (for the audit's trace).
    pub pivots: usize,
    /// The shift `δ` of each column.
    shift: Vec<f64>,
}

/// A column's shift: between 1e-8 and 2e-8, different for every column.
fn shift_of(j: usize) -> f64 {
    let golden = 0.618_033_988_749_895_f64;
    1e-8 * (1.0 + (j as f64 * golden).fract())
}

impl Lp {
    /// The system `equations` over `columns` non-negative columns; `None` when it has no
    /// solution.
    pub fn new(equations: &[Equation], columns: usize) -> Option<Lp> {
        let rows = equations.len();
        // Phase one works on the columns and one artificial per row.
        let width = columns + rows;
        let stride = width + 1;
        let mut t = vec![0.0; rows * stride];
        let shift: Vec<f64> = (0..columns).map(shift_of).collect();
        for (i, (coefficients, rhs)) in equations.iter().enumerate() {
            let rhs = rhs + coefficients.iter().map(|&(j, v)| v * shift[j]).sum::<f64>();
            let sign = if rhs < 0.0 { -1.0 } else { 1.0 };
            let row = &mut t[i * stride..(i + 1) * stride];
            for &(j, v) in coefficients {
                row[j] += v * sign;
            }
            row[columns + i] = 1.0;
            row[width] = rhs * sign;
        }
        let mut lp = Lp {
            rows,
            columns: width,
            t,
            basis: (columns..width).collect(),
            pivots: 0,
            shift,
        };
        // Maximise −Σ artificials.
        let mut objective = vec![0.0; stride];
        for i in 0..rows {
            let row = &lp.t[i * stride..(i + 1) * stride];
            for (j, v) in objective.iter_mut().enumerate() {
                if j < columns || j == width {
                    *v -= row[j];
                }
            }
        }
        match lp.run(&mut objective, width, f64::INFINITY, MAX_PIVOTS) {
            Some(true) if objective[width] > -1e-6 => {}
            _ => return None,
        }
        lp.drop_artificials(columns);
        Some(lp)
    }

    /// Artificials still in the basis (at 0) leave for a real column, or their row goes
    /// (it repeated others); then the artificial columns are dropped.
    fn drop_artificials(&mut self, columns: usize) {
        let stride = self.columns + 1;
        let mut r = 0;
        while r < self.rows {
            if self.basis[r] >= columns {
                let row = &self.t[r * stride..(r + 1) * stride];
                match (0..columns).find(|&j| row[j].abs() > 1e-7) {
                    Some(j) => {
                        let mut ignore = vec![0.0; stride];
                        self.pivot(&mut ignore, r, j);
                        self.basis[r] = j;
                    }
                    None => {
                        self.t.drain(r * stride..(r + 1) * stride);
                        self.basis.remove(r);
                        self.rows -= 1;
                        continue;
                    }
                }
            }
            r += 1;
        }
        let mut compact = Vec::with_capacity(self.rows * (columns + 1));
        for i in 0..self.rows {
            let row = &self.t[i * stride..(i + 1) * stride];
            compact.extend_from_slice(&row[..columns]);
            compact.push(row[stride - 1]);
        }
        self.t = compact;
        self.columns = columns;
    }

    fn pivot(&mut self, objective: &mut [f64], r: usize, j: usize) {
        let stride = self.columns + 1;
        let p = self.t[r * stride + j];
        for v in &mut self.t[r * stride..(r + 1) * stride] {
            *v /= p;
        }
        let source: Vec<f64> = self.t[r * stride..(r + 1) * stride].to_vec();
        let nonzero: Vec<usize> = (0..stride).filter(|&c| source[c] != 0.0).collect();
        for i in 0..self.rows {
            if i == r {
                continue;
            }
            let f = self.t[i * stride + j];
            if f.abs() > EPS {
                let row = &mut self.t[i * stride..(i + 1) * stride];
                for &c in &nonzero {
                    row[c] -= f * source[c];
                }
                row[j] = 0.0;
            } else if f != 0.0 {
                self.t[i * stride + j] = 0.0;
            }
        }
        let f = objective[j];
        if f.abs() > EPS {
            for &c in &nonzero {
                objective[c] -= f * source[c];
            }
            objective[j] = 0.0;
        }
    }

    /// Maximises the objective row (reduced costs, value last) over the first `columns`
    /// columns, stopping early once its value reaches `enough`. `Some(true)`: optimal (or
    /// enough); `Some(false)`: unbounded; `None`: gave up.
    fn run(
        &mut self,
        objective: &mut [f64],
        columns: usize,
        enough: f64,
        limit: usize,
    ) -> Option<bool> {
        let stride = self.columns + 1;
        let rhs = stride - 1;
        let mut degenerate = 0;
        for _ in 0..limit {
            if objective[rhs] >= enough {
                return Some(true);
            }
            let entering = if degenerate < DEGENERATE_RUN {
                // Steepest edge: the reduced cost per length of the edge it follows.
                let mut norm = vec![1.0; columns];
                for i in 0..self.rows {
                    let row = &self.t[i * stride..i * stride + columns];
                    for (n, &v) in norm.iter_mut().zip(row) {
                        *n += v * v;
                    }
                }
                let mut best: Option<(usize, f64)> = None;
                for (j, &d) in objective[..columns].iter().enumerate() {
                    if d < -EPS {
                        let score = d * d / norm[j];
                        if best.is_none_or(|(_, b)| score > b) {
                            best = Some((j, score));
                        }
                    }
                }
                best.map(|(j, _)| j)
            } else {
                (0..columns).find(|&j| objective[j] < -EPS)
            };
            let Some(j) = entering else {
                return Some(true);
            };
            let mut leave: Option<(usize, f64)> = None;
            for i in 0..self.rows {
                let a = self.t[i * stride + j];
                if a > PIVOT_TOLERANCE {
                    let ratio = self.t[i * stride + rhs].max(0.0) / a;
                    let better = match leave {
                        None => true,
                        Some((l, best)) => {
                            let pivot_of_l = self.t[l * stride + j];
                            ratio < best - EPS
                                || (ratio <= best + EPS
                                    && if degenerate < DEGENERATE_RUN {
                                        a > pivot_of_l
                                    } else {
                                        self.basis[i] < self.basis[l]
                                    })
                        }
                    };
                    if better {
                        leave = Some((i, ratio));
                    }
                }
            }
            let Some((r, ratio)) = leave else {
                return Some(false);
            };
            degenerate = if ratio.abs() <= EPS {
                degenerate + 1
            } else {
                0
            };
            self.pivot(objective, r, j);
            self.basis[r] = j;
            self.pivots += 1;
        }
        None
    }

    /// The largest value of `c·x` (sparse `c`), starting from the basis the last call ended
    /// in; `None` if the solver gave up.
    pub fn maximize(&mut self, c: &[(usize, f64)]) -> Option<Optimum> {
        self.maximize_to(c, f64::INFINITY)
    }

    /// `maximize`, stopping at the first basic solution where `c·x` reaches `enough` (its
    /// value is then at least `enough`, not the maximum): enough to prove a range wide.
    pub fn maximize_to(&mut self, c: &[(usize, f64)], enough: f64) -> Option<Optimum> {
        // The tableau's value is of the shifted columns.
        let shifted: f64 = c.iter().map(|&(j, v)| v * self.shift[j]).sum();
        let enough = enough + shifted;
        let stride = self.columns + 1;
        let mut objective = vec![0.0; stride];
        for &(j, v) in c {
            objective[j] -= v;
        }
        // Reduced costs for the current basis.
        for (i, &b) in self.basis.iter().enumerate() {
            let f = objective[b];
            if f.abs() > EPS {
                let row = &self.t[i * stride..(i + 1) * stride];
                for (o, v) in objective.iter_mut().zip(row) {
                    *o -= f * v;
                }
            }
        }
        match self.run(&mut objective, self.columns, enough, OBJECTIVE_PIVOTS)? {
            true => {
                let x = self.solution();
                let value = c.iter().map(|&(j, v)| v * x[j]).sum();
                Some(Optimum::Bounded(value, x))
            }
            false => Some(Optimum::Unbounded),
        }
    }

    /// The value of every column in the current basic solution, shifted back.
    pub fn solution(&self) -> Vec<f64> {
        let stride = self.columns + 1;
        let mut x = vec![0.0; self.columns];
        for (i, &b) in self.basis.iter().enumerate() {
            x[b] = self.t[i * stride + stride - 1];
        }
        for (v, d) in x.iter_mut().zip(&self.shift) {
            *v -= d;
        }
        x
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eq(coefficients: &[(usize, f64)], rhs: f64) -> Equation {
        (coefficients.to_vec(), rhs)
    }

    fn value(o: Option<Optimum>) -> f64 {
        match o {
            Some(Optimum::Bounded(v, _)) => v,
            other => panic!("not bounded: {other:?}"),
        }
    }

    #[test]
    fn objectives_follow_the_equations_and_non_negativity() {
        // x + y = 10, x + z = 4: x in [0, 4], y in [6, 10].
        let mut lp = Lp::new(
            &[
                eq(&[(0, 1.0), (1, 1.0)], 10.0),
                eq(&[(0, 1.0), (2, 1.0)], 4.0),
            ],
            3,
        )
        .unwrap();
        assert!((value(lp.maximize(&[(0, 1.0)])) - 4.0).abs() < 1e-6);
        assert!((value(lp.maximize(&[(0, -1.0)])) - 0.0).abs() < 1e-6);
        assert!((value(lp.maximize(&[(1, 1.0)])) - 10.0).abs() < 1e-6);
        assert!((-value(lp.maximize(&[(1, -1.0)])) - 6.0).abs() < 1e-6);
        // y + z = 14 − 2x: from 6 to 14.
        assert!((value(lp.maximize(&[(1, 1.0), (2, 1.0)])) - 14.0).abs() < 1e-6);
    }

    #[test]
    fn a_repeated_equation_is_no_problem_and_a_contradiction_has_no_solution() {
        let lp = Lp::new(
            &[
                eq(&[(0, 1.0), (1, 1.0)], 3.0),
                eq(&[(0, 2.0), (1, 2.0)], 6.0),
            ],
            2,
        );
        assert!(lp.is_some());
        assert!(Lp::new(&[eq(&[(0, 1.0)], -1.0)], 1).is_none());
        assert!(Lp::new(&[eq(&[(0, 1.0)], 1.0), eq(&[(0, 1.0)], 2.0)], 1).is_none());
    }

    #[test]
    fn an_unconstrained_column_is_unbounded() {
        let mut lp = Lp::new(&[eq(&[(0, 1.0), (1, -1.0)], 0.0)], 3).unwrap();
        assert_eq!(lp.maximize(&[(2, 1.0)]), Some(Optimum::Unbounded));
        assert!(matches!(
            lp.maximize(&[(0, -1.0)]),
            Some(Optimum::Bounded(..))
        ));
    }

    #[test]
    fn a_larger_transport_table_has_the_ranges_of_its_cycles() {
        // A 3×3 table with all margins 10: every cell ranges over [0, 10].
        let cell = |r: usize, c: usize| r * 3 + c;
        let mut equations = Vec::new();
        for r in 0..3 {
            equations.push(((0..3).map(|c| (cell(r, c), 1.0)).collect(), 10.0));
            equations.push(((0..3).map(|c| (cell(c, r), 1.0)).collect(), 10.0));
        }
        let mut lp = Lp::new(&equations, 9).unwrap();
        for c in 0..9 {
            assert!((value(lp.maximize(&[(c, 1.0)])) - 10.0).abs() < 1e-6);
            assert!(value(lp.maximize(&[(c, -1.0)])).abs() < 1e-6);
        }
    }

    #[test]
    fn stopping_at_enough_gives_a_feasible_point_at_least_that_good() {
        // x + y = 10, x + z = 4: asking x ≥ 2 may stop before the maximum, never below 2.
        let mut lp = Lp::new(
            &[
                eq(&[(0, 1.0), (1, 1.0)], 10.0),
                eq(&[(0, 1.0), (2, 1.0)], 4.0),
            ],
            3,
        )
        .unwrap();
        let x = value(lp.maximize_to(&[(0, 1.0)], 2.0));
        assert!((2.0 - 1e-6..=4.0 + 1e-6).contains(&x), "{x}");
        // An unreachable target runs to the maximum.
        assert!((value(lp.maximize_to(&[(1, 1.0)], 99.0)) - 10.0).abs() < 1e-6);
    }
}
