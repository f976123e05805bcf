//! A linear program written down once and solved for many objectives (microlp underneath).

use microlp::{ComparisonOp, OptimizationDirection, Problem};

#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Op {
    Eq,
    Le,
}

/// A linear expression: (variable, coefficient).
pub type Expr = Vec<(usize, f64)>;

#[derive(Debug, Clone, Default)]
pub struct Lp {
    /// Upper bound of each variable; every variable is ≥ 0.
    pub upper: Vec<f64>,
    pub rows: Vec<(Expr, Op, f64)>,
}

impl Lp {
    pub fn var(&mut self, upper: f64) -> usize {
        self.upper.push(upper);
        self.upper.len() - 1
    }

    pub fn add(&mut self, expr: Expr, op: Op, rhs: f64) {
        if expr.is_empty() {
            // 0 = rhs or 0 ≤ rhs: kept as a check that the data are consistent.
            assert!(
                match op {
                    Op::Eq => rhs.abs() < 1e-9,
                    Op::Le => rhs > -1e-9,
                },
                "an empty constraint that does not hold: 0 {op:?} {rhs}"
            );
            return;
        }
        self.rows.push((expr, op, rhs));
    }

    /// The optimum of `objective` and the point reaching it; `None` when infeasible.
    pub fn solve(&self, objective: &Expr, maximize: bool) -> Option<(f64, Vec<f64>)> {
        let mut cost = vec![0.0; self.upper.len()];
        for &(v, c) in objective {
            cost[v] += c;
        }
        let mut p = Problem::new(if maximize {
            OptimizationDirection::Maximize
        } else {
            OptimizationDirection::Minimize
        });
        let vars: Vec<_> = self
            .upper
            .iter()
            .zip(&cost)
            .map(|(&u, &c)| p.add_var(c, (0.0, u)))
            .collect();
        for (expr, op, rhs) in &self.rows {
            let terms: Vec<_> = expr.iter().map(|&(v, c)| (vars[v], c)).collect();
            let op = match op {
                Op::Eq => ComparisonOp::Eq,
                Op::Le => ComparisonOp::Le,
            };
            p.add_constraint(&terms[..], op, *rhs);
        }
        let solution = match p.solve() {
            Ok(outcome) => outcome.into_solution().ok()?,
            Err(microlp::Error::Infeasible) => return None,
            Err(e) => panic!("the attacker's LP failed: {e:?}"),
        };
        let point: Vec<f64> = vars.iter().map(|&v| solution.var_value(v)).collect();
        Some((solution.objective(), point))
    }
}

pub fn value(expr: &Expr, point: &[f64]) -> f64 {
    expr.iter().map(|&(v, c)| c * point[v]).sum()
}
