//! Incident counts: an institution's registrations per quarter (with the form for institution
//! administrators), and the researchers' national table beside felt safety.

use super::charts::bar;
use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct ReportRow {
    pub quarter: String,
    pub setting_type: String,
    pub children_placed: u32,
    pub recorded: u64,
    pub reported: u64,
    /// The address that opens this quarter in the form, for a correction.
    pub correct_link: Option<String>,
}

/// One kind × perpetrator line of the form.
#[derive(Clone, Debug)]
pub struct CellInput {
    pub label: String,
    pub recorded_name: String,
    pub recorded: String,
    pub reported_name: String,
    pub reported: String,
}

#[derive(Clone, Debug)]
pub struct IncidentForm {
    /// (value, label, selected).
    pub quarters: Vec<(String, String, bool)>,
    pub settings: Vec<(String, String, bool)>,
    pub children_placed: String,
    pub cells: Vec<CellInput>,
    /// The quarter and setting type were registered before: saving replaces them.
    pub correcting: bool,
}

#[component]
pub fn IncidentsPage(
    organisation: String,
    csrf_token: String,
    reports: Vec<ReportRow>,
    /// The registration form (institution administrators only).
    form: Option<IncidentForm>,
    /// Set when a researcher reads another organisation's registrations.
    back_link: Option<String>,
) -> impl IntoView {
    view! {
        <h1>{format!("Incident counts — {organisation}")}</h1>
        {back_link.map(|href| view! { <p><a href=href>"Back to the national table"</a></p> })}
        <p>"Per quarter and per kind of setting: the violence incidents against children placed that the organisation recorded, how many of those it reported (to the inspectorate, the police or Veilig Thuis), and the number of children placed. The dashboard shows them per 100 children placed, beside how safe children feel."</p>
        <table class="data" id="incident-reports">
            <caption>"Registered quarters"</caption>
            <thead><tr>
                <th scope="col">"Quarter"</th><th scope="col">"Setting"</th><th scope="col" class="num">"Children placed"</th>
                <th scope="col" class="num">"Incidents recorded"</th><th scope="col" class="num">"Of which reported"</th>
                <th scope="col">"Correct"</th>
            </tr></thead>
            <tbody>
                {reports.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.quarter.clone()}</td><td>{r.setting_type.clone()}</td><td class="num">{r.children_placed}</td>
                        <td class="num">{r.recorded}</td><td class="num">{r.reported}</td>
                        <td>{r.correct_link.map(|href| view! {
                            <a href=href aria-label=format!("Correct {} {}", r.quarter, r.setting_type)>"Correct"</a>
                        })}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        {form.map(|f| view! { <RegistrationForm csrf_token=csrf_token form=f/> })}
    }
}

