//! Hand-built worlds in the shapes of earlier leaks; the engine's output must show the
//! attacker nothing.

use crate::attacker::{attack, Options};
use crate::world::{answers, reduced, Rng, World};
use crate::worlds::REDUCED;
use veilig::domain::instrument::AnswersSoFar;
use veilig::domain::SettingType::{self, *};

/// Random answers with some fixed, and the routing walked again so they stay consistent.
fn kid(
    rng: &mut Rng,
    w: &World,
    setting: SettingType,
    fixed: &[(&str, Option<i16>)],
) -> AnswersSoFar {
    let mut a = answers(rng, &w.instrument, setting, 0.8);
    for (k, v) in fixed {
        a.insert(k.to_string(), *v);
    }
    let mut out = AnswersSoFar::new();
    for item in &w.instrument.def().items {
        if w.instrument.is_shown(item, setting, &out) {
            if let Some(v) = a.get(&item.key) {
                out.insert(item.key.clone(), *v);
            }
        }
    }
    out
}

/// `n` children of one organisation, setting type, age band and gender, with `fixed` answers.
#[allow(clippy::too_many_arguments)]
fn add(
    w: &mut World,
    rng: &mut Rng,
    org: i32,
    setting: SettingType,
    age: &str,
    gender: &str,
    n: usize,
    fixed: &[(&str, Option<i16>)],
) {
    for _ in 0..n {
        let a = kid(rng, w, setting, fixed);
        w.children.push(crate::world::Child {
            organisation: org,
            setting,
            age: age.into(),
            gender: gender.into(),
            answers: a,
        });
    }
}

fn assert_nothing_found(w: &World, k: u64) {
    let p = w.publish(k);
    let report = attack(&p, &w.instrument, &w.children, Options::default());
    println!(
        "{} hidden figures checked, {} solves",
        report.checked, report.solves
    );
    let found: Vec<String> = report.findings.iter().map(|f| format!("  {f}\n")).collect();
    assert!(found.is_empty(), "the attacker found:\n{}", found.concat());
}

#[test]
fn answer_counts_with_margins_across_age_bands_and_setting_types() {
    // Per-answer counts are published for setting types, age bands and overall: a table of
    // answers × age band × setting type with its margins. One small corner (gezinshuis,
    // 8–11) answers "very unsafe".
    let mut w = World::new(reduced(&REDUCED));
    let mut rng = Rng::new(11);
    w.region(1);
    w.organisation(1, 1);
    w.organisation(2, 1);
    w.location(1, OpenResidential, 40);
    w.location(2, Gezinshuis, 20);
    for age in ["12-14", "15-17"] {
        add(&mut w, &mut rng, 1, OpenResidential, age, "girl", 8, &[]);
        add(&mut w, &mut rng, 1, OpenResidential, age, "boy", 8, &[]);
        add(&mut w, &mut rng, 2, Gezinshuis, age, "boy", 6, &[]);
    }
    add(
        &mut w,
        &mut rng,
        1,
        OpenResidential,
        "8-11",
        "girl",
        9,
        &[("safe_home", Some(5))],
    );
    add(
        &mut w,
        &mut rng,
        2,
        Gezinshuis,
        "8-11",
        "girl",
        2,
        &[("safe_home", Some(1))],
    );
    assert_nothing_found(&w, 10);
}

#[test]
fn a_follow_up_is_not_pinned_by_its_parents_answers() {
    // In the gender "other" row two children were threatened by staff; the follow-up
    // ("did you tell?") is asked of them only.
    let mut w = World::new(reduced(&REDUCED));
    let mut rng = Rng::new(12);
    w.region(1);
    w.organisation(1, 1);
    w.location(1, OpenResidential, 60);
    w.location(1, FosterCare, 30);
    add(
        &mut w,
        &mut rng,
        1,
        OpenResidential,
        "12-14",
        "girl",
        15,
        &[("threatened_by_staff", Some(1))],
    );
    add(
        &mut w,
        &mut rng,
        1,
        FosterCare,
        "15-17",
        "boy",
        15,
        &[("threatened_by_staff", Some(1))],
    );
    add(
        &mut w,
        &mut rng,
        1,
        OpenResidential,
        "15-17",
        "other",
        10,
        &[("threatened_by_staff", Some(1))],
    );
    add(
        &mut w,
        &mut rng,
        1,
        OpenResidential,
        "15-17",
        "other",
        2,
        &[
            ("threatened_by_staff", Some(3)),
            ("told_threatened_by_staff", Some(2)),
        ],
    );
    add(
        &mut w,
        &mut rng,
        1,
        FosterCare,
        "12-14",
        "girl",
        6,
        &[
            ("threatened_by_staff", Some(2)),
            ("told_threatened_by_staff", Some(1)),
        ],
    );
    assert_nothing_found(&w, 10);
}

#[test]
fn an_organisation_of_one_setting_type_is_not_the_difference_of_others() {
    // Organisation 1 has only gezinshuis locations (4 children); organisation 2 has
    // gezinshuis and open residential; open residential is organisation 2's alone. So
    // organisation 1 = gezinshuis − (organisation 2 − open residential).
    let mut w = World::new(reduced(&REDUCED));
    let mut rng = Rng::new(13);
    w.region(1);
    w.region(2);
    w.organisation(1, 1);
    w.organisation(2, 1);
    w.organisation(3, 2);
    w.location(1, Gezinshuis, 5);
    w.location(2, Gezinshuis, 20);
    w.location(2, OpenResidential, 30);
    w.location(3, FosterCare, 40);
    add(
        &mut w,
        &mut rng,
        1,
        Gezinshuis,
        "12-14",
        "girl",
        4,
        &[("safe_home", Some(1))],
    );
    add(&mut w, &mut rng, 2, Gezinshuis, "12-14", "boy", 15, &[]);
    add(
        &mut w,
        &mut rng,
        2,
        OpenResidential,
        "15-17",
        "girl",
        20,
        &[],
    );
    add(&mut w, &mut rng, 3, FosterCare, "8-11", "boy", 25, &[]);
    assert_nothing_found(&w, 10);
}
