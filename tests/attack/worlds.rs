//! The engine's publications under attack: a demo-like world and many small random ones.

use crate::attacker::{attack, truths, Options, Report};
use crate::world::{builtin, demo_like, random_world, reduced, World};
use std::time::Instant;

/// Publishes `world` at `k`, checks the attacker reads every published figure as the truth,
/// and attacks it.
pub fn publish_and_attack(world: &World, k: u64) -> (Report, f64, f64) {
    let started = Instant::now();
    let p = world.publish(k);
    let engine = started.elapsed().as_secs_f64();
    for (key, (published, truth)) in truths(&p, &world.instrument, &world.children) {
        if let Some(v) = published {
            assert_eq!(
                v, truth,
                "the attacker reads {key:?} as published, not as the truth"
            );
        }
    }
    let started = Instant::now();
    let report = attack(&p, &world.instrument, &world.children, Options::default());
    (report, engine, started.elapsed().as_secs_f64())
}

fn describe(report: &Report) -> String {
    report
        .findings
        .iter()
        .map(|f| format!("  {f}\n"))
        .collect::<String>()
}

/// Publishes and attacks a world with the demo's plan (its mix of providers and setting
/// types, the whole questionnaire), `organisations` of its 60 in `regions` regions, children
/// placed × `scale`.
fn demo_like_reveals_nothing(organisations: usize, regions: usize, scale: f64) {
    let world = demo_like(2021, organisations, regions, scale, builtin());
    let (report, engine, attacker) = publish_and_attack(&world, 10);
    println!(
        "demo-like: {} children, {} locations; engine {engine:.2} s, attacker {attacker:.2} s \
         ({} hidden figures checked, {} solves, ≤ {} variables per program)",
        world.children.len(),
        world.register.locations.len(),
        report.checked,
        report.solves,
        report.variables
    );
    assert!(report.checked > 0, "nothing hidden to attack");
    assert!(
        report.findings.is_empty(),
        "the attacker found:\n{}",
        describe(&report)
    );
}

#[test]
fn demo_like_world_reveals_nothing() {
    demo_like_reveals_nothing(5, 2, 0.3);
}

/// The same at 12 organisations in 4 regions: more than ten minutes of the attacker's solver
/// on two cores, so run by hand (`--ignored`).
#[test]
#[ignore]
fn larger_demo_like_world_reveals_nothing() {
    demo_like_reveals_nothing(12, 4, 0.3);
}

/// The questions of the property test: the headline, a mark, two routed families of
/// experiences and the seclusion family (asked in two setting types, routed within).
pub const REDUCED: [&str; 10] = [
    "safe_home",
    "safe_with_staff",
    "safe_mark",
    "threatened_by_staff",
    "told_threatened_by_staff",
    "hit_by_peer",
    "told_hit_by_peer",
    "secluded",
    "secluded_safe",
    "secluded_explained",
];

fn cases() -> (u64, u64) {
    let n = std::env::var("VEILIG_ATTACK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(200);
    let seed = std::env::var("VEILIG_ATTACK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    (seed, n)
}

#[test]
fn random_small_worlds_reveal_nothing() {
    let instrument = reduced(&REDUCED);
    let (first, n) = cases();
    let started = Instant::now();
    let (mut engine, mut attacker, mut checked, mut solves) = (0.0, 0.0, 0, 0);
    let mut failures = Vec::new();
    for seed in first..first + n {
        let world = random_world(seed, instrument.clone());
        let k = if seed % 2 == 0 { 5 } else { 10 };
        let (report, e, a) = publish_and_attack(&world, k);
        engine += e;
        attacker += a;
        checked += report.checked;
        solves += report.solves;
        if !report.findings.is_empty() {
            failures.push(format!(
                "seed {seed} (k = {k}, {} children):\n{}",
                world.children.len(),
                describe(&report)
            ));
        }
    }
    println!(
        "{n} random worlds in {:.1} s: engine {:.3} s and attacker {:.3} s per world; \
         {checked} hidden figures checked, {solves} solves",
        started.elapsed().as_secs_f64(),
        engine / n as f64,
        attacker / n as f64
    );
    assert!(
        failures.is_empty(),
        "{} of {n} worlds leak:\n{}",
        failures.len(),
        failures.join("")
    );
}
