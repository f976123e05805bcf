//! Within-child change: the same child's answers in two waves (paired by link key, never
//! shown), reduced to counts of pairs that improved, stayed the same or got worse — on the
//! headline question and per domain — which then go through the engine like any count, with
//! the number of pairs as the rows' children. No pair is ever exposed.

use super::engine::{protect_family, Base, Count, Measure, ProtectedRow, Tally};
use super::family::Family;
use super::figures::{domain_items, impossible_cells};
use super::intervals::{wilson, Estimate};
use super::measures::feels_safe_in;
use crate::domain::instrument::{AnswersSoFar, Instrument, Item};
use serde::Serialize;
use std::collections::HashMap;

pub const PAIRS: &str = "_pairs";
const HEADLINE: &str = "headline";
const IMPROVED: i16 = 1;
const SAME: i16 = 0;
const WORSE: i16 = -1;

/// What is compared within children: the headline (when both waves ask it under the same
/// comparability key) and the comparable domains.
#[derive(Debug, Clone, PartialEq)]
pub struct ChangeMeasures {
    pub headline: bool,
    pub domains: Vec<String>,
}

impl ChangeMeasures {
    pub fn keys(&self) -> Vec<String> {
        let headline = self.headline.then(|| HEADLINE.to_string());
        headline
            .into_iter()
            .chain(self.domains.iter().cloned())
            .collect()
    }
}

/// +1 when a higher answer is the safer one (a smiley scale), −1 when lower is safer
/// ("how often": never is safe).
fn direction(instrument: &Instrument, item: &Item) -> i16 {
    let safe = instrument.safe_values(item);
    let points: Vec<i16> = instrument
        .scale_of(item)
        .map(|s| s.points.iter().map(|p| p.value).collect())
        .unwrap_or_default();
    let mean = |v: &[i16]| v.iter().map(|x| f64::from(*x)).sum::<f64>() / v.len().max(1) as f64;
    if mean(&safe) >= mean(&points) {
        1
    } else {
        -1
    }
}

fn change(before: i16, after: i16) -> i16 {
    match after.cmp(&before) {
        std::cmp::Ordering::Greater => IMPROVED,
        std::cmp::Ordering::Equal => SAME,
        std::cmp::Ordering::Less => WORSE,
    }
}

/// What one pair adds to the counts of its cell: one pair, and per measure whether the child
/// improved, stayed the same or got worse (only when both waves have an answer).
pub fn pair_increments(
    measures: &ChangeMeasures,
    (first, before): (&Instrument, &AnswersSoFar),
    (second, after): (&Instrument, &AnswersSoFar),
) -> Vec<(String, i16)> {
    let mut out = vec![(PAIRS.to_string(), 0)];
    if measures.headline {
        if let (Some(a), Some(b)) = (first.headline_item(), second.headline_item()) {
            if let (Some(Some(x)), Some(Some(y))) = (before.get(&a.key), after.get(&b.key)) {
                let (x, y) = (x * direction(first, a), y * direction(second, b));
                out.push((HEADLINE.to_string(), change(x, y)));
            }
        }
    }
    for domain in &measures.domains {
        if let (Some(x), Some(y)) = (
            feels_safe_in(first, domain, before),
            feels_safe_in(second, domain, after),
        ) {
            out.push((domain.clone(), change(i16::from(x), i16::from(y))));
        }
    }
    out
}

