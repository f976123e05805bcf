//! The researchers' results pages: the national overview and breakdowns of a published wave,
//! and the download of any view in any format (each download in the audit log).

use super::error::StaffError;
use super::figures::{chart, count, encode, export_links, mean, share, share_of, HIDDEN};
use super::render::page;
use super::session::Staff;
use crate::domain::instrument::Instrument;
use crate::domain::results::{Dimension, GroupResult, ItemResult};
use crate::domain::staff::Role;
use crate::domain::wave::WaveState;
use crate::export::Format;
use crate::http::AppState;
use crate::results::exports::{export_view, View, ViewError};
use crate::results::views::{both, text};
use crate::results::{self, methods, ResultsError};
use crate::store::{staff as staff_store, waves};
use axum::extract::{Query, State};
use axum::http::header;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use veilig_frontend::staff::{Choices, QuestionRow, ResultsPage, ResultsRow};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/staff/results", get(show))
        .route("/staff/results/export", get(download))
}

/// National aggregates are for researchers; administrators manage accounts and the audit log.
pub const RESEARCH: &[Role] = &[Role::Researcher];

#[derive(Deserialize)]
struct ResultsQuery {
    wave: Option<String>,
    by: Option<String>,
    item: Option<String>,
}

/// (value, label, selected) of every wave; the chosen one, or else the latest for which
/// `fits` holds (or the newest at all).
pub fn wave_choices(
    all: &[waves::Wave],
    chosen: Option<&str>,
    fits: impl Fn(&waves::Wave) -> bool,
) -> Result<(Choices, waves::Wave), StaffError> {
    let wave = match chosen {
        Some(label) => all.iter().find(|w| w.label == label),
        // `all` is newest first.
        None => all.iter().find(|w| fits(w)).or_else(|| all.first()),
    }
    .cloned()
    .ok_or(StaffError::NotFound)?;
    let choices = all
        .iter()
        .map(|w| {
            (
                w.label.clone(),
                format!("{} ({})", w.label, w.state.as_str()),
                w.id == wave.id,
            )
        })
        .collect();
    Ok((choices, wave))
}

/// The breakdown asked for, or `default`; 404 for one that does not exist.
pub fn dimension(by: Option<&str>, default: Dimension) -> Result<Dimension, StaffError> {
    match by {
        Some(by) => Dimension::parse(by).map_err(|_| StaffError::NotFound),
        None => Ok(default),
    }
}

pub fn breakdown_choices(chosen: Dimension) -> Choices {
    Dimension::ALL
        .into_iter()
        .map(|d| (d.as_str().to_string(), d.title().to_string(), d == chosen))
        .collect()
}

fn question_row(
    instrument: &Instrument,
    label: String,
    i: &ItemResult,
    with_answers: bool,
) -> QuestionRow {
    let points = instrument
        .item(&i.key)
        .and_then(|item| instrument.scale_of(item))
        .map(|s| s.points.clone())
        .unwrap_or_default();
    let answer = |value: i16| {
        i.distribution
            .iter()
            .find(|(v, _)| *v == value)
            .and_then(|(_, n)| *n)
    };
    // A chart only where every answer's count is published: its parts are then the counts.
    let segments = match i.share_safe_n {
        Some(base) if points.iter().all(|p| answer(p.value).is_some()) => points
            .iter()
            .map(|p| {
                let n = answer(p.value).unwrap_or(0);
                (text(&p.label, "en"), n as f64 * 100.0 / base.max(1) as f64)
            })
            .collect(),
        _ => Vec::new(),
    };
    QuestionRow {
        label,
        answers: if with_answers {
            points.iter().map(|p| count(answer(p.value))).collect()
        } else {
            Vec::new()
        },
        share_safe: share(i.share_safe),
        share_safe_n: count(i.share_safe_n),
        mean: mean(i.mean),
        segments,
    }
}

