//! The screens of the survey, each a form: choose a language, the explanation, about you, one
//! question, the open question, and sending. The same markup serves the plain-HTML survey (one
//! screen per page) and the offline survey (every screen in one document, walked by survey.js),
//! so there is one renderer. Element ids carry the screen's name, so they stay unique when all
//! screens share a document.

use crate::i18n::Lang;
use leptos::prelude::*;

/// One answer button.
#[derive(Clone, Debug)]
pub struct Choice {
    pub value: String,
    pub label: String,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ScaleLook {
    /// Faces from very sad to very happy, words under them.
    Smiley,
    /// Word buttons.
    Words,
    /// A mark from 1 to 10.
    Mark,
}

/// What one screen shows. `concealed`: the child answered this before the survey was picked
/// up again with the code; the answer is kept but not shown (someone else may hold the code).
#[derive(Clone, Debug)]
pub enum Screen {
    Language {
        offered: Vec<Lang>,
        chosen: Lang,
    },
    /// What the survey is; `minutes` is about how long it takes (`domain::survey::minutes`).
    Intro {
        minutes: u32,
    },
    About {
        age_band: Option<String>,
        gender: Option<String>,
        time_here: Option<String>,
        concealed: bool,
    },
    Question {
        key: String,
        text: String,
        look: ScaleLook,
        choices: Vec<Choice>,
        /// The value chosen earlier (a number, or `dont_know`).
        chosen: Option<String>,
        concealed: bool,
    },
    Open {
        question: String,
        max_length: usize,
        value: String,
        concealed: bool,
    },
    Send {
        answered: usize,
    },
}

impl Screen {
    /// The name in ids and in `data-step`: `language`, `intro`, `about`, `item`, `open`, `send`.
    pub fn step(&self) -> &'static str {
        match self {
            Screen::Language { .. } => "language",
            Screen::Intro { .. } => "intro",
            Screen::About { .. } => "about",
            Screen::Question { .. } => "item",
            Screen::Open { .. } => "open",
            Screen::Send { .. } => "send",
        }
    }

    /// The id of the screen's heading (read aloud, focused when the screen appears).
    pub fn heading_id(&self) -> String {
        match self {
            Screen::Question { key, .. } => format!("h-{key}"),
            other => format!("h-{}", other.step()),
        }
    }

    pub fn title(&self, lang: Lang) -> String {
        let t = lang.survey();
        match self {
            Screen::Language { .. } => t.language_title.to_string(),
            Screen::Intro { .. } => t.intro_title.to_string(),
            Screen::About { .. } => t.about_title.to_string(),
            Screen::Question { text, .. } => text.clone(),
            Screen::Open { question, .. } => question.clone(),
            Screen::Send { .. } => t.send_title.to_string(),
        }
    }
}

fn face(index: usize, count: usize) -> impl IntoView {
    // Where the point sits from sad (0) to happy (1). The mouth bends from sad to happy; the
    // sad half also has worried brows (inner ends raised), the happy half rosy cheeks, so the
    // faces differ in more than a line of a few pixels.
    let position = if count > 1 {
        index as f64 / (count - 1) as f64
    } else {
        0.5
    };
    let bend = -9.0 + 18.0 * position;
    let mouth = format!("M15 33 Q24 {:.1} 33 33", 33.0 + bend);
    let brows = (position < 0.5).then(|| {
        let lift = 8.0 * (0.5 - position);
        let inner = 13.5 - lift;
        view! {
            <path d=format!("M11 13.5 L20 {inner:.1} M28 {inner:.1} L37 13.5") class="face-brow"/>
        }
    });
    let cheeks = (position > 0.5).then(|| {
        view! {
            <circle cx="11.5" cy="28" r="3.5" class="face-cheek"/>
            <circle cx="36.5" cy="28" r="3.5" class="face-cheek"/>
        }
    });
    view! {
        <svg class="face" viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="21" class="face-fill"/>
            {cheeks}
            {brows}
            <circle cx="17" cy="19" r="2.6" class="face-ink"/>
            <circle cx="31" cy="19" r="2.6" class="face-ink"/>
            <path d=mouth class="face-mouth"/>
        </svg>
    }
}

/// One big radio button: its value, its words, a face (smileys), and the language of the
/// words when it is not the page's (a language's own name).
struct Answer {
    value: String,
    label: String,
    face: Option<AnyView>,
    lang: Option<&'static str>,
}

impl Answer {
    fn new(value: impl Into<String>, label: impl Into<String>) -> Answer {
        Answer {
            value: value.into(),
            label: label.into(),
            face: None,
            lang: None,
        }
    }
}

fn radio_row(
    name: &'static str,
    id_prefix: String,
    options: Vec<Answer>,
    chosen: Option<String>,
) -> impl IntoView {
    options
        .into_iter()
        .map(|o| {
            let checked = chosen.as_deref() == Some(o.value.as_str());
            let id = format!("{id_prefix}-{}", o.value);
            view! {
                <input type="radio" class="choice-input" id=id.clone() name=name value=o.value checked=checked/>
                <label class="choice" for=id>{o.face}<span lang=o.lang>{o.label}</span></label>
            }
        })
        .collect_view()
}

