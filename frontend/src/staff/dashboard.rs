//! The institution dashboard: response per location during the wave, then one section per
//! published wave (own results beside the national and same-setting benchmarks, incidents
//! beside felt safety, the change since the wave before, the domains where children feel least
//! safe). Every chart has its numbers in a table beside it. Printed, each wave is one page.

use super::charts::bar;
use super::response::ResponseRow;
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct BenchmarkRow {
    pub label: String,
    pub n: String,
    pub share_safe: String,
    pub bar: Option<f64>,
    pub is_own: bool,
    /// Recorded and reported incidents per 100 children placed per quarter, or the hidden mark.
    pub recorded: String,
    pub reported: String,
}

/// One line of the change since the previous wave.
#[derive(Clone, Debug)]
pub struct ChangeRow {
    pub label: String,
    pub from: String,
    pub to: String,
    /// "+4 points (−1 to +9)".
    pub change: String,
    pub significant: bool,
}

#[derive(Clone, Debug)]
pub struct DomainRow {
    pub title: String,
    pub own: String,
    pub bar: f64,
    pub national: String,
    /// Among the domains where the organisation's children feel least safe.
    pub least_safe: bool,
}

/// Incident rates by kind or by perpetrator: own beside the national benchmark.
#[derive(Clone, Debug)]
pub struct IncidentLine {
    pub label: String,
    pub own: String,
    pub national: String,
}

#[derive(Clone, Debug)]
pub struct WaveBlock {
    pub wave: String,
    /// Set when the organisation had fewer than k respondents.
    pub too_few: Option<String>,
    pub rows: Vec<BenchmarkRow>,
    /// The previous published wave, when there is one.
    pub change_from: Option<String>,
    pub change: Vec<ChangeRow>,
    pub domains: Vec<DomainRow>,
    pub incidents: Vec<IncidentLine>,
    /// The quarters the incident figures cover, e.g. "2021 Q1 – 2021 Q2".
    pub quarters: String,
}

#[derive(Clone, Debug)]
pub struct ResponseBlock {
    pub wave: String,
    pub state: String,
    pub rows: Vec<ResponseRow>,
    pub total: ResponseRow,
}

#[component]
pub fn DashboardPage(
    organisation: String,
    response: Option<ResponseBlock>,
    waves: Vec<WaveBlock>,
    k: u64,
    /// For researchers: (id, name, chosen) of every organisation, to open another's dashboard.
    choices: Vec<(i32, String, bool)>,
) -> impl IntoView {
    view! {
        <h1>{format!("Results for {organisation}")}</h1>
        {(!choices.is_empty()).then(|| view! {
            <form method="get" action="/staff/dashboard" class="inline-form no-print">
                <label for="organisation">"Organisation"</label>
                <select id="organisation" name="organisation">
                    {choices.into_iter().map(|(id, name, chosen)| view! { <option value=id.to_string() selected=chosen>{name}</option> }).collect_view()}
                </select>
                <button type="submit" class="secondary">"Show"</button>
            </form>
        })}
        <p>{format!("Share of children who feel safe where they live, with its 95% interval, beside the national figure and the figure for the same kind of setting. Figures based on fewer than {k} children are not shown (–), and neither are figures that would let them be worked out.")}</p>
        <p class="no-print">"To print this report for the board or the client council, use your browser's print command: each wave starts on a new page."</p>
        {response.map(|r| view! { <ResponseSection block=r/> })}
        {waves.is_empty().then(|| view! { <p class="notice">"No wave has been published yet: results appear here once the researchers publish a wave."</p> })}
        {waves.into_iter().map(|w| view! { <WaveSection block=w/> }).collect_view()}
    }
}

