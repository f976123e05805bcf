//! One publication per wave: every table of every breakdown, made at once from the wave's
//! counts and the register as it was at publication, at one k, by one engine. Everything
//! anyone sees of a published wave is read from it; a stricter k only hides more of it.

use super::blocks::{
    protect_with, MeasureSpec, Part, Protected, Protections, Rows, RESPONDED, RESPONDENTS,
};
use super::dimension::Dimension;
use super::figures::{DomainResult, GroupResult, ItemResult, ResultTable};
use super::intervals::{mean, wilson};
use super::measures::domain_measure;
use super::population::{Group, JointCount, Population};
use super::register::{Register, Responded};
use crate::domain::instrument::Instrument;
use crate::domain::SettingType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The smallest k the engine works with, whatever it is given.
pub const MIN_K: u64 = 5;
pub const DEFAULT_K: u64 = 10;
/// The smallest k a server is configured with. The design allows 5, but below 10 the
/// independent attacker still narrows domain figures in some small worlds (at k 5, 7 and 8;
/// docs/disclosure.md, "Open"), so no wave is published under 10 until that is fixed.
pub const SERVED_MIN_K: u64 = 10;

/// The k the engine applies: never below `MIN_K`, also when a caller passes less.
pub fn effective_k(k: u64) -> u64 {
    k.max(MIN_K)
}

/// What a publication is made from.
pub struct PublicationInput<'a> {
    pub wave: String,
    pub k: u64,
    /// The day it is made, `YYYY-MM-DD`.
    pub made_on: String,
    pub instrument: &'a Instrument,
    pub register: Register,
    pub counts: Vec<JointCount>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Publication {
    pub wave: String,
    pub k: u64,
    pub made_on: String,
    /// The instrument's version.
    pub instrument: String,
    pub register: Register,
    /// One table per breakdown, in `Dimension::ALL` order.
    pub tables: Vec<ResultTable>,
}

impl Publication {
    pub fn table(&self, dimension: Dimension) -> Option<&ResultTable> {
        self.tables.iter().find(|t| t.dimension == dimension)
    }

    /// The same publication with every figure hidden that `stricter` hides (made from the
    /// same counts at a larger k): an export at a stricter k only ever hides more.
    pub fn hiding_also(&self, stricter: &Publication) -> Publication {
        let mut out = self.clone();
        out.k = self.k.max(stricter.k);
        for (mine, theirs) in out.tables.iter_mut().zip(&stricter.tables) {
            mine.k = out.k;
            hide_also(&mut mine.total, &theirs.total);
            for (a, b) in mine.rows.iter_mut().zip(&theirs.rows) {
                hide_also(a, b);
            }
        }
        out
    }
}

fn keep<T: Copy>(mine: &mut Option<T>, theirs: &Option<T>) {
    if theirs.is_none() {
        *mine = None;
    }
}

fn hide_also(a: &mut GroupResult, b: &GroupResult) {
    keep(&mut a.n, &b.n);
    keep(&mut a.share_safe, &b.share_safe);
    keep(&mut a.share_safe_n, &b.share_safe_n);
    for (x, y) in a.domains.iter_mut().zip(&b.domains) {
        keep(&mut x.n, &y.n);
        keep(&mut x.safe, &y.safe);
        keep(&mut x.share_safe, &y.share_safe);
    }
    for (x, y) in a.items.iter_mut().zip(&b.items) {
        keep(&mut x.share_safe_n, &y.share_safe_n);
        keep(&mut x.safe, &y.safe);
        keep(&mut x.share_safe, &y.share_safe);
        keep(&mut x.mean, &y.mean);
        for ((_, n), (_, m)) in x.distribution.iter_mut().zip(&y.distribution) {
            keep(n, m);
        }
    }
}

/// The measures of an instrument: every question, then every domain.
pub fn specs(instrument: &Instrument) -> Vec<MeasureSpec> {
    let def = instrument.def();
    let index: BTreeMap<&str, usize> = def
        .items
        .iter()
        .enumerate()
        .map(|(i, item)| (item.key.as_str(), i))
        .collect();
    let mut specs: Vec<MeasureSpec> = def
        .items
        .iter()
        .map(|item| {
            let condition = item.show_if.as_ref();
            MeasureSpec {
                key: item.key.clone(),
                values: instrument
                    .scale_of(item)
                    .map(|s| s.points.iter().map(|p| p.value).collect())
                    .unwrap_or_default(),
                safe: instrument.safe_values(item),
                settings: condition.and_then(|c| c.setting_types.clone()),
                parent: condition.and_then(|c| {
                    let parent = *index.get(c.item.as_deref()?)?;
                    Some((parent, c.values.clone().unwrap_or_default()))
                }),
                same_as: None,
            }
        })
        .collect();
    for domain in &def.domains {
        let items: Vec<usize> = (0..def.items.len())
            .filter(|&i| def.items[i].domain == domain.key)
            .collect();
        // Asked only where one of its questions is.
        let mut settings: Option<Vec<SettingType>> = Some(Vec::new());
        for &i in &items {
            match (&mut settings, &specs[i].settings) {
                (Some(all), Some(s)) => all.extend(s.iter().copied()),
                (_, None) => settings = None,
                (None, Some(_)) => {}
            }
        }
        if let Some(s) = settings.as_mut() {
            s.sort();
            s.dedup();
        }
        specs.push(MeasureSpec {
            key: domain_measure(&domain.key),
            values: vec![0, 1],
            safe: vec![1],
            settings,
            parent: None,
            same_as: (items.len() == 1).then(|| items[0]),
        });
    }
    specs
}

