//! Incident counts. Institution administrators register and correct their own organisation's
//! quarters; institution viewers read them; researchers read every organisation's and see the
//! national table beside felt safety. The store applies the scope.

use super::error::StaffError;
use super::render::page;
use super::session::{Staff, ORGANISATION_READERS};
use crate::domain::incidents::{field_name, Kind, Perpetrator, Quarter, QuarterReport};
use crate::domain::staff::{Role, Scope};
use crate::domain::SettingType;
use crate::http::AppState;
use crate::incidents::{self, RegisterError};
use crate::store::{incidents as store, organisations};
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{Form, Router};
use serde::Deserialize;
use std::collections::HashMap;
use veilig_frontend::staff::{CellInput, Flash, IncidentForm, IncidentsPage, ReportRow};

mod national;

use national::national;

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/incidents", get(show).post(register))
}

#[derive(Deserialize, Default)]
struct IncidentQuery {
    organisation: Option<String>,
    wave: Option<String>,
    quarter: Option<String>,
    setting_type: Option<String>,
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<IncidentQuery>,
) -> Result<Response, StaffError> {
    staff.require(ORGANISATION_READERS)?;
    let Some(scope) = staff.narrowed(query.organisation.as_deref())? else {
        return national(&state, &staff, &query).await;
    };
    let prefill = prefill(&state, scope, &query).await?;
    render(&state, &staff, scope, StatusCode::OK, None, prefill).await
}

/// What the form starts with: the quarter asked for (a correction) with its stored figures, or
/// the latest registrable quarter with zeros and the register's number of children placed.
async fn prefill(
    state: &AppState,
    scope: Scope,
    query: &IncidentQuery,
) -> Result<Option<QuarterReport>, StaffError> {
    let settings = incidents::own_settings(&state.db, scope).await?;
    let quarters = incidents::registrable(&state.db).await?;
    let quarter = query
        .quarter
        .as_deref()
        .and_then(|q| Quarter::parse(q).ok())
        .filter(|q| quarters.contains(q))
        .or_else(|| quarters.last().copied());
    let setting = query
        .setting_type
        .as_deref()
        .and_then(|s| s.parse::<SettingType>().ok())
        .and_then(|s| settings.iter().find(|(own, _)| *own == s).copied())
        .or_else(|| settings.first().copied());
    let (Some(quarter), Some((setting, placed)), Some(organisation)) =
        (quarter, setting, scope.organisation_id())
    else {
        return Ok(None);
    };
    Ok(Some(
        match store::find(&state.db, scope, organisation, setting, quarter).await? {
            Some(stored) => stored,
            None => QuarterReport::empty(setting, quarter, placed),
        },
    ))
}

