//! The whole engine, from random children to published tables: every count it publishes
//! about a family (children, answers on a scale, "don't know", each answer, domain scores) is
//! attacked, with a question the questionnaire routes to some setting types only.

use super::super::attack::{attack, Kind, Recovered, Scene, Seen};
use super::super::engine::{Count, Dimension};
use super::super::family::Family;
use super::super::figures::{compute, compute_one_way, GroupResult, ResultTable};
use super::super::measures::{increments, RESPONDENTS};
use super::{hierarchy_family, scene_tables, two_way_family};
use crate::domain::instrument::{AnswersSoFar, Instrument, InstrumentLibrary};
use crate::domain::SettingType;
use proptest::prelude::*;
use std::collections::BTreeMap;

fn instrument() -> std::sync::Arc<Instrument> {
    InstrumentLibrary::builtin().unwrap().default_instrument()
}

/// The setting types of the random children, by index.
const SETTINGS: [SettingType; 4] = [
    SettingType::OpenResidential,
    SettingType::Closed,
    SettingType::FosterCare,
    SettingType::Justice,
];

/// The questions the random children answer, with the highest value of each scale, and
/// whether it is asked only in closed and justice settings.
const ITEMS: [(&str, i16, bool); 3] = [
    ("safe_home", 5, false),
    ("excluded_by_peer", 4, false),
    ("secluded", 2, true),
];
/// The domains attacked, and whether they exist only where a routed question is asked.
const DOMAINS: [(&str, bool); 2] = [("feeling_safe", false), ("seclusion", true)];

fn asked_in(setting: SettingType) -> bool {
    matches!(setting, SettingType::Closed | SettingType::Justice)
}

#[derive(Debug, Clone)]
struct Child {
    organisation: usize,
    setting: usize,
    age: usize,
    /// Per question in `ITEMS`: skipped, "don't know" (`Some(None)`) or a value.
    answers: Vec<Option<Option<i16>>>,
}

fn answer(highest: i16) -> impl Strategy<Value = Option<Option<i16>>> {
    prop_oneof![
        1 => Just(None),
        2 => Just(Some(None)),
        6 => (1i16..=highest).prop_map(|v| Some(Some(v))),
    ]
}

/// A world of random children: organisations in regions, each with some setting types.
#[derive(Debug, Clone)]
struct World {
    region_of: Vec<usize>,
    settings_of: Vec<Vec<usize>>,
    settings: usize,
    ages: usize,
    children: Vec<Child>,
    k: u64,
}

fn world() -> impl Strategy<Value = World> {
    (5u64..=12, 2usize..=8, 1usize..=3, 2usize..=4, 2usize..=3).prop_flat_map(
        |(k, orgs, regions, settings, ages)| {
            (
                proptest::collection::vec(0..regions, orgs),
                proptest::collection::vec(
                    proptest::collection::btree_set(0..settings, 1..=settings),
                    orgs,
                ),
                proptest::collection::vec(
                    (
                        0..orgs,
                        0..settings,
                        0..ages,
                        (answer(ITEMS[0].1), answer(ITEMS[1].1), answer(ITEMS[2].1)),
                    ),
                    0..160,
                ),
            )
                .prop_map(move |(region_of, settings_of, raw)| {
                    let settings_of: Vec<Vec<usize>> = settings_of
                        .into_iter()
                        .map(|s| s.into_iter().collect())
                        .collect();
                    let children = raw
                        .into_iter()
                        .map(|(organisation, choice, age, (a, b, c))| {
                            let own = &settings_of[organisation];
                            let setting = own[choice % own.len()];
                            // Seclusion is asked only where the questionnaire routes it.
                            let c = if asked_in(SETTINGS[setting]) { c } else { None };
                            Child {
                                organisation,
                                setting,
                                age,
                                answers: vec![a, b, c],
                            }
                        })
                        .collect();
                    World {
                        region_of,
                        settings_of,
                        settings,
                        ages,
                        children,
                        k,
                    }
                })
        },
    )
}

