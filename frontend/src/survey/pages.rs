//! The pages of the plain-HTML survey: one screen per page, help, thanks, "we could not find
//! your survey", and the quick exit's neutral page.

use super::frame::{document, help_page, ChildPage, HelpList, HelpPanel, Progress, SurveyHeader};
use super::help::HelpContact;
use super::screens::{Screen, ScreenForm};
use crate::components::KIOSK_RESET;
use leptos::prelude::*;

/// What a page of the plain-HTML survey shows around its screen.
#[derive(Clone, Debug)]
pub struct StepPage {
    pub page: ChildPage,
    /// (this step, all steps), from 1.
    pub progress: (usize, usize),
    /// Shown, gently, above the screen after an answer that asks for it.
    pub help: Option<Vec<HelpContact>>,
    /// The survey was just picked up again with the code: say that earlier answers are kept.
    pub resumed: bool,
    /// Something went wrong saving the last answer (said kindly; nothing is lost).
    pub error: Option<String>,
}

/// One screen of the survey: a form that posts the answer and where to go.
pub fn render_step(step: StepPage, screen: Screen) -> String {
    let lang = step.page.lang;
    let t = lang.survey();
    let (here, total) = step.progress;
    let title = format!("{} · Veilig", screen.title(lang));
    let body = view! {
        <SurveyHeader lang=lang help_href=help_page(lang)/>
        <main id="main" tabindex="-1" class="survey-main">
            <Progress lang=lang here=here total=total/>
            {step.resumed.then(|| view! { <p class="resumed-note" role="status">{t.resumed}</p> })}
            {step.help.map(|contacts| view! { <HelpPanel contacts=contacts lang=lang shown=true/> })}
            {step.error.map(|e| view! { <p class="error" role="alert">{e}</p> })}
            <ScreenForm screen=screen lang=lang/>
        </main>
    };
    document(step.page, title, body)
}

/// The help page: reachable from every screen, also without a survey under way. `back` is
/// where "back" goes: the survey under way, or the start page.
pub fn render_help(page: ChildPage, contacts: Vec<HelpContact>, back: String) -> String {
    let lang = page.lang;
    let t = lang.survey();
    let body = view! {
        <SurveyHeader lang=lang help_href=help_page(lang)/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>{t.help_title}</h1>
            <p>{t.help_intro}</p>
            <HelpList contacts=contacts lang=lang/>
            <p><a class="primary-link" href=back>{t.back_to_questions}</a></p>
        </main>
    };
    document(page, format!("{} · Veilig", t.help_title), body)
}

/// After sending: thanks, and the same help. On a kiosk tablet, "Done" hands the tablet on.
pub fn render_thanks(page: ChildPage, contacts: Vec<HelpContact>) -> String {
    let lang = page.lang;
    let t = lang.survey();
    let kiosk = page.kiosk_idle_seconds.is_some();
    let body = view! {
        <SurveyHeader lang=lang help_href=help_page(lang)/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>{t.thanks_title}</h1>
            <p>{t.thanks}</p>
            <h2>{t.help_title}</h2>
            <p>{t.help_intro}</p>
            <HelpList contacts=contacts lang=lang/>
            {kiosk.then(|| view! { <p><a class="primary-link" href=KIOSK_RESET>{t.done}</a></p> })}
        </main>
    };
    document(page, format!("{} · Veilig", t.thanks_title), body)
}

/// When the survey cannot be found (no cookie, or it was sent already).
pub fn render_lost(page: ChildPage) -> String {
    let lang = page.lang;
    let t = lang.survey();
    let body = view! {
        <SurveyHeader lang=lang help_href=help_page(lang)/>
        <main id="main" tabindex="-1" class="survey-main">
            <h1>"Veilig"</h1>
            <p>{t.code_problem}</p>
            <p><a class="primary-link" href=format!("/?lang={}", lang.code())>{t.start_again}</a></p>
        </main>
    };
    document(page, "Veilig".to_string(), body)
}

/// The quick exit: a page about nothing in particular, with nothing of the survey on it. On a
/// kiosk tablet it still goes back to the start after the idle time.
pub fn render_exit(script: Option<String>, kiosk_idle_seconds: Option<u64>) -> String {
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
                    {script.map(|src| view! { <script src=src defer></script> })}
                    {kiosk_idle_seconds.map(crate::components::kiosk_refresh)}
                    <title>"Het weer"</title>
                </head>
                <body data-kiosk-idle=kiosk_idle_seconds.map(|s| s.to_string())>{body}</body>
            </html>
        }
        .to_html()
    })
}
