//! Negative controls: the same publications with their protection weakened, so the attacker
//! must find something. Without these, "the attacker finds nothing" would prove nothing.
//! Each of the engine's protections (`Protections`) switched off on its own is found out, and
//! so is a second publication of the wave at a lower k.

use crate::attacker::{
    attack, attack_figures, figures, is_protected, truths, Key, Options, Part, Report,
};
use crate::world::{random_world, reduced, World};
use crate::worlds::REDUCED;
use std::collections::BTreeMap;
use veilig::domain::instrument::Instrument;
use veilig::domain::results::Protections;
use veilig::domain::results::Publication;

const PARTITIONS: [&str; 3] = ["setting_type", "age_band", "gender"];

/// A world whose publication hides enough to have something to weaken.
fn world(seed: u64) -> World {
    random_world(seed, reduced(&REDUCED))
}

/// Attacks the publication `p` of `w` with the hidden figures `revealed` published as their
/// truth (`all`: figure → (published, truth)).
fn attack_revealing(
    p: &Publication,
    w: &World,
    all: &BTreeMap<Key, (Option<u64>, u64)>,
    revealed: &[Key],
) -> Report {
    let mut weakened = figures(p, &w.instrument);
    for key in revealed {
        weakened.insert(key.clone(), Some(all[key].1));
    }
    attack_figures(p, &weakened, &w.instrument, &w.children, Options::default())
}

/// What is published of `all` (figure → (published, truth)).
fn published_of(all: &BTreeMap<Key, (Option<u64>, u64)>) -> BTreeMap<Key, Option<u64>> {
    all.iter().map(|(k, (p, _))| (k.clone(), *p)).collect()
}

/// Hidden protected figures (with children in their row) in a table that partitions the
/// total, whose total is published, with at least one other hidden figure of the same kind
/// in the same table: the complements that keep them hidden.
fn complemented(
    all: &BTreeMap<Key, (Option<u64>, u64)>,
    k: u64,
    instrument: &Instrument,
) -> Vec<(Key, Vec<Key>)> {
    let n_of = |key: &Key| {
        all[&Key {
            part: Part::N,
            ..key.clone()
        }]
            .1
    };
    let published = published_of(all);
    let mut out = Vec::new();
    for (key, (shown, _)) in all {
        if shown.is_some()
            || !is_protected(instrument, key, &published)
            || !PARTITIONS.contains(&key.dimension)
            || k.min(n_of(key)) == 0
        {
            continue;
        }
        let total = Key {
            dimension: "overall",
            row: "total".into(),
            part: key.part,
        };
        if all.get(&total).and_then(|t| t.0).is_none() {
            continue;
        }
        let siblings: Vec<Key> = all
            .iter()
            .filter(|(s, (p, _))| {
                p.is_none()
                    && s.dimension == key.dimension
                    && s.part == key.part
                    && s.row != key.row
            })
            .map(|(s, _)| s.clone())
            .collect();
        if !siblings.is_empty() {
            out.push((key.clone(), siblings));
        }
    }
    out
}

#[test]
fn revealing_the_complements_of_a_hidden_figure_pins_it() {
    let mut tried = 0;
    for seed in 1..40 {
        let w = world(seed);
        let p = w.publish(10);
        let all = truths(&p, &w.instrument, &w.children);
        let Some((target, siblings)) = complemented(&all, p.k, &w.instrument).into_iter().next()
        else {
            continue;
        };
        tried += 1;
        // The engine's output first: nothing found.
        let base = attack(&p, &w.instrument, &w.children, Options::default());
        assert!(base.findings.is_empty(), "seed {seed}: {:?}", base.findings);
        let report = attack_revealing(&p, &w, &all, &siblings);
        println!(
            "seed {seed}: revealing {} complements of {target:?} → {} findings",
            siblings.len(),
            report.findings.len()
        );
        for f in &report.findings {
            println!("  {f}");
        }
        let pinned = report.findings.iter().find(|f| f.max - f.min < 1e-6);
        assert!(
            pinned.is_some(),
            "seed {seed}: with the complements of {target:?} shown, the attacker pins nothing"
        );
        if tried >= 3 {
            return;
        }
    }
    assert!(
        tried > 0,
        "no world had a complemented hidden figure to reveal"
    );
}

