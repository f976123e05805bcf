//! A child's submission, parsed at the boundary: every problem is named per field, so a device
//! (or a developer) can see exactly what was wrong. Nothing here touches a database.

use super::demographics::{AgeBand, Demographics, Gender, TimeHere};
use super::instrument::{AnswersSoFar, Instrument};
use super::SettingType;
use serde::Serialize;
use serde_json::{Map, Value};

/// The value a device sends for "I don't know / I'd rather not say". Stored as NULL.
pub const DONT_KNOW: &str = "dont_know";
/// Languages a child may answer in (the instrument's languages are a subset or equal).
pub const MAX_ITEMS: usize = 200;

/// One problem with one field, e.g. `answers.safe_room`: "7 is not on the scale (1 to 5)".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

impl FieldError {
    fn new(field: impl Into<String>, message: impl Into<String>) -> FieldError {
        FieldError {
            field: field.into(),
            message: message.into(),
        }
    }
}

/// The parts of a submission that do not depend on the wave's instrument.
#[derive(Debug, Clone)]
pub struct Envelope {
    pub code: String,
    pub submission_id: uuid::Uuid,
    pub language: String,
    pub demographics: Demographics,
    /// item key → raw value, checked against the instrument by `check_answers`.
    pub answers: Map<String, Value>,
    pub open_answer: Option<String>,
}

const FIELDS: [&str; 6] = [
    "code",
    "submission_id",
    "language",
    "demographics",
    "answers",
    "open_answer",
];

fn optional_choice<T>(
    demographics: &Map<String, Value>,
    key: &str,
    parse: impl Fn(&str) -> Result<T, String>,
    errors: &mut Vec<FieldError>,
) -> Option<T> {
    match demographics.get(key) {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s == DONT_KNOW => None,
        Some(Value::String(s)) => parse(s)
            .map_err(|e| errors.push(FieldError::new(format!("demographics.{key}"), e)))
            .ok(),
        Some(_) => {
            errors.push(FieldError::new(
                format!("demographics.{key}"),
                "must be a text or null",
            ));
            None
        }
    }
}

/// Reads the JSON body of `POST /api/v1/responses`.
pub fn parse_envelope(body: &Value) -> Result<Envelope, Vec<FieldError>> {
    let mut errors = Vec::new();
    let Some(object) = body.as_object() else {
        return Err(vec![FieldError::new("", "the body must be a JSON object")]);
    };
    for key in object.keys() {
        if !FIELDS.contains(&key.as_str()) {
            errors.push(FieldError::new(key.clone(), "is not a field of a response"));
        }
    }
    let code = match object.get("code") {
        Some(Value::String(s)) if !s.trim().is_empty() && s.len() <= 64 => s.clone(),
        _ => {
            errors.push(FieldError::new("code", "give the code from the card"));
            String::new()
        }
    };
    let submission_id = match object.get("submission_id") {
        Some(Value::String(s)) => match uuid::Uuid::parse_str(s) {
            Ok(id) if !id.is_nil() => Some(id),
            _ => None,
        },
        _ => None,
    };
    if submission_id.is_none() {
        errors.push(FieldError::new(
            "submission_id",
            "must be a UUID made on the device",
        ));
    }
    let language = match object.get("language") {
        Some(Value::String(s))
            if (2..=8).contains(&s.len())
                && s.chars().all(|c| c.is_ascii_lowercase() || c == '-') =>
        {
            s.clone()
        }
        _ => {
            errors.push(FieldError::new(
                "language",
                "must be a language code such as nl or en",
            ));
            String::new()
        }
    };
    let demographics = match object.get("demographics") {
        None | Some(Value::Null) => Demographics::default(),
        Some(Value::Object(d)) => {
            for key in d.keys() {
                if !["age_band", "gender", "time_here"].contains(&key.as_str()) {
                    errors.push(FieldError::new(
                        format!("demographics.{key}"),
                        "is not asked",
                    ));
                }
            }
            Demographics {
                age_band: optional_choice(d, "age_band", AgeBand::parse, &mut errors),
                gender: optional_choice(d, "gender", Gender::parse, &mut errors),
                time_here: optional_choice(d, "time_here", TimeHere::parse, &mut errors),
            }
        }
        Some(_) => {
            errors.push(FieldError::new("demographics", "must be an object"));
            Demographics::default()
        }
    };
    let answers = match object.get("answers") {
        Some(Value::Object(a)) if a.len() <= MAX_ITEMS => a.clone(),
        Some(Value::Object(_)) => {
            errors.push(FieldError::new(
                "answers",
                format!("has more than {MAX_ITEMS} items"),
            ));
            Map::new()
        }
        None | Some(Value::Null) => Map::new(),
        Some(_) => {
            errors.push(FieldError::new(
                "answers",
                "must be an object of item → value",
            ));
            Map::new()
        }
    };
    let open_answer = match object.get("open_answer") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.trim().is_empty() => None,
        Some(Value::String(s)) => Some(s.trim().to_string()),
        Some(_) => {
            errors.push(FieldError::new("open_answer", "must be a text or null"));
            None
        }
    };
    match submission_id {
        Some(submission_id) if errors.is_empty() => Ok(Envelope {
            code,
            submission_id,
            language,
            demographics,
            answers,
            open_answer,
        }),
        _ => Err(errors),
    }
}

