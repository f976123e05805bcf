//! A simple model of how children answer, so the demo looks like a real measurement: each
//! child has a latent sense of safety that depends on the setting type (justice lowest), the
//! wave, and age; answers follow it with noise. Incidents are rarest in gezinshuizen.

use crate::domain::demographics::{AgeBand, Demographics, Gender, TimeHere};
use crate::domain::instrument::{AnswersSoFar, Instrument, Item, ScaleKind};
use crate::domain::SettingType;
use rand::rngs::StdRng;
use rand::Rng;

pub struct DemoChild {
    pub demographics: Demographics,
    /// In instrument order; `None` is "I don't know / I'd rather not say".
    pub answers: Vec<(String, Option<i16>)>,
    pub open_answer: Option<&'static str>,
}

/// Which measurement a child answers in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DemoWave {
    First,
    Second,
}

fn mean_safety(setting: SettingType) -> f64 {
    match setting {
        SettingType::Justice => 0.05,
        SettingType::Closed => 0.35,
        SettingType::Amv => 0.6,
        SettingType::OpenResidential => 0.65,
        SettingType::FosterCare => 1.05,
        SettingType::Gezinshuis => 1.15,
    }
}

/// Between the waves, most settings improve a little; closed care does not.
fn wave_shift(setting: SettingType, wave: DemoWave) -> f64 {
    match (wave, setting) {
        (DemoWave::First, _) => 0.0,
        (DemoWave::Second, SettingType::Closed) => -0.05,
        (DemoWave::Second, SettingType::Justice) => 0.3,
        (DemoWave::Second, _) => 0.15,
    }
}

/// How much more (or less) violence a setting sees than an open residential group.
pub(super) fn incident_factor(setting: SettingType) -> f64 {
    match setting {
        SettingType::Gezinshuis => 0.3,
        SettingType::FosterCare => 0.45,
        SettingType::OpenResidential => 1.0,
        SettingType::Amv => 1.0,
        SettingType::Closed => 1.35,
        SettingType::Justice => 1.5,
    }
}

const OPEN_ANSWERS: [&str; 8] = [
    "Meer tijd met mijn mentor om te praten.",
    "Dat de deuren 's nachts beter op slot gaan.",
    "Als er minder geschreeuwd wordt op de groep.",
    "Een eigen kamer waar niemand zomaar binnenkomt.",
    "Dat de leiding eerder ingrijpt als er ruzie is.",
    "Vaker naar huis mogen bellen.",
    "More staff in the evening.",
    "That people listen when I say something is wrong.",
];

/// A standard normal draw (Box–Muller).
fn normal(rng: &mut StdRng) -> f64 {
    let u1: f64 = rng.random_range(f64::EPSILON..1.0);
    let u2: f64 = rng.random();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

fn pick<T: Copy>(rng: &mut StdRng, options: &[(T, f64)]) -> T {
    let total: f64 = options.iter().map(|(_, w)| w).sum();
    let mut x = rng.random_range(0.0..total);
    for (value, weight) in options {
        if x < *weight {
            return *value;
        }
        x -= weight;
    }
    options[options.len() - 1].0
}

fn demographics(rng: &mut StdRng, setting: SettingType) -> Demographics {
    let ages: &[(AgeBand, f64)] = match setting {
        SettingType::Amv | SettingType::Justice => &[
            (AgeBand::Age12To14, 0.2),
            (AgeBand::Age15To17, 0.6),
            (AgeBand::Age18To23, 0.2),
        ],
        SettingType::FosterCare | SettingType::Gezinshuis => &[
            (AgeBand::Age8To11, 0.35),
            (AgeBand::Age12To14, 0.3),
            (AgeBand::Age15To17, 0.25),
            (AgeBand::Age18To23, 0.1),
        ],
        _ => &[
            (AgeBand::Age8To11, 0.1),
            (AgeBand::Age12To14, 0.3),
            (AgeBand::Age15To17, 0.45),
            (AgeBand::Age18To23, 0.15),
        ],
    };
    let boy_share = if setting == SettingType::Amv || setting == SettingType::Justice {
        0.85
    } else {
        0.5
    };
    let said = |rng: &mut StdRng| rng.random_bool(0.95);
    Demographics {
        age_band: said(rng).then(|| pick(rng, ages)),
        gender: said(rng).then(|| {
            pick(
                rng,
                &[
                    (Gender::Boy, boy_share * 0.97),
                    (Gender::Girl, (1.0 - boy_share) * 0.97),
                    (Gender::Other, 0.03),
                ],
            )
        }),
        time_here: said(rng).then(|| {
            pick(
                rng,
                &[
                    (TimeHere::UnderSixMonths, 0.3),
                    (TimeHere::SixToTwelveMonths, 0.25),
                    (TimeHere::OneToTwoYears, 0.25),
                    (TimeHere::OverTwoYears, 0.2),
                ],
            )
        }),
    }
}

fn answer(
    rng: &mut StdRng,
    instrument: &Instrument,
    item: &Item,
    setting: SettingType,
    latent: f64,
) -> i16 {
    let Some(scale) = instrument.scale_of(item) else {
        return 1;
    };
    let values: Vec<i16> = scale.points.iter().map(|p| p.value).collect();
    let safe = instrument.safe_values(item);
    let clamp = |v: f64, lo: i16, hi: i16| (v.round() as i16).clamp(lo, hi);
    match scale.kind {
        ScaleKind::Smiley => clamp(3.9 + 0.9 * latent + 0.7 * normal(rng), 1, 5),
        ScaleKind::Mark => clamp(7.2 + 1.1 * latent + normal(rng), 1, 10),
        ScaleKind::Choice if values.len() >= 3 && safe == [values[0]] => {
            // How often something happened: rare, rarer by staff, rarest when it is sexual.
            let key = item.key.as_str();
            let mut p = if key.contains("seen") || key.contains("saw") {
                0.35
            } else {
                0.22
            };
            if key.contains("staff") || key.contains("carer") {
                p *= 0.3;
            }
            if key.contains("touch") {
                p *= 0.35;
            }
            p *= incident_factor(setting) * (-0.45 * latent).exp();
            if rng.random_bool(p.clamp(0.0, 0.95)) {
                let worse = &values[1..];
                let weights: Vec<(i16, f64)> = worse
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (*v, 0.55f64.powi(i as i32)))
                    .collect();
                pick(rng, &weights)
            } else {
                values[0]
            }
        }
        ScaleKind::Choice => {
            let p_good = 1.0 / (1.0 + (-(0.6 + 0.6 * latent)).exp());
            let (good, bad): (Vec<i16>, Vec<i16>) = values.iter().partition(|v| safe.contains(v));
            let from = if rng.random_bool(p_good) && !good.is_empty() || bad.is_empty() {
                good
            } else {
                bad
            };
            from[rng.random_range(0..from.len())]
        }
    }
}

