//! A complete response to the default questionnaire, as a child in a given setting type would
//! send it: every question the routing asks, answered on its scale (now and then "don't know").

use rand::Rng;
use serde_json::{json, Map, Value};
use veilig::domain::demographics::{AgeBand, Demographics, Gender, TimeHere};
use veilig::domain::instrument::{AnswersSoFar, Instrument};
use veilig::domain::SettingType;

pub struct Respondent {
    pub demographics: Demographics,
    pub answers: AnswersSoFar,
    pub open_answer: String,
}

impl Respondent {
    pub fn random(instrument: &Instrument, setting: SettingType, rng: &mut impl Rng) -> Respondent {
        let mut answers = AnswersSoFar::new();
        for item in &instrument.def().items {
            if !instrument.is_shown(item, setting, &answers) {
                continue;
            }
            let Some(scale) = instrument.scale_of(item) else {
                continue;
            };
            let value = if rng.random_bool(0.05) || scale.points.is_empty() {
                None
            } else {
                Some(scale.points[rng.random_range(0..scale.points.len())].value)
            };
            answers.insert(item.key.clone(), value);
        }
        let pick = |rng: &mut dyn rand::RngCore, options: &[&str]| {
            options[rng.random_range(0..options.len())].to_string()
        };
        let demographics = Demographics {
            age_band: AgeBand::parse(&pick(rng, &["8-11", "12-14", "15-17", "18-23"])).ok(),
            gender: Gender::parse(&pick(rng, &["girl", "boy", "other"])).ok(),
            time_here: TimeHere::parse(&pick(rng, &["lt_6m", "6_12m", "1_2y", "gt_2y"])).ok(),
        };
        Respondent {
            demographics,
            answers,
            open_answer: "Dat de leiding vaker vraagt hoe het gaat.".to_string(),
        }
    }

    /// The body of `POST /api/v1/responses`.
    pub fn body(&self, code: &str, submission_id: &str) -> Value {
        let answers: Map<String, Value> = self
            .answers
            .iter()
            .map(|(k, v)| {
                let value = match v {
                    Some(v) => json!(v),
                    None => json!("dont_know"),
                };
                (k.clone(), value)
            })
            .collect();
        let d = &self.demographics;
        json!({
            "code": code,
            "submission_id": submission_id,
            "language": "nl",
            "demographics": {
                "age_band": d.age_band.map(|v| v.as_str()),
                "gender": d.gender.map(|v| v.as_str()),
                "time_here": d.time_here.map(|v| v.as_str()),
            },
            "answers": answers,
            "open_answer": self.open_answer,
        })
    }
}
