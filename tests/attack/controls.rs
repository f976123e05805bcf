//! Negative controls: the same publications with their protection weakened, so the attacker
//! must find something. Without these, "the attacker finds nothing" would prove nothing.

use crate::attacker::{
    attack, attack_figures, figures, is_protected, truths, Key, Options, Part, Report,
};
use crate::world::{random_world, reduced, without_routing, World};
use crate::worlds::REDUCED;
use std::collections::BTreeMap;
use veilig::domain::instrument::Instrument;
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

#[test]
#[ignore = "finds nothing yet in 59 random worlds (156 s): the routing-blind engine may hide \
            follow-ups anyway; needs a hand-built world"]
fn an_engine_not_told_the_routing_leaks_through_it() {
    // The engine protects as if no question were routed; the attacker knows the routing.
    let mut found = None;
    for seed in 1..60 {
        let w = world(seed);
        let p = w.publish_with(&without_routing(&w.instrument), 10);
        let report = attack(&p, &w.instrument, &w.children, Options::default());
        if let Some(f) = report.findings.first() {
            // Without the routing the attacker cannot do it: the leak is the routing's.
            let blind = attack(&p, &w.instrument, &w.children, Options { routing: false });
            println!(
                "seed {seed}: {f} ({} findings; {} without routing)",
                report.findings.len(),
                blind.findings.len()
            );
            found = Some(report.findings.len());
            break;
        }
    }
    assert!(
        found.is_some(),
        "the attacker never used the routing against a routing-blind engine"
    );
}