/// One synthetic child's complete response, following the instrument's routing.
/// The part of a child's sense of safety that stays the same from wave to wave.
pub fn personal_latent(child_seed: u64) -> f64 {
    use rand::SeedableRng;
    normal(&mut StdRng::seed_from_u64(child_seed))
}

pub fn child(
    rng: &mut StdRng,
    instrument: &Instrument,
    setting: SettingType,
    wave: DemoWave,
    personal: f64,
) -> DemoChild {
    let demographics = demographics(rng, setting);
    let age_shift = match demographics.age_band {
        Some(AgeBand::Age8To11) => 0.15,
        Some(AgeBand::Age15To17) => -0.05,
        _ => 0.0,
    };
    let latent = mean_safety(setting)
        + wave_shift(setting, wave)
        + age_shift
        + 0.8 * personal
        + 0.6 * normal(rng);
    let mut so_far = AnswersSoFar::new();
    let mut answers = Vec::new();
    for item in &instrument.def().items {
        if !instrument.is_shown(item, setting, &so_far) {
            continue;
        }
        let roll: f64 = rng.random();
        if roll < 0.02 {
            continue; // skipped
        }
        let value = if roll < 0.06 {
            None
        } else {
            Some(answer(rng, instrument, item, setting, latent))
        };
        so_far.insert(item.key.clone(), value);
        answers.push((item.key.clone(), value));
    }
    let open_answer = rng
        .random_bool(0.08)
        .then(|| OPEN_ANSWERS[rng.random_range(0..OPEN_ANSWERS.len())]);
    DemoChild {
        demographics,
        answers,
        open_answer,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instrument::InstrumentLibrary;
    use rand::SeedableRng;

    fn share_safe_home(setting: SettingType, wave: DemoWave) -> f64 {
        let library = InstrumentLibrary::builtin().unwrap();
        let instrument = library.default_instrument();
        let mut rng = StdRng::seed_from_u64(7);
        let (mut safe, mut answered) = (0, 0);
        for _ in 0..4000 {
            let personal = normal(&mut rng);
            let c = child(&mut rng, &instrument, setting, wave, personal);
            if let Some((_, Some(v))) = c.answers.iter().find(|(k, _)| k == "safe_home") {
                answered += 1;
                if *v >= 4 {
                    safe += 1;
                }
            }
        }
        f64::from(safe) / f64::from(answered)
    }

    #[test]
    fn justice_feels_least_safe_and_gezinshuis_most() {
        let justice = share_safe_home(SettingType::Justice, DemoWave::First);
        let gezinshuis = share_safe_home(SettingType::Gezinshuis, DemoWave::First);
        assert!(
            justice < 0.75 && gezinshuis > 0.85,
            "justice {justice}, gezinshuis {gezinshuis}"
        );
    }

    #[test]
    fn routing_is_followed_so_seclusion_is_asked_only_in_closed_settings() {
        let library = InstrumentLibrary::builtin().unwrap();
        let instrument = library.default_instrument();
        let closed_only: Vec<&str> = instrument
            .def()
            .items
            .iter()
            .filter(|i| {
                i.show_if
                    .as_ref()
                    .and_then(|c| c.setting_types.as_ref())
                    .is_some()
            })
            .map(|i| i.key.as_str())
            .collect();
        assert!(!closed_only.is_empty());
        let mut rng = StdRng::seed_from_u64(3);
        for _ in 0..200 {
            let c = child(
                &mut rng,
                &instrument,
                SettingType::Gezinshuis,
                DemoWave::First,
                0.0,
            );
            assert!(c
                .answers
                .iter()
                .all(|(k, _)| !closed_only.contains(&k.as_str())));
        }
    }
}
