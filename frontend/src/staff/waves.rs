//! Researchers set up waves and move them along draft → open → closed → published.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct WaveRow {
    pub id: i32,
    pub label: String,
    pub opens_on: String,
    pub closes_on: String,
    pub state: String,
    pub instrument: String,
    /// (state value, button text) of the one allowed next step, if any.
    pub next: Option<(String, String)>,
    pub synthetic: bool,
    /// How publishing it stands on this server, while it runs or after it failed.
    pub publishing: Option<String>,
    /// Publishing runs: no next step is offered meanwhile.
    pub busy: bool,
}

#[component]
pub fn WavesPage(
    csrf_token: String,
    waves: Vec<WaveRow>,
    instruments: Vec<String>,
    /// Values to keep in the form after a refused create.
    #[prop(optional)]
    label: String,
    #[prop(optional)] opens_on: String,
    #[prop(optional)] closes_on: String,
) -> impl IntoView {
    let csrf = csrf_token.clone();
    view! {
        <h1>"Waves"</h1>
        <p>"A wave moves one way only: draft → open → closed → published. Children can answer only while it is open; results are shown only once it is published. The questionnaire of a wave is fixed once it opens."</p>
        <table class="data">
            <caption>"All waves"</caption>
            <thead><tr><th scope="col">"Wave"</th><th scope="col">"Opens"</th><th scope="col">"Closes"</th><th scope="col">"Questionnaire"</th><th scope="col">"State"</th><th scope="col">"Next step"</th></tr></thead>
            <tbody>
                {waves.into_iter().map(|w| {
                    let csrf = csrf.clone();
                    let action = format!("/staff/waves/{}/state", w.id);
                    let next = if w.busy { None } else { w.next };
                    view! {
                        <tr>
                            <td>{w.label.clone()}{w.synthetic.then_some(" (demo)")}</td>
                            <td>{w.opens_on}</td>
                            <td>{w.closes_on}</td>
                            <td>{w.instrument}</td>
                            <td><span class=format!("state state-{}", w.state)>{w.state.clone()}</span></td>
                            <td>{w.publishing.map(|text| view! { <p class="publishing" role="status">{text}</p> })}{next.map(|(to, text)| { let label = format!("{text}: wave {}", w.label); view! {
                                <form method="post" action=action class="inline">
                                    <input type="hidden" name="csrf" value=csrf/>
                                    <input type="hidden" name="to" value=to/>
                                    <button type="submit" class="secondary" aria-label=label>{text}</button>
                                </form>
                            }})}</td>
                        </tr>
                    }
                }).collect_view()}
            </tbody>
        </table>
        <form method="post" action="/staff/waves" class="card staff-form">
            <h2>"New wave"</h2>
            <input type="hidden" name="csrf" value=csrf_token/>
            <label for="label">"Label (for example 2025)"</label>
            <input id="label" name="label" type="text" required maxlength="50" value=label/>
            <label for="opens_on">"Opens on"</label>
            <input id="opens_on" name="opens_on" type="date" required value=opens_on/>
            <label for="closes_on">"Closes on"</label>
            <input id="closes_on" name="closes_on" type="date" required value=closes_on/>
            <label for="instrument">"Questionnaire version"</label>
            <select id="instrument" name="instrument">
                {instruments.into_iter().map(|v| { let value = v.clone(); view! { <option value=value>{v}</option> } }).collect_view()}
            </select>
            <button type="submit" class="primary">"Create draft wave"</button>
        </form>
    }
}
