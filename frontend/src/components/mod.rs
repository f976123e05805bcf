//! Reusable parts of pages.

mod layout;

pub use layout::Layout;

use leptos::prelude::*;

/// Where a kiosk tablet goes when nobody touched it for a while: the previous child's survey
/// is put away and the start page comes back.
pub const KIOSK_RESET: &str = "/survey/reset";

/// On a kiosk tablet without JavaScript, every page goes back to the start after the idle
/// time (each answer is a new page, so a page left alone that long is a child gone). With
/// JavaScript, kiosk.js does this and counts touches too.
pub fn kiosk_refresh(idle_seconds: u64) -> impl IntoView {
    view! {
        <noscript>
            <meta http-equiv="refresh" content=format!("{idle_seconds};url={KIOSK_RESET}")/>
        </noscript>
    }
}

/// The text inside a `<textarea>`, escaped. tachys writes a textarea's children as they are
/// (unlike any other element's, it does not escape them), so text someone typed that is shown
/// again must be escaped here, or `</textarea><script>` would end the field and run.
pub fn textarea_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::textarea_text;

    #[test]
    fn textarea_text_cannot_end_the_field() {
        assert_eq!(
            textarea_text("a & b </textarea><script>x()</script>"),
            "a &amp; b &lt;/textarea&gt;&lt;script&gt;x()&lt;/script&gt;"
        );
        assert_eq!(textarea_text("gewoon\ntekst"), "gewoon\ntekst");
    }
}
