//! The wave comparison page: change between two published waves per group, domain and
//! comparable question, and within-child change from linked pairs.

use super::error::StaffError;
use super::figures::{count, encode, export_links, share_of, HIDDEN};
use super::render::page;
use super::research::{breakdown_choices, dimension, RESEARCH};
use super::session::Staff;
use crate::domain::results::change::{ChangeFigure, ChangeTable};
use crate::domain::results::{Dimension, Estimate};
use crate::domain::wave::WaveState;
use crate::http::AppState;
use crate::results::compare::{compare, CompareFigure};
use crate::results::views::{domain_title, text};
use crate::results::{change, methods, ResultsError, Source};
use crate::store::waves;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde::Deserialize;
use veilig_frontend::staff::{ChangeLine, Choices, CompareLine, ComparePage};

pub fn router() -> Router<AppState> {
    Router::new().route("/staff/compare", get(show))
}

#[derive(Deserialize)]
struct CompareQuery {
    from: Option<String>,
    to: Option<String>,
    by: Option<String>,
}

fn estimate(value: Option<f64>, low: Option<f64>, high: Option<f64>) -> Option<Estimate> {
    Some(Estimate {
        value: value?,
        low: low?,
        high: high?,
    })
}

fn line(label: String, f: &CompareFigure) -> CompareLine {
    let points = |v: f64| v * 100.0;
    let chart = match (f.difference, f.difference_low, f.difference_high) {
        (Some(d), Some(l), Some(h)) => Some((points(d), points(l), points(h))),
        _ => None,
    };
    CompareLine {
        label,
        from: share_of(
            estimate(
                f.from_share_safe,
                f.from_share_safe_low,
                f.from_share_safe_high,
            ),
            f.from_n,
        ),
        to: share_of(
            estimate(f.to_share_safe, f.to_share_safe_low, f.to_share_safe_high),
            f.to_n,
        ),
        difference: match chart {
            Some((d, l, h)) => format!("{d:+.1} ({l:+.1} to {h:+.1})"),
            None => HIDDEN.to_string(),
        },
        significant: match f.significant {
            Some(true) => "yes".into(),
            Some(false) => "no".into(),
            None => HIDDEN.into(),
        },
        chart,
        is_significant: f.significant == Some(true),
    }
}

fn change_cell(m: &ChangeFigure) -> String {
    match (m.improved, m.same, m.worse, m.pairs) {
        (Some(i), Some(s), Some(w), Some(n)) => format!(
            "{:.0}% better · {:.0}% same · {:.0}% worse (n {n})",
            i.value * 100.0,
            s.value * 100.0,
            w.value * 100.0
        ),
        _ => HIDDEN.to_string(),
    }
}

fn change_lines(table: &ChangeTable) -> Vec<ChangeLine> {
    std::iter::once(&table.total)
        .chain(table.rows.iter())
        .map(|r| ChangeLine {
            label: r.label.clone(),
            pairs: count(r.pairs),
            measures: r.measures.iter().map(change_cell).collect(),
            segments: r
                .measures
                .iter()
                .find(|m| m.measure == "headline")
                .and_then(|m| {
                    Some(vec![
                        ("better".to_string(), m.improved?.value * 100.0),
                        ("the same".to_string(), m.same?.value * 100.0),
                        ("worse".to_string(), m.worse?.value * 100.0),
                    ])
                })
                .unwrap_or_default(),
        })
        .collect()
}

