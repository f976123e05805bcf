//! The child's survey as plain HTML forms, rendered on the server: it works on any tablet,
//! with JavaScript off, and costs a few kilobytes per screen. Every screen has Help and a
//! quick exit; one question per screen, with big answer buttons and words under the faces.

mod texts;

pub use texts::{HelpContact, HelpContacts, SurveyTexts, DEFAULT_HELP};

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

/// What one screen shows.
#[derive(Clone, Debug)]
pub enum StepView {
    Intro,
    About {
        age_band: Option<String>,
        gender: Option<String>,
        time_here: Option<String>,
    },
    Question {
        key: String,
        text: String,
        look: ScaleLook,
        choices: Vec<Choice>,
        /// The value chosen earlier (a number, or `dont_know`).
        chosen: Option<String>,
    },
    Open {
        question: String,
        max_length: usize,
        value: String,
    },
    Send {
        answered: usize,
    },
}

/// Around every screen.
#[derive(Clone, Debug)]
pub struct SurveyFrame {
    pub stylesheet: String,
    pub lang: Lang,
    /// (this step, all steps), from 1.
    pub progress: (usize, usize),
    /// Shown, gently, above the screen after an answer that asks for it.
    pub help: Option<Vec<HelpContact>>,
}

fn document(
    stylesheet: String,
    lang: Lang,
    title: String,
    body: impl IntoView + 'static,
) -> String {
    let owner = Owner::new();
    owner.with(move || {
        view! {
            <!DOCTYPE html>
            <html lang=lang.code() dir="ltr">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="referrer" content="no-referrer"/>
                    <meta name="robots" content="noindex"/>
                    <link rel="stylesheet" href=stylesheet/>
                    <title>{title}</title>
                </head>
                <body class="survey">{body}</body>
            </html>
        }
        .to_html()
    })
}

#[component]
fn SurveyHeader(lang: Lang) -> impl IntoView {
    let t = SurveyTexts::of(lang);
    view! {
        <header class="survey-header">
            <a class="help-button" href=format!("/survey/help?lang={}", lang.code())>{t.help}</a>
            <a class="exit-button" href="/exit" aria-label=t.quick_exit_label>{t.quick_exit}</a>
        </header>
    }
}

#[component]
fn HelpList(contacts: Vec<HelpContact>, lang: Lang) -> impl IntoView {
    view! {
        <ul class="help-list">
            {contacts.into_iter().map(|c| view! {
                <li><strong>{c.name(lang)}</strong><br/>{c.how(lang)}</li>
            }).collect_view()}
        </ul>
    }
}

fn face(index: usize, count: usize) -> impl IntoView {
    // The mouth bends from sad (first point) to happy (last point).
    let bend = if count > 1 {
        -9.0 + 18.0 * index as f64 / (count - 1) as f64
    } else {
        0.0
    };
    let mouth = format!("M15 33 Q24 {:.1} 33 33", 33.0 + bend);
    view! {
        <svg class="face" viewBox="0 0 48 48" width="56" height="56" aria-hidden="true" focusable="false">
            <circle cx="24" cy="24" r="21" class="face-fill"/>
            <circle cx="17" cy="19" r="2.6" class="face-ink"/>
            <circle cx="31" cy="19" r="2.6" class="face-ink"/>
            <path d=mouth class="face-mouth"/>
        </svg>
    }
}

fn radio_group(
    name: &'static str,
    legend: &'static str,
    options: Vec<(String, String)>,
    chosen: Option<String>,
    other: (&'static str, &'static str),
) -> impl IntoView {
    let mut all = options;
    all.push((other.0.to_string(), other.1.to_string()));
    view! {
        <fieldset class="choices words">
            <legend>{legend}</legend>
            {all.into_iter().map(|(value, label)| {
                let checked = chosen.as_deref() == Some(value.as_str());
                let id = format!("{name}-{value}");
                view! {
                    <input type="radio" class="choice-input" id=id.clone() name=name value=value checked=checked/>
                    <label class="choice" for=id>{label}</label>
                }
            }).collect_view()}
        </fieldset>
    }
}

