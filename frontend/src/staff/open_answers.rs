//! Open answers for researchers: read them per wave and setting type (nothing else is stored
//! with them), tag them by theme, add themes, and see how many answers carry each theme
//! (counts under k hidden, like every count).

use super::results::{ChoiceSelect, Choices};
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct OpenAnswerRow {
    pub id: String,
    pub setting_type: String,
    pub text: String,
    pub themes: Vec<String>,
}

#[derive(Clone, Debug)]
pub struct ThemeRow {
    pub theme: String,
    /// All setting types, then each: a count or the hidden mark.
    pub counts: Vec<String>,
}

/// The filters a form posts back, so the page after an action shows the same answers.
#[derive(Clone, Debug, Default)]
pub struct Kept {
    pub wave: String,
    pub setting_type: String,
    pub theme: String,
    pub page: u64,
}

#[component]
fn KeptFields(csrf: String, kept: Kept) -> impl IntoView {
    view! {
        <input type="hidden" name="csrf" value=csrf/>
        <input type="hidden" name="wave" value=kept.wave/>
        <input type="hidden" name="setting_type" value=kept.setting_type/>
        <input type="hidden" name="filter_theme" value=kept.theme/>
        <input type="hidden" name="page" value=kept.page.to_string()/>
    }
}

#[component]
pub fn OpenAnswersPage(
    csrf_token: String,
    kept: Kept,
    waves: Choices,
    settings: Choices,
    /// The theme filter: all, without a theme, or one theme.
    theme_filter: Choices,
    /// Every theme, for tagging.
    themes: Vec<String>,
    notice: Option<String>,
    /// Column titles of the counts: "All", then each setting type.
    count_columns: Vec<String>,
    answers_row: Vec<String>,
    theme_rows: Vec<ThemeRow>,
    answers: Vec<OpenAnswerRow>,
    total: u64,
    /// (label, href) of the previous and next page.
    previous: Option<String>,
    next: Option<String>,
    k: u64,
) -> impl IntoView {
    let shown = notice.is_none();
    let first = kept.page * 25 + 1;
    let last = first + answers.len() as u64 - 1;
    view! {
        <h1>{format!("Open answers, wave {}", kept.wave)}</h1>
        <p>"What would help you feel safer? The answers as the children wrote them, with names, phone numbers, e-mail and street addresses replaced by […] before they were stored. Nothing links an answer to a child: only the wave and the setting type are kept."</p>
        <form method="get" action="/staff/open-answers" class="inline-form no-print">
            <ChoiceSelect id="wave" label="Wave" choices=waves/>
            <ChoiceSelect id="setting_type" label="Setting type" choices=settings/>
            <ChoiceSelect id="theme" label="Theme" choices=theme_filter/>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {notice.map(|n| view! { <p class="flash error" role="status">{n}</p> })}
        {shown.then(|| view! {
            <section aria-labelledby="themes">
                <h2 id="themes">"Themes"</h2>
                <table class="data results">
                    <caption>{format!("Open answers per theme (a count under {k} is hidden)")}</caption>
                    <thead><tr>
                        <th scope="col">"Theme"</th>
                        {count_columns.into_iter().map(|c| view! { <th scope="col" class="num">{c}</th> }).collect_view()}
                    </tr></thead>
                    <tbody>
                        <tr class="total"><th scope="row">"All open answers"</th>
                            {answers_row.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                        </tr>
                        {theme_rows.into_iter().map(|r| view! {
                            <tr><th scope="row">{r.theme}</th>
                                {r.counts.into_iter().map(|c| view! { <td class="num">{c}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
                <form method="post" action="/staff/open-answers/themes" class="inline-form no-print">
                    <KeptFields csrf=csrf_token.clone() kept=kept.clone()/>
                    <label for="new-theme">"New theme"</label>
                    <input id="new-theme" name="theme" type="text" maxlength="64" required=true/>
                    <button type="submit" class="secondary">"Add theme"</button>
                </form>
            </section>
            <section aria-labelledby="answers">
                <h2 id="answers">{if total == 0 { "No answers".to_string() } else { format!("Answers {first}–{last} of {total}") }}</h2>
                <ol class="open-answers" start=first.to_string()>
                    {answers.into_iter().map(|a| {
                        let id = a.id.clone();
                        let select_id = format!("theme-{id}");
                        let text_id = format!("text-{id}");
                        view! {
                            <li>
                                <blockquote id=text_id.clone() dir="auto">{a.text}</blockquote>
                                <p class="hint">{a.setting_type}</p>
                                <ul class="tags">
                                    {a.themes.into_iter().map(|t| view! {
                                        <li>
                                            <form method="post" action=format!("/staff/open-answers/{id}/untag") class="tag">
                                                <KeptFields csrf=csrf_token.clone() kept=kept.clone()/>
                                                <input type="hidden" name="theme" value=t.clone()/>
                                                <span>{t.clone()}</span>
                                                <button type="submit" class="link" aria-label=format!("Remove the theme {t}")>"remove"</button>
                                            </form>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                {(!themes.is_empty()).then(|| view! {
                                    <form method="post" action=format!("/staff/open-answers/{id}/tag") class="inline-form no-print">
                                        <KeptFields csrf=csrf_token.clone() kept=kept.clone()/>
                                        <label for=select_id.clone()>"Theme"</label>
                                        <select id=select_id name="theme" aria-describedby=text_id>
                                            {themes.iter().map(|t| view! { <option value=t.clone()>{t.clone()}</option> }).collect_view()}
                                        </select>
                                        <button type="submit" class="secondary">"Tag"</button>
                                    </form>
                                })}
                            </li>
                        }
                    }).collect_view()}
                </ol>
                <p class="no-print">
                    {previous.map(|href| view! { <a href=href rel="prev">"Previous answers"</a>" " })}
                    {next.map(|href| view! { <a href=href rel="next">"Next answers"</a> })}
                </p>
            </section>
        })}
    }
}
