//! The frame of every staff page: header with navigation and sign-out, a banner when the data
//! is synthetic, and one message (flash) after an action.

use leptos::prelude::*;

/// What every staff page shows around its content.
#[derive(Clone, Debug, Default)]
pub struct StaffFrame {
    pub stylesheet: String,
    /// The staff pages' small script (`frontend/assets/voices.js`); every page works without it.
    pub script: String,
    pub email: String,
    pub role_label: String,
    pub csrf_token: String,
    pub nav: Vec<NavLink>,
    /// The active link's `href`.
    pub current: String,
    /// The database holds synthetic demo data: said on every page.
    pub synthetic: bool,
}

#[derive(Clone, Debug)]
pub struct NavLink {
    pub href: String,
    pub label: String,
}

/// A message after an action, shown once at the top of the page.
#[derive(Clone, Debug, PartialEq)]
pub enum Flash {
    Done(String),
    Problem(String),
}

/// A whole HTML document for a staff page. `content` is rendered inside `<main>`.
pub fn render_document(
    frame: StaffFrame,
    title: &str,
    flash: Option<Flash>,
    content: impl IntoView + 'static,
) -> String {
    let title = format!("{title} · Veilig staff");
    let owner = Owner::new();
    owner.with(move || {
        let body = view! {
            <!DOCTYPE html>
            <html lang="en">
                <head>
                    <meta charset="utf-8"/>
                    <meta name="viewport" content="width=device-width, initial-scale=1"/>
                    <meta name="referrer" content="no-referrer"/>
                    <link rel="stylesheet" href=frame.stylesheet.clone()/>
                    <script src=frame.script.clone() defer></script>
                    <title>{title}</title>
                </head>
                <body class="staff">
                    <a class="skip-link" href="#main">"Skip to content"</a>
                    <Header frame=frame.clone()/>
                    {frame.synthetic.then(|| view! {
                        <p class="synthetic-banner" role="note">
                            "Demo: all organisations, codes and responses here are synthetic."
                        </p>
                    })}
                    <main id="main" tabindex="-1" class="staff-main">
                        {flash.map(|f| match f {
                            Flash::Done(text) => view! { <p class="flash done" role="status">{text}</p> }.into_any(),
                            Flash::Problem(text) => view! { <p class="flash error" role="alert">{text}</p> }.into_any(),
                        })}
                        {content}
                    </main>
                </body>
            </html>
        };
        body.to_html()
    })
}

#[component]
fn Header(frame: StaffFrame) -> impl IntoView {
    let current = frame.current.clone();
    let full = !frame.nav.is_empty();
    view! {
        <header class="site-header staff-header">
            <a class="brand" href="/staff">"Veilig"</a>
            <nav aria-label="Staff">
                <ul class="staff-nav">
                    {frame.nav.into_iter().map(|link| {
                        let here = link.href == current;
                        view! {
                            <li><a href=link.href aria-current=here.then_some("page")>{link.label}</a></li>
                        }
                    }).collect_view()}
                </ul>
            </nav>
            <div class="who">
                <span>{frame.email}" ("{frame.role_label}")"</span>
                // Without links (the second step of signing in) only signing out is offered.
                {full.then(|| view! {
                    <a href="/staff/password">"Password"</a>
                    <a href="/staff/two-factor">"Two-factor"</a>
                })}
                <form method="post" action="/staff/logout" class="inline">
                    <input type="hidden" name="csrf" value=frame.csrf_token/>
                    <button type="submit" class="link">"Sign out"</button>
                </form>
            </div>
        </header>
    }
}
