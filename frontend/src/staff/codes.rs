//! Making access codes for a location, and the printable card sheet.

use leptos::prelude::*;

#[component]
pub fn CodesPage(
    csrf_token: String,
    /// Labels of waves that take new codes (draft or open).
    waves: Vec<String>,
    /// (id, "organisation — location (setting type)") the person may make codes for.
    locations: Vec<(i32, String)>,
) -> impl IntoView {
    let csrf2 = csrf_token.clone();
    let csrf3 = csrf_token.clone();
    let wave_options = move || {
        waves
            .iter()
            .map(|w| view! { <option value=w.clone()>{w.clone()}</option> })
            .collect_view()
    };
    let location_options = move || {
        locations
            .iter()
            .map(|(id, name)| view! { <option value=id.to_string()>{name.clone()}</option> })
            .collect_view()
    };
    view! {
        <h1>"Access codes"</h1>
        <p>"Each child gets one card with one code. The codes are shown only once, on the sheet made now: print it (or save it as PDF) straight away. Lost a card? Reissue it below."</p>
        <form method="post" action="/staff/codes" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>"Make codes"</h2>
            <label for="wave">"Wave"</label>
            <select id="wave" name="wave">{wave_options.clone()}</select>
            <label for="location">"Location"</label>
            <select id="location" name="location">{location_options.clone()}</select>
            <fieldset>
                <legend>"Kind of codes"</legend>
                <label class="choice"><input type="radio" name="kind" value="anonymous" checked/>" Anonymous: a number of codes"</label>
                <label class="choice"><input type="radio" name="kind" value="linkable"/>" Linkable: one code per client number, so a child can be followed from wave to wave"</label>
            </fieldset>
            <label for="count">"Number of anonymous codes"</label>
            <input id="count" name="count" type="number" min="1" max="2000" value="10"/>
            <label for="clients">"Client numbers for linkable codes, one per line"</label>
            <p class="hint" id="clients-hint">"The client numbers are used once to make a pseudonym and are never stored. You get back a list client number → code to hand out."</p>
            <textarea id="clients" name="clients" rows="6" aria-describedby="clients-hint"></textarea>
            <button type="submit" class="primary">"Make codes and show the sheet"</button>
        </form>
        <form method="post" action="/staff/codes/reissue" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf2/>
            <h2>"Reissue a lost card"</h2>
            <p>"The old code stops working, and a new card for the same location (and the same child, for linkable codes) is made."</p>
            <label for="reissue-code">"Code on the lost card"</label>
            <input id="reissue-code" name="code" type="text" required autocomplete="off"/>
            <button type="submit" class="secondary">"Reissue"</button>
        </form>
        <form method="post" action="/staff/codes/revoke" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf3/>
            <h2>"Revoke a code"</h2>
            <label for="revoke-code">"Code"</label>
            <input id="revoke-code" name="code" type="text" required autocomplete="off"/>
            <button type="submit" class="secondary">"Revoke"</button>
        </form>
    }
}

/// One card on the sheet.
#[derive(Clone, Debug)]
pub struct CodeCard {
    pub code: String,
    /// An SVG image of a QR code with the start address and the code filled in.
    pub qr_svg: String,
    pub start_url: String,
    /// For linkable codes: the institution's client number, printed on the card's stub only.
    pub client_number: Option<String>,
}

#[component]
pub fn CodeSheet(
    wave: String,
    location: String,
    cards: Vec<CodeCard>,
    address: String,
) -> impl IntoView {
    let count = cards.len();
    let linkable = cards.iter().any(|c| c.client_number.is_some());
    let list: Vec<(String, String)> = cards
        .iter()
        .filter_map(|c| c.client_number.clone().map(|n| (n, c.code.clone())))
        .collect();
    view! {
        <div class="sheet-intro no-print">
            <h1>{format!("{count} codes for {location}, wave {wave}")}</h1>
            <p class="flash error" role="alert">"These codes are shown only this once. Print this page now, or save it as PDF, before you leave it."</p>
            <p>"Print with your browser’s print command (Ctrl+P or ⌘P); only the cards are printed, eight on a page. Cut along the dashed lines."</p>
        </div>
        {linkable.then(|| view! {
            <table class="data client-list">
                <caption>"Client number → code (keep this list safe; destroy it after the cards are handed out)"</caption>
                <thead><tr><th scope="col">"Client number"</th><th scope="col">"Code"</th></tr></thead>
                <tbody>{list.into_iter().map(|(n, c)| view! { <tr><td>{n}</td><td class="mono">{c}</td></tr> }).collect_view()}</tbody>
            </table>
        })}
        <ul class="code-cards">
            {cards.into_iter().map(|card| view! {
                <li class="code-card">
                    <p class="card-title">"Veilig — hoe veilig voel jij je?"</p>
                    <p class="card-line">"Je antwoorden zijn geheim. Niemand van je groep ziet ze."</p>
                    <div class="qr" aria-hidden="true" data-url=card.start_url inner_html=card.qr_svg></div>
                    <p class="card-code mono">{card.code.clone()}</p>
                    <p class="card-url">{address.clone()}</p>
                    <p class="card-line" lang="en">"Your answers are secret. Nobody at your group sees them."</p>
                </li>
            }).collect_view()}
        </ul>
    }
}
