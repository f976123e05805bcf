//! The engine's publications under attack: a demo-like world and many small random ones.

use crate::attacker::{attack, truths, Options, Report};
use crate::world::{builtin, demo_like, random_world, random_world_of, reduced, Rng, World};
use std::time::Instant;

/// Publishes `world` at `k`, checks the attacker reads every published figure as the truth,
/// and attacks it.
pub fn publish_and_attack(world: &World, k: u64, options: Options) -> (Report, f64, f64) {
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
    let report = attack(&p, &world.instrument, &world.children, options);
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
    // One world: its families on every core.
    let options = Options {
        threads: std::thread::available_parallelism().map_or(2, |n| n.get()),
        verbose: std::env::var_os("VEILIG_ATTACK_VERBOSE").is_some(),
        ..Options::default()
    };
    let (report, engine, attacker) = publish_and_attack(&world, 10, options);
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

/// A world the size of the demo (60 organisations in 10 regions, children placed as in the
/// demo): run by hand (`--ignored`, `VEILIG_ATTACK_VERBOSE=1` prints each family).
#[test]
#[ignore]
fn demo_sized_world_reveals_nothing() {
    demo_like_reveals_nothing(60, 10, 1.0);
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

/// A random questionnaire for one world: the questions of [`REDUCED`], the headline question
/// always, each other question that follows none with chance 0.6, each follow-up of a kept
/// question with chance 0.7: so routing, domains of one or several questions and setting-type
/// rules vary from world to world.
pub fn random_questions(seed: u64) -> Vec<&'static str> {
    let instrument = builtin();
    let parent = |key: &str| -> Option<String> {
        let item = instrument.def().items.iter().find(|i| i.key == key)?;
        item.show_if.as_ref()?.item.clone()
    };
    let headline = instrument.def().headline.clone();
    let mut rng = Rng::new(seed ^ 0x5155_4553_5449_4F4E);
    let roots: Vec<&str> = REDUCED
        .iter()
        .copied()
        .filter(|&q| parent(q).is_none() && (headline.as_deref() == Some(q) || rng.chance(0.6)))
        .collect();
    REDUCED
        .iter()
        .copied()
        .filter(|&q| match parent(q) {
            None => roots.contains(&q),
            Some(p) => roots.contains(&p.as_str()) && rng.chance(0.7),
        })
        .collect()
}

fn cases() -> (u64, u64) {
    let n = std::env::var("VEILIG_ATTACK_CASES")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1000);
    let seed = std::env::var("VEILIG_ATTACK_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    (seed, n)
}

/// The world of the property test for `seed`: a random questionnaire, 2 to 4 organisations.
fn property_world(seed: u64) -> World {
    random_world_of(seed, reduced(&random_questions(seed)), 4)
}

/// Publishes and attacks the worlds `make(seed)` of `seeds` at `k(seed)`, on every core;
/// returns the worlds that leak and (engine, attacker) seconds, figures checked and solves in
/// total.
fn attack_random_worlds(
    seeds: std::ops::Range<u64>,
    k: impl Fn(u64) -> u64 + Sync,
    make: impl Fn(u64) -> World + Sync,
) -> (Vec<String>, f64, f64, usize, usize) {
    let next = std::sync::atomic::AtomicU64::new(seeds.start);
    let threads = std::thread::available_parallelism().map_or(2, |n| n.get());
    let results = std::sync::Mutex::new((Vec::new(), 0.0, 0.0, 0, 0));
    std::thread::scope(|scope| {
        for _ in 0..threads {
            scope.spawn(|| loop {
                let seed = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                if seed >= seeds.end {
                    return;
                }
                let world = make(seed);
                let k = k(seed);
                let (report, e, a) = publish_and_attack(&world, k, Options::default());
                let mut r = results.lock().unwrap();
                r.1 += e;
                r.2 += a;
                r.3 += report.checked;
                r.4 += report.solves;
                if !report.findings.is_empty() {
                    r.0.push(format!(
                        "seed {seed} (k = {k}, {} children):\n{}",
                        world.children.len(),
                        describe(&report)
                    ));
                }
            });
        }
    });
    results.into_inner().unwrap()
}

#[test]
fn random_small_worlds_reveal_nothing() {
    let (first, n) = cases();
    let started = Instant::now();
    // One k for every world when asked, else the server's default and a stricter one.
    let only: Option<u64> = std::env::var("VEILIG_ATTACK_K")
        .ok()
        .and_then(|k| k.parse().ok());
    let (failures, engine, attacker, checked, solves) = attack_random_worlds(
        first..first + n,
        |seed| only.unwrap_or(if seed % 2 == 0 { 15 } else { 10 }),
        property_world,
    );
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

/// Open (issue 16): below k = 10 the attacker narrows domain figures in some small worlds
/// (in 200 property worlds each: 3 at k = 5, 3 at k = 7, 1 at k = 8, none at k = 9; none in
/// 1,000 at k 10 and 15). In property world 106 at k = 8 an organisation's children feeling
/// safe in `experiences` are pinned exactly. The attacker ties each child's answers and domain
/// score within one organisation × setting × age × gender cell; the engine's layers (places,
/// setting × age, gender) tie them only per layer, and not to the questions at all. So a
/// server refuses k below 10 (`SERVED_MIN_K`) until this passes.
#[test]
#[ignore = "open: domain figures below k = 10"]
fn random_small_worlds_below_k_10_reveal_nothing() {
    // The worlds of the earlier property test (the whole reduced questionnaire, up to six
    // organisations) at k = 5, and the property test's own at k = 7 and 8.
    let earlier = |seed| random_world(seed, reduced(&REDUCED));
    type Make = fn(u64) -> World;
    let runs: [(u64, u64, Make); 4] = [
        (104, 5, earlier),
        (138, 5, earlier),
        (105, 7, property_world),
        (106, 8, property_world),
    ];
    let mut failures = Vec::new();
    for (seed, k, make) in runs {
        failures.extend(attack_random_worlds(seed..seed + 1, |_| k, make).0);
    }
    assert!(failures.is_empty(), "{}", failures.join(""));
}
