//! Changing one's own password (also the forced change after a reset).

use leptos::prelude::*;

#[component]
pub fn PasswordPage(csrf_token: String, forced: bool, min_chars: usize) -> impl IntoView {
    view! {
        <h1>"Change your password"</h1>
        {forced.then(|| view! {
            <p class="flash error" role="alert">
                "Your password was reset by an administrator. Choose a new one to continue."
            </p>
        })}
        <form method="post" action="/staff/password" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <label for="current">"Current password"</label>
            <input id="current" name="current" type="password" required autocomplete="current-password"/>
            <label for="new">"New password"</label>
            <p class="hint" id="new-hint">{format!("At least {min_chars} characters. A few unrelated words work well.")}</p>
            <input id="new" name="new" type="password" required autocomplete="new-password" aria-describedby="new-hint"/>
            <label for="repeat">"New password, once more"</label>
            <input id="repeat" name="repeat" type="password" required autocomplete="new-password"/>
            <button type="submit" class="primary">"Change password"</button>
        </form>
    }
}
