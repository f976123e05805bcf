//! The HTML shell and the router.

use crate::pages::{LoginPage, NotFoundPage, StartPage};
use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

/// Where the hashed (cache-busted) static files live; given by the server per request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct AssetUrls {
    pub stylesheet: String,
    /// The scripts of the child's pages (read-aloud, offline survey, kiosk, quick exit): small
    /// hand-written files, no framework; every page works without them.
    pub child_script: String,
    /// The staff pages' script (whether the tablet has voices to read aloud, on the kiosk page).
    pub staff_script: String,
    /// The module that loads the WASM and hydrates; `None` when no WASM bundle was built, and
    /// on every page a child sees (the server leaves it out there), which are plain HTML.
    pub boot_script: Option<String>,
}

/// How this device is used, as the server found it for this request.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeviceMode {
    /// A kiosk tablet: back to the start after this many idle seconds.
    pub kiosk_idle_seconds: Option<u64>,
}

impl DeviceMode {
    /// The request's mode: the server puts it among the request's extensions.
    pub fn current() -> DeviceMode {
        #[cfg(feature = "ssr")]
        {
            use_context::<http::request::Parts>()
                .and_then(|p| p.extensions.get::<DeviceMode>().cloned())
                .unwrap_or_default()
        }
        #[cfg(not(feature = "ssr"))]
        DeviceMode::default()
    }
}

pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let assets = use_context::<AssetUrls>().unwrap_or_default();
    let kiosk_idle = DeviceMode::current().kiosk_idle_seconds;
    view! {
        <!DOCTYPE html>
        <html lang="nl">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
                <link rel="stylesheet" href=assets.stylesheet/>
                {assets.boot_script.map(|src| view! { <script type="module" src=src></script> })}
                <script src=assets.child_script defer></script>
                {kiosk_idle.map(crate::components::kiosk_refresh)}
                <MetaTags/>
            </head>
            // Read by kiosk.js; the body itself is not hydrated, only what is inside it.
            <body data-kiosk-idle=kiosk_idle.map(|s| s.to_string())>
                <App/>
            </body>
        </html>
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Router>
            <Routes fallback=|| view! { <NotFoundPage/> }>
                <Route path=path!("/") view=StartPage/>
                <Route path=path!("/staff/login") view=LoginPage/>
            </Routes>
        </Router>
    }
}
