//! Researchers create waves and move them along their lifecycle.

use super::error::StaffError;
use super::render::page;
use super::session::Staff;
use crate::domain::staff::Role;
use crate::domain::wave::WaveState;
use crate::http::AppState;
use crate::store::waves::{self, WaveChangeError};
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;
use veilig_frontend::staff::{Flash, WaveRow, WavesPage};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/waves", get(list).post(create))
        .route("/staff/waves/{id}/state", post(advance))
}

fn step_text(to: WaveState) -> &'static str {
    match to {
        WaveState::Draft => "Back to draft",
        WaveState::Open => "Open for children",
        WaveState::Closed => "Close",
        WaveState::Published => "Publish results",
    }
}

#[derive(Default)]
struct Kept {
    label: String,
    opens_on: String,
    closes_on: String,
}

async fn render(
    state: &AppState,
    staff: &Staff,
    status: StatusCode,
    flash: Option<Flash>,
    kept: Kept,
) -> Result<Response, StaffError> {
    let mut instrument_versions: std::collections::HashMap<i32, String> = Default::default();
    let mut rows = Vec::new();
    for w in waves::list(&state.db).await? {
        if let std::collections::hash_map::Entry::Vacant(slot) =
            instrument_versions.entry(w.instrument_id)
        {
            slot.insert(waves::instrument_version(&state.db, w.instrument_id).await?);
        }
        // Only a closed wave can be being published (or have failed to be): once the wave is
        // published, what this server remembers of the job is history, and the page says so
        // at once, even in the moment between the commit and the job's end.
        let job = state
            .publishing
            .status(w.id)
            .filter(|_| w.state == WaveState::Closed);
        rows.push(WaveRow {
            id: w.id,
            label: w.label.clone(),
            opens_on: w.opens_on.to_string(),
            closes_on: w.closes_on.to_string(),
            state: w.state.as_str().to_string(),
            instrument: instrument_versions
                .get(&w.instrument_id)
                .cloned()
                .unwrap_or_default(),
            next: w
                .state
                .next()
                .map(|to| (to.as_str().to_string(), step_text(to).to_string())),
            synthetic: w.synthetic,
            busy: matches!(job, Some(crate::app::publish::Job::Running { .. })),
            publishing: publishing_text(job),
        });
    }
    let instruments: Vec<String> = state.instruments.versions().map(str::to_string).collect();
    let view = leptos::view! {
        <WavesPage
            csrf_token=staff.csrf_token.clone()
            waves=rows
            instruments=instruments
            label=kept.label
            opens_on=kept.opens_on
            closes_on=kept.closes_on
        />
    };
    Ok((
        status,
        page(state, staff, "/staff/waves", "Waves", flash, view).await?,
    )
        .into_response())
}

/// What the waves page says about publishing a wave on this server.
fn publishing_text(job: Option<crate::app::publish::Job>) -> Option<String> {
    use crate::app::publish::Job;
    Some(match job? {
        Job::Running { since } => format!("Being published since {} UTC.", since.format("%H:%M")),
        Job::Failed { at, reason } => format!(
            "Publishing failed at {} UTC: {reason}. You can try again.",
            at.format("%H:%M")
        ),
    })
}

async fn list(State(state): State<AppState>, staff: Staff) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    render(&state, &staff, StatusCode::OK, None, Kept::default()).await
}

#[derive(Deserialize)]
struct CreateForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    label: String,
    #[serde(default)]
    opens_on: String,
    #[serde(default)]
    closes_on: String,
    #[serde(default)]
    instrument: String,
}

/// Checks the form: every problem is reported at once.
fn parse_create(
    form: &CreateForm,
    state: &AppState,
) -> Result<
    (
        String,
        NaiveDate,
        NaiveDate,
        std::sync::Arc<crate::domain::instrument::Instrument>,
    ),
    Vec<String>,
> {
    let mut errors = Vec::new();
    let label = form.label.trim();
    if label.is_empty() || label.chars().count() > 50 {
        errors.push("label: give a label of 1 to 50 characters".to_string());
    } else if !crate::domain::wave::is_label(label) {
        errors
            .push("label: use letters, digits, - and _ only (it appears in addresses)".to_string());
    }
    let date = |field: &str, raw: &str, errors: &mut Vec<String>| {
        NaiveDate::parse_from_str(raw.trim(), "%Y-%m-%d")
            .map_err(|_| errors.push(format!("{field}: give a date as YYYY-MM-DD")))
            .ok()
    };
    let opens = date("opens on", &form.opens_on, &mut errors);
    let closes = date("closes on", &form.closes_on, &mut errors);
    if let (Some(o), Some(c)) = (opens, closes) {
        if c < o {
            errors.push("closes on: the wave cannot close before it opens".to_string());
        }
    }
    let instrument = state.instruments.get(form.instrument.trim());
    if instrument.is_none() {
        errors.push("questionnaire: choose a version from the list".to_string());
    }
    match (opens, closes, instrument) {
        (Some(o), Some(c), Some(i)) if errors.is_empty() => Ok((label.to_string(), o, c, i)),
        _ => Err(errors),
    }
}

