//! Administrators manage staff accounts: add, reset a password, deactivate.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct UserRow {
    pub id: i32,
    pub email: String,
    pub role: String,
    pub organisation: Option<String>,
    pub active: bool,
    /// Signs in with a second factor.
    pub two_factor: bool,
}

#[component]
pub fn UsersPage(
    csrf_token: String,
    users: Vec<UserRow>,
    /// (value, label) of each role.
    roles: Vec<(String, String)>,
    /// (id, name) of each organisation.
    organisations: Vec<(i32, String)>,
) -> impl IntoView {
    let csrf = csrf_token.clone();
    view! {
        <h1>"Staff accounts"</h1>
        <table class="data">
            <caption>"Everyone who can sign in"</caption>
            <thead><tr><th scope="col">"E-mail"</th><th scope="col">"Role"</th><th scope="col">"Organisation"</th><th scope="col">"Status"</th><th scope="col">"Two-factor"</th><th scope="col">"Actions"</th></tr></thead>
            <tbody>
                {users.into_iter().map(|u| {
                    let csrf = csrf.clone();
                    let reset = format!("/staff/users/{}/reset", u.id);
                    let reset_two_factor = format!("/staff/users/{}/reset-two-factor", u.id);
                    let two_factor_csrf = csrf.clone();
                    let email = u.email.clone();
                    let toggle = format!("/staff/users/{}/{}", u.id, if u.active { "deactivate" } else { "activate" });
                    view! {
                        <tr>
                            <td>{u.email.clone()}</td>
                            <td>{u.role}</td>
                            <td>{u.organisation.unwrap_or_default()}</td>
                            <td>{if u.active { "active" } else { "deactivated" }}</td>
                            <td>{if u.two_factor { "on" } else { "not set up" }}</td>
                            <td class="actions">
                                <form method="post" action=reset class="inline">
                                    <input type="hidden" name="csrf" value=csrf.clone()/>
                                    <button type="submit" class="secondary" aria-label=format!("Reset password for {}", u.email)>"Reset password"</button>
                                </form>
                                {u.two_factor.then(|| view! {
                                    <form method="post" action=reset_two_factor class="inline">
                                        <input type="hidden" name="csrf" value=two_factor_csrf/>
                                        <button type="submit" class="secondary" aria-label=format!("Reset two-factor sign-in for {email}")>"Reset two-factor"</button>
                                    </form>
                                })}
                                <form method="post" action=toggle class="inline">
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <button type="submit" class="secondary">{if u.active { "Deactivate" } else { "Activate" }}</button>
                                </form>
                            </td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <form method="post" action="/staff/users" class="card staff-form">
            <h2>"Add an account"</h2>
            <input type="hidden" name="csrf" value=csrf_token/>
            <label for="email">"E-mail"</label>
            <input id="email" name="email" type="email" required autocomplete="off"/>
            <label for="role">"Role"</label>
            <select id="role" name="role">
                {roles.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <label for="organisation">"Organisation (institution roles only)"</label>
            <select id="organisation" name="organisation">
                <option value="">"— none —"</option>
                {organisations.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <p class="hint">"A temporary password is shown once after adding; the person chooses their own at first sign-in."</p>
            <button type="submit" class="primary">"Add account"</button>
        </form>
    }
}
