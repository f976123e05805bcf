//! The Veilig web app: pages render on the server (fast first paint on slow tablets). The
//! child's pages carry only small plain scripts; the staff sign-in page alone hydrates (see
//! docs/design.md). Every form is a plain HTML form, so every page also works without
//! JavaScript.

pub mod app;
pub mod components;
pub mod i18n;
pub mod pages;
#[cfg(feature = "ssr")]
pub mod staff;
#[cfg(feature = "ssr")]
pub mod survey;

pub use app::{shell, App, AssetUrls, DeviceMode};

/// The checks of the interface texts that build.rs runs, tested here.
#[cfg(all(test, feature = "ssr"))]
#[path = "../build/texts.rs"]
mod texts_build;
pub use pages::{LoginToken, RetryCode, CODE_ALPHABET, CODE_LENGTH};

/// Entry point of the WASM bundle: attaches the app to the server-rendered page.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_body(App);
}
