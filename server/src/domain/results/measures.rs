//! What one response adds to the result counts: one per answered item (its value, or
//! "don't know"), one to the respondents, and per domain whether the child feels safe there.

use crate::domain::instrument::{AnswersSoFar, Instrument};

pub const RESPONDENTS: &str = "_respondents";
const DOMAIN_PREFIX: &str = "_domain:";
/// The stored value for "I don't know / I'd rather not say".
pub const DONT_KNOW_VALUE: i16 = -1;

pub fn domain_measure(domain: &str) -> String {
    format!("{DOMAIN_PREFIX}{domain}")
}

pub fn domain_of_measure(measure: &str) -> Option<&str> {
    measure.strip_prefix(DOMAIN_PREFIX)
}

/// A child feels safe in a domain when at least half of the domain's questions they answered
/// (with a value, not "don't know") have a "safe" answer.
pub fn feels_safe_in(
    instrument: &Instrument,
    domain: &str,
    answers: &AnswersSoFar,
) -> Option<bool> {
    let mut answered = 0usize;
    let mut safe = 0usize;
    for item in instrument.def().items.iter().filter(|i| i.domain == domain) {
        if let Some(Some(value)) = answers.get(&item.key) {
            answered += 1;
            if instrument.safe_values(item).contains(value) {
                safe += 1;
            }
        }
    }
    (answered > 0).then_some(2 * safe >= answered)
}

/// (measure, value) pairs, each counting once, for one response.
pub fn increments(instrument: &Instrument, answers: &AnswersSoFar) -> Vec<(String, i16)> {
    let mut out = vec![(RESPONDENTS.to_string(), 0)];
    for (key, value) in answers {
        out.push((key.clone(), value.unwrap_or(DONT_KNOW_VALUE)));
    }
    for domain in &instrument.def().domains {
        if let Some(safe) = feels_safe_in(instrument, &domain.key, answers) {
            out.push((domain_measure(&domain.key), i16::from(safe)));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instrument::InstrumentLibrary;

    #[test]
    fn a_response_counts_its_answers_its_child_and_its_domains() {
        let i = InstrumentLibrary::builtin().unwrap().default_instrument();
        let mut answers = AnswersSoFar::new();
        answers.insert("safe_home".into(), Some(5));
        answers.insert("safe_own_room".into(), Some(1));
        answers.insert("safe_with_peers".into(), None);
        let inc = increments(&i, &answers);
        assert!(inc.contains(&(RESPONDENTS.to_string(), 0)));
        assert!(inc.contains(&("safe_with_peers".to_string(), DONT_KNOW_VALUE)));
        // One safe, one not: half counts as feeling safe.
        assert!(inc.contains(&(domain_measure("feeling_safe"), 1)));
        assert!(
            !inc.iter().any(|(m, _)| m == &domain_measure("experiences")),
            "no answers there"
        );
        answers.insert("safe_at_night".into(), Some(2));
        assert_eq!(feels_safe_in(&i, "feeling_safe", &answers), Some(false));
    }
}
