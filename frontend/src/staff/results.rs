//! The researchers' results page: the national overview of a published wave (every question
//! with its distribution, share and mean), or a breakdown (feeling safe and each domain per
//! group, and one question per group). Every chart has a data table beside it, which is also
//! what prints; every figure shows its denominator.

use super::charts::{Distribution, DistributionChart, ShareBar, ShareChart};
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct ResultsRow {
    pub label: String,
    /// Children behind the row, or the hidden mark.
    pub n: String,
    /// "81% (80–82%)" or the hidden mark.
    pub share_safe: String,
    /// The share's denominator, or the hidden mark.
    pub share_safe_n: String,
    pub chart: Option<(f64, f64, f64)>,
    /// Per domain: "88% (86–90%), n 5000" or the hidden mark.
    pub domains: Vec<String>,
    pub is_total: bool,
}

/// A question for one group (or, in the overview, one question for all children).
#[derive(Clone, Debug)]
pub struct QuestionRow {
    pub label: String,
    /// Children per answer on the scale (or hidden marks).
    pub answers: Vec<String>,
    pub share_safe: String,
    pub share_safe_n: String,
    pub mean: String,
    /// (answer, percent of those who answered on the scale) for the chart; empty unless every
    /// answer's count is published.
    pub segments: Vec<(String, f64)>,
}

#[derive(Clone, Debug)]
pub struct ExportLink {
    pub label: String,
    pub href: String,
}

/// Selects of the form: (value, label, selected).
pub type Choices = Vec<(String, String, bool)>;

/// A labelled select of choices, as every filter form uses it (its name is its id).
#[component]
pub fn ChoiceSelect(id: &'static str, label: &'static str, choices: Choices) -> impl IntoView {
    view! {
        <label for=id>{label}</label>
        <select id=id name=id>
            {choices.into_iter().map(|(v, l, sel)| view! { <option value=v selected=sel>{l}</option> }).collect_view()}
        </select>
    }
}

#[component]
pub fn ExportLinks(links: Vec<ExportLink>) -> impl IntoView {
    view! {
        <ul class="export-links">
            {links.into_iter().map(|l| view! { <li><a href=l.href>{l.label}</a></li> }).collect_view()}
        </ul>
    }
}

#[component]
pub fn MethodsNote(lines: Vec<(String, String)>) -> impl IntoView {
    view! {
        <section class="methods" aria-labelledby="methods">
            <h2 id="methods">"Methods note"</h2>
            <dl>
                {lines.into_iter().map(|(k, v)| view! { <dt>{k}</dt><dd>{v}</dd> }).collect_view()}
            </dl>
        </section>
    }
}