#[component]
fn ResponseSection(block: ResponseBlock) -> impl IntoView {
    view! {
        <section class="dashboard-response">
            <h2>{format!("Response, wave {} ({})", block.wave, block.state)}</h2>
            <p>"A code counts as used when a child has sent in the survey. Response rate: used codes per child placed."</p>
            <table class="data results" id="dashboard-response">
                <caption>{format!("Response per location, wave {}", block.wave)}</caption>
                <thead><tr>
                    <th scope="col">"Location"</th><th scope="col">"Setting"</th>
                    <th scope="col" class="num">"Children placed"</th><th scope="col" class="num">"Codes handed out"</th>
                    <th scope="col" class="num">"Codes used"</th><th scope="col">"Response rate"</th>
                </tr></thead>
                <tbody>
                    {block.rows.into_iter().map(|r| {
                        let share = r.used.parse::<f64>().ok().filter(|_| r.children_placed > 0).map(|used| used * 100.0 / f64::from(r.children_placed));
                        view! {
                            <tr>
                                <th scope="row">{r.location}</th><td>{r.setting_type}</td>
                                <td class="num">{r.children_placed}</td><td class="num">{r.issued}</td>
                                <td class="num">{r.used}</td>
                                <td>{share.map(bar)}" "{r.rate}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
                <tfoot>
                    <tr class="total">
                        <th scope="row" colspan="2">"Total"</th>
                        <td class="num">{block.total.children_placed}</td><td class="num">{block.total.issued}</td>
                        <td class="num">{block.total.used}</td><td>{block.total.rate}</td>
                    </tr>
                </tfoot>
            </table>
        </section>
    }
}

#[component]
fn WaveSection(block: WaveBlock) -> impl IntoView {
    let wave = block.wave.clone();
    view! {
        <section class="wave-block">
            <h2>{format!("Wave {}", block.wave)}</h2>
            // Not a `.flash`: this notice must stay on the printed page.
            {block.too_few.map(|t| view! { <p class="notice" role="status">{t}</p> })}
            <table class="data results">
                <caption>{format!("Feeling safe and incidents, wave {wave}")}</caption>
                <thead><tr>
                    <th scope="col">"Who"</th><th scope="col" class="num">"Children"</th><th scope="col">"Feel safe"</th>
                    <th scope="col" class="num">"Incidents recorded per 100 children per quarter"</th>
                    <th scope="col" class="num">"Of which reported"</th>
                </tr></thead>
                <tbody>
                    {block.rows.into_iter().map(|r| view! {
                        <tr class:total=r.is_own>
                            <th scope="row">{r.label}</th>
                            <td class="num">{r.n}</td>
                            <td>{r.bar.map(bar)}" "{r.share_safe}</td>
                            <td class="num">{r.recorded}</td>
                            <td class="num">{r.reported}</td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <p class="hint">{format!("Incidents: as registered by the organisations for the quarters of this wave ({}).", block.quarters)}</p>
            {(!block.incidents.is_empty()).then(|| view! {
                <table class="data">
                    <caption>{format!("Recorded incidents per 100 children per quarter, by kind and by who used violence, wave {wave}")}</caption>
                    <thead><tr><th scope="col">"Incidents"</th><th scope="col" class="num">"Your organisation"</th><th scope="col" class="num">"All organisations"</th></tr></thead>
                    <tbody>
                        {block.incidents.into_iter().map(|l| view! {
                            <tr><th scope="row">{l.label}</th><td class="num">{l.own}</td><td class="num">{l.national}</td></tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
            {block.change_from.map(|from| view! {
                <h3>{format!("Change since wave {from}")}</h3>
                {if block.change.is_empty() {
                    view! { <p>{format!("Not shown: your organisation's figures are not shown in both waves {from} and {wave}.")}</p> }.into_any()
                } else {
                    view! {
                        <table class="data results">
                            <caption>{format!("Share of children who feel safe, wave {from} and wave {wave}")}</caption>
                            <thead><tr>
                                <th scope="col">"Measure"</th><th scope="col" class="num">{format!("Wave {from}")}</th>
                                <th scope="col" class="num">{format!("Wave {wave}")}</th><th scope="col">"Change (95% interval)"</th>
                            </tr></thead>
                            <tbody>
                                {block.change.into_iter().map(|c| view! {
                                    <tr>
                                        <th scope="row">{c.label}</th><td class="num">{c.from}</td><td class="num">{c.to}</td>
                                        <td>{c.change}{c.significant.then_some(" — a real change, not chance")}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table>
                    }.into_any()
                }}
            })}
            {(!block.domains.is_empty()).then(|| view! {
                <h3>"Where children feel least safe"</h3>
                <table class="data results">
                    <caption>{format!("Share of your children who feel safe per domain, least safe first, wave {wave}")}</caption>
                    <thead><tr><th scope="col">"Domain"</th><th scope="col">"Your organisation"</th><th scope="col" class="num">"All children in the Netherlands"</th></tr></thead>
                    <tbody>
                        {block.domains.into_iter().map(|d| view! {
                            <tr class:least-safe=d.least_safe>
                                <th scope="row">{d.title}{d.least_safe.then_some(" (least safe)")}</th>
                                <td>{bar(d.bar)}" "{d.own}</td>
                                <td class="num">{d.national}</td>
                            </tr>
                        }).collect_view()}
                    </tbody>
                </table>
            })}
        </section>
    }
}
