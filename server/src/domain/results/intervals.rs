//! 95% intervals. Wilson for a share (good at small n and near 0 or 1, unlike the normal
//! approximation), the normal approximation for a mean, and Newcombe's hybrid score interval
//! for the difference between two shares (wave comparison).

use serde::{Deserialize, Serialize};

/// z for a two-sided 95% interval.
pub const Z95: f64 = 1.959_963_984_540_054;

#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Estimate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

/// The share `successes / n` with its Wilson score interval; `None` when n is 0.
pub fn wilson(successes: u64, n: u64) -> Option<Estimate> {
    if n == 0 || successes > n {
        return None;
    }
    let n_f = n as f64;
    let p = successes as f64 / n_f;
    let z2 = Z95 * Z95;
    let denominator = 1.0 + z2 / n_f;
    let centre = (p + z2 / (2.0 * n_f)) / denominator;
    let half = Z95 * (p * (1.0 - p) / n_f + z2 / (4.0 * n_f * n_f)).sqrt() / denominator;
    Some(Estimate {
        value: p,
        low: (centre - half).max(0.0),
        high: (centre + half).min(1.0),
    })
}

/// The mean of values given as (value, count), with a normal-approximation interval using
/// the sample standard deviation; `None` with fewer than two values.
pub fn mean(counts: &[(f64, u64)]) -> Option<Estimate> {
    let n: u64 = counts.iter().map(|(_, c)| c).sum();
    if n < 2 {
        return None;
    }
    let n_f = n as f64;
    let mean = counts.iter().map(|(v, c)| v * *c as f64).sum::<f64>() / n_f;
    let variance = counts
        .iter()
        .map(|(v, c)| (v - mean).powi(2) * *c as f64)
        .sum::<f64>()
        / (n_f - 1.0);
    let half = Z95 * (variance / n_f).sqrt();
    Some(Estimate {
        value: mean,
        low: mean - half,
        high: mean + half,
    })
}

/// The difference `second − first` between two independent shares, with Newcombe's hybrid
/// score interval (method 10), built from the two Wilson intervals.
pub fn newcombe(first: (u64, u64), second: (u64, u64)) -> Option<Estimate> {
    let a = wilson(first.0, first.1)?;
    let b = wilson(second.0, second.1)?;
    let d = b.value - a.value;
    let low = d - ((b.value - b.low).powi(2) + (a.high - a.value).powi(2)).sqrt();
    let high = d + ((b.high - b.value).powi(2) + (a.value - a.low).powi(2)).sqrt();
    Some(Estimate {
        value: d,
        low,
        high,
    })
}

impl Estimate {
    /// A difference is significant at 5% when its interval leaves out zero.
    pub fn excludes_zero(&self) -> bool {
        self.low > 0.0 || self.high < 0.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn close(a: f64, b: f64) -> bool {
        (a - b).abs() < 5e-4
    }

    #[test]
    fn wilson_matches_published_values() {
        // Newcombe (1998), table I: 81/263 → 0.2553 to 0.3662.
        let e = wilson(81, 263).unwrap();
        assert!(close(e.low, 0.2553) && close(e.high, 0.3662), "{e:?}");
        // 15/148 → 0.0624 to 0.1605.
        let e = wilson(15, 148).unwrap();
        assert!(close(e.low, 0.0624) && close(e.high, 0.1605), "{e:?}");
        // 0/20 → 0 to 0.1611: never below zero, unlike the normal approximation.
        let e = wilson(0, 20).unwrap();
        assert!(close(e.low, 0.0) && close(e.high, 0.1611), "{e:?}");
        assert!(wilson(1, 0).is_none() && wilson(3, 2).is_none());
    }

    #[test]
    fn newcombe_matches_the_published_example() {
        // Newcombe (1998), table II example (56/70 versus 48/80): difference 0.2000,
        // method 10 interval 0.0524 to 0.3339 (for first − second).
        let e = newcombe((48, 80), (56, 70)).unwrap();
        assert!(close(e.value, 0.2), "{e:?}");
        assert!(close(e.low, 0.0524) && close(e.high, 0.3339), "{e:?}");
        assert!(e.excludes_zero());
    }

    #[test]
    fn the_mean_interval_narrows_with_more_children() {
        let small = mean(&[(3.0, 5), (4.0, 5)]).unwrap();
        let large = mean(&[(3.0, 500), (4.0, 500)]).unwrap();
        assert!(close(small.value, 3.5) && close(large.value, 3.5));
        assert!(large.high - large.low < small.high - small.low);
        // s = 0.5270, se = 0.1667, half-width 0.3267.
        assert!(close(small.high - small.value, 0.3267), "{small:?}");
        assert!(mean(&[(3.0, 1)]).is_none());
    }
}