/// The counts the store would hold, summed per cell key.
fn counts_of(children: &[Child], key: impl Fn(&Child) -> String) -> Vec<Count> {
    let i = instrument();
    let mut counts: BTreeMap<(String, String, i16), u64> = BTreeMap::new();
    for child in children {
        let mut answers = AnswersSoFar::new();
        for ((item, _, _), a) in ITEMS.iter().zip(&child.answers) {
            if let Some(a) = a {
                answers.insert(item.to_string(), *a);
            }
        }
        for (measure, value) in increments(&i, &answers) {
            *counts.entry((key(child), measure, value)).or_default() += 1;
        }
    }
    counts
        .into_iter()
        .map(|((group, measure, value), n)| Count {
            group,
            measure,
            value,
            n,
        })
        .collect()
}

type Figure = Box<dyn Fn(&GroupResult) -> Option<u64>>;

/// Every count published about a family's tables: (name, kind, routed, figure per row).
fn figures() -> Vec<(String, Kind, bool, Figure)> {
    let mut out: Vec<(String, Kind, bool, Figure)> = vec![(
        "children".into(),
        Kind::Children,
        false,
        Box::new(|r: &GroupResult| r.n),
    )];
    for (key, highest, routed) in ITEMS {
        out.push((
            format!("{key} n"),
            Kind::Children,
            routed,
            Box::new(move |r: &GroupResult| r.item(key).and_then(|i| i.n)),
        ));
        out.push((
            format!("{key} on the scale"),
            Kind::Children,
            routed,
            Box::new(move |r: &GroupResult| r.item(key).and_then(|i| i.share_safe_n)),
        ));
        out.push((
            format!("{key} don't know"),
            Kind::Part,
            routed,
            Box::new(move |r: &GroupResult| r.item(key).and_then(|i| i.dont_know)),
        ));
        for value in 1..=highest {
            out.push((
                format!("{key} = {value}"),
                Kind::Part,
                routed,
                Box::new(move |r: &GroupResult| {
                    r.item(key)
                        .and_then(|i| i.distribution.iter().find(|(v, _)| *v == value))
                        .map(|(_, n)| *n)
                }),
            ));
        }
    }
    for (domain, routed) in DOMAINS {
        out.push((
            format!("{domain} n"),
            Kind::Children,
            routed,
            Box::new(move |r: &GroupResult| r.domain(domain).and_then(|d| d.n)),
        ));
        out.push((
            format!("{domain} safe"),
            Kind::Part,
            routed,
            Box::new(move |r: &GroupResult| {
                let d = r.domain(domain)?;
                Some((d.share_safe?.value * d.n? as f64).round() as u64)
            }),
        ));
    }
    out
}

