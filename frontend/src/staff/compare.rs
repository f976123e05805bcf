//! Wave comparison for researchers: per group the share who feel safe in both waves and the
//! difference with its 95% interval (only on comparable questions and where both waves show
//! the group), per domain and per question; and within-child change from linked pairs.

use super::charts::{DifferenceBar, DifferenceChart, Distribution, DistributionChart};
use super::results::{ChoiceSelect, Choices, ExportLink, ExportLinks, MethodsNote};
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct CompareLine {
    pub label: String,
    /// "81% (80–82%), n 4735" or the hidden mark.
    pub from: String,
    pub to: String,
    /// "+2.1 points (0.4 to 3.8)" or the hidden mark.
    pub difference: String,
    pub significant: String,
    /// (difference, low, high) in points, when shown.
    pub chart: Option<(f64, f64, f64)>,
    pub is_significant: bool,
}

#[derive(Clone, Debug)]
pub struct ChangeLine {
    pub label: String,
    /// Linked pairs, or the hidden mark.
    pub pairs: String,
    /// Per measure: "40% better · 45% same · 15% worse (n 120)" or the hidden mark.
    pub measures: Vec<String>,
    /// The headline's (improved, same, worse) in percent, for the chart; empty when hidden.
    pub segments: Vec<(String, f64)>,
}

#[component]
fn CompareTable(
    caption: String,
    first_column: String,
    from: String,
    to: String,
    rows: Vec<CompareLine>,
) -> impl IntoView {
    view! {
        <table class="data results">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{first_column}</th>
                <th scope="col">{format!("{from} (95% interval, n)")}</th>
                <th scope="col">{format!("{to} (95% interval, n)")}</th>
                <th scope="col">"Difference in points (95% interval)"</th>
                <th scope="col">"Significant"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.label}</th>
                        <td>{r.from}</td><td>{r.to}</td><td>{r.difference}</td><td>{r.significant}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn differences(rows: &[CompareLine]) -> Vec<DifferenceBar> {
    rows.iter()
        .map(|r| DifferenceBar {
            label: r.label.clone(),
            difference: r.chart,
            significant: r.is_significant,
        })
        .collect()
}

#[component]
pub fn ComparePage(
    from: String,
    to: String,
    from_choices: Choices,
    to_choices: Choices,
    breakdowns: Choices,
    /// Set when a wave is not published or the two are the same.
    notice: Option<String>,
    breakdown_title: String,
    headline_comparable: bool,
    rows: Vec<CompareLine>,
    /// (domain title, rows) for each comparable domain.
    domains: Vec<(String, Vec<CompareLine>)>,
    /// Every comparable question, for all children.
    items: Vec<CompareLine>,
    change_titles: Vec<String>,
    change_rows: Vec<ChangeLine>,
    compare_exports: Vec<ExportLink>,
    change_exports: Vec<ExportLink>,
    methods: Vec<(String, String)>,
    k: u64,
    hidden_mark: &'static str,
) -> impl IntoView {
    let shown = notice.is_none();
    view! {
        <h1>{format!("Wave {from} compared with {to}")}</h1>
        <form method="get" action="/staff/compare" class="inline-form no-print">
            <ChoiceSelect id="from" label="From" choices=from_choices/>
            <ChoiceSelect id="to" label="To" choices=to_choices/>
            <ChoiceSelect id="by" label="Breakdown" choices=breakdowns/>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {notice.map(|n| view! { <p class="flash error" role="status">{n}</p> })}
        {shown.then(|| {
            let chart = differences(&rows);
            let change_chart: Vec<Distribution> = change_rows.iter().map(|r| Distribution { label: r.label.clone(), segments: r.segments.clone() }).collect();
            view! {
                <p>{format!("Only questions with the same comparability key in both waves are compared, and only groups both waves show (each on at least {k} children). The difference is {to} minus {from}, in percentage points, with Newcombe's 95% interval; it is significant when the interval leaves out 0.")}</p>
                <section aria-labelledby="headline">
                    <h2 id="headline">{format!("Feeling safe by {}", breakdown_title.to_lowercase())}</h2>
                    {(!headline_comparable).then(|| view! { <p class="flash error">"The headline questions of these waves do not share a comparability key: they are not compared."</p> })}
                    <figure>
                        <DifferenceChart title=format!("Change in the share who feel safe, {from} to {to}") bars=chart hidden_mark=hidden_mark/>
                        <figcaption>"Dots: the difference in percentage points (filled: significant); lines: 95% interval. The same numbers are in the table below."</figcaption>
                    </figure>
                    <CompareTable caption=format!("Feeling safe, {from} and {to}") first_column="Group".into() from=from.clone() to=to.clone() rows=rows/>
                </section>
                {domains.into_iter().map(|(title, rows)| view! {
                    <section>
                        <h2>{format!("Domain “{title}” by {}", breakdown_title.to_lowercase())}</h2>
                        <CompareTable caption=format!("{title}, {from} and {to}") first_column="Group".into() from=from.clone() to=to.clone() rows=rows/>
                    </section>
                }).collect_view()}
                <section aria-labelledby="questions">
                    <h2 id="questions">"Every comparable question, all children"</h2>
                    <CompareTable caption="Share with a safe answer per question".into() first_column="Question".into() from=from.clone() to=to.clone() rows=items/>
                </section>
                <section aria-labelledby="within">
                    <h2 id="within">"Within-child change"</h2>
                    <p>{format!("Children who answered in both waves with a linkable code, paired without anyone seeing who they are. Shown per group only when the pairs reach {k}; better, the same or worse on the headline question and, per domain, feeling safe there or not.")}</p>
                    <figure>
                        <DistributionChart title=format!("Within-child change on the headline question, {from} to {to}") bars=change_chart hidden_mark=hidden_mark/>
                        <figcaption>"Each bar: the share of pairs that answered safer (darkest), the same, or less safe (hatched)."</figcaption>
                    </figure>
                    <table class="data results">
                        <caption>"Within-child change"</caption>
                        <thead><tr>
                            <th scope="col">"Group"</th><th scope="col" class="num">"Pairs"</th>
                            {change_titles.into_iter().map(|t| view! { <th scope="col">{t}</th> }).collect_view()}
                        </tr></thead>
                        <tbody>
                            {change_rows.into_iter().map(|r| view! {
                                <tr><th scope="row">{r.label}</th><td class="num">{r.pairs}</td>
                                {r.measures.into_iter().map(|m| view! { <td>{m}</td> }).collect_view()}</tr>
                            }).collect_view()}
                        </tbody>
                    </table>
                </section>
                <section aria-labelledby="downloads" class="no-print">
                    <h2 id="downloads">"Download"</h2>
                    <h3>"Comparison"</h3>
                    <ExportLinks links=compare_exports/>
                    <h3>"Within-child change"</h3>
                    <ExportLinks links=change_exports/>
                </section>
                <MethodsNote lines=methods/>
            }
        })}
    }
}
