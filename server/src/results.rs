//! Results as every screen, export and API call gets them: the groups of a breakdown, the
//! counts from the store, and the one engine (`domain::results`) with k applied. Tables that
//! are sub-totals of another (regions for organisations; setting types and age bands for the
//! two-way table) are computed first and passed along, so no two tables can be subtracted.

use crate::domain::demographics::{AgeBand, Gender};
use crate::domain::results::{compute, Dimension, Group, ResultTable};
use crate::domain::wave::WaveState;
use crate::domain::SettingType;
use crate::startup::AppState;
use crate::store::waves::Wave;
use crate::store::{organisations, results as counts};
use crate::submission::InstrumentCache;
use sea_orm::DatabaseConnection;
use sea_orm::DbErr;

/// The label used for children who did not say (age band, gender).
pub const NOT_SAID: &str = "not said";

#[derive(Debug, thiserror::Error)]
pub enum ResultsError {
    #[error("the results of wave {0} are shown once the wave is published")]
    NotPublished(String),
    #[error(transparent)]
    Db(#[from] DbErr),
}

fn group(value: impl Into<String>, label: impl Into<String>, parents: Vec<String>) -> Group {
    Group {
        value: value.into(),
        label: label.into(),
        parents,
    }
}

fn age_groups() -> Vec<Group> {
    let mut groups: Vec<Group> = AgeBand::ALL
        .iter()
        .map(|a| group(a.as_str(), a.as_str(), vec![]))
        .collect();
    groups.push(group("", NOT_SAID, vec![]));
    groups
}

/// Where results come from: the database, the parsed instruments, and k.
pub struct Source<'a> {
    pub db: &'a DatabaseConnection,
    pub instruments: &'a InstrumentCache,
    pub k: u64,
}

impl<'a> From<&'a AppState> for Source<'a> {
    fn from(state: &'a AppState) -> Self {
        Source {
            db: &state.db,
            instruments: &state.wave_instruments,
            k: state.k,
        }
    }
}

/// Every value of a breakdown, in display order, with its parents.
async fn groups(state: &Source<'_>, dimension: Dimension) -> Result<Vec<Group>, DbErr> {
    Ok(match dimension {
        Dimension::Overall => vec![group("all", "All children", vec![])],
        Dimension::SettingType => SettingType::ALL
            .iter()
            .map(|s| group(s.as_str(), s.to_string(), vec![]))
            .collect(),
        Dimension::Region => organisations::list_regions(state.db)
            .await?
            .into_iter()
            .map(|(id, name)| group(id.to_string(), name, vec![]))
            .collect(),
        Dimension::AgeBand => age_groups(),
        Dimension::Gender => {
            let mut groups: Vec<Group> = Gender::ALL
                .iter()
                .map(|g| group(g.as_str(), g.as_str(), vec![]))
                .collect();
            groups.push(group("", NOT_SAID, vec![]));
            groups
        }
        Dimension::Organisation => organisations::list_organisations_with_region(state.db)
            .await?
            .into_iter()
            .map(|(id, name, region_id)| group(id.to_string(), name, vec![region_id.to_string()]))
            .collect(),
        Dimension::SettingTypeByAgeBand => SettingType::ALL
            .iter()
            .flat_map(|s| {
                age_groups().into_iter().map(move |a| {
                    group(
                        format!("{}|{}", s.as_str(), a.value),
                        format!("{s}, {}", a.label),
                        vec![s.as_str().to_string(), a.value.clone()],
                    )
                })
            })
            .collect(),
    })
}

async fn one_table(
    state: &Source<'_>,
    wave: &Wave,
    dimension: Dimension,
    parents: &[&ResultTable],
) -> Result<ResultTable, ResultsError> {
    let instrument = crate::submission::load_instrument(state.db, state.instruments, wave).await?;
    let groups = groups(state, dimension).await?;
    let counts = counts::counts(state.db, wave.id, dimension, None).await?;
    Ok(compute(
        &instrument,
        dimension,
        &groups,
        &counts,
        state.k,
        parents,
    ))
}

/// A national breakdown of a published wave.
pub async fn table(
    state: &Source<'_>,
    wave: &Wave,
    dimension: Dimension,
) -> Result<ResultTable, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    match dimension {
        Dimension::Organisation => {
            let regions = one_table(state, wave, Dimension::Region, &[]).await?;
            one_table(state, wave, dimension, &[&regions]).await
        }
        Dimension::SettingTypeByAgeBand => {
            let settings = one_table(state, wave, Dimension::SettingType, &[]).await?;
            let ages = one_table(state, wave, Dimension::AgeBand, &[]).await?;
            one_table(state, wave, dimension, &[&settings, &ages]).await
        }
        _ => one_table(state, wave, dimension, &[]).await,
    }
}