async fn show(
    State(state): State<AppState>,
    staff: Staff,
    Query(query): Query<CompareQuery>,
) -> Result<Response, StaffError> {
    staff.require(RESEARCH)?;
    let all = waves::list(&state.db).await?;
    let published: Vec<&waves::Wave> = all
        .iter()
        .filter(|w| w.state == WaveState::Published)
        .collect();
    let pick =
        |label: Option<&str>, fallback: Option<&&waves::Wave>| -> Result<waves::Wave, StaffError> {
            match label {
                Some(l) => all
                    .iter()
                    .find(|w| w.label == l)
                    .cloned()
                    .ok_or(StaffError::NotFound),
                None => fallback
                    .map(|w| (*w).clone())
                    .or_else(|| all.first().cloned())
                    .ok_or(StaffError::NotFound),
            }
        };
    let from = pick(
        query.from.as_deref(),
        published.get(1).or(published.first()),
    )?;
    let to = pick(query.to.as_deref(), published.first())?;
    let dimension = dimension(query.by.as_deref(), Dimension::SettingType)?;
    let choices = |chosen: &waves::Wave| -> Choices {
        all.iter()
            .map(|w| {
                (
                    w.label.clone(),
                    format!("{} ({})", w.label, w.state.as_str()),
                    w.id == chosen.id,
                )
            })
            .collect()
    };
    let source: Source = (&state).into();
    let mut notice = None;
    let (mut rows, mut domains, mut items, mut change_titles, mut change_rows, mut headline) = (
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        Vec::new(),
        true,
    );
    let mut note = Vec::new();
    if from.id == to.id {
        notice = Some("Choose two different waves.".to_string());
    } else {
        match compare(&source, &from, &to, dimension).await {
            Ok(c) => {
                let (change_measures, change_table) =
                    change::change(&source, &from, &to, dimension)
                        .await
                        .map_err(|e| match e {
                            ResultsError::Db(e) => StaffError::from(e),
                            ResultsError::NotPublished(_) => StaffError::NotFound,
                        })?;
                let instrument = state.instrument_of(&to).await?;
                let domain_title = |key: &str| domain_title(&instrument, key);
                headline = c.comparable.headline;
                rows = c
                    .rows
                    .iter()
                    .map(|r| line(r.label.clone(), &r.headline))
                    .collect();
                domains = c
                    .comparable
                    .domains
                    .iter()
                    .enumerate()
                    .map(|(i, key)| {
                        (
                            domain_title(key),
                            c.rows
                                .iter()
                                .map(|r| line(r.label.clone(), &r.domains[i]))
                                .collect(),
                        )
                    })
                    .collect();
                if let Some(total) = c.rows.first() {
                    items = c
                        .comparable
                        .items
                        .iter()
                        .zip(&total.items)
                        .map(|((_, to_key, _), f)| {
                            let label = instrument
                                .item(to_key)
                                .map(|i| text(&i.text, "en"))
                                .unwrap_or_else(|| f.key.clone());
                            line(label, f)
                        })
                        .collect();
                }
                change_titles = change_measures
                    .keys()
                    .iter()
                    .map(|k| {
                        if k == "headline" {
                            "Headline question".to_string()
                        } else {
                            domain_title(k)
                        }
                    })
                    .collect();
                change_rows = change_lines(&change_table);
                let (va, vb) = (
                    state.instrument_of(&from).await?.version().to_string(),
                    instrument.version().to_string(),
                );
                note = methods::note(
                    &source,
                    &format!("{} → {}, by {}", from.label, to.label, dimension.as_str()),
                    &[(&from, &va), (&to, &vb)],
                )
                .await?;
                crate::store::staff::audit(
                    &state.db,
                    Some(staff.user.id),
                    "compare.view",
                    &format!("{} → {}, by {}", from.label, to.label, dimension.as_str()),
                )
                .await?;
            }
            Err(ResultsError::NotPublished(label)) => {
                notice = Some(format!(
                    "Wave {label} is not published yet: only published waves are compared."
                ));
            }
            Err(ResultsError::Db(e)) => return Err(e.into()),
        }
    }
    let query = |view: &str| {
        format!(
            "view={view}&wave={}&to={}&by={}",
            encode(&from.label),
            encode(&to.label),
            dimension.as_str()
        )
    };
    let compare_exports = export_links(
        &query("compare"),
        &[("groups", "groups"), ("items", "questions")],
    );
    let change_exports = export_links(&query("change"), &[("groups", "groups")]);
    let view = leptos::view! {
        <ComparePage
            from=from.label.clone()
            to=to.label.clone()
            from_choices=choices(&from)
            to_choices=choices(&to)
            breakdowns=breakdown_choices(dimension)
            notice=notice
            breakdown_title=dimension.title().to_string()
            headline_comparable=headline
            rows=rows
            domains=domains
            items=items
            change_titles=change_titles
            change_rows=change_rows
            compare_exports=compare_exports
            change_exports=change_exports
            methods=note
            k=crate::domain::results::effective_k(state.k)
            hidden_mark=HIDDEN
        />
    };
    Ok(page(
        &state,
        &staff,
        "/staff/compare",
        "Compare waves",
        None,
        view,
    )
    .await?
    .into_response())
}
