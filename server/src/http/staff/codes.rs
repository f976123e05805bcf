//! Making, revoking and reissuing access codes. Researchers may do this for any location,
//! institution administrators for their own organisation's locations only.

use super::error::StaffError;
use super::render::page;
use super::session::Staff;
use crate::domain::access_code::{AccessCode, CodeState};
use crate::domain::client_number::{self, ClientNumber};
use crate::domain::staff::Role;
use crate::http::AppState;
use crate::participation::{self, CodeBatch, CodesError};
use crate::store::{codes, organisations, staff as staff_store, waves};
use axum::extract::State;
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{CodeCard, CodeSheet, CodesPage, Flash};

const ROLES: &[Role] = &[Role::Researcher, Role::InstitutionAdmin];

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/codes", get(form).post(make))
        .route("/staff/codes/revoke", post(revoke))
        .route("/staff/codes/reissue", post(reissue))
}

/// The locations this person may make codes for, labelled for a list.
async fn location_choices(
    state: &AppState,
    staff: &Staff,
) -> Result<Vec<(i32, String)>, StaffError> {
    Ok(organisations::list_locations(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|l| {
            (
                l.id,
                format!("{} — {} ({})", l.organisation, l.name, l.setting_type),
            )
        })
        .collect())
}

async fn render_form(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let waves: Vec<String> = waves::list(&state.db)
        .await?
        .into_iter()
        .filter(|w| w.state.issues_codes())
        .map(|w| w.label)
        .collect();
    let locations = location_choices(state, staff).await?;
    let view = leptos::view! { <CodesPage csrf_token=staff.csrf_token.clone() waves=waves locations=locations/> };
    Ok((
        status,
        page(state, staff, "/staff/codes", "Access codes", flash, view).await?,
    )
        .into_response())
}

/// The form again, with what was wrong (422).
async fn refuse(state: &AppState, staff: &Staff, problem: String) -> Result<Response, StaffError> {
    let flash = Flash::Problem(problem);
    render_form(state, staff, StatusCode::UNPROCESSABLE_ENTITY, Some(flash)).await
}

async fn form(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    render_form(&state, &staff, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct MakeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    wave: String,
    #[serde(default)]
    location: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    count: String,
    #[serde(default)]
    clients: String,
}

/// The address on the cards: this server as the person reached it.
fn start_address(state: &AppState, headers: &HeaderMap) -> String {
    let host = headers
        .get(header::HOST)
        .and_then(|h| h.to_str().ok())
        .filter(|h| {
            h.chars()
                .all(|c| c.is_ascii_alphanumeric() || ".-:[]".contains(c))
        })
        .unwrap_or("localhost");
    let scheme = if state.behind_tls { "https" } else { "http" };
    format!("{scheme}://{host}")
}

pub(super) fn qr_svg(data: &str) -> String {
    match qrcode::QrCode::new(data.as_bytes()) {
        Ok(code) => code
            .render::<qrcode::render::svg::Color<'_>>()
            .min_dimensions(132, 132)
            .quiet_zone(true)
            .build(),
        Err(_) => String::new(),
    }
}

async fn make(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<MakeForm>,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    staff.check_csrf(&form.csrf)?;
    let Ok(location_id) = form.location.trim().parse::<i32>() else {
        return refuse(&state, &staff, "location: choose one from the list.".into()).await;
    };
    // The scope goes down to the store: another organisation's location is an unknown one.
    let scope = staff.scope();
    let (outcome, clients): (Result<CodeBatch, CodesError>, Vec<ClientNumber>) =
        match form.kind.as_str() {
            "linkable" => match client_number::parse_list(&form.clients) {
                Ok(clients) => (
                    participation::generate_linkable(
                        &state.db,
                        &state.pepper,
                        scope,
                        form.wave.trim(),
                        location_id,
                        &clients,
                    )
                    .await,
                    clients,
                ),
                Err(errors) => {
                    let text = format!("client numbers: {}.", errors.join("; "));
                    return refuse(&state, &staff, text).await;
                }
            },
            _ => match form.count.trim().parse::<usize>() {
                Ok(count) => (
                    participation::generate_anonymous(
                        &state.db,
                        &state.pepper,
                        scope,
                        form.wave.trim(),
                        location_id,
                        count,
                    )
                    .await,
                    Vec::new(),
                ),
                Err(_) => (Err(CodesError::BadCount), Vec::new()),
            },
        };
    let batch = match outcome {
        Ok(batch) => batch,
        Err(CodesError::Db(e)) => return Err(e.into()),
        Err(CodesError::UnknownLocation(_)) => {
            let text = "location: there is no such location among yours.".into();
            return refuse(&state, &staff, text).await;
        }
        Err(e) => {
            return refuse(&state, &staff, format!("{e}.")).await;
        }
    };
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "codes.generate",
        &format!(
            "{} {} codes, wave {}, location {}",
            batch.codes.len(),
            if clients.is_empty() {
                "anonymous"
            } else {
                "linkable"
            },
            batch.wave.label,
            batch.location.id
        ),
    )
    .await?;
    let address = start_address(&state, &headers);
    let cards: Vec<CodeCard> = batch
        .codes
        .iter()
        .enumerate()
        .map(|(i, code)| {
            let shown = code.display_grouped();
            // The wave goes along, so a code of another wave is refused at the start.
            let start_url = format!("{address}/?code={shown}&wave={}", batch.wave.label);
            CodeCard {
                qr_svg: qr_svg(&start_url),
                start_url,
                code: shown,
                client_number: clients.get(i).map(|c| c.expose().to_string()),
            }
        })
        .collect();
    let title = format!("Codes for {}", batch.location.name);
    let view = leptos::view! {
        <CodeSheet
            wave=batch.wave.label.clone()
            location=format!("{} — {}", batch.location.organisation, batch.location.name)
            cards=cards
            address=address.clone()
        />
    };
    let mut response = (
        StatusCode::CREATED,
        page(&state, &staff, "/staff/codes", &title, None, view).await?,
    )
        .into_response();
    // The sheet holds live codes: never kept in any cache.
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}

