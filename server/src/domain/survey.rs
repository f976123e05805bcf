//! The steps of the child's survey and moving between them: language, explanation, about you,
//! one question per screen (with routing), the open question, and sending. Plain data, so the
//! plain-HTML survey follows this path, and survey.js (the offline survey) mirrors it exactly:
//! tests/browser/parity.rs compares the two.

use super::demographics::Demographics;
use super::instrument::{AnswersSoFar, Instrument};
use super::SettingType;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", content = "item", rename_all = "snake_case")]
pub enum Step {
    /// Which language the child reads the questions in.
    Language,
    /// What this is, that it is anonymous, that anything may be skipped.
    Intro,
    /// Age band, gender, time at this location.
    About,
    /// One question, by item key.
    Item(String),
    /// What would help you feel safer?
    Open,
    /// Look back and send.
    Send,
}

/// A survey under way, kept between steps until it is sent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub language: String,
    pub step: Step,
    #[serde(default)]
    pub demographics: Demographics,
    #[serde(default)]
    pub answers: AnswersSoFar,
    #[serde(default)]
    pub open_answer: Option<String>,
    /// The last answer asked for the help panel (e.g. being hurt by staff): it is shown,
    /// gently, on the next screen.
    #[serde(default)]
    pub offer_help: bool,
    /// Answers given before the survey was last picked up with the code (`item:KEY`,
    /// `about:FIELD`, `open`): kept, but never shown again, because whoever types a code
    /// may not be the child who answered. Choosing anew makes an answer visible again.
    #[serde(default)]
    pub concealed: BTreeSet<String>,
    /// Just picked up again: the next screen says kindly that earlier answers are kept.
    #[serde(default)]
    pub resumed: bool,
    /// Picked up with the code at least once: every screen without an answer given since
    /// says that an earlier answer, if there was one, is kept. Said on every such screen
    /// alike, so the note tells nothing about which questions were answered.
    #[serde(default)]
    pub picked_up: bool,
}

impl Draft {
    pub fn new(language: &str) -> Draft {
        Draft {
            language: language.to_string(),
            step: Step::Language,
            demographics: Demographics::default(),
            answers: AnswersSoFar::new(),
            open_answer: None,
            offer_help: false,
            concealed: BTreeSet::new(),
            resumed: false,
            picked_up: false,
        }
    }

    /// The survey is picked up with the code in a new browser session, in `language` (the
    /// start page's): everything answered so far is kept and hidden, and the survey starts
    /// again at the questions about the child. Whoever typed the code may not be the child, so
    /// nothing on the screens that follow may depend on the hidden answers: not where the
    /// survey goes on, not the path (routing follows visible answers only, see
    /// [`Draft::visible_answers`]), not the progress total, not any count, not the language.
    pub fn pick_up(&mut self, language: &str) {
        self.conceal_earlier();
        self.language = language.to_string();
        self.step = Step::About;
        self.resumed = true;
        self.picked_up = true;
    }

    fn conceal_earlier(&mut self) {
        let d = &self.demographics;
        let about = [
            ("age_band", d.age_band.is_some()),
            ("gender", d.gender.is_some()),
            ("time_here", d.time_here.is_some()),
        ];
        let mut hidden: BTreeSet<String> = about
            .iter()
            .filter(|(_, given)| *given)
            .map(|(field, _)| about_key(field))
            .collect();
        hidden.extend(self.answers.keys().map(|k| item_key(k)));
        if self.open_answer.is_some() {
            hidden.insert(OPEN_KEY.to_string());
        }
        self.concealed.extend(hidden);
        self.offer_help = false;
    }

    /// The answers given since the survey was last picked up (all of them, if it never was):
    /// what the path, the progress and every count on the screens are made from.
    pub fn visible_answers(&self) -> AnswersSoFar {
        self.answers
            .iter()
            .filter(|(key, _)| !self.is_concealed(&item_key(key)))
            .map(|(key, value)| (key.clone(), *value))
            .collect()
    }

    /// Whether a screen says that an earlier answer is kept: on every screen without a visible
    /// answer once the survey was picked up, whether or not there was an earlier answer.
    pub fn says_kept(&self, answered_visibly: bool) -> bool {
        self.picked_up && !answered_visibly
    }

    pub fn is_concealed(&self, key: &str) -> bool {
        self.concealed.contains(key)
    }

    /// A new answer was given: it may be shown again.
    pub fn reveal(&mut self, key: &str) {
        self.concealed.remove(key);
    }
}

/// The concealment key of an item.
pub fn item_key(item: &str) -> String {
    format!("item:{item}")
}

/// The concealment key of a question about the child (`age_band`, `gender`, `time_here`).
pub fn about_key(field: &str) -> String {
    format!("about:{field}")
}

pub const OPEN_KEY: &str = "open";

/// Every step this child goes through, given the answers so far.
pub fn steps(instrument: &Instrument, setting: SettingType, answers: &AnswersSoFar) -> Vec<Step> {
    let mut steps = vec![Step::Language, Step::Intro, Step::About];
    steps.extend(
        instrument
            .shown_items(setting, answers)
            .map(|i| Step::Item(i.key.clone())),
    );
    steps.push(Step::Open);
    steps.push(Step::Send);
    steps
}

