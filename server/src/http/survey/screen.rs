//! One screen of the plain survey: what it shows of the survey under way, and taking in what
//! the child chose on it. The same rules as survey.js on the device (see routing.js).

use super::{lang_of, offered_languages, question_screen, text_in};
use crate::domain::demographics::{AgeBand, Gender, TimeHere};
use crate::domain::instrument::Instrument;
use crate::domain::response::DONT_KNOW;
use crate::domain::survey::Draft;
use crate::domain::survey::{self, about_key, item_key, Step, OPEN_KEY};
use crate::domain::SettingType;
use crate::http::AppState;
use serde::Deserialize;
use std::sync::Arc;
use veilig_frontend::i18n::Lang;
use veilig_frontend::survey::Screen;

/// The survey under way for this browser, with what the screens need.
pub(super) struct Current {
    pub code_hash: String,
    pub draft: Draft,
    pub instrument: Arc<Instrument>,
    pub setting: SettingType,
}

impl Current {
    pub fn lang(&self, state: &AppState) -> Lang {
        lang_of(state, Some(self.draft.language.as_str()))
    }
}

/// The screen of the draft's step, with the answers given on it (never concealed ones).
pub(super) fn screen_of(state: &AppState, c: &Current, lang: Lang) -> Screen {
    let d = &c.draft;
    match &d.step {
        Step::Language => Screen::Language {
            offered: offered_languages(state, &c.instrument),
            chosen: lang,
        },
        Step::Intro => Screen::Intro {
            minutes: crate::domain::survey::minutes(&c.instrument, c.setting),
        },
        Step::About => {
            let dm = &d.demographics;
            // "Rather not say" is kept as no value, so it shows as nothing chosen.
            let field = |name: &str, value: Option<&'static str>| {
                value
                    .filter(|_| !d.is_concealed(&about_key(name)))
                    .map(String::from)
            };
            let age_band = field("age_band", dm.age_band.map(|v| v.as_str()));
            let gender = field("gender", dm.gender.map(|v| v.as_str()));
            let time_here = field("time_here", dm.time_here.map(|v| v.as_str()));
            // Whether an earlier answer is kept is said alike for every field left empty.
            let all_visible = age_band.is_some() && gender.is_some() && time_here.is_some();
            Screen::About {
                concealed: d.says_kept(all_visible),
                age_band,
                gender,
                time_here,
            }
        }
        Step::Item(key) => {
            let hidden = d.is_concealed(&item_key(key));
            let chosen = match d.answers.get(key) {
                Some(_) if hidden => None,
                Some(Some(v)) => Some(v.to_string()),
                Some(None) => Some(DONT_KNOW.to_string()),
                None => None,
            };
            let kept = d.says_kept(chosen.is_some());
            question_screen(&c.instrument, key, lang, chosen, kept).unwrap_or(Screen::Intro {
                minutes: crate::domain::survey::minutes(&c.instrument, c.setting),
            })
        }
        Step::Open => {
            let value = if d.is_concealed(OPEN_KEY) {
                String::new()
            } else {
                d.open_answer.clone().unwrap_or_default()
            };
            Screen::Open {
                question: text_in(&c.instrument.def().open_question.text, lang),
                max_length: c.instrument.def().open_question.max_length,
                concealed: d.says_kept(!value.is_empty()),
                value,
            }
        }
        // Hidden answers are not counted: the count would tell how many there were.
        Step::Send => Screen::Send {
            answered: d.visible_answers().values().filter(|v| v.is_some()).count(),
        },
    }
}

#[derive(Deserialize, Default)]
pub(super) struct AnswerForm {
    #[serde(default)]
    pub go: String,
    language: Option<String>,
    answer: Option<String>,
    age_band: Option<String>,
    gender: Option<String>,
    time_here: Option<String>,
    open_answer: Option<String>,
}

