//! Unlocking a shared tablet for one location: kiosk mode for the child's survey.

use leptos::prelude::*;

/// What this tablet is unlocked for now, as shown to staff.
#[derive(Clone, Debug)]
pub struct KioskNow {
    pub location: String,
    pub wave: String,
    /// "until 18:30 (UTC)".
    pub until: String,
}

#[component]
pub fn KioskPage(
    csrf_token: String,
    /// Labels of open waves.
    waves: Vec<String>,
    /// (id, "organisation — location (setting type)") the person may unlock a tablet for.
    locations: Vec<(i32, String)>,
    now: Option<KioskNow>,
    idle_minutes: String,
    hours: u64,
    /// (code, name) of the survey's languages, for the check of this tablet's voices.
    languages: Vec<(String, String)>,
) -> impl IntoView {
    let csrf2 = csrf_token.clone();
    let nothing_open = waves.is_empty();
    view! {
        <h1>"Kiosk tablet"</h1>
        <p>"A shared tablet for children to take the survey one after another. Unlock it here for one location, on the tablet itself."</p>
        <ul>
            <li>"You are signed out on this tablet at once, so no child can reach the staff pages."</li>
            <li>"The start page then takes codes of this location only."</li>
            <li>{format!("After each child, and after {idle_minutes} without a touch, the tablet goes back to the start page and shows nothing of the previous child. A half-finished survey can be picked up again only with that child's own code.")}</li>
            <li>{format!("It stays unlocked for {hours} hours, or until you lock it here.")}</li>
        </ul>
        {now.map(|k| view! {
            <section class="card staff-form" aria-labelledby="kiosk-now">
                <h2 id="kiosk-now">"This tablet is unlocked"</h2>
                <p>{format!("For {}, wave {}, {}.", k.location, k.wave, k.until)}</p>
                <form method="post" action="/staff/kiosk/end">
                    <input type="hidden" name="csrf" value=csrf2/>
                    <button type="submit" class="secondary">"Lock this tablet (end kiosk mode)"</button>
                </form>
            </section>
        })}
        // Filled in and shown by voices.js: which languages this tablet can read aloud in.
        <section id="voices" class="card" aria-labelledby="voices-title" hidden>
            <h2 id="voices-title">"Read-aloud on this tablet"</h2>
            <p>"Children who read with difficulty can have every screen read aloud, by a voice installed on the tablet. Where there is no voice for a language, the read-aloud button does not appear: install one in the tablet's settings (text-to-speech), then open this page again."</p>
            <ul>
                {languages.into_iter().map(|(code, name)| {
                    let lang = code.clone();
                    view! {
                    <li data-lang=code>
                        <span lang=lang>{name}</span>": "
                        <span class="voice-yes" hidden>"can read aloud"</span>
                        <span class="voice-no" hidden>"no voice: read-aloud will not be offered"</span>
                    </li>
                    }
                }).collect_view()}
            </ul>
        </section>
        <form method="post" action="/staff/kiosk" class="card staff-form">
            <input type="hidden" name="csrf" value=csrf_token/>
            <h2>"Unlock this tablet"</h2>
            {nothing_open.then(|| view! { <p>"No wave is open, so there is nothing to unlock for yet."</p> })}
            <label for="wave">"Wave"</label>
            <select id="wave" name="wave">
                {waves.into_iter().map(|w| view! { <option value=w.clone()>{w.clone()}</option> }).collect_view()}
            </select>
            <label for="location">"Location"</label>
            <select id="location" name="location">
                {locations.into_iter().map(|(id, name)| view! { <option value=id.to_string()>{name}</option> }).collect_view()}
            </select>
            <button type="submit" class="primary">"Unlock for children and sign me out"</button>
        </form>
    }
}