#[component]
fn Step(step: StepView, lang: Lang) -> impl IntoView {
    let t = SurveyTexts::of(lang);
    match step {
        StepView::Intro => view! {
            <h1 id="question">{t.intro_title}</h1>
            {t.intro.iter().map(|line| view! { <p>{*line}</p> }).collect_view()}
        }
        .into_any(),
        StepView::About { age_band, gender, time_here } => {
            let pairs = |list: &[(&str, &str)]| list.iter().map(|(v, l)| (v.to_string(), l.to_string())).collect::<Vec<_>>();
            view! {
                <h1 id="question">{t.about_title}</h1>
                <p>{t.about_intro}</p>
                {radio_group("age_band", t.age, pairs(&t.ages), age_band, ("dont_know", t.rather_not_say))}
                {radio_group("gender", t.gender, pairs(&t.genders), gender, ("dont_know", t.rather_not_say))}
                {radio_group("time_here", t.time_here, pairs(&t.times_here), time_here, ("dont_know", t.rather_not_say))}
            }
            .into_any()
        }
        StepView::Question { key, text, look, choices, chosen } => {
            let count = choices.len();
            let class = match look {
                ScaleLook::Smiley => "choices smiley",
                ScaleLook::Words => "choices words",
                ScaleLook::Mark => "choices mark",
            };
            let dont_know_checked = chosen.as_deref() == Some("dont_know");
            view! {
                <fieldset class=class data-item=key>
                    <legend><h1 id="question">{text}</h1></legend>
                    <p class="hint">{t.skip_hint}</p>
                    <div class="choice-row">
                        {choices.into_iter().enumerate().map(|(i, c)| {
                            let checked = chosen.as_deref() == Some(c.value.as_str());
                            let id = format!("answer-{}", c.value);
                            view! {
                                <input type="radio" class="choice-input" id=id.clone() name="answer" value=c.value checked=checked/>
                                <label class="choice" for=id>
                                    {(look == ScaleLook::Smiley).then(|| face(i, count))}
                                    <span>{c.label}</span>
                                </label>
                            }
                        }).collect_view()}
                    </div>
                    <input type="radio" class="choice-input" id="answer-dont_know" name="answer" value="dont_know" checked=dont_know_checked/>
                    <label class="choice dont-know" for="answer-dont_know">{t.dont_know}</label>
                </fieldset>
            }
            .into_any()
        }
        StepView::Open { question, max_length, value } => view! {
            <label for="open_answer"><h1 id="question">{question}</h1></label>
            <p class="hint" id="open-hint">{t.open_hint}</p>
            <textarea id="open_answer" name="open_answer" rows="6" maxlength=max_length.to_string() aria-describedby="open-hint">{value}</textarea>
        }
        .into_any(),
        StepView::Send { answered } => view! {
            <h1 id="question">{t.send_title}</h1>
            <p>{t.send_intro}</p>
            <p>{t.answered.replace("{n}", &answered.to_string())}</p>
        }
        .into_any(),
    }
}

