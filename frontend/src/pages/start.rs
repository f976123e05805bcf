//! The child's start page: type the code from your card. A QR link fills in the code and the
//! wave (`/?code=K7M-4Q9-TXA&wave=2023`); a script (start.js) removes the code from the address
//! at once, so it stays in no history. The language chosen here is only the start page's own:
//! the survey asks for its language as its first step.

use crate::components::Layout;
use crate::i18n::{use_lang, UiTexts};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The signs printed on cards, and how many a code has (the server's `domain::access_code`,
/// checked equal by a test there). The start page's script names a sign that is on no card.
pub const CODE_ALPHABET: &str = "23456789ABCDEFGHJKMNPQRSTUVWXYZ";
pub const CODE_LENGTH: usize = 9;

/// A code the server refused, given back by the server when it renders the start page after a
/// plain form post, to show in the field again (see the server's `http::pages`). In the browser
/// the server-rendered value stays in the field.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct RetryCode(pub String);

/// What is wrong with a code in the wrong format, as named in the address (`&symbol=O`,
/// `&count=8`): the first sign that is on no card, or how many signs were typed.
fn format_detail(
    symbol: Option<String>,
    count: Option<String>,
    texts: &'static UiTexts,
) -> Option<String> {
    if let Some(sign) = symbol.filter(|s| s.chars().count() == 1 && !s.trim().is_empty()) {
        return Some(texts.code_error_symbol.replace("{symbol}", &sign));
    }
    let count = count?.parse::<usize>().ok().filter(|n| *n <= 24)?;
    Some(
        texts
            .code_error_length
            .replace("{count}", &count.to_string()),
    )
}

/// The start page's script shows a refusal from these (one attribute, not one per message:
/// each reactive attribute costs the WASM bundle several kilobytes), in the order of
/// `REFUSALS` in start.js, separated by a unit separator.
fn refusal_messages(texts: &'static UiTexts) -> String {
    [
        texts.code_error_format,
        texts.code_error_symbol,
        texts.code_error_length,
        texts.code_error_unknown,
        texts.code_error_used,
        texts.code_error_closed,
        texts.code_error_busy,
        texts.code_error_wrong_location,
    ]
    .join("\u{1f}")
}

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
        let query = query.read();
        let texts = lang.get().texts();
        let message = error_text(&query.get("error")?, texts)?;
        let detail = (query.get("error").as_deref() == Some("format"))
            .then(|| format_detail(query.get("symbol"), query.get("count"), texts))
            .flatten();
        Some(match detail {
            Some(detail) => format!("{message} {detail}"),
            None => message.to_string(),
        })
    };
    // A refused code comes back in the field (the server's cookie, read once); a QR link's
    // code comes first.
    let retry = use_context::<RetryCode>().unwrap_or_default().0;
    // A QR code on the card opens this page with the code filled in (`/?code=K7M-4Q9-TXA`).
    let linked = query
        .with_untracked(|q| q.get("code"))
        .unwrap_or_default()
        .chars()
        .take(24)
        .collect::<String>();
    let in_field = if linked.is_empty() {
        retry
    } else {
        linked.clone()
    };
    // The wave a QR link or kiosk start belongs to: a code of another wave is refused.
    let wave = query
        .with_untracked(|q| q.get("wave"))
        .filter(|w| {
            w.len() <= 50
                && w.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        })
        .unwrap_or_default();
    // start.js keeps it up to date as the child types; the server fills in a QR link's code.
    let preview = format_code_preview(&linked);
    view! {
        <Layout title=|t| t.start_title child=true>
            <section class="card start">
                <h1>{move || texts().start_title}</h1>
                <p>{move || texts().start_intro}</p>
                <p class="reassure">{move || texts().start_anonymous}</p>
                <form method="post" action="/survey/start" class="code-form"
                    data-alphabet=CODE_ALPHABET data-length=CODE_LENGTH.to_string()>
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
                        value=in_field
                        autocomplete="off"
                        autocapitalize="characters"
                        spellcheck="false"
                        aria-describedby=move || {
                            if error().is_some() { "code-hint code-error" } else { "code-hint" }
                        }
                        aria-invalid=move || error().is_some().then_some("true")
                    />
                    <p class="code-preview" aria-live="polite" data-prefix=move || texts().code_preview>
                        {move || {
                            (!preview.is_empty()).then(|| format!("{} {preview}", texts().code_preview))
                        }}
                    </p>
                    {move || error().map(|message| view! {
                        <p id="code-error" class="error" role="alert">{message}</p>
                    })}
                    // Filled and shown by start.js when the code is refused where the survey runs
                    // on the device: the page stays, and so does what the child typed.
                    <p id="code-refused" class="error" role="alert" hidden
                        data-messages=move || refusal_messages(texts())></p>
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
