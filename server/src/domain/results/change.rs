//! Within-child change: the same child's answers in two waves (paired by link key, never
//! shown), reduced to counts of pairs that improved, stayed the same or got worse — on the
//! headline question and per domain — which then go through the engine like any count, with
//! the number of pairs as the rows' children. No pair is ever exposed.

use super::blocks::{protect_publication, ChildrenSpec, MeasureSpec, Part, Protected, Rows};
use super::dimension::Dimension;
use super::figures::domain_items;
use super::intervals::{wilson, Estimate};
use super::measures::feels_safe_in;
use super::population::{JointCount, Population};
use super::register::Register;
use crate::domain::instrument::{AnswersSoFar, Instrument, Item};
use crate::domain::SettingType;
use serde::{Deserialize, Serialize};

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
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeFigure {
    pub measure: String,
    pub pairs: Option<u64>,
    pub improved: Option<Estimate>,
    pub same: Option<Estimate>,
    pub worse: Option<Estimate>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeRow {
    pub value: String,
    pub label: String,
    /// Linked pairs behind the row; `None` when hidden.
    pub pairs: Option<u64>,
    pub measures: Vec<ChangeFigure>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ChangeTable {
    pub dimension: Dimension,
    pub k: u64,
    pub total: ChangeRow,
    pub rows: Vec<ChangeRow>,
}

/// Where a change measure can be asked: where the later wave asks the headline question, or
/// any question of the domain.
fn settings_of(items: &[&Item]) -> Option<Vec<SettingType>> {
    let mut all = Vec::new();
    for item in items {
        all.extend(item.show_if.as_ref()?.setting_types.clone()?);
    }
    all.sort();
    all.dedup();
    Some(all)
}

/// The engine's measures for within-child change: improved (1), the same (0), worse (−1).
fn change_specs(measures: &ChangeMeasures, second: &Instrument) -> Vec<MeasureSpec> {
    measures
        .keys()
        .into_iter()
        .map(|key| {
            let items: Vec<&Item> = if key == HEADLINE {
                second.headline_item().into_iter().collect()
            } else {
                domain_items(second, &key)
            };
            MeasureSpec {
                settings: settings_of(&items),
                key,
                values: vec![WORSE, SAME, IMPROVED],
                safe: vec![IMPROVED],
                parent: None,
                same_as: None,
            }
        })
        .collect()
}

fn change_row(
    keys: &[String],
    protected: &Protected,
    g: usize,
    value: &str,
    label: &str,
) -> ChangeRow {
    let shown = |m: usize, part| protected.measures[m].get(&(g, part)).copied().flatten();
    ChangeRow {
        value: value.to_string(),
        label: label.to_string(),
        pairs: protected.n[g],
        measures: keys
            .iter()
            .enumerate()
            .map(|(m, key)| {
                let pairs = shown(m, Part::Base);
                let share = |v: i16| {
                    shown(m, Part::Value(v))
                        .zip(pairs)
                        .and_then(|(x, n)| wilson(x, n))
                };
                ChangeFigure {
                    measure: key.clone(),
                    pairs,
                    improved: share(IMPROVED),
                    same: share(SAME),
                    worse: share(WORSE),
                }
            })
            .collect(),
    }
}

/// Every table of within-child change, from counts made with `pair_increments` (the pairs
/// counted as children), grouped by `register`. Nobody knows pairs per organisation, so
/// every row's number of pairs is protected too.
pub fn compute_change(
    measures: &ChangeMeasures,
    second: &Instrument,
    register: &Register,
    counts: &[JointCount],
    k: u64,
) -> Vec<ChangeTable> {
    let k = super::publication::effective_k(k);
    let keys = measures.keys();
    let population = Population::new(register, counts);
    let rows = Rows::new(&population);
    let who = ChildrenSpec {
        measure: PAIRS,
        place_public: false,
    };
    let specs = change_specs(measures, second);
    let protected = protect_publication(&population, &rows, counts, who, &specs, k);
    population
        .tables
        .iter()
        .zip(&rows.of_table)
        .map(|((dimension, groups), ids)| {
            let mut out: Vec<ChangeRow> = groups
                .iter()
                .zip(ids)
                .map(|(group, &g)| change_row(&keys, &protected, g, &group.value, &group.label))
                .collect();
            let total = out.remove(0);
            ChangeTable {
                dimension: *dimension,
                k,
                total,
                rows: out,
            }
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
        let i = InstrumentLibrary::builtin().unwrap().default_instrument();
        let measures = ChangeMeasures {
            headline: true,
            domains: vec![],
        };
        let count = |measure: &str, value: i16, n: u64| JointCount {
            organisation_id: 1,
            region_id: 1,
            setting_type: "closed".into(),
            age_band: "12-14".into(),
            gender: "girl".into(),
            measure: measure.into(),
            value,
            n,
        };
        let register = Register::default();
        let few = vec![count(PAIRS, 0, 6), count("headline", IMPROVED, 6)];
        let t = compute_change(&measures, &i, &register, &few, 10).remove(0);
        assert_eq!(t.dimension, Dimension::Overall);
        assert_eq!(t.total.pairs, None);
        assert_eq!(t.total.measures[0].improved, None);
        let enough = vec![
            count(PAIRS, 0, 40),
            count("headline", IMPROVED, 20),
            count("headline", SAME, 10),
            count("headline", WORSE, 10),
        ];
        let t = compute_change(&measures, &i, &register, &enough, 10).remove(0);
        assert_eq!(t.total.pairs, Some(40));
        let improved = t.total.measures[0].improved.unwrap();
        assert!((improved.value - 0.5).abs() < 1e-9);
        assert!(improved.low < 0.5 && improved.high > 0.5);
    }
}
