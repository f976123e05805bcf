//! The whole survey of one wave, setting type and language as one document, for survey.js to
//! walk on the device: every screen is a hidden `<section>` with its form, and carries its
//! routing (`show_if` on an earlier answer) and `help_if` as data attributes. Items that the
//! setting type never asks are left out here, so the script needs only the answer conditions.
//! Nothing of a child is in this document: it can be cached for use without a network.

use super::frame::{document, ChildPage, HelpList, HelpPanel, Progress, SurveyHeader};
use super::help::HelpContact;
use super::screens::{Screen, ScreenForm};
use crate::i18n::Lang;
use leptos::prelude::*;

/// When a screen is shown and what its answers bring up.
#[derive(Clone, Debug, Default)]
pub struct Routing {
    /// Shown only when this earlier item was answered with one of `show_if_values`.
    pub show_if_item: Option<String>,
    pub show_if_values: Vec<i16>,
    /// These answers show the help panel on the next screen.
    pub help_if: Vec<i16>,
}

#[derive(Clone, Debug)]
pub struct AppScreen {
    pub screen: Screen,
    pub routing: Routing,
}

/// Everything survey.js needs, in the order the screens come.
#[derive(Clone, Debug)]
pub struct SurveyApp {
    pub page: ChildPage,
    pub wave: String,
    pub setting_type: String,
    /// The languages the child may choose; each has its own document at `{base}/{code}`.
    pub languages: Vec<Lang>,
    /// This survey's documents without the language: `/survey/app/{wave}/{setting_type}`.
    pub base: String,
    pub screens: Vec<AppScreen>,
    pub help: Vec<HelpContact>,
    /// Surveys left half-finished on the device are removed after this many days.
    pub keep_days: u32,
}

fn values(list: &[i16]) -> String {
    list.iter()
        .map(i16::to_string)
        .collect::<Vec<_>>()
        .join(" ")
}

/// A section of the document: hidden until survey.js shows it.
#[component]
fn Section(step: &'static str, children: Children) -> impl IntoView {
    view! { <section class="screen" data-step=step hidden>{children()}</section> }
}

fn app_screen(s: AppScreen, lang: Lang) -> impl IntoView {
    let item = match &s.screen {
        Screen::Question { key, .. } => Some(key.clone()),
        _ => None,
    };
    let r = s.routing;
    let step = s.screen.step();
    view! {
        <section
            class="screen"
            data-step=step
            data-item=item
            data-show-item=r.show_if_item
            data-show-values=(!r.show_if_values.is_empty()).then(|| values(&r.show_if_values))
            data-help-if=(!r.help_if.is_empty()).then(|| values(&r.help_if))
            hidden
        >
            <ScreenForm screen=s.screen lang=lang/>
        </section>
    }
}

pub fn render_app(app: SurveyApp) -> String {
    let lang = app.page.lang;
    let t = lang.survey();
    let kiosk = app.page.kiosk_idle_seconds.is_some();
    let total = app.screens.len();
    let languages = app
        .languages
        .iter()
        .map(|l| l.code())
        .collect::<Vec<_>>()
        .join(" ");
    let help = app.help;
    let (help2, help3, help4) = (help.clone(), help.clone(), help.clone());
    let body = view! {
        <SurveyHeader lang=lang help_href="#help".to_string()/>
        <main
            id="main"
            tabindex="-1"
            class="survey-main"
            data-survey-app=""
            data-wave=app.wave
            data-setting-type=app.setting_type
            data-lang=lang.code()
            data-content-lang=lang.content_code()
            data-languages=languages
            data-base=app.base
            data-keep-days=app.keep_days.to_string()
        >
            <Progress lang=lang here=1 total=total/>
            <p class="resumed-note" role="status" hidden>{t.resumed}</p>
            <HelpPanel contacts=help lang=lang shown=false/>
            {app.screens.into_iter().map(|s| app_screen(s, lang)).collect_view()}
            <Section step="sending">
                <h1 id="h-sending" tabindex="-1">{t.sending}</h1>
            </Section>
            <Section step="saved">
                <h1 id="h-saved" tabindex="-1">{t.saved_title}</h1>
                <p>{t.saved_offline}</p>
            </Section>
            <Section step="refused">
                <h1 id="h-refused" tabindex="-1">"Veilig"</h1>
                <p>{t.send_refused}</p>
                <HelpList contacts=help2 lang=lang/>
            </Section>
            <Section step="thanks">
                <h1 id="h-thanks" tabindex="-1">{t.thanks_title}</h1>
                <p>{t.thanks}</p>
                <h2>{t.help_title}</h2>
                <p>{t.help_intro}</p>
                <HelpList contacts=help3 lang=lang/>
                {kiosk.then(|| view! { <button type="button" class="primary kiosk-done">{t.done}</button> })}
            </Section>
            <Section step="help">
                <h1 id="h-help" tabindex="-1">{t.help_title}</h1>
                <p>{t.help_intro}</p>
                <HelpList contacts=help4 lang=lang/>
                <button type="button" class="primary help-back">{t.back_to_questions}</button>
            </Section>
            // What shows when the script cannot find a survey on this device (or does not run).
            <section class="screen" data-step="lost">
                <h1 id="h-lost" tabindex="-1">"Veilig"</h1>
                <p>{t.code_problem}</p>
                <p><a class="primary-link" href=format!("/?lang={}", lang.code())>{t.start_again}</a></p>
            </section>
        </main>
    };
    let title = format!("{} · Veilig", t.intro_title);
    document(app.page, title, body)
}
