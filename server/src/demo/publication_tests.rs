//! The publication on worlds like the demo's: what is hidden and what is shown, and how long
//! the engine takes (the timing test is ignored by default: `cargo test -p veilig --release
//! -- --ignored publication_of_a_demo_sized_wave`).

use crate::demo::children::{child, DemoWave};
use crate::demo::population::build;
use crate::domain::demographics::Demographics;
use crate::domain::instrument::{AnswersSoFar, InstrumentLibrary};
use crate::domain::results::measures::increments;
use crate::domain::results::population::{Tally, TallyGroup};
use crate::domain::results::publication::{compute, PublicationInput};
use crate::domain::results::register::{LocationEntry, OrganisationEntry, RegionEntry, Register};
use crate::domain::results::{Dimension, JointCount, Publication};
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};

/// A register like the demo's, `scale` times the children, and children who answered at a
/// response rate of 45–85% per location.
fn world(seed: u64, scale: f64) -> (Register, Vec<JointCount>) {
    let mut rng = StdRng::seed_from_u64(seed);
    let organisations = build(&mut rng, scale);
    let instrument = InstrumentLibrary::builtin().unwrap().default_instrument();
    let mut register = Register::default();
    for (r, name) in crate::demo::population::REGIONS.iter().enumerate() {
        register.regions.push(RegionEntry {
            id: r as i32 + 1,
            name: name.to_string(),
        });
    }
    let mut tally = Tally::default();
    let mut location = 0;
    for (o, org) in organisations.iter().enumerate() {
        let (id, region) = (o as i32 + 1, org.region as i32 + 1);
        register.organisations.push(OrganisationEntry {
            id,
            name: org.name.clone(),
            region,
        });
        for loc in &org.locations {
            location += 1;
            register.locations.push(LocationEntry {
                id: location,
                organisation: id,
                name: loc.name.clone(),
                setting_type: loc.setting,
                children_placed: loc.children_placed,
            });
            let answered =
                (f64::from(loc.children_placed) * rng.random_range(0.45..0.85)).round() as usize;
            for _ in 0..answered {
                let c = child(&mut rng, &instrument, loc.setting, DemoWave::First, 0.0);
                let answers: AnswersSoFar = c.answers.iter().cloned().collect();
                let Demographics {
                    age_band, gender, ..
                } = c.demographics;
                let group = TallyGroup {
                    organisation_id: id,
                    region_id: region,
                    setting_type: loc.setting.as_str(),
                    age_band: age_band.map(|a| a.as_str()).unwrap_or(""),
                    gender: gender.map(|g| g.as_str()).unwrap_or(""),
                };
                for (measure, value) in increments(&instrument, &answers) {
                    tally.add(&group, measure, value);
                }
            }
        }
    }
    let counts = tally.into_counts();
    (register, counts)
}

fn publish(register: Register, counts: Vec<JointCount>, k: u64) -> Publication {
    let instrument = InstrumentLibrary::builtin().unwrap().default_instrument();
    compute(&PublicationInput {
        wave: "test".into(),
        k,
        made_on: "2026-12-06".into(),
        instrument: &instrument,
        register,
        counts,
    })
}

#[test]
fn an_organisation_of_three_children_shows_nothing_and_large_ones_show_their_share() {
    let (mut register, mut counts) = world(7, 0.2);
    // One more organisation with three children, all answering the same.
    register.organisations.push(OrganisationEntry {
        id: 999,
        name: "Klein".into(),
        region: 1,
    });
    register.locations.push(LocationEntry {
        id: 9999,
        organisation: 999,
        name: "Huis".into(),
        setting_type: crate::domain::SettingType::Gezinshuis,
        children_placed: 3,
    });
    for (measure, value) in [("_respondents", 0), ("safe_home", 1)] {
        counts.push(JointCount {
            organisation_id: 999,
            region_id: 1,
            setting_type: "gezinshuis".into(),
            age_band: "12-14".into(),
            gender: "girl".into(),
            measure: measure.into(),
            value,
            n: 3,
        });
    }
    let p = publish(register, counts, 10);
    let orgs = p.table(Dimension::Organisation).unwrap();
    let small = orgs.rows.iter().find(|r| r.value == "999").unwrap();
    assert_eq!(small.n, None);
    assert!(small.items.iter().all(|i| i.share_safe_n.is_none()
        && i.safe.is_none()
        && i.distribution.iter().all(|(_, n)| n.is_none())));
    let total = &p.table(Dimension::Overall).unwrap().total;
    assert!(total.share_safe.is_some(), "the national headline is shown");
    // An organisation's headline is shown only where its safe and its other answers both
    // reach k (each is a count of children); several large ones do.
    let headline: Vec<_> = orgs
        .rows
        .iter()
        .filter_map(|r| {
            let item = r.items.iter().find(|i| i.key == "safe_home")?;
            r.share_safe.and(item.safe.zip(item.share_safe_n))
        })
        .collect();
    assert!(headline.len() >= 2, "organisations see their headline");
    for (safe, base) in headline {
        assert!(safe >= 10 && base - safe >= 10, "{safe} of {base} shown");
    }
}

#[test]
fn publication_of_a_small_wave_is_deterministic() {
    let (register, counts) = world(3, 0.1);
    let a = publish(register.clone(), counts.clone(), 10);
    let b = publish(register, counts, 10);
    assert_eq!(a, b);
}

#[test]
#[ignore]
fn publication_of_a_demo_sized_wave() {
    let (register, counts) = world(2021, 1.0);
    let started = std::time::Instant::now();
    let p = publish(register, counts, 10);
    let total = &p.table(Dimension::Overall).unwrap().total;
    println!(
        "published {} children in {:.1} s; headline {:?}",
        total.n.unwrap_or(0),
        started.elapsed().as_secs_f64(),
        total.share_safe
    );
    let hidden: Vec<&str> = total
        .items
        .iter()
        .filter(|i| i.share_safe.is_none())
        .map(|i| i.key.as_str())
        .collect();
    println!("national shares hidden: {hidden:?}");
    assert!(total.share_safe.is_some(), "the national headline is shown");
}
