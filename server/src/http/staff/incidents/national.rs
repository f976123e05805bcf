//! The researchers' national table: incidents per setting type beside felt safety.

use super::IncidentQuery;
use crate::domain::incidents::{Kind, Perpetrator};
use crate::domain::wave::WaveState;
use crate::http::staff::error::StaffError;
use crate::http::staff::figures::{rate, share, HIDDEN};
use crate::http::staff::render::page;
use crate::http::staff::session::Staff;
use crate::http::AppState;
use crate::incidents::{self, IncidentRow};
use crate::results::ResultsError;
use crate::store::{organisations, waves};
use axum::response::{IntoResponse, Response};
use veilig_frontend::staff::{IncidentsNationalPage, NationalIncidentRow};

/// Researchers: incidents per setting type beside felt safety, for a published wave.
pub(super) async fn national(
    state: &AppState,
    staff: &Staff,
    query: &IncidentQuery,
) -> Result<Response, StaffError> {
    let all = waves::list(&state.db).await?;
    let wave = match &query.wave {
        Some(label) => all.iter().find(|w| &w.label == label),
        None => all
            .iter()
            .filter(|w| w.state == WaveState::Published)
            .max_by_key(|w| w.opens_on)
            .or_else(|| all.first()),
    }
    .ok_or(StaffError::NotFound)?;
    let (rows, notice) = match incidents::setting_table(&state.into(), wave).await {
        Ok(table) => {
            crate::store::staff::audit(
                &state.db,
                Some(staff.user.id),
                "incidents.view",
                &format!("wave {}, by setting_type", wave.label),
            )
            .await?;
            let mut rows: Vec<NationalIncidentRow> = table
                .rows
                .iter()
                .map(|(s, r)| national_row(s.label().to_string(), r, false))
                .collect();
            rows.push(national_row("All settings".to_string(), &table.total, true));
            (rows, None)
        }
        Err(ResultsError::NotPublished(label)) => (
            Vec::new(),
            Some(format!(
                "Wave {label} is not published yet: its figures are shown once it is."
            )),
        ),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    let detail_titles = Kind::ALL
        .iter()
        .map(|k| format!("{} per 100", k.as_str()))
        .chain(
            Perpetrator::ALL
                .iter()
                .map(|p| format!("{} per 100", p.label())),
        )
        .collect();
    let waves_choice = all
        .iter()
        .map(|w| (w.label.clone(), w.id == wave.id))
        .collect();
    let organisations = organisations::list_organisations(&state.db, staff.scope())
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let view = leptos::view! {
        <IncidentsNationalPage wave=wave.label.clone() waves=waves_choice detail_titles=detail_titles
            rows=rows k=state.k notice=notice organisations=organisations/>
    };
    Ok(
        page(state, staff, "/staff/incidents", "Incidents", None, view)
            .await?
            .into_response(),
    )
}

fn national_row(label: String, row: &IncidentRow, is_total: bool) -> NationalIncidentRow {
    let rates = row.shown.then(|| row.totals.rates()).flatten();
    let detail = match &rates {
        Some(r) => r
            .by_kind
            .iter()
            .chain(&r.by_perpetrator)
            .map(|v| rate(Some(*v)))
            .collect(),
        None => vec![HIDDEN.to_string(); 6],
    };
    NationalIncidentRow {
        label,
        n: row
            .felt
            .n
            .map_or_else(|| HIDDEN.to_string(), |n| n.to_string()),
        share_safe: share(row.felt.share_safe),
        bar: row.felt.share_safe.map(|e| e.value * 100.0),
        organisations: row.totals.organisations.len(),
        recorded: rate(rates.as_ref().map(|r| r.recorded)),
        reported: rate(rates.as_ref().map(|r| r.reported)),
        detail,
        is_total,
    }
}