#[derive(Deserialize)]
struct CodeForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    code: String,
}

/// The code, if it exists at a location this person may manage. The store answers a code of
/// another organisation exactly like an unknown one.
async fn own_code(
    state: &AppState,
    staff: &Staff,
    typed: &str,
) -> Result<Option<(AccessCode, codes::StoredCode)>, StaffError> {
    let Ok(code) = AccessCode::parse(typed) else {
        return Ok(None);
    };
    Ok(
        codes::find(&state.db, &state.code_key, staff.scope(), &code)
            .await?
            .map(|stored| (code, stored)),
    )
}

async fn revoke(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    staff.check_csrf(&form.csrf)?;
    let (status, flash) = match own_code(&state, &staff, &form.code).await? {
        None => (
            StatusCode::NOT_FOUND,
            Flash::Problem("There is no such code among your locations.".into()),
        ),
        Some((code, _)) => {
            if codes::transition(
                &state.db,
                &state.code_key,
                staff.scope(),
                &code,
                CodeState::Unused,
                CodeState::Revoked,
            )
            .await?
            {
                staff_store::audit(&state.db, Some(staff.user.id), "codes.revoke", "one code")
                    .await?;
                (
                    StatusCode::OK,
                    Flash::Done(format!("Code {} no longer works.", code.display_grouped())),
                )
            } else {
                (
                    StatusCode::CONFLICT,
                    Flash::Problem(
                        "This code was already used or revoked; nothing changed.".into(),
                    ),
                )
            }
        }
    };
    render_form(&state, &staff, status, Some(flash)).await
}

async fn reissue(
    State(state): State<AppState>,
    staff: Staff,
    headers: HeaderMap,
    Form(form): Form<CodeForm>,
) -> Result<Response, StaffError> {
    staff.require(ROLES)?;
    staff.check_csrf(&form.csrf)?;
    let Some((code, stored)) = own_code(&state, &staff, &form.code).await? else {
        let flash = Flash::Problem("There is no such code among your locations.".into());
        return render_form(&state, &staff, StatusCode::NOT_FOUND, Some(flash)).await;
    };
    let wave = waves::find_by_id(&state.db, stored.wave_id).await?;
    if !wave.as_ref().is_some_and(|w| w.state.issues_codes()) {
        let flash = Flash::Problem("The wave of this code is over; it cannot be reissued.".into());
        return render_form(&state, &staff, StatusCode::CONFLICT, Some(flash)).await;
    }
    let Some(new) = codes::reissue(&state.db, &state.code_key, staff.scope(), &code).await? else {
        let flash =
            Flash::Problem("This code was already used or revoked; it cannot be reissued.".into());
        return render_form(&state, &staff, StatusCode::CONFLICT, Some(flash)).await;
    };
    staff_store::audit(&state.db, Some(staff.user.id), "codes.reissue", "one code").await?;
    let location = organisations::find_location(&state.db, staff.scope(), stored.location_id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let address = start_address(&state, &headers);
    let shown = new.display_grouped();
    let wave_label = wave.as_ref().map(|w| w.label.clone()).unwrap_or_default();
    let start_url = format!("{address}/?code={shown}&wave={wave_label}");
    let cards = vec![CodeCard {
        qr_svg: qr_svg(&start_url),
        start_url,
        code: shown,
        client_number: None,
    }];
    let view = leptos::view! {
        <CodeSheet
            wave=wave_label
            location=format!("{} — {}", location.organisation, location.name)
            cards=cards
            address=address.clone()
        />
    };
    let mut response = (
        StatusCode::CREATED,
        page(&state, &staff, "/staff/codes", "Reissued code", None, view).await?,
    )
        .into_response();
    response.headers_mut().insert(
        header::CACHE_CONTROL,
        header::HeaderValue::from_static("no-store"),
    );
    Ok(response)
}
