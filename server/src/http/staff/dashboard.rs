//! The institution dashboard page. Institution roles see their own organisation; researchers
//! may open any organisation's (`?organisation=ID`), as the institution sees it. The scope is
//! narrowed from the session and applied in the store.

use super::error::StaffError;
use super::figures::{points, rate, share, whole_percent, HIDDEN};
use super::render::page;
use super::response::response_rows;
use super::session::{Staff, ORGANISATION_READERS};
use crate::dashboard::{self, Dashboard, Incidents, WaveResults};
use crate::domain::incidents::{IncidentTotals, Kind, Perpetrator};
use crate::domain::instrument::Instrument;
use crate::domain::results::GroupResult;
use crate::domain::staff::Scope;
use crate::http::AppState;
use crate::results::ResultsError;
use crate::store::{organisations, staff as staff_store};
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use veilig_frontend::staff::{
    BenchmarkRow, ChangeRow, DashboardPage, DomainRow, IncidentLine, ResponseBlock, WaveBlock,
};

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/dashboard", get(show))
}

/// The least-safe domains marked on the dashboard.
const LEAST_SAFE: usize = 3;

#[derive(Deserialize)]
struct DashboardQuery {
    organisation: Option<String>,
}

/// The organisation to show: an institution's own, or the one a researcher chose (the first
/// by name when none is chosen). Another organisation than one's own is not found.
async fn chosen_scope(
    state: &AppState,
    staff: &Staff,
    asked: Option<&str>,
) -> Result<Scope, StaffError> {
    if let Some(scope) = staff.narrowed(asked)? {
        return Ok(scope);
    }
    let first = organisations::list_organisations(&state.db, staff.scope())
        .await?
        .first()
        .map(|o| o.id)
        .ok_or(StaffError::NotFound)?;
    staff.scope().narrow_to(first).ok_or(StaffError::NotFound)
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<DashboardQuery>,
) -> Result<Response, StaffError> {
    staff.require(ORGANISATION_READERS)?;
    let scope = chosen_scope(&state, &staff, query.organisation.as_deref()).await?;
    let dashboard = match dashboard::build(&(&state).into(), scope).await {
        Ok(Some(d)) => d,
        Ok(None) => return Err(StaffError::NotFound),
        Err(ResultsError::NotPublished(_)) => return Err(StaffError::NotFound),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "results.dashboard",
        &dashboard.organisation.name,
    )
    .await?;
    let choices = if staff.scope() == Scope::National {
        organisations::list_organisations(&state.db, Scope::National)
            .await?
            .into_iter()
            .map(|o| (o.id, o.name, o.id == dashboard.organisation.id))
            .collect()
    } else {
        Vec::new()
    };
    let organisation = dashboard.organisation.name.clone();
    let (response, waves) = blocks(&state, dashboard).await?;
    let view = leptos::view! {
        <DashboardPage organisation=organisation response=response waves=waves k=state.k choices=choices/>
    };
    Ok(
        page(&state, &staff, "/staff/dashboard", "Dashboard", None, view)
            .await?
            .into_response(),
    )
}

async fn blocks(
    state: &AppState,
    dashboard: Dashboard,
) -> Result<(Option<ResponseBlock>, Vec<WaveBlock>), StaffError> {
    let response = dashboard.response.map(|(wave, locations)| {
        let (rows, total) = response_rows(locations, wave.state.accepts_responses());
        ResponseBlock {
            wave: wave.label,
            state: wave.state.as_str().to_string(),
            rows,
            total,
        }
    });
    let mut waves = Vec::new();
    for results in dashboard.waves {
        let instrument = state.instrument_of(&results.wave).await?;
        let quarters = crate::incidents::wave_quarters(&results.wave);
        let quarters = match (quarters.first(), quarters.last()) {
            (Some(a), Some(b)) if a != b => format!("{a} – {b}"),
            (Some(a), _) => a.to_string(),
            _ => String::new(),
        };
        waves.push(wave_block(
            state.k,
            &dashboard.organisation.name,
            &instrument,
            results,
            quarters,
        ));
    }
    Ok((response, waves))
}

fn domain_title(instrument: &Instrument, key: &str) -> String {
    instrument
        .def()
        .domains
        .iter()
        .find(|d| d.key == key)
        .and_then(|d| d.title.get("en").or_else(|| d.title.values().next()))
        .cloned()
        .unwrap_or_else(|| key.to_string())
}

