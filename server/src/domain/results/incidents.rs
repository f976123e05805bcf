//! Disclosure control for incident figures, which are shown beside felt safety. The same rules
//! as every other published number, through the same suppression:
//!
//! 1. A group's incident figures are shown only where the felt-safety figure beside it is shown
//!    (that figure passed k and complementary suppression in the engine), and only when the
//!    children placed behind them (on average per quarter) reach k.
//! 2. Complementary: the groups are cells of one table whose total is published, so hidden
//!    groups are none or at least two that together reach k children placed (the engine's own
//!    `protect`, on the number of children placed). Groups without any registration are known
//!    to add nothing and need no protection.
//! 3. An institution sees a benchmark (the country, a setting type) only when at least
//!    `MIN_OTHER_ORGANISATIONS` other organisations registered in it, so subtracting its own
//!    registrations never gives one other organisation's figures.

use super::publication::effective_k;
use crate::domain::disclosure::{protect, Model};
use crate::domain::incidents::IncidentTotals;

pub const MIN_OTHER_ORGANISATIONS: usize = 2;

/// Which groups' incident figures may be shown, and whether their total may. `groups` pairs each
/// group's totals with whether the felt-safety figure beside it is shown; `total_felt_shown`
/// says the same of the total row. The groups with registrations are the cells of a one-way
/// table protected by the engine's own `protect`, on the number of children placed.
pub fn disclose(
    groups: &[(&IncidentTotals, bool)],
    total_felt_shown: bool,
    k: u64,
) -> (Vec<bool>, bool) {
    let cells: Vec<usize> = (0..groups.len())
        .filter(|&i| !groups[i].0.is_empty())
        .collect();
    let counts: Vec<u64> = cells
        .iter()
        .map(|&i| groups[i].0.children_placed())
        .collect();
    let mut shown = vec![false; groups.len()];
    if cells.is_empty() {
        return (shown, false);
    }
    if !total_felt_shown {
        // No total is published beside them: each group stands on its own.
        for (c, &i) in cells.iter().enumerate() {
            shown[i] = groups[i].1 && counts[c] >= effective_k(k);
        }
        return (shown, false);
    }
    let k = effective_k(k);
    let mut model = Model::default();
    let parts: Vec<usize> = counts
        .iter()
        .map(|&n| {
            let c = model.cell(n);
            model.figure(vec![c], k, 0)
        })
        .collect();
    let all = (0..counts.len() as u32).collect();
    let total = model.figure(all, k, 9);
    model.partition(total, parts.clone());
    let mut forced = vec![false; model.figures.len()];
    for (c, &i) in cells.iter().enumerate() {
        forced[parts[c]] = !groups[i].1;
    }
    let hidden = protect(&model, k, &forced);
    for (c, &i) in cells.iter().enumerate() {
        shown[i] = !hidden[parts[c]];
    }
    (shown, !hidden[total])
}

/// Whether an institution may see a benchmark's incident figures (rule 3).
pub fn benchmark_allowed(benchmark: &IncidentTotals, own_organisation: i32) -> bool {
    benchmark
        .organisations
        .iter()
        .filter(|&&o| o != own_organisation)
        .count()
        >= MIN_OTHER_ORGANISATIONS
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::incidents::{Kind, Perpetrator, Quarter, QuarterReport, Tally};
    use crate::domain::SettingType;

    fn group(organisations: &[(i32, u32)]) -> IncidentTotals {
        let mut t = IncidentTotals::default();
        for &(org, placed) in organisations {
            let mut r =
                QuarterReport::empty(SettingType::Closed, Quarter::new(2021, 2).unwrap(), placed);
            r.set(
                Kind::Physical,
                Perpetrator::Peer,
                Tally {
                    recorded: 2,
                    reported: 1,
                },
            )
            .unwrap();
            t.add(org, &r);
        }
        t
    }

    #[test]
    fn incidents_are_hidden_where_felt_safety_is_and_one_more_group_protects_them() {
        let (a, b, c, d) = (
            group(&[(1, 40)]),
            group(&[(2, 30)]),
            group(&[(3, 50)]),
            group(&[(4, 60)]),
        );
        let (shown, total) = disclose(&[(&a, true), (&b, false), (&c, true), (&d, true)], true, 10);
        assert_eq!(
            shown,
            vec![false, false, true, true],
            "b hidden, a its complement"
        );
        assert!(total);
    }

    #[test]
    fn a_group_with_fewer_than_k_children_placed_is_hidden_with_a_complement() {
        let (a, b, c) = (group(&[(1, 4)]), group(&[(2, 30)]), group(&[(3, 50)]));
        let (shown, total) = disclose(&[(&a, true), (&b, true), (&c, true)], true, 10);
        assert_eq!(shown, vec![false, false, true]);
        assert!(total);
    }

    #[test]
    fn groups_without_registrations_need_no_complement() {
        let (empty, b, c) = (
            IncidentTotals::default(),
            group(&[(2, 30)]),
            group(&[(3, 50)]),
        );
        let (shown, total) = disclose(&[(&empty, true), (&b, true), (&c, true)], true, 10);
        assert_eq!(shown, vec![false, true, true]);
        assert!(total);
    }

    #[test]
    fn the_total_is_withheld_when_its_felt_safety_is_or_when_it_cannot_be_protected() {
        let (a, b) = (group(&[(1, 3)]), group(&[(2, 4)]));
        assert_eq!(
            disclose(&[(&a, true), (&b, true)], true, 10),
            (vec![false, false], false)
        );
        let c = group(&[(3, 50)]);
        assert_eq!(disclose(&[(&c, true)], false, 10), (vec![true], false));
        assert_eq!(disclose(&[], true, 10), (vec![], false));
    }

    #[test]
    fn a_benchmark_needs_two_other_organisations() {
        let two = group(&[(1, 20), (2, 20)]);
        assert!(!benchmark_allowed(&two, 1), "only one other");
        assert!(benchmark_allowed(&two, 7));
        let three = group(&[(1, 20), (2, 20), (3, 20)]);
        assert!(benchmark_allowed(&three, 1));
    }
}
