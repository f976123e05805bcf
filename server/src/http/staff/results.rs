//! Results for researchers (national breakdowns of published waves, also as CSV) and personal
//! API tokens for every staff member.

use super::render::{page, StaffError};
use super::session::{CsrfForm, Staff};
use crate::auth::token::Token;
use crate::domain::results::{Dimension, Estimate};
use crate::domain::staff::Role;
use crate::domain::wave::WaveState;
use crate::results::{self, ResultsError};
use crate::startup::AppState;
use crate::store::{staff as staff_store, tokens, waves};
use axum::extract::{Path, Query, State};
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use serde::Deserialize;
use veilig_frontend::staff::{
    BenchmarkRow, DashboardPage, Flash, ResultsPage, ResultsRow, TokenListRow, TokensPage,
    WaveBlock,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/results", get(show))
        .route("/staff/dashboard", get(dashboard))
        .route("/staff/results.csv", get(csv))
        .route("/staff/tokens", get(token_list).post(token_create))
        .route("/staff/tokens/{id}/revoke", post(token_revoke))
}

const RESEARCH: &[Role] = &[Role::Researcher];
/// Shown for every hidden figure, whatever it hides.
const HIDDEN: &str = "–";

#[derive(Deserialize)]
struct ResultsQuery {
    wave: Option<String>,
    by: Option<String>,
}

fn breakdown_label(d: Dimension) -> &'static str {
    match d {
        Dimension::Overall => "All children",
        Dimension::SettingType => "Setting type",
        Dimension::Region => "Region",
        Dimension::AgeBand => "Age band",
        Dimension::Gender => "Gender",
        Dimension::Organisation => "Organisation",
        Dimension::SettingTypeByAgeBand => "Setting type by age band",
    }
}

fn percent(e: Option<Estimate>) -> String {
    match e {
        Some(e) => format!(
            "{:.0}% ({:.0}–{:.0}%)",
            e.value * 100.0,
            e.low * 100.0,
            e.high * 100.0
        ),
        None => HIDDEN.to_string(),
    }
}

async fn chosen(
    state: &AppState,
    query: &ResultsQuery,
) -> Result<(Vec<waves::Wave>, waves::Wave, Dimension), StaffError> {
    let all: Vec<waves::Wave> = waves::list(&state.db).await?;
    let wave = match &query.wave {
        Some(label) => all
            .iter()
            .find(|w| &w.label == label)
            .cloned()
            .ok_or(StaffError::NotFound)?,
        None => all
            .iter()
            .find(|w| w.state == WaveState::Published)
            .or_else(|| all.first())
            .cloned()
            .ok_or(StaffError::NotFound)?,
    };
    let dimension = match query.by.as_deref() {
        Some(by) => Dimension::parse(by).map_err(|_| StaffError::NotFound)?,
        None => Dimension::SettingType,
    };
    Ok((all, wave, dimension))
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let (all, wave, dimension) = chosen(&state, &query).await?;
    let instrument = crate::submission::instrument_of(&state, &wave).await?;
    let domain_titles: Vec<String> = instrument
        .def()
        .domains
        .iter()
        .map(|d| {
            d.title
                .get("en")
                .or_else(|| d.title.values().next())
                .cloned()
                .unwrap_or_default()
        })
        .collect();
    let (rows, notice) = match results::table(&(&state).into(), &wave, dimension).await {
        Ok(table) => {
            staff_store::audit(
                &state.db,
                Some(staff.user.id),
                "results.view",
                &format!("wave {}, by {}", wave.label, dimension.as_str()),
            )
            .await?;
            let rows = std::iter::once((&table.total, true))
                .chain(table.rows.iter().map(|r| (r, false)))
                .map(|(r, is_total)| ResultsRow {
                    label: r.label.clone(),
                    n: r.n
                        .map(|n| n.to_string())
                        .unwrap_or_else(|| HIDDEN.to_string()),
                    share_safe: percent(r.share_safe),
                    bar: r.share_safe.map(|e| e.value * 100.0),
                    domains: r.domains.iter().map(|d| percent(d.share_safe)).collect(),
                    is_total,
                })
                .collect();
            (rows, None)
        }
        Err(ResultsError::NotPublished(label)) => (
            Vec::new(),
            Some(format!(
                "Wave {label} is not published yet: only its response rate is shown (see Response)."
            )),
        ),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    let waves_choice = all
        .iter()
        .map(|w| (w.label.clone(), w.id == wave.id))
        .collect();
    let breakdowns = Dimension::ALL
        .into_iter()
        .map(|d| {
            (
                d.as_str().to_string(),
                breakdown_label(d).to_string(),
                d == dimension,
            )
        })
        .collect();
    let csv_link = format!(
        "/staff/results.csv?wave={}&by={}",
        wave.label,
        dimension.as_str()
    );
    let view = leptos::view! {
        <ResultsPage
            wave=wave.label.clone()
            waves=waves_choice
            breakdowns=breakdowns
            domain_titles=domain_titles
            rows=rows
            k=state.k
            csv_link=csv_link
            notice=notice
        />
    };
    Ok(
        page(&state, &staff, "/staff/results", "Results", None, view)
            .await?
            .into_response(),
    )
}

async fn csv(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let (_, wave, dimension) = chosen(&state, &query).await?;
    let table = match results::table(&(&state).into(), &wave, dimension).await {
        Ok(t) => t,
        Err(ResultsError::NotPublished(_)) => return Err(StaffError::NotFound),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "results.export",
        &format!("wave {}, by {}, csv", wave.label, dimension.as_str()),
    )
    .await?;
    let filename = format!("veilig-{}-{}.csv", wave.label, dimension.as_str());
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8".to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        results::to_csv(&table, false),
    )
        .into_response())
}