/// Checks answers against the wave's instrument and the routing for the child's setting: every
/// item must exist, be asked of this child, and hold a value of its scale or `dont_know`.
pub fn check_answers(
    instrument: &Instrument,
    setting: SettingType,
    raw: &Map<String, Value>,
) -> Result<AnswersSoFar, Vec<FieldError>> {
    let mut errors = Vec::new();
    let mut answers = AnswersSoFar::new();
    for (key, value) in raw {
        let field = format!("answers.{key}");
        let Some(item) = instrument.item(key) else {
            errors.push(FieldError::new(
                field,
                "is not a question of this questionnaire",
            ));
            continue;
        };
        let Some(scale) = instrument.scale_of(item) else {
            errors.push(FieldError::new(field, "has no answer scale"));
            continue;
        };
        match value {
            Value::String(s) if s == DONT_KNOW => {
                answers.insert(key.clone(), None);
            }
            Value::Number(n) => match n.as_i64() {
                Some(v) if scale.points.iter().any(|p| i64::from(p.value) == v) => {
                    answers.insert(key.clone(), i16::try_from(v).ok());
                }
                _ => {
                    let values: Vec<String> =
                        scale.points.iter().map(|p| p.value.to_string()).collect();
                    errors.push(FieldError::new(
                        field,
                        format!("{n} is not on the scale ({})", values.join(", ")),
                    ));
                }
            },
            _ => errors.push(FieldError::new(
                field,
                format!("must be a whole number of the scale or \"{DONT_KNOW}\""),
            )),
        }
    }
    // Routing: an answer to a question this child is never asked is refused, so no response
    // holds answers the questionnaire could not have produced.
    for key in answers.keys() {
        if let Some(item) = instrument.item(key) {
            if !instrument.is_shown(item, setting, &answers) {
                errors.push(FieldError::new(
                    format!("answers.{key}"),
                    "is not asked of this child (setting or earlier answers)",
                ));
            }
        }
    }
    if errors.is_empty() {
        Ok(answers)
    } else {
        Err(errors)
    }
}

/// The open answer must fit the instrument's limit, counted in characters.
pub fn check_open_answer(instrument: &Instrument, text: Option<&str>) -> Result<(), FieldError> {
    let max = instrument.def().open_question.max_length;
    match text {
        Some(t) if t.chars().count() > max => Err(FieldError::new(
            "open_answer",
            format!("is longer than {max} characters"),
        )),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests;
