use super::*;
use chrono::NaiveDate;
use std::collections::HashMap;

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn q(year: i32, n: u8) -> Quarter {
    Quarter::new(year, n).unwrap()
}

/// A valid form: 2021 Q2, closed, 8 children, 2 physical incidents by a peer of which 1 reported.
fn form() -> HashMap<String, String> {
    let mut f: HashMap<String, String> = HashMap::new();
    f.insert("quarter".into(), "2021-Q2".into());
    f.insert("setting_type".into(), "closed".into());
    f.insert("children_placed".into(), "8".into());
    for k in Kind::ALL {
        for p in Perpetrator::ALL {
            f.insert(field_name(k, p, false), "0".into());
            f.insert(field_name(k, p, true), "0".into());
        }
    }
    f.insert("physical_peer_recorded".into(), "2".into());
    f.insert("physical_peer_reported".into(), "1".into());
    f
}

fn parse(f: &HashMap<String, String>) -> Result<QuarterReport, Vec<String>> {
    QuarterReport::parse(
        |name| f.get(name).map(String::as_str),
        &[q(2021, 1), q(2021, 2)],
        &[SettingType::Closed, SettingType::OpenResidential],
    )
}

#[test]
fn a_complete_form_becomes_a_quarter_report() {
    let report = parse(&form()).unwrap();
    assert_eq!(report.quarter, q(2021, 2));
    assert_eq!(report.setting_type, SettingType::Closed);
    assert_eq!(report.children_placed, 8);
    assert_eq!(
        report.cell(Kind::Physical, Perpetrator::Peer),
        Tally {
            recorded: 2,
            reported: 1
        }
    );
    assert_eq!((report.recorded(), report.reported()), (2, 1));
}

#[test]
fn every_broken_rule_is_named_with_its_field() {
    let cases = [
        ("physical_peer_recorded", "-1", "negative"),
        ("sexual_staff_reported", "x", "not a whole number"),
        ("psychological_other_recorded", "", "type 0"),
        (
            "physical_peer_reported",
            "3",
            "more reported (3) than recorded (2)",
        ),
        ("children_placed", "0", "at least 1"),
        ("children_placed", "-4", "negative"),
        ("children_placed", "100001", "at most"),
        ("physical_staff_recorded", "100001", "at most"),
        ("quarter", "2021-Q3", "cannot be registered"),
        ("quarter", "2021-Q9", "quarters 1 to 4"),
        (
            "setting_type",
            "foster_care",
            "no locations of the type foster_care",
        ),
        ("setting_type", "prison", "unknown setting type"),
    ];
    for (field, value, expected) in cases {
        let mut f = form();
        f.insert(field.into(), value.into());
        let problems = parse(&f).expect_err(field);
        assert!(
            problems.iter().any(|p| p.contains(expected)),
            "{field}={value:?}: {problems:?}"
        );
    }
    let mut f = form();
    f.insert("physical_peer_recorded".into(), "-1".into());
    f.insert("children_placed".into(), "none".into());
    assert_eq!(parse(&f).unwrap_err().len(), 2, "all problems at once");
}

#[test]
fn a_correction_names_each_old_and_new_value() {
    let old = parse(&form()).unwrap();
    assert!(old.changes_from(None).starts_with("new: children placed 8"));
    let mut f = form();
    f.insert("children_placed".into(), "9".into());
    f.insert("physical_peer_recorded".into(), "3".into());
    let new = parse(&f).unwrap();
    assert_eq!(
        new.changes_from(Some(&old)),
        "correction: children placed 8 → 9; physical by a peer recorded 2 → 3"
    );
    assert_eq!(old.changes_from(Some(&old)), "correction: nothing changed");
}

#[test]
fn only_begun_quarters_in_a_waves_period_can_be_registered() {
    let periods = [
        (day("2021-03-01"), day("2021-06-30")),
        (day("2023-10-02"), day("2024-05-01")),
    ];
    assert_eq!(
        registrable_quarters(&periods, day("2024-01-15")),
        vec![q(2021, 1), q(2021, 2), q(2023, 4), q(2024, 1)]
    );
    assert!(registrable_quarters(&[], day("2024-01-15")).is_empty());
}

#[test]
fn totals_give_rates_per_100_children_placed_per_quarter() {
    let mut a = QuarterReport::empty(SettingType::Closed, q(2021, 1), 10);
    a.set(
        Kind::Physical,
        Perpetrator::Peer,
        Tally {
            recorded: 3,
            reported: 1,
        },
    )
    .unwrap();
    let mut b = QuarterReport::empty(SettingType::Closed, q(2021, 2), 30);
    b.set(
        Kind::Sexual,
        Perpetrator::Staff,
        Tally {
            recorded: 1,
            reported: 1,
        },
    )
    .unwrap();
    assert!(b
        .set(
            Kind::Sexual,
            Perpetrator::Staff,
            Tally {
                recorded: 1,
                reported: 2
            }
        )
        .is_err());
    let mut totals = IncidentTotals::default();
    assert!(totals.rates().is_none());
    totals.add(1, &a);
    totals.add(2, &b);
    assert_eq!(totals.child_quarters, 40);
    assert_eq!(totals.children_placed(), 20, "on average over two quarters");
    let rates = totals.rates().unwrap();
    assert!((rates.recorded - 10.0).abs() < 1e-9);
    assert!((rates.reported - 5.0).abs() < 1e-9);
    assert!((rates.by_kind[0] - 7.5).abs() < 1e-9);
    assert!((rates.by_perpetrator[1] - 2.5).abs() < 1e-9);
    let mut merged = IncidentTotals::default();
    merged.merge(&totals);
    assert_eq!(merged, totals);
}