/// Every figure of a table as flat rows: the total first, then each breakdown value. Suppressed
/// numbers are `None` (empty in CSV, null in JSON): the same for every cell, whatever its value.
#[derive(Debug, Clone, serde::Serialize)]
pub struct FlatRow {
    pub breakdown: &'static str,
    pub value: String,
    pub label: String,
    pub n: Option<u64>,
    pub share_safe: Option<f64>,
    pub share_safe_low: Option<f64>,
    pub share_safe_high: Option<f64>,
    pub domains: Vec<FlatDomain>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct FlatDomain {
    pub domain: String,
    pub n: Option<u64>,
    pub share_safe: Option<f64>,
    pub share_safe_low: Option<f64>,
    pub share_safe_high: Option<f64>,
}

fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

pub fn flat_rows(table: &ResultTable) -> Vec<FlatRow> {
    std::iter::once(&table.total)
        .chain(table.rows.iter())
        .map(|r| FlatRow {
            breakdown: table.dimension.as_str(),
            value: r.value.clone(),
            label: r.label.clone(),
            n: r.n,
            share_safe: r.share_safe.map(|e| round(e.value)),
            share_safe_low: r.share_safe.map(|e| round(e.low)),
            share_safe_high: r.share_safe.map(|e| round(e.high)),
            domains: r
                .domains
                .iter()
                .map(|d| FlatDomain {
                    domain: d.key.clone(),
                    n: d.n,
                    share_safe: d.share_safe.map(|e| round(e.value)),
                    share_safe_low: d.share_safe.map(|e| round(e.low)),
                    share_safe_high: d.share_safe.map(|e| round(e.high)),
                })
                .collect(),
        })
        .collect()
}

/// CSV (UTF-8), with `,` or `;` (for Dutch Excel, which then reads `0,81`).
pub fn to_csv(table: &ResultTable, semicolon: bool) -> String {
    let rows = flat_rows(table);
    let sep = if semicolon { ";" } else { "," };
    let number = |v: Option<f64>| match v {
        Some(v) if semicolon => v.to_string().replace('.', ","),
        Some(v) => v.to_string(),
        None => String::new(),
    };
    let count = |v: Option<u64>| v.map(|n| n.to_string()).unwrap_or_default();
    let quote = |s: &str| {
        if s.contains(sep) || s.contains('"') || s.contains('\n') {
            format!("\"{}\"", s.replace('"', "\"\""))
        } else {
            s.to_string()
        }
    };
    let mut header = vec![
        "breakdown".to_string(),
        "value".into(),
        "label".into(),
        "n".into(),
        "share_safe".into(),
        "share_safe_low".into(),
        "share_safe_high".into(),
    ];
    if let Some(first) = rows.first() {
        for d in &first.domains {
            for part in ["n", "share_safe", "share_safe_low", "share_safe_high"] {
                header.push(format!("{}_{part}", d.domain));
            }
        }
    }
    let mut out = header.join(sep);
    out.push('\n');
    for r in &rows {
        let mut fields = vec![
            r.breakdown.to_string(),
            quote(&r.value),
            quote(&r.label),
            count(r.n),
            number(r.share_safe),
            number(r.share_safe_low),
            number(r.share_safe_high),
        ];
        for d in &r.domains {
            fields.push(count(d.n));
            fields.push(number(d.share_safe));
            fields.push(number(d.share_safe_low));
            fields.push(number(d.share_safe_high));
        }
        out.push_str(&fields.join(sep));
        out.push('\n');
    }
    out
}

/// One group in a wave comparison: both shares, and the difference `to − from` with its
/// Newcombe 95% interval, only where both waves show the group.
#[derive(Debug, Clone, serde::Serialize)]
pub struct CompareRow {
    pub breakdown: &'static str,
    pub value: String,
    pub label: String,
    pub from_n: Option<u64>,
    pub to_n: Option<u64>,
    pub from_share_safe: Option<f64>,
    pub to_share_safe: Option<f64>,
    pub difference: Option<f64>,
    pub difference_low: Option<f64>,
    pub difference_high: Option<f64>,
    pub significant: Option<bool>,
    pub domains: Vec<CompareDomain>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct CompareDomain {
    pub domain: String,
    pub from_share_safe: Option<f64>,
    pub to_share_safe: Option<f64>,
    pub difference: Option<f64>,
    pub difference_low: Option<f64>,
    pub difference_high: Option<f64>,
    pub significant: Option<bool>,
}

/// (safe, n) behind a shown share.
fn successes(e: Option<crate::domain::results::Estimate>, n: Option<u64>) -> Option<(u64, u64)> {
    let (e, n) = (e?, n?);
    Some(((e.value * n as f64).round() as u64, n))
}

type Difference = (Option<f64>, Option<f64>, Option<f64>, Option<bool>);

fn difference(from: Option<(u64, u64)>, to: Option<(u64, u64)>) -> Difference {
    match (from, to) {
        (Some(f), Some(t)) => match crate::domain::results::intervals::newcombe(f, t) {
            Some(d) => (
                Some(round(d.value)),
                Some(round(d.low)),
                Some(round(d.high)),
                Some(d.excludes_zero()),
            ),
            None => (None, None, None, None),
        },
        _ => (None, None, None, None),
    }
}

/// Compares two published waves on a breakdown. The headline is compared only when both
/// waves' headline items share a comparability key; domains by their key.
pub async fn compare(
    state: &Source<'_>,
    from: &Wave,
    to: &Wave,
    dimension: Dimension,
) -> Result<Vec<CompareRow>, ResultsError> {
    let a = table(state, from, dimension).await?;
    let b = table(state, to, dimension).await?;
    let ia = crate::submission::load_instrument(state.db, state.instruments, from).await?;
    let ib = crate::submission::load_instrument(state.db, state.instruments, to).await?;
    let same_headline = match (ia.headline_item(), ib.headline_item()) {
        (Some(x), Some(y)) => x.comparability_key == y.comparability_key,
        _ => false,
    };
    let rows_b: std::collections::HashMap<&str, &crate::domain::results::GroupResult> =
        std::iter::once(&b.total)
            .chain(b.rows.iter())
            .map(|r| (r.value.as_str(), r))
            .collect();
    Ok(std::iter::once(&a.total)
        .chain(a.rows.iter())
        .map(|ra| {
            let rb = rows_b.get(ra.value.as_str()).copied();
            let head = |r: Option<&crate::domain::results::GroupResult>| {
                r.and_then(|r| successes(r.share_safe, r.share_safe_n))
            };
            let (d, low, high, sig) = if same_headline {
                difference(head(Some(ra)), head(rb))
            } else {
                (None, None, None, None)
            };
            let domains = ra
                .domains
                .iter()
                .map(|da| {
                    let db = rb.and_then(|rb| rb.domains.iter().find(|d| d.key == da.key));
                    let (d, low, high, sig) = difference(
                        successes(da.share_safe, da.n),
                        db.and_then(|db| successes(db.share_safe, db.n)),
                    );
                    CompareDomain {
                        domain: da.key.clone(),
                        from_share_safe: da.share_safe.map(|e| round(e.value)),
                        to_share_safe: db.and_then(|db| db.share_safe).map(|e| round(e.value)),
                        difference: d,
                        difference_low: low,
                        difference_high: high,
                        significant: sig,
                    }
                })
                .collect();
            CompareRow {
                breakdown: dimension.as_str(),
                value: ra.value.clone(),
                label: ra.label.clone(),
                from_n: ra.n,
                to_n: rb.and_then(|r| r.n),
                from_share_safe: ra.share_safe.map(|e| round(e.value)),
                to_share_safe: rb.and_then(|r| r.share_safe).map(|e| round(e.value)),
                difference: d,
                difference_low: low,
                difference_high: high,
                significant: sig,
                domains,
            }
        })
        .collect())
}

/// What an institution sees of one published wave: its own figures (or "too few responses"),
/// the national benchmark, and the benchmark for each setting type it has locations in.
#[derive(Debug, Clone)]
pub struct InstitutionView {
    pub wave: String,
    /// `None`: fewer than k children of this organisation answered.
    pub own: Option<crate::domain::results::GroupResult>,
    pub national: crate::domain::results::GroupResult,
    pub settings: Vec<crate::domain::results::GroupResult>,
}

/// The institution's view of a published wave. A benchmark is shown only when the children
/// outside this organisation in it reach k, so that subtracting the institution's own figure
/// from a benchmark never tells about a small group of others.
pub async fn institution_view(
    state: &Source<'_>,
    wave: &Wave,
    organisation_id: i32,
    own_settings: &[SettingType],
) -> Result<InstitutionView, ResultsError> {
    if wave.state != WaveState::Published {
        return Err(ResultsError::NotPublished(wave.label.clone()));
    }
    let instrument = crate::submission::load_instrument(state.db, state.instruments, wave).await?;
    let all = [group("all", "Your organisation", vec![])];
    let own_counts =
        counts::counts(state.db, wave.id, Dimension::Overall, Some(organisation_id)).await?;
    let own = compute(
        &instrument,
        Dimension::Overall,
        &all,
        &own_counts,
        state.k,
        &[],
    );
    let own_n = own.total.n;
    let national = table(state, wave, Dimension::Overall).await?.total;
    let national_ok = match (national.n, own_n) {
        (Some(n), Some(o)) => n.saturating_sub(o) >= state.k,
        (Some(_), None) => true,
        _ => false,
    };
    let own_by_setting = counts::counts(
        state.db,
        wave.id,
        Dimension::SettingType,
        Some(organisation_id),
    )
    .await?;
    let own_in = |setting: &str| -> u64 {
        own_by_setting
            .iter()
            .filter(|c| {
                c.group == setting && c.measure == crate::domain::results::measures::RESPONDENTS
            })
            .map(|c| c.n)
            .sum()
    };
    let settings = table(state, wave, Dimension::SettingType)
        .await?
        .rows
        .into_iter()
        .filter(|r| own_settings.iter().any(|s| s.as_str() == r.value))
        .filter(|r| {
            r.n.is_some_and(|n| n.saturating_sub(own_in(&r.value)) >= state.k)
        })
        .collect();
    Ok(InstitutionView {
        wave: wave.label.clone(),
        own: own.total.n.is_some().then_some(own.total),
        national: if national_ok {
            national
        } else {
            crate::domain::results::GroupResult {
                n: None,
                share_safe: None,
                share_safe_n: None,
                domains: Vec::new(),
                items: Vec::new(),
                ..national
            }
        },
        settings,
    })
}
