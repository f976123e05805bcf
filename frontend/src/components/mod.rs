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
