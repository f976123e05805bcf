//! Researchers register organisations and locations, one at a time or by CSV import. Both go
//! through the same parser and the same import, so a form row and a file row obey one set of
//! rules.

use super::error::StaffError;
use super::render::page;
use super::session::Staff;
use crate::domain::organisation_import::{self, COLUMNS};
use crate::domain::staff::Role;
use crate::domain::SettingType;
use crate::http::AppState;
use crate::store::{organisations, staff as staff_store};
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::collections::HashMap;
use veilig_frontend::staff::{Flash, LocationListRow, OrganisationsPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/organisations", get(list))
        .route("/staff/organisations/import", post(import))
        .route("/staff/organisations/location", post(one_location))
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
    csv: String,
) -> Result<Response, StaffError> {
    let regions: HashMap<i32, String> = organisations::list_organisations(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|o| (o.id, o.region))
        .collect();
    let locations = organisations::list_locations(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|l| LocationListRow {
            id: l.id,
            region: regions.get(&l.organisation_id).cloned().unwrap_or_default(),
            organisation: l.organisation,
            location: l.name,
            setting_type: l.setting_type.label().to_string(),
            children_placed: l.children_placed,
        })
        .collect();
    let setting_types = SettingType::ALL
        .map(|s| (s.as_str().to_string(), s.label().to_string()))
        .to_vec();
    let view = leptos::view! {
        <OrganisationsPage csrf_token=staff.csrf_token.clone() locations=locations setting_types=setting_types csv=csv/>
    };
    Ok((
        status,
        page(
            state,
            staff,
            "/staff/organisations",
            "Organisations",
            flash,
            view,
        )
        .await?,
    )
        .into_response())
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    render(&state, &staff, StatusCode::OK, None, String::new()).await
}

/// The text fields of a multipart form (a file field counts as text: CSV is UTF-8).
async fn fields(mut multipart: Multipart) -> Result<HashMap<String, String>, String> {
    let mut out = HashMap::new();
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| format!("the form could not be read ({e})"))?
    {
        let name = field.name().unwrap_or_default().to_string();
        let bytes = field
            .bytes()
            .await
            .map_err(|e| format!("the form could not be read ({e})"))?;
        let text = String::from_utf8(bytes.to_vec())
            .map_err(|_| format!("{name}: the file must be UTF-8 text (save it as CSV UTF-8)"))?;
        out.insert(name, text);
    }
    Ok(out)
}

async fn run_import(
    state: &AppState,
    staff: &Staff,
    form: &HashMap<String, String>,
    text: String,
) -> Result<Response, StaffError> {
    staff.check_csrf(form.get("csrf").map(String::as_str).unwrap_or_default())?;
    let rows = match organisation_import::parse(&text) {
        Ok(rows) => rows,
        Err(errors) => {
            let flash = Flash::Problem(format!(
                "Nothing was imported. {} problem{}: {}.",
                errors.len(),
                if errors.len() == 1 { "" } else { "s" },
                errors.join("; ")
            ));
            return render(
                state,
                staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                text,
            )
            .await;
        }
    };
    // Two imports at once may both make the same new region; the one that loses the race
    // finds it made when it tries again (an import is safe to repeat).
    let summary = match organisations::import(&state.db, &rows).await {
        Err(e) if crate::store::is_conflict(&e) => organisations::import(&state.db, &rows).await?,
        done => done?,
    };
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "organisations.import",
        &format!("{} rows", rows.len()),
    )
    .await?;
    let flash = Flash::Done(format!(
        "Imported {} rows: {} organisations and {} locations created, {} locations updated.",
        rows.len(),
        summary.organisations_created,
        summary.locations_created,
        summary.locations_updated
    ));
    render(state, staff, StatusCode::OK, Some(flash), String::new()).await
}

async fn import(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    let form = match fields(multipart).await {
        Ok(form) => form,
        Err(problem) => {
            let flash = Flash::Problem(problem);
            return render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                String::new(),
            )
            .await;
        }
    };
    let file = form.get("file").map(|f| f.trim()).unwrap_or_default();
    let text = if file.is_empty() {
        form.get("csv").cloned().unwrap_or_default()
    } else {
        file.to_string()
    };
    run_import(&state, &staff, &form, text).await
}

/// One location from the form, written as a one-row CSV and imported like a file.
async fn one_location(
    State(state): State<AppState>,
    staff: Staff,
    multipart: Multipart,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    let form = match fields(multipart).await {
        Ok(form) => form,
        Err(problem) => {
            let flash = Flash::Problem(problem);
            return render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                String::new(),
            )
            .await;
        }
    };
    let mut writer = csv::Writer::from_writer(Vec::new());
    let row: Vec<&str> = COLUMNS
        .iter()
        .map(|c| form.get(*c).map(String::as_str).unwrap_or_default())
        .collect();
    let written = writer
        .write_record(COLUMNS)
        .and_then(|_| writer.write_record(&row))
        .map_err(|e| StaffError::Internal(e.to_string()))
        .and_then(|_| {
            writer
                .into_inner()
                .map_err(|e| StaffError::Internal(e.to_string()))
        })?;
    let text = String::from_utf8(written).map_err(|e| StaffError::Internal(e.to_string()))?;
    run_import(&state, &staff, &form, text).await
}