fn wave_block(
    k: u64,
    organisation: &str,
    instrument: &Instrument,
    results: WaveResults,
    quarters: String,
) -> WaveBlock {
    let WaveResults {
        wave: _,
        view,
        change,
        domains,
        incidents,
    } = results;
    let Incidents {
        own,
        national,
        settings,
    } = incidents;
    let figures = |t: Option<&IncidentTotals>| {
        let r = t.and_then(IncidentTotals::rates);
        (
            rate(r.as_ref().map(|r| r.recorded)),
            rate(r.as_ref().map(|r| r.reported)),
        )
    };
    let row = |label: String, r: &GroupResult, is_own: bool, t: Option<&IncidentTotals>| {
        let (recorded, reported) = figures(t);
        BenchmarkRow {
            label,
            n: r.n.map_or_else(|| HIDDEN.to_string(), |n| n.to_string()),
            share_safe: share(r.share_safe),
            bar: r.share_safe.map(|e| e.value * 100.0),
            is_own,
            recorded,
            reported,
        }
    };
    let mut rows = Vec::new();
    if let Some(o) = &view.own {
        let mut r = row(organisation.to_string(), o, true, own.as_ref());
        if own.is_none() {
            r.recorded = "not registered".to_string();
            r.reported = "not registered".to_string();
        }
        rows.push(r);
    }
    rows.push(row(
        "All children in the Netherlands".to_string(),
        &view.national,
        false,
        national.as_ref(),
    ));
    for s in &view.settings {
        let t = settings
            .iter()
            .find(|(setting, _)| setting.as_str() == s.value)
            .and_then(|(_, t)| t.as_ref());
        rows.push(row(format!("All children in {}", s.label), s, false, t));
    }
    let incident_lines = match &own {
        Some(own) => incident_lines(own, national.as_ref()),
        None => Vec::new(),
    };
    let (change_from, change_rows) = match change {
        Some(c) => (
            Some(c.from_wave),
            c.lines
                .into_iter()
                .map(|(key, from, to, (d, low, high, significant))| ChangeRow {
                    label: if key.is_empty() {
                        "Feel safe where they live".to_string()
                    } else {
                        domain_title(instrument, &key)
                    },
                    from: whole_percent(from),
                    to: whole_percent(to),
                    change: points(d.unwrap_or(0.0), low.unwrap_or(0.0), high.unwrap_or(0.0)),
                    significant: significant.unwrap_or(false),
                })
                .collect(),
        ),
        None => (None, Vec::new()),
    };
    let marked = LEAST_SAFE.min(domains.len().saturating_sub(1)).max(1);
    let domain_rows = domains
        .into_iter()
        .enumerate()
        .map(|(i, d)| DomainRow {
            title: domain_title(instrument, &d.key),
            own: share(Some(d.own)),
            bar: d.own.value * 100.0,
            national: share(d.national),
            least_safe: i < marked,
        })
        .collect();
    WaveBlock {
        too_few: view.own.is_none().then(|| {
            format!("Too few responses: fewer than {k} children of your organisation answered in wave {}, so no figures are shown for it.", view.wave)
        }),
        wave: view.wave,
        rows,
        change_from,
        change: change_rows,
        domains: domain_rows,
        incidents: incident_lines,
        quarters,
    }
}

/// Own incident rates by kind and by perpetrator, beside the national benchmark when shown.
fn incident_lines(own: &IncidentTotals, national: Option<&IncidentTotals>) -> Vec<IncidentLine> {
    let (Some(o), n) = (own.rates(), national.and_then(IncidentTotals::rates)) else {
        return Vec::new();
    };
    let kinds = Kind::ALL.iter().enumerate().map(|(i, k)| IncidentLine {
        label: format!("{} violence", capitalised(k.as_str())),
        own: rate(Some(o.by_kind[i])),
        national: rate(n.as_ref().map(|n| n.by_kind[i])),
    });
    let perpetrators = Perpetrator::ALL
        .iter()
        .enumerate()
        .map(|(i, p)| IncidentLine {
            label: format!("Violence {}", p.label()),
            own: rate(Some(o.by_perpetrator[i])),
            national: rate(n.as_ref().map(|n| n.by_perpetrator[i])),
        });
    kinds.chain(perpetrators).collect()
}

fn capitalised(s: &str) -> String {
    let mut chars = s.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}