/// Drops answers to questions that are no longer asked (an earlier answer changed), until
/// nothing changes: what is sent is always what the questionnaire could have asked.
pub fn prune(instrument: &Instrument, setting: SettingType, answers: &mut AnswersSoFar) {
    loop {
        let hidden: Vec<String> = answers
            .keys()
            .filter(|key| {
                instrument
                    .item(key)
                    .is_none_or(|item| !instrument.is_shown(item, setting, answers))
            })
            .cloned()
            .collect();
        if hidden.is_empty() {
            return;
        }
        for key in hidden {
            answers.remove(&key);
        }
    }
}

/// Where `from` sits among the steps (a step no longer on the path counts as the start).
fn position(all: &[Step], from: &Step) -> usize {
    all.iter().position(|s| s == from).unwrap_or(0)
}

pub fn next(instrument: &Instrument, setting: SettingType, draft: &Draft) -> Step {
    let all = steps(instrument, setting, &draft.visible_answers());
    let here = position(&all, &draft.step);
    all.get(here + 1).cloned().unwrap_or(Step::Send)
}

pub fn previous(instrument: &Instrument, setting: SettingType, draft: &Draft) -> Step {
    let all = steps(instrument, setting, &draft.visible_answers());
    let here = position(&all, &draft.step);
    all.get(here.saturating_sub(1))
        .cloned()
        .unwrap_or(Step::Language)
}

/// (number of this step, number of steps), both counted from 1, for the progress bar.
pub fn progress(instrument: &Instrument, setting: SettingType, draft: &Draft) -> (usize, usize) {
    let all = steps(instrument, setting, &draft.visible_answers());
    (position(&all, &draft.step) + 1, all.len())
}

/// Seconds a child is expected to spend on one question: reading it (or hearing it) and
/// tapping an answer. A guess for a 10-year-old, to be checked against the first wave's pilot.
pub const SECONDS_PER_QUESTION: u32 = 20;

/// About how long the survey takes in `setting`, in minutes, as the intro screen says it: the
/// questions every child there is asked (follow-ups are asked only after some answers) and the
/// three about the child at [`SECONDS_PER_QUESTION`] each, a minute for the open question and
/// half a minute for the other screens, rounded once to the nearest five minutes and at least
/// five: a round number a child can hold on to.
pub fn minutes(instrument: &Instrument, setting: SettingType) -> u32 {
    let seconds: u32 = steps(instrument, setting, &AnswersSoFar::new())
        .iter()
        .map(|step| match step {
            Step::Item(_) => SECONDS_PER_QUESTION,
            Step::About => 3 * SECONDS_PER_QUESTION,
            Step::Open => 60,
            Step::Language | Step::Intro | Step::Send => 10,
        })
        .sum();
    (seconds.saturating_add(150) / 300 * 5).max(5)
}

