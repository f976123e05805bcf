//! Sign-in for staff: researchers, institutions and administrators.

use crate::components::Layout;
use crate::i18n::use_lang;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

#[component]
pub fn LoginPage() -> impl IntoView {
    let lang = use_lang();
    let texts = move || lang.get().texts();
    let query = use_query_map();
    let error = move || {
        query.read().get("error").map(|e| match e.as_str() {
            "limited" => texts().login_limited,
            _ => texts().login_error,
        })
    };
    let title = Signal::derive(move || texts().login_title.to_string());
    view! {
        <Layout title=title>
            <section class="card login">
                <h1>{move || texts().login_title}</h1>
                <form method="post" action="/staff/login" class="login-form">
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
