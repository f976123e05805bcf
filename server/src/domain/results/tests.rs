//! Property tests: random tables and random sets of children go through the engine, and an
//! independent attacker tries to recover every suppressed cell from everything published.

use super::attack::{attack, Published};
use super::engine::{compute, Count, Dimension, Group, ResultTable};
use super::measures::{increments, RESPONDENTS};
use super::suppression::suppress;
use crate::domain::instrument::{AnswersSoFar, Instrument, InstrumentLibrary};
use proptest::prelude::*;
use std::collections::BTreeMap;

/// A count that is often small (the hard case) and sometimes large.
fn count(k: u64) -> impl Strategy<Value = u64> {
    prop_oneof![0..k, k..k * 3, 0..400u64]
}

/// One-way tables whose cells fall into parent groups (organisations in regions). Each cell
/// names its parent (or none when `parents` is 0).
fn one_way() -> impl Strategy<Value = (Vec<u64>, Vec<Option<usize>>, u64)> {
    (5u64..=15, 2usize..=12, 0usize..=4).prop_flat_map(|(k, n, parents)| {
        (
            proptest::collection::vec(count(k), n),
            proptest::collection::vec(0..parents.max(1), n),
            Just(k),
            Just(parents),
        )
            .prop_map(|(counts, parent_of, k, parents)| {
                let parent_of = parent_of
                    .into_iter()
                    .map(|p| (parents > 0).then_some(p))
                    .collect();
                (counts, parent_of, k)
            })
    })
}

/// Two-way tables (setting type by age band): each cell has a row parent and a column parent.
fn two_way() -> impl Strategy<Value = (Vec<u64>, Vec<Vec<usize>>, u64, usize)> {
    (5u64..=15, 2usize..=6, 2usize..=5).prop_flat_map(|(k, rows, cols)| {
        (
            proptest::collection::vec(count(k), rows * cols),
            Just(k),
            Just(rows),
            Just(cols),
        )
            .prop_map(|(counts, k, rows, cols)| {
                let mut margins: Vec<Vec<usize>> = Vec::new();
                for r in 0..rows {
                    margins.push((0..cols).map(|c| r * cols + c).collect());
                }
                for c in 0..cols {
                    margins.push((0..rows).map(|r| r * cols + c).collect());
                }
                (counts, margins, k, rows)
            })
    })
}

/// Publishes the parent figures first, as their own tables do (each a one-way table against
/// the total), then the cells against the total and the published parents; then attacks.
fn check_table(
    counts: &[u64],
    parents: &[Vec<usize>],
    margin_groups: &[Vec<usize>],
    k: u64,
) -> Result<(), TestCaseError> {
    let total: u64 = counts.iter().sum();
    let all: Vec<usize> = (0..counts.len()).collect();
    // Each group of parents (all regions; or all rows, and all columns) is one table.
    let mut published_parents: Vec<(Vec<usize>, u64)> = Vec::new();
    for group in margin_groups {
        let values: Vec<u64> = group
            .iter()
            .map(|&p| parents[p].iter().map(|&i| counts[i]).sum())
            .collect();
        let s = suppress(&values, &[(0..values.len()).collect()], k);
        for (j, &p) in group.iter().enumerate() {
            if !s.cells.contains(&j) {
                published_parents.push((parents[p].clone(), values[j]));
            }
        }
    }
    let mut sums = vec![all.clone()];
    sums.extend(published_parents.iter().map(|(m, _)| m.clone()));
    let s = suppress(counts, &sums, k);
    for (i, c) in counts.iter().enumerate() {
        prop_assert!(
            *c >= k || s.cells.contains(&i),
            "cell {i} ({c}) under k is shown"
        );
    }
    for j in &s.withheld_sums {
        prop_assert!(
            *j == 0 && total < k,
            "a published sum was withheld: {:?}",
            sums[*j]
        );
    }
    let cells: Vec<(usize, u64)> = (0..counts.len())
        .filter(|i| !s.cells.contains(i))
        .map(|i| (i, counts[i]))
        .collect();
    let mut published_sums = published_parents.clone();
    if total >= k {
        published_sums.push((all, total));
    }
    let recovered = attack(
        &Published {
            cell_count: counts.len(),
            cells: &cells,
            sums: &published_sums,
        },
        k,
    );
    prop_assert!(
        recovered.is_empty(),
        "recovered {recovered:?} from {counts:?}, parents {published_parents:?}, suppressed {:?}",
        s.cells
    );
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn no_suppressed_cell_of_a_one_way_table_can_be_recovered((counts, parent_of, k) in one_way()) {
        let regions = parent_of.iter().flatten().max().map_or(0, |m| m + 1);
        let parents: Vec<Vec<usize>> = (0..regions)
            .map(|r| (0..counts.len()).filter(|&i| parent_of[i] == Some(r)).collect())
            .filter(|m: &Vec<usize>| !m.is_empty())
            .collect();
        let group: Vec<usize> = (0..parents.len()).collect();
        let groups = if parents.is_empty() { vec![] } else { vec![group] };
        check_table(&counts, &parents, &groups, k)?;
    }

    #[test]
    fn no_suppressed_cell_of_a_two_way_table_can_be_recovered((counts, margins, k, rows) in two_way()) {
        // Margins: the rows come first, then the columns; each set is its own published table.
        let groups = vec![(0..rows).collect(), (rows..margins.len()).collect()];
        check_table(&counts, &margins, &groups, k)?;
    }
}

