//! Researchers register organisations and their locations: one at a time, or a CSV file in
//! the same format as `veilig import organisations`.

use leptos::prelude::*;

#[derive(Clone, Debug)]
pub struct LocationListRow {
    pub id: i32,
    pub organisation: String,
    pub region: String,
    pub location: String,
    pub setting_type: String,
    pub children_placed: i32,
}

#[component]
pub fn OrganisationsPage(
    csrf_token: String,
    locations: Vec<LocationListRow>,
    /// (value, label) of each setting type.
    setting_types: Vec<(String, String)>,
    /// What was pasted, kept after a refused import so it can be fixed.
    #[prop(optional)]
    csv: String,
) -> impl IntoView {
    let csrf2 = csrf_token.clone();
    let organisations = {
        let mut names: Vec<&str> = locations.iter().map(|l| l.organisation.as_str()).collect();
        names.dedup();
        names.len()
    };
    let placed: i32 = locations.iter().map(|l| l.children_placed).sum();
    view! {
        <h1>"Organisations and locations"</h1>
        <p>{format!("{organisations} organisations, {} locations, {placed} children placed.", locations.len())}</p>
        <form method="post" action="/staff/organisations/import" class="card staff-form" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>"Import a CSV file"</h2>
            <p class="hint" id="csv-hint">
                "Columns: organisation, region, location, setting_type, children_placed (separated by , or ;). "
                "Existing locations are updated; nothing is imported when any row has a problem."
            </p>
            <label for="file">"CSV file"</label>
            <input id="file" name="file" type="file" accept=".csv,text/csv" aria-describedby="csv-hint"/>
            <label for="csv">"Or paste the rows here"</label>
            <textarea id="csv" name="csv" rows="6" aria-describedby="csv-hint">{crate::components::textarea_text(&csv)}</textarea>
            <button type="submit" class="primary">"Import"</button>
        </form>
        <form method="post" action="/staff/organisations/location" class="card staff-form" enctype="multipart/form-data">
            <input type="hidden" name="csrf" value=csrf2/>
            <h2>"Add or update one location"</h2>
            <label for="organisation">"Organisation"</label>
            <input id="organisation" name="organisation" type="text" required maxlength="200"/>
            <label for="region">"Region (jeugdregio)"</label>
            <input id="region" name="region" type="text" required maxlength="200"/>
            <label for="location">"Location"</label>
            <input id="location" name="location" type="text" required maxlength="200"/>
            <label for="setting_type">"Setting type"</label>
            <select id="setting_type" name="setting_type">
                {setting_types.into_iter().map(|(v, l)| view! { <option value=v>{l}</option> }).collect_view()}
            </select>
            <label for="children_placed">"Children placed"</label>
            <input id="children_placed" name="children_placed" type="number" min="0" max="10000" required/>
            <button type="submit" class="primary">"Save location"</button>
        </form>
        <table class="data" id="locations">
            <caption>"All locations"</caption>
            <thead><tr>
                <th scope="col">"Id"</th><th scope="col">"Organisation"</th><th scope="col">"Region"</th>
                <th scope="col">"Location"</th><th scope="col">"Setting type"</th><th scope="col" class="num">"Children placed"</th>
            </tr></thead>
            <tbody>
                {locations.into_iter().map(|l| view! {
                    <tr>
                        <td>{l.id}</td><td>{l.organisation}</td><td>{l.region}</td><td>{l.location}</td>
                        <td>{l.setting_type}</td><td class="num">{l.children_placed}</td>
                    </tr>
                }).collect_view()}
            </tbody>
        </table>
    }
}