#[test]
fn publishing_one_hidden_answer_count_is_found() {
    // Reveal a single hidden per-answer count the rule protects; some hidden figure (the
    // complement that hid it, or another) must then be narrowed.
    for seed in 1..40 {
        let w = world(seed);
        let p = w.publish(10);
        let all = truths(&p, &w.instrument, &w.children);
        let published = published_of(&all);
        let candidates: Vec<Key> = all
            .iter()
            .filter(|(k, (shown, truth))| {
                shown.is_none()
                    && *truth > 0
                    && matches!(k.part, Part::Value(..))
                    && is_protected(&w.instrument, k, &published)
            })
            .map(|(k, _)| k.clone())
            .collect();
        for key in candidates.iter().take(6) {
            let report = attack_revealing(&p, &w, &all, std::slice::from_ref(key));
            if let Some(f) = report.findings.first() {
                println!("seed {seed}: publishing {key:?} = {} → {f}", all[key].1);
                return;
            }
        }
    }
    panic!("publishing a hidden answer count never narrowed another figure");
}

/// Publishes random worlds with one protection of the engine off until the attacker finds
/// something, and shows that world with every protection on reveals nothing. Returns the
/// seed.
fn found_with_off(name: &str, off: Protections, seeds: std::ops::Range<u64>) -> u64 {
    for seed in seeds.clone() {
        let w = world(seed);
        let weak = w.publish_weakened(10, off);
        let report = attack(&weak, &w.instrument, &w.children, Options::default());
        let Some(first) = report.findings.first() else {
            continue;
        };
        println!(
            "{name} off, seed {seed}: {} findings, such as {first}",
            report.findings.len()
        );
        let whole = attack(
            &w.publish(10),
            &w.instrument,
            &w.children,
            Options::default(),
        );
        assert!(
            whole.findings.is_empty(),
            "seed {seed} with every protection: {:?}",
            whole.findings
        );
        return seed;
    }
    panic!("with {name} off the attacker found nothing in worlds {seeds:?}");
}

#[test]
fn an_engine_that_does_not_protect_answer_counts_is_found_out() {
    found_with_off(
        "answer counts",
        Protections {
            answers: false,
            ..Protections::ALL
        },
        1..40,
    );
}

#[test]
fn an_engine_that_protects_each_table_alone_is_found_out() {
    found_with_off(
        "tables together",
        Protections {
            together: false,
            ..Protections::ALL
        },
        1..40,
    );
}

#[test]
fn an_engine_that_forgets_the_response_page_is_found_out() {
    found_with_off(
        "the response page",
        Protections {
            response_page: false,
            ..Protections::ALL
        },
        1..40,
    );
}

#[test]
fn an_engine_not_told_the_routing_is_found_out() {
    let seed = found_with_off(
        "routing",
        Protections {
            routing: false,
            ..Protections::ALL
        },
        1..60,
    );
    // Without the routing the attacker cannot do it: the leak is the routing's.
    let w = world(seed);
    let weak = w.publish_weakened(
        10,
        Protections {
            routing: false,
            ..Protections::ALL
        },
    );
    let blind = attack(
        &weak,
        &w.instrument,
        &w.children,
        Options {
            routing: false,
            ..Options::default()
        },
    );
    assert!(
        blind.findings.is_empty(),
        "seed {seed}: the attacker without the routing finds {:?}",
        blind.findings
    );
}

/// The figures of both publications: each figure where either shows it.
fn together(
    a: &Publication,
    b: &Publication,
    instrument: &Instrument,
) -> BTreeMap<Key, Option<u64>> {
    let mut both = figures(a, instrument);
    for (key, shown) in figures(b, instrument) {
        if shown.is_some() {
            both.insert(key, shown);
        }
    }
    both
}

#[test]
fn an_export_at_another_k_made_on_its_own_is_found_out() {
    // The server serves one publication per wave: an export at a lower k gets the wave's
    // own, a stricter one hides more of it. Made afresh instead, a k = 5 export shows
    // figures the k = 10 tables hide.
    let (w, base, shown_base, told) = (1..40)
        .find_map(|seed| {
            let w = world(seed);
            let base = w.publish(10);
            let shown_base = figures(&base, &w.instrument);
            let lower = figures(&w.publish(5), &w.instrument);
            let told: Vec<Key> = shown_base
                .iter()
                .filter(|(key, shown)| {
                    shown.is_none()
                        && is_protected(&w.instrument, key, &shown_base)
                        && lower.get(*key).copied().flatten().is_some()
                })
                .map(|(key, _)| key.clone())
                .collect();
            (!told.is_empty()).then_some((w, base, shown_base, told))
        })
        .expect("in some world a lower k shows what k = 10 hides");
    println!(
        "a fresh k = 5 export shows {} figures the k = 10 tables hide, such as {:?}",
        told.len(),
        told.first()
    );
    // As the server makes them: the stricter export hides more of the same publication, so
    // together they show exactly what k = 10 shows.
    for stricter_k in [12, 15, 25] {
        let stricter = base.hiding_also(&w.publish(stricter_k));
        assert_eq!(
            together(&base, &stricter, &w.instrument),
            shown_base,
            "k = {stricter_k}"
        );
    }
}
