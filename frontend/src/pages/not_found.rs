//! Shown for an address that does not exist.

use crate::components::Layout;
use crate::i18n::use_lang;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    let lang = use_lang();
    let texts = move || lang.get().texts();
    #[cfg(feature = "ssr")]
    {
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::NOT_FOUND);
        }
    }
    view! {
        <Layout title=|t| t.not_found_title>
            <section class="card">
                <h1>{move || texts().not_found_title}</h1>
                <p>{move || texts().not_found_text}</p>
                <p><a href="/">{move || texts().back_home}</a></p>
            </section>
        </Layout>
    }
}