// ---- The whole engine, from random children to published tables. ----

fn instrument() -> std::sync::Arc<Instrument> {
    InstrumentLibrary::builtin().unwrap().default_instrument()
}

#[derive(Debug, Clone)]
struct Child {
    organisation: usize,
    answer: Option<i16>,
}

/// Organisations in regions; children with a random organisation and headline answer.
fn children() -> impl Strategy<Value = (Vec<usize>, Vec<Child>, u64)> {
    (5u64..=12, 2usize..=8, 1usize..=3).prop_flat_map(|(k, orgs, regions)| {
        (
            proptest::collection::vec(0..regions, orgs),
            proptest::collection::vec(
                (0..orgs, prop_oneof![Just(None), (1i16..=5).prop_map(Some)]).prop_map(
                    |(organisation, answer)| Child {
                        organisation,
                        answer,
                    },
                ),
                0..120,
            ),
            Just(k),
        )
    })
}

fn tables(region_of: &[usize], children: &[Child], k: u64) -> (ResultTable, ResultTable) {
    let i = instrument();
    let mut org_counts: BTreeMap<(String, String, i16), u64> = BTreeMap::new();
    let mut region_counts: BTreeMap<(String, String, i16), u64> = BTreeMap::new();
    for child in children {
        let mut answers = AnswersSoFar::new();
        if let Some(a) = child.answer {
            answers.insert("safe_home".into(), Some(a));
        }
        for (measure, value) in increments(&i, &answers) {
            *org_counts
                .entry((format!("o{}", child.organisation), measure.clone(), value))
                .or_default() += 1;
            *region_counts
                .entry((
                    format!("r{}", region_of[child.organisation]),
                    measure,
                    value,
                ))
                .or_default() += 1;
        }
    }
    let to_counts = |m: BTreeMap<(String, String, i16), u64>| -> Vec<Count> {
        m.into_iter()
            .map(|((group, measure, value), n)| Count {
                group,
                measure,
                value,
                n,
            })
            .collect()
    };
    let org_groups: Vec<Group> = region_of
        .iter()
        .enumerate()
        .map(|(o, r)| Group {
            value: format!("o{o}"),
            label: format!("o{o}"),
            parents: vec![format!("r{r}")],
        })
        .collect();
    let regions = region_of.iter().max().map_or(0, |m| m + 1);
    let region_groups: Vec<Group> = (0..regions)
        .map(|r| Group {
            value: format!("r{r}"),
            label: format!("r{r}"),
            parents: vec![],
        })
        .collect();
    let regions = compute(
        &i,
        Dimension::Region,
        &region_groups,
        &to_counts(region_counts),
        k,
        &[],
    );
    let orgs = compute(
        &i,
        Dimension::Organisation,
        &org_groups,
        &to_counts(org_counts),
        k,
        &[&regions],
    );
    (orgs, regions)
}