fn demographic(
    name: &'static str,
    legend: &'static str,
    list: &'static [(&'static str, &'static str)],
    chosen: Option<String>,
    rather_not_say: &'static str,
) -> impl IntoView {
    let mut options: Vec<Answer> = list.iter().map(|(v, l)| Answer::new(*v, *l)).collect();
    options.push(Answer::new("dont_know", rather_not_say));
    view! {
        <fieldset class="choices words">
            <legend>{legend}</legend>
            <div class="choice-row">{radio_row(name, name.to_string(), options, chosen)}</div>
        </fieldset>
    }
}

/// A note that the earlier answer is kept but not shown; present (hidden) on every screen
/// that can be concealed, so survey.js can show it.
fn concealed_note(lang: Lang, shown: bool) -> impl IntoView {
    view! { <p class="concealed-note" hidden=!shown>{lang.survey().concealed}</p> }
}

/// The content of a screen's form, without the buttons.
#[component]
fn ScreenBody(screen: Screen, lang: Lang) -> impl IntoView {
    let t = lang.survey();
    let heading = screen.heading_id();
    match screen {
        Screen::Language { offered, chosen } => {
            let options = offered
                .into_iter()
                .map(|l| Answer {
                    lang: Some(l.html_lang()),
                    ..Answer::new(l.code(), l.name())
                })
                .collect();
            view! {
                <fieldset class="choices words">
                    <legend><h1 id=heading tabindex="-1">{t.language_title}</h1></legend>
                    <p class="hint">{t.language_intro}</p>
                    <div class="choice-row">
                        {radio_row("language", "language".into(), options, Some(chosen.code().to_string()))}
                    </div>
                </fieldset>
            }
            .into_any()
        }
        Screen::Intro { minutes } => view! {
            <h1 id=heading tabindex="-1">{t.intro_title}</h1>
            {t.intro.iter().map(|line| view! { <p>{*line}</p> }).collect_view()}
            <p class="time-estimate">{t.intro_time.replace("{n}", &minutes.to_string())}</p>
        }
        .into_any(),
        Screen::About { age_band, gender, time_here, concealed } => view! {
            <h1 id=heading tabindex="-1">{t.about_title}</h1>
            <p class="hint">{t.about_intro}</p>
            {concealed_note(lang, concealed)}
            {demographic("age_band", t.age, t.age_bands, age_band, t.rather_not_say)}
            {demographic("gender", t.gender, t.genders, gender, t.rather_not_say)}
            {demographic("time_here", t.time_here, t.times_here, time_here, t.rather_not_say)}
        }
        .into_any(),
        Screen::Question { key, text, look, choices, chosen, concealed } => {
            let count = choices.len();
            let class = match look {
                ScaleLook::Smiley => "choices smiley",
                ScaleLook::Words => "choices words",
                ScaleLook::Mark => "choices mark",
            };
            let options = choices
                .into_iter()
                .enumerate()
                .map(|(i, c)| Answer {
                    face: (look == ScaleLook::Smiley).then(|| face(i, count).into_any()),
                    ..Answer::new(c.value, c.label)
                })
                .collect();
            let dont_know_id = format!("{key}-dont_know");
            let dont_know_checked = chosen.as_deref() == Some("dont_know");
            view! {
                <fieldset class=class data-item=key.clone()>
                    <legend><h1 id=heading tabindex="-1">{text}</h1></legend>
                    <p class="hint">{t.skip_hint}</p>
                    {concealed_note(lang, concealed)}
                    <div class="choice-row">{radio_row("answer", key.clone(), options, chosen)}</div>
                    <input type="radio" class="choice-input" id=dont_know_id.clone() name="answer" value="dont_know" checked=dont_know_checked/>
                    <label class="choice dont-know" for=dont_know_id>{t.dont_know}</label>
                </fieldset>
            }
            .into_any()
        }
        Screen::Open { question, max_length, value, concealed } => view! {
            <label for="open_answer" class="question-label"><h1 id=heading tabindex="-1">{question}</h1></label>
            <p class="hint" id="open-hint">{t.open_hint}</p>
            {concealed_note(lang, concealed)}
            <textarea id="open_answer" name="open_answer" rows="5" maxlength=max_length.to_string() aria-describedby="open-hint">{crate::components::textarea_text(&value)}</textarea>
        }
        .into_any(),
        Screen::Send { answered } => view! {
            <h1 id=heading tabindex="-1">{t.send_title}</h1>
            <p>{t.send_intro}</p>
            <p class="answered" data-template=t.answered>{t.answered.replace("{n}", &answered.to_string())}</p>
        }
        .into_any(),
    }
}

/// A screen as a form that posts its answer and where to go (`go=next` or `go=back`).
#[component]
pub fn ScreenForm(screen: Screen, lang: Lang) -> impl IntoView {
    let t = lang.survey();
    let step = screen.step();
    let primary = match step {
        "send" => t.send,
        "intro" => t.start,
        _ => t.next,
    };
    let action = if step == "send" {
        "/survey/send"
    } else {
        "/survey"
    };
    // The first screen has nowhere to go back to.
    let first = step == "language";
    view! {
        <form method="post" action=action class="survey-form">
            <ScreenBody screen=screen lang=lang/>
            <div class="survey-nav">
                <button type="submit" name="go" value="next" class="primary">{primary}</button>
                {(!first).then(|| view! {
                    <button type="submit" name="go" value="back" class="secondary back">{t.back}</button>
                })}
            </div>
        </form>
    }
}
