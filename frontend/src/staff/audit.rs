//! The audit log: who did what, newest first. Staff actions only; nothing a child does.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct AuditRow {
    pub at: String,
    pub actor: String,
    pub action: String,
    pub detail: String,
}

#[component]
pub fn AuditPage(rows: Vec<AuditRow>) -> impl IntoView {
    view! {
        <h1>"Audit log"</h1>
        <table class="data">
            <caption>"The latest staff actions, newest first"</caption>
            <thead><tr><th scope="col">"When (UTC)"</th><th scope="col">"Who"</th><th scope="col">"Action"</th><th scope="col">"Detail"</th></tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr><td>{r.at}</td><td>{r.actor}</td><td><code>{r.action}</code></td><td>{r.detail}</td></tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
