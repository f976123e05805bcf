//! Response tracking during a wave: codes handed out and used per location, against the
//! number of children placed. Codes used are shown while the wave is open; once it closes,
//! response is a figure of the wave's publication (see the results), not of this page.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct ResponseRow {
    pub organisation: String,
    pub location: String,
    pub setting_type: String,
    pub children_placed: i32,
    pub issued: u64,
    /// Codes used, or the hidden mark once the wave is closed.
    pub used: String,
    /// Used codes per 100 children placed, one decimal; empty when none are placed.
    pub rate: String,
}

#[component]
pub fn ResponsePage(
    wave: String,
    /// (label, is current) of every wave.
    waves: Vec<(String, bool)>,
    rows: Vec<ResponseRow>,
    total: ResponseRow,
) -> impl IntoView {
    view! {
        <h1>{format!("Response, wave {wave}")}</h1>
        <form method="get" action="/staff/response" class="inline-form">
            <label for="wave">"Wave"</label>
            <select id="wave" name="wave">
                {waves.into_iter().map(|(w, current)| view! { <option value=w.clone() selected=current>{w.clone()}</option> }).collect_view()}
            </select>
            <button type="submit" class="secondary">"Show"</button>
        </form>
        <p>"A code counts as used when a child has sent in the survey. Response rate: used codes per child placed. Once a wave is closed, codes used are no longer shown here: the number of children who answered is then in the wave's results, with the same disclosure rules as every other figure."</p>
        <table class="data" id="response-table">
            <caption>"Codes and response per location"</caption>
            <thead><tr>
                <th scope="col">"Organisation"</th><th scope="col">"Location"</th><th scope="col">"Setting"</th>
                <th scope="col" class="num">"Children placed"</th><th scope="col" class="num">"Codes handed out"</th>
                <th scope="col" class="num">"Codes used"</th><th scope="col" class="num">"Response rate"</th>
            </tr></thead>
            <tbody>
                {rows.into_iter().map(|r| view! {
                    <tr>
                        <td>{r.organisation}</td><td>{r.location}</td><td>{r.setting_type}</td>
                        <td class="num">{r.children_placed}</td><td class="num">{r.issued}</td>
                        <td class="num">{r.used}</td><td class="num">{r.rate}</td>
                    </tr>
                }).collect_view()}
            </tbody>
            <tfoot>
                <tr>
                    <th scope="row" colspan="3">"Total"</th>
                    <td class="num">{total.children_placed}</td><td class="num">{total.issued}</td>
                    <td class="num">{total.used}</td><td class="num">{total.rate}</td>
                </tr>
            </tfoot>
        </table>
    }
}
