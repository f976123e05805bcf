//! Linear algebra for rule 3: is a hidden figure a linear combination of published ones?
//! Floating point with partial pivoting is exact enough here: every coefficient is 0 or 1
//! and the systems are small (the attacker in the tests redoes this in exact integers).

const EPS: f64 = 1e-9;

/// The span of some rows, kept in reduced row echelon form.
pub struct Span {
    /// (pivot column, row) with the row scaled so the pivot is 1 and zero in other rows.
    basis: Vec<(usize, Vec<f64>)>,
}

impl Span {
    pub fn new(rows: Vec<Vec<f64>>) -> Span {
        let mut rows: Vec<Vec<f64>> = rows
            .into_iter()
            .filter(|r| r.iter().any(|v| v.abs() > EPS))
            .collect();
        let width = rows.first().map_or(0, Vec::len);
        let mut basis = Vec::new();
        let mut next = 0;
        for col in 0..width {
            if next == rows.len() {
                break;
            }
            // The largest entry as pivot keeps rounding errors small.
            let Some(p) = (next..rows.len())
                .filter(|&r| rows[r][col].abs() > EPS)
                .max_by(|&a, &b| rows[a][col].abs().total_cmp(&rows[b][col].abs()))
            else {
                continue;
            };
            rows.swap(next, p);
            let pivot = rows[next][col];
            for v in rows[next].iter_mut() {
                *v /= pivot;
            }
            let source = rows[next].clone();
            for (r, row) in rows.iter_mut().enumerate() {
                if r != next && row[col].abs() > EPS {
                    let factor = row[col];
                    for (v, s) in row.iter_mut().zip(&source) {
                        *v -= factor * s;
                    }
                }
            }
            basis.push((col, source));
            next += 1;
        }
        // Rows changed after they became basis rows: take them from `rows`, which is final.
        let basis = basis
            .into_iter()
            .enumerate()
            .map(|(i, (col, _))| (col, rows[i].clone()))
            .collect();
        Span { basis }
    }

    /// Whether `v` is a combination of the rows.
    pub fn contains(&self, v: &[f64]) -> bool {
        let mut rest = v.to_vec();
        for (col, row) in &self.basis {
            let factor = rest[*col];
            if factor.abs() > EPS {
                for (x, r) in rest.iter_mut().zip(row) {
                    *x -= factor * r;
                }
            }
        }
        rest.iter().all(|x| x.abs() < 1e-6)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sum_of_rows_is_in_their_span_and_a_single_unknown_is_not() {
        let span = Span::new(vec![vec![1.0, 1.0, 0.0], vec![0.0, 1.0, 1.0]]);
        assert!(span.contains(&[1.0, 2.0, 1.0]));
        assert!(span.contains(&[1.0, 0.0, -1.0]));
        assert!(!span.contains(&[1.0, 0.0, 0.0]));
        assert!(span.contains(&[0.0, 0.0, 0.0]));
        assert!(!Span::new(vec![]).contains(&[1.0]));
    }
}
