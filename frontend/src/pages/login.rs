//! Sign-in for staff: researchers, institutions and administrators.

use crate::components::Layout;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

/// The sign-in form's token, given by the server when it renders the page (see the server's
/// `staff::session`). In the browser the server-rendered value stays in the form.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct LoginToken(pub String);

#[component]
pub fn LoginPage() -> impl IntoView {
    let token = use_context::<LoginToken>().unwrap_or_default().0;
    let lang = use_lang();
    let texts = move || lang.get().texts();
    let query = use_query_map();
    let error = move || {
        query.read().get("error").map(|e| match e.as_str() {
            "limited" => texts().login_limited,
            "expired" => texts().login_expired,
            _ => texts().login_error,
        })
    };
    view! {
        <Layout title=|t| t.login_title>
            <section class="card login">
                <h1>{move || texts().login_title}</h1>
                <form method="post" action="/staff/login" class="login-form">
                    <input type="hidden" name="csrf" value=token/>
                    {move || error().map(|message| view! {
                        <p id="login-error" class="error" role="alert">{message}</p>
                    })}
                    <label for="email">{move || texts().login_email}</label>
                    <input id="email" name="email" type="email" required autocomplete="username"/>
                    <label for="password">{move || texts().login_password}</label>
                    <input id="password" name="password" type="password" required autocomplete="current-password"/>
                    <button type="submit" class="primary">{move || texts().login_button}</button>
                </form>
            </section>
        </Layout>
    }
}