/// Published cells (index, value) and published sums (members, value).
type PublishedView = (Vec<(usize, u64)>, Vec<(Vec<usize>, u64)>);

/// What both tables publish about one measure, as the attacker sees it.
fn published_view(
    region_of: &[usize],
    orgs: &ResultTable,
    regions: &ResultTable,
    value: impl Fn(&super::GroupResult) -> Option<u64>,
) -> PublishedView {
    let cells: Vec<(usize, u64)> = orgs
        .rows
        .iter()
        .enumerate()
        .filter_map(|(i, r)| value(r).map(|v| (i, v)))
        .collect();
    let mut sums = Vec::new();
    if let Some(total) = value(&orgs.total) {
        sums.push(((0..orgs.rows.len()).collect(), total));
    }
    for (r, row) in regions.rows.iter().enumerate() {
        if let Some(v) = value(row) {
            let members: Vec<usize> = (0..region_of.len())
                .filter(|&o| region_of[o] == r)
                .collect();
            sums.push((members, v));
        }
    }
    (cells, sums)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(1500))]

    #[test]
    fn organisation_and_region_tables_together_reveal_no_small_group(
        (region_of, children, k) in children()
    ) {
        let (orgs, regions) = tables(&region_of, &children, k);
        // Respondents per organisation, and answers to the headline item per organisation.
        let respondents = |r: &super::GroupResult| r.n;
        let headline = |r: &super::GroupResult| r.items.iter().find(|i| i.key == "safe_home").and_then(|i| i.n);
        for value in [&respondents as &dyn Fn(&super::GroupResult) -> Option<u64>, &headline] {
            let (cells, sums) = published_view(&region_of, &orgs, &regions, value);
            let recovered = attack(&Published { cell_count: orgs.rows.len(), cells: &cells, sums: &sums }, k);
            prop_assert!(recovered.is_empty(), "recovered {recovered:?}");
        }
        // Whatever was hidden shows no number at all, whatever its true value (also 0).
        for row in orgs.rows.iter().filter(|r| r.suppressed()) {
            prop_assert!(row.share_safe.is_none() && row.items.iter().all(|i| i.n.is_none() && i.distribution.is_empty()));
        }
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
    add("closed", &[(5, 30), (4, 20), (2, 10)]);
    add("gezinshuis", &[(5, 40), (1, 5)]);
    add("amv", &[(3, 2)]);
    let groups: Vec<Group> = ["closed", "gezinshuis", "amv", "justice"]
        .iter()
        .map(|g| Group {
            value: g.to_string(),
            label: g.to_string(),
            parents: vec![],
        })
        .collect();
    let table = compute(&i, Dimension::SettingType, &groups, &counts, 10, &[]);
    assert_eq!(table.total.n, Some(107));
    let closed = &table.rows[0];
    assert_eq!(closed.n, Some(60));
    let share = closed.share_safe.unwrap();
    assert!((share.value - 50.0 / 60.0).abs() < 1e-9);
    assert!(share.low < share.value && share.value < share.high);
    assert_eq!(closed.share_safe_n, Some(60));
    // amv (2) and justice (0) are hidden alike; neither says how many.
    assert!(table.rows[2].suppressed() && table.rows[3].suppressed());
    assert_eq!(
        table.rows[2],
        super::GroupResult {
            value: "amv".into(),
            label: "amv".into(),
            ..table.rows[3].clone()
        }
    );
}