/// Children who responded per organisation and setting type.
fn responded(counts: &[JointCount]) -> Vec<Responded> {
    let mut sums: BTreeMap<(i32, SettingType), u64> = BTreeMap::new();
    for c in counts.iter().filter(|c| c.measure == RESPONDENTS) {
        if let Ok(s) = c.setting_type.parse() {
            *sums.entry((c.organisation_id, s)).or_default() += c.n;
        }
    }
    sums.into_iter()
        .map(|((organisation, setting_type), n)| Responded {
            organisation,
            setting_type,
            n,
        })
        .collect()
}

/// Makes the publication: every table, protected together.
pub fn compute(input: &PublicationInput) -> Publication {
    compute_with(input, Protections::ALL)
}

/// [`compute`] with some protections off: only for the attacker's controls, which show
/// each protection is needed.
pub fn compute_with(input: &PublicationInput, on: Protections) -> Publication {
    let k = effective_k(input.k);
    let population = Population::new(&input.register, &input.counts);
    let rows = Rows::new(&population);
    let specs = specs(input.instrument);
    let protected = protect_with(&population, &rows, &input.counts, RESPONDED, &specs, k, on);
    let tables = population
        .tables
        .iter()
        .zip(&rows.of_table)
        .map(|((dimension, groups), ids)| {
            let mut results: Vec<GroupResult> = groups
                .iter()
                .zip(ids)
                .map(|(group, &g)| group_result(input.instrument, &specs, &protected, g, group))
                .collect();
            let total = results.remove(0);
            ResultTable {
                dimension: *dimension,
                k,
                total,
                rows: results,
            }
        })
        .collect();
    Publication {
        wave: input.wave.clone(),
        k,
        made_on: input.made_on.clone(),
        instrument: input.instrument.version().to_string(),
        register: Register {
            responded: responded(&input.counts),
            ..input.register.clone()
        },
        tables,
    }
}

fn group_result(
    instrument: &Instrument,
    specs: &[MeasureSpec],
    protected: &Protected,
    g: usize,
    group: &Group,
) -> GroupResult {
    let def = instrument.def();
    let shown = |m: usize, part: Part| -> Option<u64> {
        protected.measures[m].get(&(g, part)).copied().flatten()
    };
    let items: Vec<ItemResult> = def
        .items
        .iter()
        .enumerate()
        .map(|(m, item)| {
            let base = shown(m, Part::Base);
            let safe = shown(m, Part::Safe);
            let distribution: Vec<(i16, Option<u64>)> = specs[m]
                .values
                .iter()
                .map(|&v| (v, shown(m, Part::Value(v))))
                .collect();
            // A mean only where the whole distribution is published: it would otherwise be one
            // more equation over hidden counts.
            let whole: Option<Vec<(f64, u64)>> = distribution
                .iter()
                .map(|(v, n)| n.map(|n| (f64::from(*v), n)))
                .collect();
            ItemResult {
                key: item.key.clone(),
                share_safe_n: base,
                safe,
                mean: base.and(whole).and_then(|w| mean(&w)),
                share_safe: safe.zip(base).and_then(|(s, b)| wilson(s, b)),
                distribution,
            }
        })
        .collect();
    let domains = def
        .domains
        .iter()
        .enumerate()
        .map(|(d, domain)| {
            let m = def.items.len() + d;
            let (base, safe) = (shown(m, Part::Base), shown(m, Part::Safe));
            DomainResult {
                key: domain.key.clone(),
                n: base,
                safe,
                share_safe: safe.zip(base).and_then(|(s, b)| wilson(s, b)),
            }
        })
        .collect();
    let headline = instrument
        .headline_item()
        .and_then(|h| items.iter().find(|i| i.key == h.key));
    GroupResult {
        value: group.value.clone(),
        label: group.label.clone(),
        n: protected.n[g],
        share_safe: headline.and_then(|i| i.share_safe),
        share_safe_n: headline.and_then(|i| i.share_safe_n),
        domains,
        items,
    }
}
