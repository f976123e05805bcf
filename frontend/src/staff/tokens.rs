//! Personal API tokens for scripts (R, Python): made here, shown once, revocable.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct TokenListRow {
    pub id: i32,
    pub name: String,
    pub created: String,
    pub revoked: bool,
}

#[component]
pub fn TokensPage(csrf_token: String, tokens: Vec<TokenListRow>) -> impl IntoView {
    let csrf = csrf_token.clone();
    view! {
        <h1>"API tokens"</h1>
        <p>"A token lets a script read results as you, with your role: send it as "<code>"Authorization: Bearer <token>"</code>". Keep it like a password; revoke it when it is no longer needed."</p>
        <table class="data">
            <caption>"Your tokens"</caption>
            <thead><tr><th scope="col">"Name"</th><th scope="col">"Made (UTC)"</th><th scope="col">"Status"</th><th scope="col">"Action"</th></tr></thead>
            <tbody>
                {tokens.into_iter().map(|t| {
                    let action = format!("/staff/tokens/{}/revoke", t.id);
                    let label = format!("Revoke the token {}", t.name);
                    let csrf = csrf.clone();
                    view! {
                        <tr>
                            <td>{t.name}</td><td>{t.created}</td>
                            <td>{if t.revoked { "revoked" } else { "active" }}</td>
                            <td>{(!t.revoked).then(|| view! {
                                <form method="post" action=action class="inline">
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <button type="submit" class="secondary" aria-label=label>"Revoke"</button>
                                </form>
                            })}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <form method="post" action="/staff/tokens" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>"Make a token"</h2>
            <label for="name">"What is it for?"</label>
            <input id="name" name="name" type="text" required maxlength="100"/>
            <button type="submit" class="primary">"Make token"</button>
        </form>
    }
}