#[component]
fn RegistrationForm(csrf_token: String, form: IncidentForm) -> impl IntoView {
    if form.quarters.is_empty() || form.settings.is_empty() {
        return view! {
            <p class="notice">"No quarter can be registered now: a quarter can be registered once it has begun and lies in a wave's period, for a kind of setting your organisation has locations of."</p>
        }
        .into_any();
    }
    view! {
        <form method="post" action="/staff/incidents" class="card staff-form incident-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>{if form.correcting { "Correct a quarter" } else { "Register a quarter" }}</h2>
            {form.correcting.then(|| view! {
                <p class="hint">"This quarter was registered before: saving replaces its figures. The old and new values go to the audit log."</p>
            })}
            <label for="quarter">"Quarter"</label>
            <select id="quarter" name="quarter">
                {form.quarters.into_iter().map(|(v, l, s)| view! { <option value=v selected=s>{l}</option> }).collect_view()}
            </select>
            <label for="setting_type">"Kind of setting"</label>
            <select id="setting_type" name="setting_type">
                {form.settings.into_iter().map(|(v, l, s)| view! { <option value=v selected=s>{l}</option> }).collect_view()}
            </select>
            <label for="children_placed">"Children placed in this kind of setting during the quarter"</label>
            <input id="children_placed" name="children_placed" type="number" min="1" max="100000" required value=form.children_placed/>
            <table class="data incident-cells">
                <caption>"Incidents in the quarter (type 0 when there were none)"</caption>
                <thead><tr><th scope="col">"Kind of violence, by whom"</th><th scope="col">"Recorded"</th><th scope="col">"Of which reported"</th></tr></thead>
                <tbody>
                    {form.cells.into_iter().map(|c| view! {
                        <tr>
                            <th scope="row">{c.label.clone()}</th>
                            <td><input type="number" min="0" max="100000" required name=c.recorded_name.clone() id=c.recorded_name
                                aria-label=format!("{}: recorded", c.label) value=c.recorded/></td>
                            <td><input type="number" min="0" max="100000" required name=c.reported_name.clone() id=c.reported_name
                                aria-label=format!("{}: of which reported", c.label) value=c.reported/></td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
            <button type="submit" class="primary">"Save the quarter"</button>
        </form>
    }
    .into_any()
}

#[derive(Clone, Debug)]
pub struct NationalIncidentRow {
    pub label: String,
    pub n: String,
    pub share_safe: String,
    pub bar: Option<f64>,
    pub organisations: usize,
    pub recorded: String,
    pub reported: String,
    /// Recorded per kind, then per perpetrator.
    pub detail: Vec<String>,
    pub is_total: bool,
}

#[component]
pub fn IncidentsNationalPage(
    wave: String,
    /// (label, selected) of each wave.
    waves: Vec<(String, bool)>,
    /// Column titles of `detail`.
    detail_titles: Vec<String>,
    rows: Vec<NationalIncidentRow>,
    k: u64,
    /// Set when the wave is not published.
    notice: Option<String>,
    /// (id, name) of every organisation, to read one's registrations.
    organisations: Vec<(i32, String)>,
) -> impl IntoView {
    view! {
        <h1>{format!("Incidents beside felt safety, wave {wave}")}</h1>
        <form method="get" action="/staff/incidents" class="inline-form">
            <label for="wave">"Wave"</label>
            <select id="wave" name="wave">
                {waves.into_iter().map(|(w, sel)| { let v = w.clone(); view! { <option value=v selected=sel>{w}</option> } }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        {notice.map(|n| view! { <p class="notice" role="status">{n}</p> })}
        <p>{format!("Per kind of setting: the share of children who feel safe, and the incidents the organisations registered for the quarters of this wave, per 100 children placed per quarter. Incident figures are shown only beside a felt-safety figure that is shown, for at least {k} children placed, and never where a hidden one could be worked out (–).")}</p>
        <table class="data results" id="national-incidents">
            <caption>"Felt safety and incidents per kind of setting"</caption>
            <thead><tr>
                <th scope="col">"Setting"</th><th scope="col" class="num">"Children"</th><th scope="col">"Feel safe"</th>
                <th scope="col" class="num">"Organisations registered"</th>
                <th scope="col" class="num">"Recorded per 100"</th><th scope="col" class="num">"Reported per 100"</th>
                {detail_titles.into_iter().map(|t| view! { <th scope="col" class="num">{t}</th> }).collect_view()}
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr class:total=r.is_total>
                        <th scope="row">{r.label}</th><td class="num">{r.n}</td>
                        <td>{r.bar.map(bar)}" "{r.share_safe}</td>
                        <td class="num">{r.organisations}</td>
                        <td class="num">{r.recorded}</td><td class="num">{r.reported}</td>
                        {r.detail.into_iter().map(|d| view! { <td class="num">{d}</td> }).collect_view()}
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
        <form method="get" action="/staff/incidents" class="inline-form">
            <label for="organisation">"Registrations of one organisation"</label>
            <select id="organisation" name="organisation">
                {organisations.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
    }
}