async fn create(
    State(state): State<AppState>,
    staff: Staff,
    Form(form): Form<CreateForm>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    staff.check_csrf(&form.csrf)?;
    let kept = Kept {
        label: form.label.clone(),
        opens_on: form.opens_on.clone(),
        closes_on: form.closes_on.clone(),
    };
    let (label, opens, closes, instrument) = match parse_create(&form, &state) {
        Ok(parsed) => parsed,
        Err(errors) => {
            let flash = Flash::Problem(errors.join(". ") + ".");
            return render(
                &state,
                &staff,
                StatusCode::UNPROCESSABLE_ENTITY,
                Some(flash),
                kept,
            )
            .await;
        }
    };
    match waves::create_draft(&state.db, &label, opens, closes, &instrument).await {
        Ok(wave) => {
            crate::store::staff::audit(&state.db, Some(staff.user.id), "wave.create", &wave.label)
                .await?;
            let flash = Flash::Done(format!("Draft wave {} created.", wave.label));
            render(
                &state,
                &staff,
                StatusCode::CREATED,
                Some(flash),
                Kept::default(),
            )
            .await
        }
        Err(WaveChangeError::LabelTaken(l)) => {
            let flash = Flash::Problem(format!("label: a wave labelled {l} exists already."));
            render(&state, &staff, StatusCode::CONFLICT, Some(flash), kept).await
        }
        Err(WaveChangeError::Db(e)) => Err(e.into()),
        Err(other) => Err(StaffError::Internal(other.to_string())),
    }
}

#[derive(Deserialize)]
struct AdvanceForm {
    #[serde(default)]
    csrf: String,
    #[serde(default)]
    to: String,
}

async fn advance(
    State(state): State<AppState>,
    staff: Staff,
    Path(id): Path<i32>,
    Form(form): Form<AdvanceForm>,
) -> Result<Response, StaffError> {
    staff.require(&[Role::Researcher])?;
    staff.check_csrf(&form.csrf)?;
    let Ok(to) = WaveState::parse(form.to.trim()) else {
        let flash = Flash::Problem("That is not a wave state.".into());
        return render(
            &state,
            &staff,
            StatusCode::UNPROCESSABLE_ENTITY,
            Some(flash),
            Kept::default(),
        )
        .await;
    };
    if to == WaveState::Published {
        return start_publishing(&state, &staff, id).await;
    }
    let moved =
        waves::advance_mixing(&state.db, &state.seal_key, id, to, state.mixer.batch()).await;
    match moved {
        Ok(wave) => {
            crate::store::staff::audit(
                &state.db,
                Some(staff.user.id),
                "wave.state",
                &format!("{} → {}", wave.label, to.as_str()),
            )
            .await?;
            // After the audit entry: on SQLite the rewrite holds the only write lock.
            let rewriting = if to == WaveState::Closed {
                crate::app::closing::rewrite_beside(state.db.clone(), wave.id);
                " Its rows are now rewritten out of the order they arrived in (a national wave takes a few minutes); publishing waits for that."
            } else {
                ""
            };
            let flash = Flash::Done(format!(
                "Wave {} is now {}.{rewriting}",
                wave.label,
                to.as_str()
            ));
            render(&state, &staff, StatusCode::OK, Some(flash), Kept::default()).await
        }
        Err(e) => refused(&state, &staff, e).await,
    }
}

/// A wave that cannot move on as asked: the page again with why.
async fn refused(
    state: &AppState,
    staff: &Staff,
    error: WaveChangeError,
) -> Result<Response, StaffError> {
    match error {
        WaveChangeError::NotFound => Err(StaffError::NotFound),
        e @ WaveChangeError::NotNext { .. } => {
            let flash = Flash::Problem(format!("{e}."));
            render(
                state,
                staff,
                StatusCode::CONFLICT,
                Some(flash),
                Kept::default(),
            )
            .await
        }
        WaveChangeError::Db(e) => Err(e.into()),
        other => Err(StaffError::Internal(other.to_string())),
    }
}

/// Publishing starts beside the request and the page says so (202): the engine may take
/// minutes on a national wave. The waves page shows it running, and why it failed if it did.
async fn start_publishing(
    state: &AppState,
    staff: &Staff,
    id: i32,
) -> Result<Response, StaffError> {
    let wave = match waves::find_by_id(&state.db, id).await? {
        Some(wave) if wave.state == WaveState::Closed => wave,
        Some(wave) => return refused(state, staff, WaveChangeError::not_next(&wave)).await,
        None => return Err(StaffError::NotFound),
    };
    let work = {
        let state = state.clone();
        let actor = staff.user.id;
        async move {
            let source = crate::results::Source::from(&state);
            crate::app::publish::publish_wave(&source, Some(actor), id).await
        }
    };
    let flash = if state.publishing.start(id, work) {
        Flash::Done(format!(
            "Wave {} is being published. Small waves take seconds, a national wave a few minutes; reload this page to see when it is done.",
            wave.label
        ))
    } else {
        Flash::Done(format!(
            "Wave {} is being published already; reload this page to see when it is done.",
            wave.label
        ))
    };
    render(
        state,
        staff,
        StatusCode::ACCEPTED,
        Some(flash),
        Kept::default(),
    )
    .await
}