#[component]
fn QuestionTable(
    caption: String,
    first_column: String,
    answer_labels: Vec<String>,
    rows: Vec<QuestionRow>,
) -> impl IntoView {
    view! {
        <table class="data results">
            <caption>{caption}</caption>
            <thead><tr>
                <th scope="col">{first_column}</th>
                {answer_labels.into_iter().map(|a| view! { <th scope="col" class="num">{a}</th> }).collect_view()}
                <th scope="col">"Safe answer (95% interval)"</th>
                <th scope="col" class="num">"On the scale"</th>
                <th scope="col">"Mean (95% interval)"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <th scope="row">{r.label}</th>
                        {r.answers.into_iter().map(|a| view! { <td class="num">{a}</td> }).collect_view()}
                        <td>{r.share_safe}</td>
                        <td class="num">{r.share_safe_n}</td>
                        <td>{r.mean}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}

fn distribution_of(rows: &[QuestionRow]) -> Vec<Distribution> {
    rows.iter()
        .map(|r| Distribution {
            label: r.label.clone(),
            segments: r.segments.clone(),
        })
        .collect()
}

#[component]
pub fn ResultsPage(
    wave: String,
    waves: Choices,
    breakdowns: Choices,
    /// The questions to choose from for "one question by group".
    questions: Choices,
    k: u64,
    /// Set when the wave is not published yet.
    notice: Option<String>,
    breakdown_title: String,
    domain_titles: Vec<String>,
    rows: Vec<ResultsRow>,
    /// The chosen question's text and the labels of its answers.
    question_title: String,
    answer_labels: Vec<String>,
    question_rows: Vec<QuestionRow>,
    /// Every question for all children (the national overview, shown for "All children").
    overview: Vec<QuestionRow>,
    exports: Vec<ExportLink>,
    methods: Vec<(String, String)>,
    hidden_mark: &'static str,
) -> impl IntoView {
    let overall = breakdowns.iter().any(|(v, _, s)| *s && v == "overall");
    let bars: Vec<ShareBar> = rows
        .iter()
        .map(|r| ShareBar {
            label: r.label.clone(),
            share: r.chart,
            emphasis: r.is_total,
        })
        .collect();
    let published = notice.is_none();
    view! {
        <h1>{format!("Results, wave {wave}")}</h1>
        <form method="get" action="/staff/results" class="inline-form no-print">
            <ChoiceSelect id="wave" label="Wave" choices=waves/>
            <ChoiceSelect id="by" label="Breakdown" choices=breakdowns/>
            <ChoiceSelect id="item" label="Question" choices=questions/>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        <p class="no-print"><a href="/staff/compare">"Compare waves"</a>" · "<a href="/staff/response">"Response rates"</a>" · "<a href="/staff/open-answers">"Open answers"</a></p>
        {notice.map(|n| view! { <p class="flash error" role="status">{n}</p> })}
        {published.then(|| view! {
            <p>{format!("Share of children who feel safe (a safe answer on the headline question), with its 95% interval and the number of children it rests on. A figure based on fewer than {k} children is hidden ({hidden_mark}), and so are figures that would let it be worked out.")}</p>
            <section aria-labelledby="by-group">
                <h2 id="by-group">{format!("Feeling safe: {breakdown_title}")}</h2>
                <figure>
                    <ShareChart title=format!("Share who feel safe by {}, wave {wave}", breakdown_title.to_lowercase()) bars=bars hidden_mark=hidden_mark/>
                    <figcaption>"Bars: share who feel safe; lines: 95% interval. The same numbers are in the table below."</figcaption>
                </figure>
                <table class="data results">
                    <caption>{format!("Feeling safe by {}", breakdown_title.to_lowercase())}</caption>
                    <thead>
                        <tr>
                            <th scope="col">"Group"</th>
                            <th scope="col" class="num">"Children"</th>
                            <th scope="col">"Feel safe (95% interval)"</th>
                            <th scope="col" class="num">"Answered on the scale"</th>
                            {domain_titles.into_iter().map(|d| view! { <th scope="col">{d}</th> }).collect_view()}
                        </tr>
                    </thead>
                    <tbody>
                        {rows.into_iter().map(|r| view! {
                            <tr class:total=r.is_total>
                                <th scope="row">{r.label}</th>
                                <td class="num">{r.n}</td>
                                <td>{r.share_safe}</td>
                                <td class="num">{r.share_safe_n}</td>
                                {r.domains.into_iter().map(|d| view! { <td>{d}</td> }).collect_view()}
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </section>
            {(!overall).then(|| {
                let chart = distribution_of(&question_rows);
                view! {
                    <section aria-labelledby="question">
                        <h2 id="question">{question_title.clone()}</h2>
                        <figure>
                            <DistributionChart title=format!("Answers by {}: {question_title}", breakdown_title.to_lowercase()) bars=chart hidden_mark=hidden_mark/>
                            <figcaption>"Each bar: the answers of a group, from the first answer on the scale (darkest) to the last."</figcaption>
                        </figure>
                        <QuestionTable caption=format!("Answers by {}", breakdown_title.to_lowercase()) first_column="Group".into() answer_labels=answer_labels.clone() rows=question_rows/>
                    </section>
                }
            })}
            {overall.then(|| {
                let chart = distribution_of(&overview);
                view! {
                    <section aria-labelledby="overview">
                        <h2 id="overview">"Every question, all children"</h2>
                        <figure>
                            <DistributionChart title=format!("Answers to every question, wave {wave}") bars=chart hidden_mark=hidden_mark/>
                            <figcaption>"Each bar: the answers to one question, from the first answer on its scale (darkest) to the last. Counts per answer are in the Questions export."</figcaption>
                        </figure>
                        <QuestionTable caption="Every question".into() first_column="Question".into() answer_labels=Vec::new() rows=overview/>
                    </section>
                }
            })}
            <section aria-labelledby="downloads" class="no-print">
                <h2 id="downloads">"Download"</h2>
                <p>"Each file carries the methods note below; hidden figures are empty (no number)."</p>
                <ExportLinks links=exports/>
            </section>
            <MethodsNote lines=methods/>
        })}
    }
}
