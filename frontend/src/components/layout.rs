//! The frame of every page: a skip link, the header with the language switch, and the main area.

use crate::i18n::{use_lang, Lang};
use leptos::prelude::*;
use leptos_meta::{Html, Title};
use leptos_router::components::A;
use leptos_router::hooks::use_location;

#[component]
pub fn Layout(#[prop(into)] title: Signal<String>, children: Children) -> impl IntoView {
    let lang = use_lang();
    let texts = move || lang.get().texts();
    // Effects run only in the browser: the marker tells tests (and styles) that the app is live.
    let hydrated = RwSignal::new(false);
    Effect::new(move |_| hydrated.set(true));
    view! {
        <Html attr:lang=move || lang.get().code() attr:dir="ltr"/>
        <Title text=move || format!("{} · Veilig", title.get())/>
        <a class="skip-link" href="#main">{move || texts().skip_to_content}</a>
        <header class="site-header">
            <span class="brand" aria-hidden="true">"Veilig"</span>
            <LanguageSwitch/>
        </header>
        <main id="main" tabindex="-1" data-hydrated=move || if hydrated.get() { "true" } else { "false" }>
            {children()}
        </main>
    }
}

/// Links to the same page in each language. Without JavaScript they are plain links; once
/// hydrated, the router switches the language in place.
#[component]
fn LanguageSwitch() -> impl IntoView {
    let lang = use_lang();
    let location = use_location();
    view! {
        <nav class="language-switch" aria-label=move || lang.get().texts().language_switch>
            <ul>
                {Lang::ALL
                    .into_iter()
                    .map(|l| {
                        let href = move || format!("{}?lang={}", location.pathname.get(), l.code());
                        view! {
                            <li>
                                <A
                                    href=href
                                    attr:lang=l.code()
                                    attr:aria-current=move || (lang.get() == l).then_some("true")
                                >
                                    {l.name()}
                                </A>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </nav>
    }
}
