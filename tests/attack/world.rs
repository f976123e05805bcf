//! Worlds to publish: a register and the children who answered, made here from a seed (the
//! demo's own generators are `pub(crate)` in the server, so these follow the same plan apart).

use std::sync::Arc;
use veilig::domain::instrument::{AnswersSoFar, Instrument, InstrumentLibrary};
use veilig::domain::results::measures::increments;
use veilig::domain::results::population::{Tally, TallyGroup};
use veilig::domain::results::register::{LocationEntry, OrganisationEntry, RegionEntry};
use veilig::domain::results::{
    compute, compute_with, JointCount, Protections, Publication, PublicationInput, Register,
};
use veilig::domain::SettingType;

/// A small deterministic generator (splitmix64), so a failing seed can be replayed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }
    pub fn unit(&mut self) -> f64 {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64
    }
    /// In `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next() % (hi - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.next() as usize % xs.len()]
    }
}

pub const AGES: [&str; 5] = ["8-11", "12-14", "15-17", "18-23", ""];
pub const GENDERS: [&str; 4] = ["girl", "boy", "other", ""];

#[derive(Debug, Clone)]
pub struct Child {
    pub organisation: i32,
    pub setting: SettingType,
    pub age: String,
    pub gender: String,
    pub answers: AnswersSoFar,
}

#[derive(Clone)]
pub struct World {
    pub instrument: Arc<Instrument>,
    pub register: Register,
    pub children: Vec<Child>,
}

pub fn builtin() -> Arc<Instrument> {
    InstrumentLibrary::builtin().unwrap().default_instrument()
}

/// The builtin instrument with only `keep` of its items (and the domains they are in).
pub fn reduced(keep: &[&str]) -> Arc<Instrument> {
    edited(&builtin(), |def| {
        let items = def["items"].as_array_mut().unwrap();
        items.retain(|i| keep.contains(&i["key"].as_str().unwrap()));
        let domains: Vec<String> = items
            .iter()
            .map(|i| i["domain"].as_str().unwrap().to_string())
            .collect();
        def["domains"]
            .as_array_mut()
            .unwrap()
            .retain(|d| domains.contains(&d["key"].as_str().unwrap().to_string()));
    })
}

/// The instrument with its JSON form edited, validated again.
pub fn edited(
    instrument: &Instrument,
    edit: impl FnOnce(&mut serde_json::Value),
) -> Arc<Instrument> {
    let mut def: serde_json::Value = serde_json::from_str(&instrument.to_json()).unwrap();
    edit(&mut def);
    Arc::new(Instrument::from_json("edited", &def.to_string()).expect("a valid edited instrument"))
}

/// One child's answers: walks the items as the survey asks them; `lean` is how likely a
/// "safe" answer is.
pub fn answers(
    rng: &mut Rng,
    instrument: &Instrument,
    setting: SettingType,
    lean: f64,
) -> AnswersSoFar {
    let mut out = AnswersSoFar::new();
    for item in &instrument.def().items {
        if !instrument.is_shown(item, setting, &out) {
            continue;
        }
        if rng.chance(0.03) {
            continue; // skipped
        }
        if rng.chance(0.07) {
            out.insert(item.key.clone(), None);
            continue;
        }
        let values: Vec<i16> = instrument
            .scale_of(item)
            .map(|s| s.points.iter().map(|p| p.value).collect())
            .unwrap_or_default();
        let safe = instrument.safe_values(item);
        let (good, bad): (Vec<i16>, Vec<i16>) = values.iter().partition(|v| safe.contains(v));
        let value = if (rng.chance(lean) && !good.is_empty()) || bad.is_empty() {
            *rng.pick(&good)
        } else {
            *rng.pick(&bad)
        };
        out.insert(item.key.clone(), Some(value));
    }
    out
}

pub fn random_age(rng: &mut Rng) -> String {
    if rng.chance(0.06) {
        String::new()
    } else {
        rng.pick(&AGES[..4]).to_string()
    }
}

pub fn random_gender(rng: &mut Rng) -> String {
    let u = rng.unit();
    if u < 0.05 {
        String::new()
    } else if u < 0.09 {
        "other".into()
    } else if u < 0.55 {
        "girl".into()
    } else {
        "boy".into()
    }
}

impl World {
    pub fn new(instrument: Arc<Instrument>) -> World {
        World {
            instrument,
            register: Register::default(),
            children: Vec::new(),
        }
    }

    pub fn region(&mut self, id: i32) {
        self.register.regions.push(RegionEntry {
            id,
            name: format!("Regio {id}"),
        });
    }

    pub fn organisation(&mut self, id: i32, region: i32) {
        self.register.organisations.push(OrganisationEntry {
            id,
            name: format!("Organisatie {id}"),
            region,
        });
    }

    pub fn location(&mut self, organisation: i32, setting: SettingType, placed: i32) {
        let id = self.register.locations.len() as i32 + 1;
        self.register.locations.push(LocationEntry {
            id,
            organisation,
            name: format!("Locatie {id}"),
            setting_type: setting,
            children_placed: placed,
        });
    }

    pub fn counts(&self) -> Vec<JointCount> {
        let mut tally = Tally::default();
        for c in &self.children {
            let group = TallyGroup {
                organisation_id: c.organisation,
                region_id: self
                    .register
                    .region_of(c.organisation)
                    .expect("a registered organisation"),
                setting_type: c.setting.as_str(),
                age_band: &c.age,
                gender: &c.gender,
            };
            for (measure, value) in increments(&self.instrument, &c.answers) {
                tally.add(&group, measure, value);
            }
        }
        tally.into_counts()
    }

