//! The HTML document around every page a child sees in the survey, and its header: Help,
//! read-aloud and the quick exit, on every screen.

use super::help::HelpContact;
use crate::components::kiosk_refresh;
use crate::i18n::Lang;
use leptos::prelude::*;

/// What every child page needs around its content.
#[derive(Clone, Debug)]
pub struct ChildPage {
    pub stylesheet: String,
    /// The child's scripts (read-aloud, offline survey, kiosk, quick exit), one hashed file.
    pub script: String,
    pub lang: Lang,
    /// A kiosk tablet: back to the start after this many idle seconds.
    pub kiosk_idle_seconds: Option<u64>,
}

/// A whole HTML document for a child's page. Its `body` carries the data kiosk.js reads.
pub fn document(page: ChildPage, title: String, body: impl IntoView + 'static) -> String {
    let owner = Owner::new();
    owner.with(move || {
        view! {
            <!DOCTYPE html>
            <html lang=page.lang.html_lang() dir=page.lang.dir()>
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="referrer" content="no-referrer"/>
                    <meta name="robots" content="noindex"/>
                    <link rel="stylesheet" href=page.stylesheet/>
                    <script src=page.script defer></script>
                    {page.kiosk_idle_seconds.map(kiosk_refresh)}
                    <title>{title}</title>
                </head>
                <body class="survey" data-kiosk-idle=page.kiosk_idle_seconds.map(|s| s.to_string())>
                    {body}
                </body>
            </html>
        }
        .to_html()
    })
}

/// The bar at the top of every screen. `help_href` is the help page, or `#help` in the
/// offline survey, where the help screen is part of the document.
#[component]
pub fn SurveyHeader(lang: Lang, help_href: String) -> impl IntoView {
    let t = lang.survey();
    view! {
        <a class="skip-link" href="#main">{lang.texts().skip_to_content}</a>
        <header class="survey-header">
            <a class="help-button" href=help_href>{t.help}</a>
            // Shown by read-aloud.js only when the device has a voice for this language.
            <button type="button" class="read-button" hidden>{t.read_aloud}</button>
            <a class="exit-button" href="/exit" aria-label=t.quick_exit_label>{t.quick_exit}</a>
        </header>
    }
}

/// The usual help page address for a language.
pub fn help_page(lang: Lang) -> String {
    format!("/survey/help?lang={}", lang.code())
}

#[component]
pub fn HelpList(contacts: Vec<HelpContact>, lang: Lang) -> impl IntoView {
    view! {
        <ul class="help-list">
            {contacts.into_iter().map(|c| view! {
                <li><strong>{c.name(lang)}</strong><br/>{c.how(lang)}</li>
            }).collect_view()}
        </ul>
    }
}

/// Shown gently above the next screen after an answer that asks for it (`help_if`): never an
/// alarm, never a message to anyone.
#[component]
pub fn HelpPanel(contacts: Vec<HelpContact>, lang: Lang, shown: bool) -> impl IntoView {
    let t = lang.survey();
    view! {
        <section class="help-panel" id="help-panel" aria-labelledby="help-panel-title" hidden=!shown>
            <h2 id="help-panel-title">{t.help_title}</h2>
            <p>{t.help_after_answer}</p>
            <HelpList contacts=contacts lang=lang/>
        </section>
    }
}

/// "Step 3 of 40": a bar and the words under it.
#[component]
pub fn Progress(lang: Lang, here: usize, total: usize) -> impl IntoView {
    let template = lang.survey().progress;
    let text = template
        .replace("{n}", &here.to_string())
        .replace("{total}", &total.to_string());
    view! {
        <div class="progress-box">
            <progress class="progress" max=total.to_string() value=here.to_string() aria-label=text.clone()></progress>
            <p class="progress-text" aria-hidden="true" data-template=template>{text}</p>
        </div>
    }
}