/// Whether an answer to `item` should bring up the help panel on the next screen.
pub fn asks_for_help(instrument: &Instrument, item: &str, value: Option<i16>) -> bool {
    match (instrument.item(item), value) {
        (Some(item), Some(v)) => item.help_if.contains(&v),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::instrument::InstrumentLibrary;

    fn instrument() -> std::sync::Arc<Instrument> {
        InstrumentLibrary::builtin().unwrap().default_instrument()
    }

    #[test]
    fn the_time_estimate_counts_every_screen_a_child_sees() {
        let i = instrument();
        for setting in SettingType::ALL {
            let all = steps(&i, setting, &AnswersSoFar::new());
            let questions = all.iter().filter(|s| matches!(s, Step::Item(_))).count() as u32;
            // The questions, the three about the child, the open question, three other screens.
            let exact = ((questions + 3) * SECONDS_PER_QUESTION + 60 + 30) as f64 / 60.0;
            let said = minutes(&i, setting);
            assert_eq!(said % 5, 0, "{setting:?}: a round number");
            assert!(
                (said as f64 - exact.max(2.5)).abs() <= 2.5,
                "{setting:?}: {questions} questions take about {exact:.1} minutes, not {said}"
            );
        }
        // Closed care, the longest: 32 questions, 12.5 minutes with the rest: about 15.
        assert_eq!(minutes(&i, SettingType::Closed), 15);
    }

    #[test]
    fn the_path_runs_from_the_explanation_to_sending() {
        let i = instrument();
        let all = steps(&i, SettingType::OpenResidential, &AnswersSoFar::new());
        assert_eq!(all[0], Step::Language);
        assert_eq!(all[1], Step::Intro);
        assert_eq!(all[2], Step::About);
        assert_eq!(all[all.len() - 2], Step::Open);
        assert_eq!(all[all.len() - 1], Step::Send);
        assert!(
            !all.contains(&Step::Item("secluded".into())),
            "no seclusion outside closed care"
        );
        let closed = steps(&i, SettingType::Closed, &AnswersSoFar::new());
        assert!(closed.contains(&Step::Item("secluded".into())));
    }

    #[test]
    fn next_and_previous_follow_the_routing() {
        let i = instrument();
        let mut draft = Draft::new("nl");
        draft.step = Step::Item("secluded".into());
        draft.answers.insert("secluded".into(), Some(1));
        let after_yes = next(&i, SettingType::Closed, &draft);
        assert!(
            matches!(&after_yes, Step::Item(k) if k.starts_with("secluded_")),
            "{after_yes:?}"
        );
        draft.answers.insert("secluded".into(), Some(2));
        let after_no = next(&i, SettingType::Closed, &draft);
        assert!(
            !matches!(&after_no, Step::Item(k) if k.starts_with("secluded_")),
            "{after_no:?}"
        );
        draft.step = Step::Language;
        assert_eq!(previous(&i, SettingType::Closed, &draft), Step::Language);
        assert_eq!(next(&i, SettingType::Closed, &draft), Step::Intro);
        draft.step = Step::Intro;
        assert_eq!(next(&i, SettingType::Closed, &draft), Step::About);
        draft.step = Step::Send;
        assert_eq!(next(&i, SettingType::Closed, &draft), Step::Send);
        let (here, total) = progress(&i, SettingType::Closed, &draft);
        assert_eq!(here, total);
    }

    #[test]
    fn answers_to_questions_no_longer_asked_are_dropped() {
        let i = instrument();
        let mut answers = AnswersSoFar::new();
        answers.insert("secluded".into(), Some(2));
        answers.insert("secluded_talked_after".into(), Some(1));
        answers.insert("safe_home".into(), Some(4));
        prune(&i, SettingType::Closed, &mut answers);
        assert_eq!(
            answers.keys().collect::<Vec<_>>(),
            ["safe_home", "secluded"]
        );
        prune(&i, SettingType::FosterCare, &mut answers);
        assert_eq!(answers.keys().collect::<Vec<_>>(), ["safe_home"]);
    }

    #[test]
    fn picking_the_survey_up_again_hides_every_earlier_answer() {
        let mut draft = Draft::new("nl");
        draft.demographics.gender = Some(crate::domain::demographics::Gender::Girl);
        draft.answers.insert("safe_home".into(), Some(2));
        draft.answers.insert("safe_at_night".into(), None);
        draft.open_answer = Some("Een slot".into());
        draft.offer_help = true;
        draft.step = Step::Item("safe_at_night".into());
        draft.pick_up("en");
        assert!(draft.resumed && draft.picked_up && !draft.offer_help);
        assert_eq!(
            (draft.step.clone(), draft.language.as_str()),
            (Step::About, "en")
        );
        assert_eq!(
            draft
                .concealed
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>(),
            [
                "about:gender",
                "item:safe_at_night",
                "item:safe_home",
                "open"
            ]
        );
        draft.reveal(&item_key("safe_home"));
        assert!(!draft.is_concealed("item:safe_home") && draft.is_concealed("open"));
    }

    #[test]
    fn after_picking_up_the_path_and_progress_do_not_depend_on_hidden_answers() {
        let i = instrument();
        let setting = SettingType::Closed;
        // One child was secluded (which brings up a follow-up question), the other was not.
        let drafts: Vec<Draft> = [Some(1), Some(2)]
            .into_iter()
            .map(|secluded| {
                let mut d = Draft::new("nl");
                d.answers.insert("safe_home".into(), Some(1));
                d.answers.insert("secluded".into(), secluded);
                d.step = Step::Item("secluded".into());
                d
            })
            .collect();
        assert_ne!(
            steps(&i, setting, &drafts[0].answers),
            steps(&i, setting, &drafts[1].answers),
            "the answers route differently"
        );
        let walk = |mut d: Draft| {
            d.pick_up("nl");
            let mut seen = Vec::new();
            for _ in 0..80 {
                seen.push((
                    d.step.clone(),
                    progress(&i, setting, &d),
                    d.visible_answers().len(),
                ));
                d.step = next(&i, setting, &d);
            }
            seen
        };
        assert_eq!(walk(drafts[0].clone()), walk(drafts[1].clone()));
        assert!(drafts.iter().all(|d| {
            let mut d = d.clone();
            d.pick_up("nl");
            d.says_kept(false) && !d.says_kept(true)
        }));
    }

    #[test]
    fn a_draft_saved_before_concealment_existed_still_reads() {
        let old = r#"{"language":"nl","step":{"kind":"intro"},"answers":{"safe_home":4}}"#;
        let draft: Draft = serde_json::from_str(old).unwrap();
        assert!(draft.concealed.is_empty() && !draft.resumed);
    }

    #[test]
    fn some_answers_bring_up_the_help_panel() {
        let i = instrument();
        let item = i
            .def()
            .items
            .iter()
            .find(|item| !item.help_if.is_empty())
            .unwrap();
        assert!(asks_for_help(&i, &item.key, Some(item.help_if[0])));
        assert!(!asks_for_help(&i, &item.key, None));
        assert!(!asks_for_help(&i, "no_such_item", Some(1)));
    }
}
