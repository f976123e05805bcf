//! The frame of every page: a skip link, the header with the language switch (and, on the
//! child's pages, Help and the quick exit), and the main area.

use crate::i18n::{use_lang, Lang, UiTexts};
use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::hooks::{use_location, use_query_map};

/// `title` picks the page's title from the texts of the language shown. On the server the
/// document title is written after the page's body, when the page's own reactive values may be
/// gone already: then the language the page was rendered in is used.
#[component]
pub fn Layout(
    title: fn(&UiTexts) -> &'static str,
    /// A page children see: it gets Help and the quick exit, like every survey screen.
    #[prop(optional)]
    child: bool,
    children: Children,
) -> impl IntoView {
    let lang = use_lang();
    let rendered_in = lang.get_untracked();
    let texts = move || lang.get().texts();
    // The <head> is rendered from these closures after the page's own owner may be gone: then
    // the language the page was rendered in is used.
    let head_lang = move || lang.try_get().unwrap_or(rendered_in);
    view! {
        <Html attr:lang=move || head_lang().html_lang() attr:dir=move || head_lang().dir()/>
        <Title text=move || format!("{} · Veilig", title(head_lang().texts()))/>
        <a class="skip-link" href="#main">{move || texts().skip_to_content}</a>
        <header class="site-header">
            <span class="brand" aria-hidden="true">"Veilig"</span>
            <LanguageSwitch/>
            {child.then(|| view! {
                <div class="child-actions">
                    <a class="help-button" href=move || format!("/survey/help?lang={}", lang.get().code())>
                        {move || lang.get().survey().help}
                    </a>
                    // Shown by read-aloud.js only when the device has a voice for the language.
                    <button type="button" class="read-button" hidden>
                        {move || lang.get().survey().read_aloud}
                    </button>
                    <a class="exit-button" href="/exit" aria-label=move || lang.get().survey().quick_exit_label>
                        {move || lang.get().survey().quick_exit}
                    </a>
                </div>
            })}
        </header>
        // The page's scripts mark it ready once they are in charge (child.js, start.js): what
        // tests wait for before they type.
        <main id="main" tabindex="-1" data-ready="false">
            {children()}
        </main>
    }
}

/// Links to the same page in each language, each in its own language; the one shown is marked
/// (`aria-current`). They are plain links: the page is loaded again in the other language.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    let query = use_query_map();
    view! {
        <nav class="language-switch" aria-label=move || lang.get().texts().language_switch>
            <ul>
                {Lang::everyday()
                    .map(|l| {
                        // The wave of a QR link is kept; the code never is (see start.rs).
                        let href = move || {
                            let wave = query
                                .read()
                                .get("wave")
                                .filter(|w| w.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_'))
                                .map(|w| format!("&wave={w}"))
                                .unwrap_or_default();
                            format!("{}?lang={}{wave}", location.pathname.get(), l.code())
                        };
                        view! {
                            // A plain link (the router still takes its clicks): the router's own
                            // link marks every link to this path as current, whatever language.
                            <li>
                                <a
                                    href=href
                                    lang=l.code()
                                    aria-current=move || (lang.get() == l).then_some("true")
                                >
                                    {l.name()}
                                </a>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
