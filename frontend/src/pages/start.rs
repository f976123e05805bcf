//! The child's start page: type the code from your card. A QR link fills in the code and the
//! wave (`/?code=K7M-4Q9-TXA&wave=2023`); a script (start.js) removes the code from the address
//! at once, so it stays in no history. The language chosen here is only the start page's own:
//! the survey asks for its language as its first step.

use crate::components::Layout;
use crate::i18n::{use_lang, UiTexts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// Why a code was refused, as named in the address after a plain form post (`?error=used`).
fn error_text(reason: &str, texts: &'static UiTexts) -> Option<&'static str> {
    Some(match reason {
        "format" => texts.code_error_format,
        "unknown" | "revoked" | "wrong_wave" => texts.code_error_unknown,
        "wrong_location" => texts.code_error_wrong_location,
        "used" => texts.code_error_used,
        "closed" => texts.code_error_closed,
        "busy" => texts.code_error_busy,
        _ => return None,
    })
}

/// Shows what the child typed the way the card prints it: capitals, in groups of three.
pub fn format_code_preview(typed: &str) -> String {
    let chars: Vec<char> = typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_uppercase())
        .take(12)
        .collect();
    chars
        .chunks(3)
        .map(|group| group.iter().collect::<String>())
        .collect::<Vec<_>>()
        .join("-")
}

#[component]
pub fn StartPage() -> impl IntoView {
    let lang = use_lang();
    let texts = move || lang.get().texts();
    let query = use_query_map();
    let error = move || {
        query
            .read()
            .get("error")
            .and_then(|reason| error_text(&reason, lang.get().texts()))
    };
    // A QR code on the card opens this page with the code filled in (`/?code=K7M-4Q9-TXA`).
    let linked = query
        .with_untracked(|q| q.get("code"))
        .unwrap_or_default()
        .chars()
        .take(24)
        .collect::<String>();
    // The wave a QR link or kiosk start belongs to: a code of another wave is refused.
    let wave = query
        .with_untracked(|q| q.get("wave"))
        .filter(|w| {
            w.len() <= 50
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or_default();
    let typed = RwSignal::new(linked.clone());
    let preview = move || format_code_preview(&typed.get());
    view! {
        <Layout title=|t| t.start_title child=true>
            <section class="card start">
                <h1>{move || texts().start_title}</h1>
                <p>{move || texts().start_intro}</p>
                <p class="reassure">{move || texts().start_anonymous}</p>
                <form method="post" action="/survey/start" class="code-form">
                    <input type="hidden" name="lang" value=move || lang.get().code()/>
                    <input type="hidden" name="wave" value=wave/>
                    <label for="code">{move || texts().code_label}</label>
                    <p id="code-hint" class="hint">{move || texts().code_hint}</p>
                    <input
                        id="code"
                        name="code"
                        type="text"
                        required
                        maxlength="24"
                        value=linked
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        aria-describedby=move || {
                            if error().is_some() { "code-hint code-error" } else { "code-hint" }
                        }
                        aria-invalid=move || error().is_some().then_some("true")
                        on:input=move |ev| typed.set(event_target_value(&ev))
                    />
                    <p class="code-preview" aria-live="polite">
                        {move || {
                            let p = preview();
                            (!p.is_empty()).then(|| format!("{} {p}", texts().code_preview))
                        }}
                    </p>
                    {move || error().map(|message| view! {
                        <p id="code-error" class="error" role="alert">{message}</p>
                    })}
                    // Shown by start.js when the code cannot be checked for want of a network.
                    <p id="code-offline" class="error" role="alert" hidden>{move || texts().code_error_offline}</p>
                    <button type="submit" class="primary">{move || texts().start_button}</button>
                </form>
            </section>
            <p class="staff-link">
                // A full page load, not the router: the server puts a fresh token in the form.
                <a href=move || format!("/staff/login?lang={}", lang.get().code()) rel="external">
                    {move || texts().staff_link}
                </a>
            </p>
        </Layout>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_preview_groups_capitals_by_four_and_ignores_spaces_and_dashes() {
        assert_eq!(format_code_preview("k7m 4q9-txa"), "K7M-4Q9-TXA");
        assert_eq!(format_code_preview("k7m4"), "K7M-4");
        assert_eq!(format_code_preview(""), "");
    }
}