async fn render_tokens(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
) -> Result<Response, StaffError> {
    let rows = tokens::list(&state.db, staff.user.id)
        .await?
        .into_iter()
        .map(|t| TokenListRow {
            id: t.id,
            name: t.name,
            created: t.created_at.format("%Y-%m-%d %H:%M").to_string(),
            revoked: t.revoked,
        })
        .collect();
    let view = leptos::view! { <TokensPage csrf_token=staff.csrf_token.clone() tokens=rows/> };
    Ok((
        status,
        page(state, staff, "/staff/tokens", "API tokens", flash, view).await?,
    )
        .into_response())
}

async fn token_list(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    render_tokens(&state, &staff, StatusCode::OK, None).await
}

#[derive(Deserialize)]
struct TokenForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    name: String,
}

async fn token_create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<TokenForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    let name = form.name.trim();
    if name.is_empty() || name.chars().count() > 100 {
        let flash =
            Flash::Problem("name: say in 1 to 100 characters what the token is for.".into());
        return render_tokens(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(flash),
        )
        .await;
    }
    let token = Token::generate();
    tokens::create(&state.db, staff.user.id, name, &token.hash()).await?;
    staff_store::audit(&state.db, Some(staff.user.id), "token.create", name).await?;
    let flash = Flash::Done(format!(
        "Token made. Copy it now; it is shown only this once: {}",
        token.expose()
    ));
    render_tokens(&state, &staff, StatusCode::CREATED, Some(flash)).await
}

async fn token_revoke(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<CsrfForm>,
) -> Result<Response, StaffError> {
    staff.check_csrf(&form.csrf)?;
    if !tokens::revoke(&state.db, staff.user.id, id).await? {
        return Err(StaffError::NotFound);
    }
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "token.revoke",
        &id.to_string(),
    )
    .await?;
    render_tokens(
        &state,
        &staff,
        StatusCode::OK,
        Some(Flash::Done("Token revoked.".into())),
    )
    .await
}

/// The institution dashboard: own figures per published wave, with the benchmarks. Scoped in
/// the query: only the signed-in person's own organisation is ever read.
async fn dashboard(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&[Role::InstitutionAdmin, Role::InstitutionViewer])?;
    let Some(organisation_id) = staff.user.membership.organisation_id() else {
        return Err(StaffError::Forbidden);
    };
    let organisation = crate::store::organisations::find_organisation(&state.db, organisation_id)
        .await?
        .ok_or(StaffError::NotFound)?;
    let mut own_settings: Vec<crate::domain::SettingType> =
        crate::store::organisations::list_locations(&state.db, Some(organisation_id))
            .await?
            .into_iter()
            .map(|l| l.setting_type)
            .collect();
    own_settings.sort_by_key(|s| s.as_str());
    own_settings.dedup();
    let row = |label: String, r: &crate::domain::results::GroupResult, is_own: bool| BenchmarkRow {
        label,
        n: r.n
            .map(|n| n.to_string())
            .unwrap_or_else(|| HIDDEN.to_string()),
        share_safe: percent(r.share_safe),
        bar: r.share_safe.map(|e| e.value * 100.0),
        is_own,
    };
    let mut blocks = Vec::new();
    for wave in waves::list(&state.db)
        .await?
        .into_iter()
        .filter(|w| w.state == WaveState::Published)
    {
        let view = match results::institution_view(
            &(&state).into(),
            &wave,
            organisation_id,
            &own_settings,
        )
        .await
        {
            Ok(v) => v,
            Err(ResultsError::NotPublished(_)) => continue,
            Err(ResultsError::Db(e)) => return Err(e.into()),
        };
        let mut rows = Vec::new();
        if let Some(own) = &view.own {
            rows.push(row(organisation.name.clone(), own, true));
        }
        rows.push(row(
            "All children in the Netherlands".to_string(),
            &view.national,
            false,
        ));
        for s in &view.settings {
            rows.push(row(format!("All children in {}", s.label), s, false));
        }
        blocks.push(WaveBlock {
            wave: view.wave.clone(),
            too_few: view.own.is_none().then(|| {
                format!("Too few responses: fewer than {} children of your organisation answered in wave {}, so no figures are shown for it.", state.k, view.wave)
            }),
            rows,
        });
    }
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        "results.dashboard",
        &organisation.name,
    )
    .await?;
    let view = leptos::view! { <DashboardPage organisation=organisation.name.clone() waves=blocks k=state.k/> };
    Ok(
        page(&state, &staff, "/staff/dashboard", "Dashboard", None, view)
            .await?
            .into_response(),
    )
}
