//! The researchers' results page: one breakdown of one published wave, with intervals and a
//! data table (the numbers are the chart's alternative and print well).

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct ResultsRow {
    pub label: String,
    /// Empty when suppressed.
    pub n: String,
    /// "81% (79–83%)" or the suppression mark.
    pub share_safe: String,
    /// Share in percent for the bar, when shown.
    pub bar: Option<f64>,
    pub domains: Vec<String>,
    pub is_total: bool,
}

#[component]
pub fn ResultsPage(
    wave: String,
    /// (label, selected) of each published wave.
    waves: Vec<(String, bool)>,
    /// (value, label, selected) of each breakdown.
    breakdowns: Vec<(String, String, bool)>,
    domain_titles: Vec<String>,
    rows: Vec<ResultsRow>,
    k: u64,
    csv_link: String,
    /// Set when the wave is not published yet.
    notice: Option<String>,
) -> impl IntoView {
    view! {
        <h1>{format!("Results, wave {wave}")}</h1>
        <form method="get" action="/staff/results" class="inline-form">
            <label for="wave">"Wave"</label>
            <select id="wave" name="wave">
                {waves.into_iter().map(|(w, sel)| { let v = w.clone(); view! { <option value=v selected=sel>{w}</option> } }).collect_view()}
            </select>
            <label for="by">"Breakdown"</label>
            <select id="by" name="by">
                {breakdowns.into_iter().map(|(v, l, sel)| view! { <option value=v selected=sel>{l}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {notice.map(|n| view! { <p class="flash error" role="status">{n}</p> })}
        <p>{format!("Share of children who feel safe, with its 95% interval. A figure based on fewer than {k} children is not shown (–), and neither are figures that would let it be worked out.")}</p>
        <p><a href=csv_link>"Download as CSV"</a></p>
        <table class="data results">
            <caption>"Feeling safe, by group"</caption>
            <thead>
                <tr>
                    <th scope="col">"Group"</th><th scope="col" class="num">"Children"</th>
                    <th scope="col">"Feel safe"</th>
                    {domain_titles.into_iter().map(|d| view! { <th scope="col">{d}</th> }).collect_view()}
                </tr>
            </thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr class:total=r.is_total>
                        <th scope="row">{r.label}</th>
                        <td class="num">{r.n}</td>
                        <td>
                            {r.bar.map(|b| view! {
                                <svg class="bar" viewBox="0 0 100 8" width="100" height="8" aria-hidden="true" focusable="false">
                                    <rect x="0" y="0" width="100" height="8" class="bar-back"/>
                                    <rect x="0" y="0" width=format!("{b:.1}") height="8" class="bar-fill"/>
                                </svg>
                            })}
                            " "{r.share_safe}
                        </td>
                        {r.domains.into_iter().map(|d| view! { <td>{d}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