    pub fn publish(&self, k: u64) -> Publication {
        compute(&self.input(&self.instrument, k))
    }

    /// Published by an engine with some of its protections off.
    pub fn publish_weakened(&self, k: u64, on: Protections) -> Publication {
        compute_with(&self.input(&self.instrument, k), on)
    }

    fn input<'a>(&self, instrument: &'a Instrument, k: u64) -> PublicationInput<'a> {
        PublicationInput {
            wave: "attack".into(),
            k,
            made_on: "2026-12-06".into(),
            instrument,
            register: self.register.clone(),
            counts: self.counts(),
        }
    }
}

/// A random small world: 1–3 regions, 2–6 organisations with 1–3 setting types each, a few
/// locations each, 45–85% of the children placed answering.
/// Children who answered at every location of `w`: 45–85% of those placed, each answering
/// safe with the chance `lean` gives for the setting type.
fn respond(
    w: &mut World,
    rng: &mut Rng,
    instrument: &Instrument,
    lean: impl Fn(SettingType) -> f64,
) {
    for l in w.register.locations.clone() {
        let answered = (f64::from(l.children_placed) * (0.45 + 0.4 * rng.unit())).round() as usize;
        for _ in 0..answered {
            let a = answers(rng, instrument, l.setting_type, lean(l.setting_type));
            w.children.push(Child {
                organisation: l.organisation,
                setting: l.setting_type,
                age: random_age(rng),
                gender: random_gender(rng),
                answers: a,
            });
        }
    }
}

pub fn random_world(seed: u64, instrument: Arc<Instrument>) -> World {
    random_world_of(seed, instrument, 6)
}

/// [`random_world`] with 2 to `most` organisations.
pub fn random_world_of(seed: u64, instrument: Arc<Instrument>, most: u64) -> World {
    let mut rng = Rng::new(seed);
    let mut w = World::new(instrument.clone());
    let regions = rng.range(1, 3) as i32;
    for r in 1..=regions {
        w.region(r);
    }
    let organisations = rng.range(2, most) as i32;
    for o in 1..=organisations {
        let region = rng.range(1, regions as u64) as i32;
        w.organisation(o, region);
        let mut settings: Vec<SettingType> = SettingType::ALL.to_vec();
        // A shuffled prefix of 1–3 setting types.
        for i in (1..settings.len()).rev() {
            settings.swap(i, rng.range(0, i as u64) as usize);
        }
        settings.truncate(rng.range(1, 3) as usize);
        for s in settings {
            for _ in 0..rng.range(1, 2) {
                // Mostly small places, now and then a big one.
                let placed = if rng.chance(0.3) {
                    rng.range(12, 30)
                } else {
                    rng.range(1, 10)
                } as i32;
                w.location(o, s, placed);
            }
        }
    }
    let lean = 0.55 + 0.4 * rng.unit();
    respond(&mut w, &mut rng, &instrument, |_| lean);
    w
}

/// A world on the demo's plan (the same provider profiles, location sizes per setting type
/// and 45–85% response per location), with `organisations` of the demo's 60 and children
/// placed times `scale`.
pub fn demo_like(
    seed: u64,
    organisations: usize,
    regions: usize,
    scale: f64,
    instrument: Arc<Instrument>,
) -> World {
    #[derive(Clone, Copy, PartialEq)]
    enum Profile {
        General,
        Closed,
        Foster,
        Justice,
        Amv,
    }
    use Profile::*;
    let mut rng = Rng::new(seed);
    let mut w = World::new(instrument.clone());
    for r in 1..=regions as i32 {
        w.region(r);
    }
    // The demo's mix of 25:8:12:6:9 providers.
    let mix = [
        (General, 25),
        (Closed, 8),
        (Foster, 12),
        (Justice, 6),
        (Amv, 9),
    ];
    let mut profile = Vec::new();
    for (p, n) in mix {
        let share = ((n * organisations) as f64 / 60.0).round().max(1.0) as usize;
        for _ in 0..share {
            profile.push(p);
        }
    }
    profile.truncate(organisations.max(5));
    for (o, _) in profile.iter().enumerate() {
        let region = rng.range(1, regions as u64) as i32;
        w.organisation(o as i32 + 1, region);
    }
    // Setting type, locations in the demo, children placed per location, providers with it.
    type Plan<'a> = (SettingType, usize, (u64, u64), &'a [Profile]);
    let plan: [Plan; 6] = [
        (
            SettingType::OpenResidential,
            140,
            (8, 12),
            &[General, Closed],
        ),
        (SettingType::Closed, 30, (20, 40), &[Closed]),
        (SettingType::Gezinshuis, 90, (3, 6), &[General, Foster]),
        (SettingType::FosterCare, 80, (15, 40), &[Foster]),
        (SettingType::Justice, 20, (30, 60), &[Justice]),
        (SettingType::Amv, 40, (40, 80), &[Amv]),
    ];
    let total = profile.len() as f64 / 60.0;
    for (setting, count, (lo, hi), profiles) in plan {
        let candidates: Vec<usize> = (0..profile.len())
            .filter(|&i| profiles.contains(&profile[i]))
            .collect();
        if candidates.is_empty() {
            continue;
        }
        let count = ((count as f64) * total).round().max(1.0) as usize;
        for _ in 0..count {
            let o = *rng.pick(&candidates);
            let placed = ((rng.range(lo, hi) as f64) * scale).round().max(1.0) as i32;
            w.location(o as i32 + 1, setting, placed);
        }
    }
    respond(&mut w, &mut rng, &instrument, |setting| match setting {
        SettingType::Closed | SettingType::Justice => 0.6,
        _ => 0.8,
    });
    w
}
