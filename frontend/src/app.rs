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
    /// The module that loads the WASM and hydrates; `None` when no WASM bundle was built,
    /// in which case pages are served as plain HTML.
    pub boot_script: Option<String>,
}

pub fn shell(_options: LeptosOptions) -> impl IntoView {
    let assets = use_context::<AssetUrls>().unwrap_or_default();
    view! {
        <!DOCTYPE html>
        <html lang="nl">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="referrer" content="no-referrer"/>
                <link rel="stylesheet" href=assets.stylesheet/>
                {assets.boot_script.map(|src| view! { <script type="module" src=src></script> })}
                <MetaTags/>
            </head>
            <body>
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