/// One screen of the survey: a form that posts the answer and where to go.
pub fn render_step(frame: SurveyFrame, step: StepView, error: Option<String>) -> String {
    let lang = frame.lang;
    let t = SurveyTexts::of(lang);
    let (here, total) = frame.progress;
    let is_send = matches!(step, StepView::Send { .. });
    let is_intro = matches!(step, StepView::Intro);
    let title = match &step {
        StepView::Question { text, .. } => text.clone(),
        StepView::Open { question, .. } => question.clone(),
        StepView::Intro => t.intro_title.to_string(),
        StepView::About { .. } => t.about_title.to_string(),
        StepView::Send { .. } => t.send_title.to_string(),
    };
    let progress_text = t
        .progress
        .replace("{n}", &here.to_string())
        .replace("{total}", &total.to_string());
    let help = frame.help;
    let primary = if is_send {
        t.send
    } else if is_intro {
        t.start
    } else {
        t.next
    };
    let action = if is_send { "/survey/send" } else { "/survey" };
    let body = view! {
        <a class="skip-link" href="#main">{crate::i18n::Lang::texts(lang).skip_to_content}</a>
        <SurveyHeader lang=lang/>
        <main id="main" tabindex="-1" class="survey-main">
            <progress class="progress" max=total.to_string() value=here.to_string() aria-label=progress_text.clone()></progress>
            <p class="progress-text" aria-hidden="true">{progress_text}</p>
            {help.map(|contacts| view! {
                <section class="help-panel" aria-labelledby="help-panel-title">
                    <h2 id="help-panel-title">{t.help_title}</h2>
                    <p>{t.help_after_answer}</p>
                    <HelpList contacts=contacts lang=lang/>
                </section>
            })}
            {error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <form method="post" action=action class="survey-form">
                <Step step=step lang=lang/>
                <div class="survey-nav">
                    <button type="submit" name="go" value="next" class="primary">{primary}</button>
                    {(!is_intro).then(|| view! { <button type="submit" name="go" value="back" class="secondary back">{t.back}</button> })}
                </div>
            </form>
        </main>
    };
    document(frame.stylesheet, lang, format!("{title} · Veilig"), body)
}

/// The help page: reachable from every screen, also without a survey under way.
pub fn render_help(
    stylesheet: String,
    lang: Lang,
    contacts: Vec<HelpContact>,
    back: Option<String>,
) -> String {
    let t = SurveyTexts::of(lang);
    let body = view! {
        <a class="skip-link" href="#main">{crate::i18n::Lang::texts(lang).skip_to_content}</a>
        <SurveyHeader lang=lang/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>{t.help_title}</h1>
            <p>{t.help_intro}</p>
            <HelpList contacts=contacts lang=lang/>
            {back.map(|href| view! { <p><a class="primary-link" href=href>{t.back_to_questions}</a></p> })}
        </main>
    };
    document(stylesheet, lang, format!("{} · Veilig", t.help_title), body)
}

/// After sending: thanks, and the same help.
pub fn render_thanks(stylesheet: String, lang: Lang, contacts: Vec<HelpContact>) -> String {
    let t = SurveyTexts::of(lang);
    let body = view! {
        <a class="skip-link" href="#main">{crate::i18n::Lang::texts(lang).skip_to_content}</a>
        <SurveyHeader lang=lang/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>{t.thanks_title}</h1>
            <p>{t.thanks}</p>
            <h2>{t.help_title}</h2>
            <p>{t.help_intro}</p>
            <HelpList contacts=contacts lang=lang/>
        </main>
    };
    document(
        stylesheet,
        lang,
        format!("{} · Veilig", t.thanks_title),
        body,
    )
}

/// When the survey cannot be found (no cookie, or it was sent already).
pub fn render_lost(stylesheet: String, lang: Lang) -> String {
    let t = SurveyTexts::of(lang);
    let body = view! {
        <a class="skip-link" href="#main">{crate::i18n::Lang::texts(lang).skip_to_content}</a>
        <SurveyHeader lang=lang/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>"Veilig"</h1>
            <p>{t.code_problem}</p>
            <p><a class="primary-link" href=format!("/?lang={}", lang.code())>{t.start_again}</a></p>
        </main>
    };
    document(stylesheet, lang, "Veilig".to_string(), body)
}

/// The quick exit: a page about nothing in particular, with nothing of the survey on it.
pub fn render_exit() -> String {
    let body = view! {
        <main class="exit-page">
            <h1>"Het weer"</h1>
            <p>"Vandaag wisselend bewolkt, later op de dag een enkele bui. Middagtemperatuur rond 12 graden."</p>
            <p>"Morgen droog met zon."</p>
        </main>
    };
    let owner = Owner::new();
    owner.with(move || {
        view! {
            <!DOCTYPE html>
            <html lang="nl">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="referrer" content="no-referrer"/>
                    <title>"Het weer"</title>
                </head>
                <body>{body}</body>
            </html>
        }
        .to_html()
    })
}
