//! The institution dashboard: its own figures per published wave beside the national benchmark
//! and the benchmark for its setting types. Small groups show "too few responses".

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct BenchmarkRow {
    pub label: String,
    pub n: String,
    pub share_safe: String,
    pub bar: Option<f64>,
    pub is_own: bool,
}

#[derive(Clone, Debug)]
pub struct WaveBlock {
    pub wave: String,
    /// Set when the organisation had fewer than k respondents.
    pub too_few: Option<String>,
    pub rows: Vec<BenchmarkRow>,
}

#[component]
pub fn DashboardPage(organisation: String, waves: Vec<WaveBlock>, k: u64) -> impl IntoView {
    view! {
        <h1>{format!("Results for {organisation}")}</h1>
        <p>{format!("Share of children who feel safe where they live, with its 95% interval, beside the national figure. Figures based on fewer than {k} children are not shown.")}</p>
        <p><a href="/staff/response">"Response rate per location"</a></p>
        {waves.into_iter().map(|w| view! {
            <section class="wave-block">
                <h2>{format!("Wave {}", w.wave)}</h2>
                {w.too_few.map(|t| view! { <p class="flash error" role="status">{t}</p> })}
                <table class="data results">
                    <caption>{format!("Feeling safe, wave {}", w.wave)}</caption>
                    <thead><tr><th scope="col">"Who"</th><th scope="col" class="num">"Children"</th><th scope="col">"Feel safe"</th></tr></thead>
                    <tbody>
                        {w.rows.into_iter().map(|r| view! {
                            <tr class:total=r.is_own>
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
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
        }).collect_view()}
    }
}