fn results_row(r: &GroupResult, is_total: bool) -> ResultsRow {
    ResultsRow {
        label: r.label.clone(),
        n: count(r.n),
        share_safe: share(r.share_safe),
        share_safe_n: count(r.share_safe_n),
        chart: chart(r.share_safe),
        domains: r
            .domains
            .iter()
            .map(|d| share_of(d.share_safe, d.n))
            .collect(),
        is_total,
    }
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ResultsQuery>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let all = waves::list(&state.db).await?;
    let (wave_choices, wave) = wave_choices(&all, query.wave.as_deref(), |w| {
        w.state == WaveState::Published
    })?;
    let dimension = dimension(query.by.as_deref(), Dimension::Overall)?;
    let instrument = state.instrument_of(&wave).await?;
    let def = instrument.def();
    let item_key = query
        .item
        .clone()
        .filter(|k| instrument.item(k).is_some())
        .or_else(|| instrument.headline_item().map(|i| i.key.clone()))
        .unwrap_or_default();
    let questions: Choices = def
        .items
        .iter()
        .map(|i| (i.key.clone(), text(&i.text, "en"), i.key == item_key))
        .collect();
    let source = (&state).into();
    let (rows, question_rows, overview, notice) = match results::table(&source, &wave, dimension).await {
        Ok(table) => {
            staff_store::audit(
                &state.db,
                Some(staff.user.id),
                "results.view",
                &format!("wave {}, by {}", wave.label, dimension.as_str()),
            )
            .await?;
            // "All children" has one row, the same as the total: shown once.
            let rows_shown = if dimension == Dimension::Overall { &table.rows[..0] } else { &table.rows[..] };
            let groups = std::iter::once((&table.total, true)).chain(rows_shown.iter().map(|r| (r, false)));
            let rows = groups.clone().map(|(r, t)| results_row(r, t)).collect();
            let question_rows = groups
                .filter_map(|(r, _)| r.item(&item_key).map(|i| question_row(&instrument, r.label.clone(), i, true)))
                .collect();
            let overview = table
                .total
                .items
                .iter()
                .map(|i| {
                    let label = instrument.item(&i.key).map(|it| text(&it.text, "en")).unwrap_or_else(|| i.key.clone());
                    question_row(&instrument, label, i, false)
                })
                .collect();
            (rows, question_rows, overview, None)
        }
        Err(ResultsError::NotPublished(label)) => (
            Vec::new(),
            Vec::new(),
            Vec::new(),
            Some(format!("Wave {label} is not published yet: only its response rate is shown (see Response rates).")),
        ),
        Err(ResultsError::Db(e)) => return Err(e.into()),
    };
    let methods = if notice.is_none() {
        methods::note(
            &source,
            &format!("wave {}, by {}", wave.label, dimension.as_str()),
            &[(&wave, instrument.version())],
        )
        .await?
    } else {
        Vec::new()
    };
    let item = instrument.item(&item_key);
    let answer_labels = item
        .and_then(|i| instrument.scale_of(i))
        .map(|s| {
            s.points
                .iter()
                .map(|p| format!("{} {}", p.value, text(&p.label, "en")))
                .collect()
        })
        .unwrap_or_default();
    let question_title = item.map(|i| both(&i.text)).unwrap_or_default();
    let exports = export_links(
        &format!(
            "view=results&wave={}&by={}",
            encode(&wave.label),
            dimension.as_str()
        ),
        &[
            ("groups", "groups"),
            ("items", "questions"),
            ("answers", "answer counts"),
        ],
    );
    let domain_titles = def.domains.iter().map(|d| text(&d.title, "en")).collect();
    let view = leptos::view! {
        <ResultsPage
            wave=wave.label.clone()
            waves=wave_choices
            breakdowns=breakdown_choices(dimension)
            questions=questions
            k=crate::domain::results::effective_k(state.k)
            notice=notice
            breakdown_title=dimension.title().to_string()
            domain_titles=domain_titles
            rows=rows
            question_title=question_title
            answer_labels=answer_labels
            question_rows=question_rows
            overview=overview
            exports=exports
            methods=methods
            hidden_mark=HIDDEN
        />
    };
    Ok(
        page(&state, &staff, "/staff/results", "Results", None, view)
            .await?
            .into_response(),
    )
}

#[derive(Deserialize)]
struct ExportQuery {
    view: Option<String>,
    wave: Option<String>,
    to: Option<String>,
    by: Option<String>,
    format: Option<String>,
    sep: Option<String>,
    part: Option<String>,
}

/// A download of any view, in any format, with its methods note; written to the audit log.
async fn download(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<ExportQuery>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let by = dimension(query.by.as_deref(), Dimension::Overall)?;
    let wave = query.wave.clone().ok_or(StaffError::NotFound)?;
    let second = || query.to.clone().ok_or(StaffError::NotFound);
    let view = match query.view.as_deref().unwrap_or("results") {
        "results" => View::Results { wave, by },
        "compare" => View::Compare {
            from: wave,
            to: second()?,
            by,
        },
        "change" => View::Change {
            from: wave,
            to: second()?,
            by,
        },
        _ => return Err(StaffError::NotFound),
    };
    let format = Format::parse(
        query.format.as_deref().unwrap_or("csv"),
        query.sep.as_deref() == Some("semicolon"),
    )
    .map_err(|_| StaffError::NotFound)?;
    let export = match export_view(&(&state).into(), &view).await {
        Ok(e) => e,
        Err(ViewError::UnknownWave(_)) | Err(ViewError::Results(ResultsError::NotPublished(_))) => {
            return Err(StaffError::NotFound)
        }
        Err(ViewError::Results(ResultsError::Db(e))) => return Err(e.into()),
    };
    let bytes = crate::export::render(&export, format, query.part.as_deref())
        .map_err(|_| StaffError::NotFound)?;
    staff_store::audit(
        &state.db,
        Some(staff.user.id),
        &format!("{}.export", view.kind()),
        &format!("{}, {}", view.describe(), format.as_str()),
    )
    .await?;
    let filename = match query.part.as_deref() {
        Some(part) if matches!(format, Format::Csv { .. }) => {
            format!("{}-{part}.{}", export.name, format.as_str())
        }
        _ => format!("{}.{}", export.name, format.as_str()),
    };
    Ok((
        [
            (header::CONTENT_TYPE, format.content_type().to_string()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{filename}\""),
            ),
        ],
        bytes,
    )
        .into_response())
}
