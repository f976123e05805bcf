//! Kiosk tablets: a researcher or institution administrator unlocks a shared tablet for one
//! location and wave (on the tablet itself). The tablet gets a signed pass in a cookie and the
//! staff member is signed out there at once. Locking it again needs a staff sign-in.

use super::error::StaffError;
use super::render::page;
use super::session::Staff;
use crate::domain::staff::Role;
use crate::http::AppState;
use crate::kiosk::{KioskPass, KIOSK_COOKIE};
use crate::store::{organisations, staff as staff_store, waves};
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{AppendHeaders, IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{Flash, KioskNow, KioskPage};

const ROLES: &[Role] = &[Role::Researcher, Role::InstitutionAdmin];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/kiosk", get(form).post(unlock))
        .route("/staff/kiosk/end", post(lock))
}

fn kiosk_cookie(state: &AppState, value: &str, max_age_seconds: u64) -> HeaderValue {
    crate::http::cookies::set(
        state.secure_cookies,
        KIOSK_COOKIE,
        value,
        "/",
        Some(max_age_seconds),
    )
}

fn idle_words(seconds: u64) -> String {
    match seconds {
        s if s % 60 == 0 && s >= 120 => format!("{} minutes", s / 60),
        60 => "a minute".to_string(),
        s => format!("{s} seconds"),
    }
}

async fn render(
    state: &AppState,
    staff: &Staff,
    headers: &HeaderMap,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let open: Vec<String> = waves::list(&state.db)
        .await?
        .into_iter()
        .filter(|w| w.state.accepts_responses())
        .map(|w| w.label)
        .collect();
    let locations = organisations::list_locations(&state.db, staff.scope()).await?;
    let now = match crate::http::survey::kiosk_of(state, headers) {
        Some(pass) => {
            let name = locations
                .iter()
                .find(|l| l.id == pass.location_id)
                .map(|l| format!("{} — {}", l.organisation, l.name))
                .unwrap_or_else(|| format!("location {}", pass.location_id));
            let until = chrono::DateTime::from_timestamp(pass.expires, 0)
                .map(|t| format!("until {} (UTC)", t.format("%Y-%m-%d %H:%M")))
                .unwrap_or_default();
            Some(KioskNow {
                location: name,
                wave: pass.wave,
                until,
            })
        }
        None => None,
    };
    let choices = locations
        .into_iter()
        .map(|l| {
            (
                l.id,
                format!("{} — {} ({})", l.organisation, l.name, l.setting_type),
            )
        })
        .collect();
    let view = leptos::view! {
        <KioskPage
            csrf_token=staff.csrf_token.clone()
            waves=open
            locations=choices
            now=now
            idle_minutes=idle_words(state.survey.kiosk_idle_seconds)
            hours=state.survey.kiosk_hours
            languages=veilig_frontend::i18n::Lang::everyday().map(|l| (l.code().to_string(), l.name().to_string())).collect()
        />
    };
    Ok((
        status,
        page(state, staff, "/staff/kiosk", "Kiosk tablet", flash, view).await?,
    )
        .into_response())
}

async fn form(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    render(&state, &staff, &headers, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct UnlockForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    wave: String,
    #[serde(default)]
    location: String,
}

/// Unlocks this tablet and signs the staff member out on it; the start page comes up.
async fn unlock(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<UnlockForm>,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    staff.check_csrf(&form.csrf)?;
    let location = match form.location.trim().parse::<i32>() {
        Ok(id) => organisations::find_location(&state.db, staff.scope(), id).await?,
        Err(_) => None,
    };
    // Another organisation's location is answered like one that does not exist.
    let Some(location) = location.filter(|l| staff.scope().allows_organisation(l.organisation_id))
    else {
        let flash = Flash::Problem("Location: choose one of your locations from the list.".into());
        return render(&state, &staff, &headers, StatusCode::NOT_FOUND, Some(flash)).await;
    };
    let wave = waves::find_by_label(&state.db, form.wave.trim())
        .await?
        .filter(|w| w.state.accepts_responses());
    let Some(wave) = wave else {
        let flash = Flash::Problem("Wave: choose an open wave.".into());
        return render(&state, &staff, &headers, StatusCode::CONFLICT, Some(flash)).await;
    };
    let lifetime = state.survey.kiosk_hours * 3600;
    let pass = KioskPass {
        location_id: location.id,
        wave: wave.label.clone(),
        expires: chrono::Utc::now().timestamp() + lifetime as i64,
    };
    let Some(signed) = state.kiosk_key.sign(&pass) else {
        return Err(StaffError::Internal(
            "a wave label that cannot be signed".into(),
        ));
    };
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "kiosk.unlock",
        &format!("location {}, wave {}", location.id, wave.label),
    )
    .await?;
    let signed_out = staff.end_session(&state).await?;
    Ok((
        AppendHeaders([
            (header::SET_COOKIE, kiosk_cookie(&state, &signed, lifetime)),
            signed_out,
        ]),
        Redirect::to("/"),
    )
        .into_response())
}

#[derive(Deserialize)]
struct LockForm {
    #[serde(default)]
    csrf: String,
}

/// Ends kiosk mode on this tablet.
async fn lock(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<LockForm>,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    staff.check_csrf(&form.csrf)?;
    staff_store::audit(&state.db, Some(staff.user.id), "kiosk.lock", "").await?;
    let page = render(
        &state,
        &staff,
        &HeaderMap::new(),
        StatusCode::OK,
        Some(Flash::Done(
            "This tablet is locked: kiosk mode has ended.".into(),
        )),
    )
    .await?;
    Ok(([(header::SET_COOKIE, kiosk_cookie(&state, "", 0))], page).into_response())
}

#[cfg(test)]
mod tests {
    #[test]
    fn idle_times_are_said_in_words() {
        assert_eq!(super::idle_words(180), "3 minutes");
        assert_eq!(super::idle_words(60), "a minute");
        assert_eq!(super::idle_words(5), "5 seconds");
    }
}