/// Change on one measure in one group: pairs with an answer in both waves, and the share
/// that improved, stayed the same and got worse, each with its Wilson interval.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeFigure {
    pub measure: String,
    pub pairs: Option<u64>,
    pub improved: Option<Estimate>,
    pub same: Option<Estimate>,
    pub worse: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeRow {
    pub value: String,
    pub label: String,
    /// Linked pairs behind the row; `None` when hidden.
    pub pairs: Option<u64>,
    pub measures: Vec<ChangeFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChangeTable {
    pub dimension: super::Dimension,
    pub k: u64,
    pub total: ChangeRow,
    pub rows: Vec<ChangeRow>,
}

fn change_row(keys: &[String], row: ProtectedRow) -> ChangeRow {
    let figure = |key: &String, tally: Option<Tally>| {
        let n = tally.as_ref().map(|t| Base::Every.count(t));
        let share = |v: i16| {
            tally
                .as_ref()
                .and_then(|t| wilson(t.get(&v).copied().unwrap_or(0), n.unwrap_or(0)))
        };
        ChangeFigure {
            measure: key.clone(),
            pairs: n,
            improved: share(IMPROVED),
            same: share(SAME),
            worse: share(WORSE),
        }
    };
    ChangeRow {
        value: row.value,
        label: row.label,
        pairs: row.n,
        measures: keys
            .iter()
            .zip(row.tallies)
            .map(|(k, t)| figure(k, t))
            .collect(),
    }
}

/// Per change measure, the cells where it cannot occur (a domain asked only in some setting
/// types, as the second wave's instrument routes it; pairs count where the later answer was).
pub fn impossible_change(
    measures: &ChangeMeasures,
    second: &Instrument,
    family: &Family,
) -> HashMap<String, Vec<bool>> {
    let mut out = HashMap::new();
    if let (true, Some(item)) = (measures.headline, second.headline_item()) {
        out.insert(HEADLINE.to_string(), impossible_cells(family, &[item]));
    }
    for d in &measures.domains {
        out.insert(
            d.clone(),
            impossible_cells(family, &domain_items(second, d)),
        );
    }
    out
}

/// Every table of a family, for counts made with `pair_increments`.
pub fn compute_change(
    measures: &ChangeMeasures,
    impossible: &HashMap<String, Vec<bool>>,
    family: &Family,
    counts: &[Count],
    k: u64,
) -> Vec<ChangeTable> {
    let keys = measures.keys();
    let specs: Vec<Measure> = keys
        .iter()
        .map(|key| Measure {
            key: key.clone(),
            base: Base::Every,
            impossible: impossible.get(key).cloned().unwrap_or_default(),
        })
        .collect();
    let protected = protect_family(family, counts, PAIRS, &specs, k);
    protected
        .tables
        .into_iter()
        .map(|t| ChangeTable {
            dimension: t.dimension,
            k: protected.k,
            total: change_row(&keys, t.total),
            rows: t.rows.into_iter().map(|r| change_row(&keys, r)).collect(),
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instrument::InstrumentLibrary;
    use crate::domain::results::Dimension;

    fn answers(pairs: &[(&str, Option<i16>)]) -> AnswersSoFar {
        pairs.iter().map(|(k, v)| (k.to_string(), *v)).collect()
    }

    #[test]
    fn a_child_who_answers_safer_the_second_time_has_improved() {
        let i = InstrumentLibrary::builtin().unwrap().default_instrument();
        let measures = ChangeMeasures {
            headline: true,
            domains: vec!["feeling_safe".into(), "experiences".into()],
        };
        let before = answers(&[("safe_home", Some(2)), ("excluded_by_peer", Some(1))]);
        let after = answers(&[("safe_home", Some(4)), ("excluded_by_peer", Some(4))]);
        let inc = pair_increments(&measures, (&i, &before), (&i, &after));
        assert!(inc.contains(&(PAIRS.to_string(), 0)));
        assert!(inc.contains(&("headline".to_string(), IMPROVED)));
        assert!(inc.contains(&("feeling_safe".to_string(), IMPROVED)));
        // Left out "never" before, "often" after: that is worse, though the number went up.
        assert!(inc.contains(&("experiences".to_string(), WORSE)));
        let dont_know = answers(&[("safe_home", None)]);
        let inc = pair_increments(&measures, (&i, &dont_know), (&i, &after));
        assert!(
            !inc.iter().any(|(m, _)| m == "headline"),
            "no answer, no change"
        );
    }

    #[test]
    fn change_is_shown_only_when_the_pairs_reach_k() {
        let measures = ChangeMeasures {
            headline: true,
            domains: vec![],
        };
        let family = Family::one_way(Dimension::Overall, vec![("all".into(), "All".into())]);
        let count = |measure: &str, value: i16, n: u64| Count {
            group: "all".into(),
            measure: measure.into(),
            value,
            n,
        };
        let few = vec![count(PAIRS, 0, 6), count("headline", IMPROVED, 6)];
        let t = compute_change(&measures, &HashMap::new(), &family, &few, 10).remove(0);
        assert_eq!(t.total.pairs, None);
        assert_eq!(t.total.measures[0].improved, None);
        let enough = vec![
            count(PAIRS, 0, 20),
            count("headline", IMPROVED, 12),
            count("headline", SAME, 5),
            count("headline", WORSE, 3),
        ];
        let t = compute_change(&measures, &HashMap::new(), &family, &enough, 10).remove(0);
        assert_eq!(t.total.pairs, Some(20));
        let improved = t.total.measures[0].improved.unwrap();
        assert!((improved.value - 0.6).abs() < 1e-9);
        assert!(improved.low < 0.6 && improved.high > 0.6);
    }
}