/// One organisation's registrations, with the form when this person may register.
async fn render(
    state: &AppState,
    staff: &Staff,
    scope: Scope,
    status: StatusCode,
    flash: Option<Flash>,
    form: Option<QuarterReport>,
) -> Result<Response, StaffError> {
    let organisation_id = scope.organisation_id().ok_or(StaffError::NotFound)?;
    let organisation = organisations::find_organisation(&state.db, scope, organisation_id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let writes = staff.role() == Role::InstitutionAdmin;
    let mut stored = store::list(&state.db, scope, None).await?;
    stored.sort_by(|a, b| {
        (b.report.quarter, a.report.setting_type).cmp(&(a.report.quarter, b.report.setting_type))
    });
    let reports = stored
        .iter()
        .map(|r| ReportRow {
            quarter: r.report.quarter.to_string(),
            setting_type: r.report.setting_type.label().to_string(),
            children_placed: r.report.children_placed,
            recorded: r.report.recorded(),
            reported: r.report.reported(),
            correct_link: writes.then(|| {
                format!(
                    "/staff/incidents?quarter={}&setting_type={}",
                    r.report.quarter.param(),
                    r.report.setting_type.as_str()
                )
            }),
        })
        .collect();
    let form = if writes {
        let quarters = incidents::registrable(&state.db).await?;
        let settings = incidents::own_settings(&state.db, scope).await?;
        Some(form_view(form, &quarters, &settings, &stored))
    } else {
        None
    };
    let back_link = (staff.scope() == Scope::National).then(|| "/staff/incidents".to_string());
    let view = leptos::view! {
        <IncidentsPage organisation=organisation.name.clone() csrf_token=staff.csrf_token.clone()
            reports=reports form=form back_link=back_link/>
    };
    Ok((
        status,
        page(
            state,
            staff,
            "/staff/incidents",
            "Incident counts",
            flash,
            view,
        )
        .await?,
    )
        .into_response())
}

fn form_view(
    report: Option<QuarterReport>,
    quarters: &[Quarter],
    settings: &[(SettingType, u32)],
    stored: &[store::StoredReport],
) -> IncidentForm {
    let chosen_quarter = report.as_ref().map(|r| r.quarter);
    let chosen_setting = report.as_ref().map(|r| r.setting_type);
    let cells = Kind::ALL
        .into_iter()
        .flat_map(|k| Perpetrator::ALL.into_iter().map(move |p| (k, p)))
        .map(|(k, p)| {
            let tally = report.as_ref().map(|r| r.cell(k, p)).unwrap_or_default();
            CellInput {
                label: format!("{} violence {}", k.as_str(), p.label()),
                recorded_name: field_name(k, p, false),
                recorded: tally.recorded.to_string(),
                reported_name: field_name(k, p, true),
                reported: tally.reported.to_string(),
            }
        })
        .collect();
    IncidentForm {
        quarters: quarters
            .iter()
            .rev()
            .map(|q| (q.param(), q.to_string(), Some(*q) == chosen_quarter))
            .collect(),
        settings: settings
            .iter()
            .map(|(s, _)| {
                (
                    s.as_str().to_string(),
                    s.label().to_string(),
                    Some(*s) == chosen_setting,
                )
            })
            .collect(),
        children_placed: report
            .as_ref()
            .map(|r| r.children_placed.to_string())
            .unwrap_or_default(),
        cells,
        correcting: report.as_ref().is_some_and(|r| {
            stored
                .iter()
                .any(|s| s.report.quarter == r.quarter && s.report.setting_type == r.setting_type)
        }),
    }
}

async fn register(
    State(state): State<AppState>,
    staff: Staff,
    Form(fields): Form<HashMap<String, String>>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::InstitutionAdmin])?;
    staff.check_csrf(fields.get("csrf").map(String::as_str).unwrap_or_default())?;
    let scope = staff.scope();
    let organisation = scope.organisation_id().ok_or(StaffError::Forbidden)?;
    let quarters = incidents::registrable(&state.db).await?;
    let settings: Vec<SettingType> = incidents::own_settings(&state.db, scope)
        .await?
        .into_iter()
        .map(|(s, _)| s)
        .collect();
    let report = match QuarterReport::parse(
        |name| fields.get(name).map(String::as_str),
        &quarters,
        &settings,
    ) {
        Ok(report) => report,
        Err(problems) => {
            let flash = Flash::Problem(format!(
                "Nothing was saved. Please check: {}.",
                problems.join("; ")
            ));
            // The form keeps what was typed where it can be read back.
            let typed = typed_back(&fields, &settings);
            return render(
                &state,
                &staff,
                scope,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                typed,
            )
            .await;
        }
    };
    let (status, flash) =
        match incidents::register(&state.db, staff.user.id, scope, organisation, &report).await {
            Ok(None) => (
                StatusCode::CREATED,
                format!("Saved: {}, {}.", report.quarter, report.setting_type),
            ),
            Ok(Some(_)) => (
                StatusCode::OK,
                format!(
                "Corrected: {}, {}. The earlier figures were replaced; the audit log keeps both.",
                report.quarter, report.setting_type
            ),
            ),
            Err(RegisterError::OutOfScope) => return Err(StaffError::NotFound),
            Err(RegisterError::Db(e)) => return Err(e.into()),
        };
    render(
        &state,
        &staff,
        scope,
        status,
        Some(Flash::Done(flash)),
        Some(report),
    )
    .await
}

/// A refused form, as far as it can be shown again: its quarter and setting type when valid,
/// and every count that is a whole number.
fn typed_back(fields: &HashMap<String, String>, settings: &[SettingType]) -> Option<QuarterReport> {
    let get = |n: &str| fields.get(n).map(|v| v.trim()).unwrap_or_default();
    let quarter = Quarter::parse(get("quarter")).ok()?;
    let setting = get("setting_type")
        .parse::<SettingType>()
        .ok()
        .filter(|s| settings.contains(s))?;
    let mut report = QuarterReport::empty(
        setting,
        quarter,
        get("children_placed").parse().unwrap_or(0),
    );
    for k in Kind::ALL {
        for p in Perpetrator::ALL {
            let n = |reported| get(&field_name(k, p, reported)).parse::<u32>().unwrap_or(0);
            let tally = crate::domain::incidents::Tally {
                recorded: n(false),
                reported: n(true),
            };
            // A pair that breaks a rule is shown as typed only where it can be stored.
            let _ = report.set(k, p, tally);
        }
    }
    Some(report)
}
