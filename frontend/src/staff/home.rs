//! The first page after sign-in: what this role can do.

use super::frame::NavLink;
use leptos::prelude::*;

#[component]
pub fn HomePage(greeting: String, links: Vec<NavLink>) -> impl IntoView {
    view! {
        <h1>"Welcome"</h1>
        <p>{greeting}</p>
        <ul class="tiles">
            {links.into_iter().map(|l| view! { <li><a href=l.href>{l.label}</a></li> }).collect_view()}
        </ul>
    }
}