/// `Some(None)` for "don't know", `Some(Some(v))` for a value, `None` for nothing chosen.
fn choice<T>(raw: Option<&str>, parse: impl Fn(&str) -> Result<T, String>) -> Option<Option<T>> {
    match raw {
        None | Some("") => None,
        Some(DONT_KNOW) => Some(None),
        Some(v) => parse(v).ok().map(Some),
    }
}

/// Takes in one screen's answer. Choosing nothing is skipping (and keeps an earlier answer).
pub(super) fn take_answer(state: &AppState, c: &mut Current, form: AnswerForm) {
    let step = c.draft.step.clone();
    let d = &mut c.draft;
    match &step {
        Step::Language => {
            let chosen = form
                .language
                .as_deref()
                .map(|code| lang_of(state, Some(code)));
            if let Some(lang) =
                chosen.filter(|l| offered_languages(state, &c.instrument).contains(l))
            {
                d.language = lang.code().to_string();
            }
        }
        Step::About => {
            let dm = &mut d.demographics;
            let mut given = Vec::new();
            if let Some(v) = choice(form.age_band.as_deref(), AgeBand::parse) {
                dm.age_band = v;
                given.push("age_band");
            }
            if let Some(v) = choice(form.gender.as_deref(), Gender::parse) {
                dm.gender = v;
                given.push("gender");
            }
            if let Some(v) = choice(form.time_here.as_deref(), TimeHere::parse) {
                dm.time_here = v;
                given.push("time_here");
            }
            for field in given {
                d.reveal(&about_key(field));
            }
        }
        Step::Item(key) => {
            let instrument = &c.instrument;
            let valid = |v: &str| -> Result<i16, String> {
                let value: i16 = v.parse().map_err(|_| "not a number".to_string())?;
                match instrument.item(key).and_then(|i| instrument.scale_of(i)) {
                    Some(s) if s.points.iter().any(|p| p.value == value) => Ok(value),
                    _ => Err("not on the scale".to_string()),
                }
            };
            if let Some(value) = choice(form.answer.as_deref(), valid) {
                d.offer_help = form.go == "next" && survey::asks_for_help(instrument, key, value);
                d.answers.insert(key.clone(), value);
                d.reveal(&item_key(key));
                survey::prune(instrument, c.setting, &mut d.answers);
                let answered: Vec<String> = d.answers.keys().map(|k| item_key(k)).collect();
                d.concealed
                    .retain(|k| !k.starts_with("item:") || answered.contains(k));
            }
        }
        Step::Open => {
            let max = c.instrument.def().open_question.max_length;
            let text: String = form
                .open_answer
                .unwrap_or_default()
                .trim()
                .chars()
                .take(max)
                .collect();
            // An empty box on a concealed screen keeps the earlier answer.
            if !text.is_empty() || !d.is_concealed(OPEN_KEY) {
                d.open_answer = (!text.is_empty()).then_some(text);
                d.reveal(OPEN_KEY);
            }
        }
        Step::Intro | Step::Send => {}
    }
}

/// Takes in one screen's answer and moves on (or back).
#[cfg(test)]
mod tests {
    use crate::domain::demographics::{AgeBand, Gender, TimeHere};
    use veilig_frontend::i18n::Lang;

    #[test]
    fn the_about_screen_offers_exactly_the_domains_values_in_every_language() {
        for lang in Lang::ALL {
            let t = lang.survey();
            let values =
                |list: &[(&str, &str)]| list.iter().map(|(v, _)| v.to_string()).collect::<Vec<_>>();
            let domain =
                |all: Vec<&'static str>| all.into_iter().map(String::from).collect::<Vec<_>>();
            assert_eq!(
                values(t.age_bands),
                domain(AgeBand::ALL.iter().map(|a| a.as_str()).collect())
            );
            assert_eq!(
                values(t.genders),
                domain(Gender::ALL.iter().map(|g| g.as_str()).collect())
            );
            assert_eq!(
                values(t.times_here),
                domain(TimeHere::ALL.iter().map(|h| h.as_str()).collect())
            );
        }
    }
}