/// Attacks every published count of a family's tables. `not_asked` marks the cells where the
/// routed question is not asked (anyone can tell from the questionnaire and the register).
fn attack_family(
    family: &Family,
    tables: &[ResultTable],
    not_asked: &[bool],
    k: u64,
) -> Result<(), TestCaseError> {
    let scene = scene_tables(family);
    for (name, kind, routed, figure) in figures() {
        let rows: Vec<Vec<Option<u64>>> = tables
            .iter()
            .map(|t| t.rows.iter().map(&figure).collect())
            .collect();
        let found: Vec<Recovered> = attack(
            &Scene {
                cells: family.cells.len(),
                tables: &scene,
                zero: if routed { not_asked } else { &[] },
            },
            &Seen {
                total: figure(&tables[0].total),
                rows: &rows,
            },
            k,
            kind,
        );
        prop_assert!(
            found.is_empty(),
            "{name}: recovered {found:?} from {rows:?}"
        );
    }
    for row in tables
        .iter()
        .flat_map(|t| t.rows.iter())
        .filter(|r| r.suppressed())
    {
        prop_assert!(row.share_safe.is_none() && row.share_safe_n.is_none());
        prop_assert!(row
            .items
            .iter()
            .all(|i| i.n.is_none() && i.distribution.is_empty() && i.mean.is_none()));
        prop_assert!(row
            .domains
            .iter()
            .all(|d| d.n.is_none() && d.share_safe.is_none()));
    }
    for item in tables
        .iter()
        .flat_map(|t| t.rows.iter())
        .flat_map(|r| r.items.iter())
    {
        if let Some(n) = item.share_safe_n {
            prop_assert!(n >= k, "a share rests on {n} answers");
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn organisation_and_region_tables_together_reveal_no_small_group(w in world()) {
        let regions = w.region_of.iter().max().map_or(0, |m| m + 1);
        let mut family = hierarchy_family(&w.region_of, regions);
        family.cell_settings = w.settings_of.iter().map(|s| Some(s.iter().map(|&i| SETTINGS[i]).collect())).collect();
        let not_asked: Vec<bool> = w.settings_of.iter().map(|s| !s.iter().any(|&i| asked_in(SETTINGS[i]))).collect();
        let counts = counts_of(&w.children, |c| format!("o{}", c.organisation));
        let tables = compute(&instrument(), &family, &counts, w.k);
        attack_family(&family, &tables, &not_asked, w.k)?;
    }

    #[test]
    fn setting_type_age_band_and_two_way_tables_together_reveal_no_small_group(w in world()) {
        let mut family = two_way_family(w.settings, w.ages);
        family.cell_settings = (0..w.settings * w.ages).map(|i| Some(vec![SETTINGS[i / w.ages]])).collect();
        let not_asked: Vec<bool> = (0..w.settings * w.ages).map(|i| !asked_in(SETTINGS[i / w.ages])).collect();
        let counts = counts_of(&w.children, |c| format!("s{}|a{}", c.setting, c.age));
        let tables = compute(&instrument(), &family, &counts, w.k);
        attack_family(&family, &tables, &not_asked, w.k)?;
    }
}

#[test]
fn the_engine_reports_shares_with_intervals_and_hides_small_groups() {
    let i = instrument();
    let mut counts = Vec::new();
    let mut add = |group: &str, answers: &[(i16, u64)]| {
        let total: u64 = answers.iter().map(|(_, n)| n).sum();
        counts.push(Count {
            group: group.into(),
            measure: RESPONDENTS.into(),
            value: 0,
            n: total,
        });
        for (v, n) in answers {
            counts.push(Count {
                group: group.into(),
                measure: "safe_home".into(),
                value: *v,
                n: *n,
            });
        }
    };
    add("closed", &[(5, 30), (4, 20), (2, 10), (-1, 4)]);
    add("gezinshuis", &[(5, 40), (1, 5)]);
    add("amv", &[(3, 2)]);
    let rows = ["closed", "gezinshuis", "amv", "justice"]
        .iter()
        .map(|g| (g.to_string(), g.to_string()))
        .collect();
    let table = compute_one_way(&i, Dimension::SettingType, rows, &counts, 10);
    assert_eq!(table.total.n, Some(111));
    let closed = &table.rows[0];
    assert_eq!(closed.n, Some(64));
    let share = closed.share_safe.unwrap();
    assert!(
        (share.value - 50.0 / 60.0).abs() < 1e-9,
        "don't know is left out"
    );
    assert!(share.low < share.value && share.value < share.high);
    assert_eq!(closed.share_safe_n, Some(60), "the share's own denominator");
    let item = closed.item("safe_home").unwrap();
    assert_eq!((item.n, item.dont_know), (Some(64), Some(4)));
    assert_eq!(
        item.distribution,
        vec![(1, 0), (2, 10), (3, 0), (4, 20), (5, 30)]
    );
    let mean = item.mean.unwrap();
    assert!((mean.value - (150.0 + 80.0 + 20.0) / 60.0).abs() < 1e-9);
    assert!(
        table.rows[1].suppressed(),
        "gezinshuis hides beside amv and justice (2 together)"
    );
    // amv (2) and justice (0) are hidden alike; neither says how many.
    assert!(table.rows[2].suppressed() && table.rows[3].suppressed());
    assert_eq!(
        table.rows[2],
        GroupResult {
            value: "amv".into(),
            label: "amv".into(),
            ..table.rows[3].clone()
        }
    );
}

#[test]
fn a_question_answered_mostly_with_dont_know_is_hidden_though_its_group_is_large() {
    let i = instrument();
    let counts = vec![
        Count {
            group: "all".into(),
            measure: RESPONDENTS.into(),
            value: 0,
            n: 40,
        },
        Count {
            group: "all".into(),
            measure: "safe_home".into(),
            value: -1,
            n: 34,
        },
        Count {
            group: "all".into(),
            measure: "safe_home".into(),
            value: 5,
            n: 6,
        },
    ];
    let table = compute_one_way(
        &i,
        Dimension::Overall,
        vec![("all".into(), "All children".into())],
        &counts,
        10,
    );
    assert_eq!(table.total.n, Some(40));
    let item = table.total.item("safe_home").unwrap();
    assert_eq!(item.n, None, "a share on 6 answers is not shown");
    assert_eq!(table.total.share_safe, None);
}
