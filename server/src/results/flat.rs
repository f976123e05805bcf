//! Every figure of a table as flat rows for the API and the exports: the total first, then
//! each breakdown value. Hidden numbers are `None` (null in JSON, empty in CSV, XLSX and
//! SPSS): the same for every hidden figure, whatever its value. Every share carries its own
//! denominator.

use crate::domain::instrument::Instrument;
use crate::domain::results::{Estimate, GroupResult, ResultTable};
use serde::Serialize;

#[derive(Debug, Clone, Serialize)]
pub struct FlatRow {
    pub breakdown: &'static str,
    pub value: String,
    pub label: String,
    /// Children behind the row.
    pub n: Option<u64>,
    /// Children who answered the headline question on the scale (the share's denominator).
    pub share_safe_n: Option<u64>,
    pub share_safe: Option<f64>,
    pub share_safe_low: Option<f64>,
    pub share_safe_high: Option<f64>,
    pub domains: Vec<FlatDomain>,
    pub items: Vec<FlatItem>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlatDomain {
    pub domain: String,
    /// Children with a score in the domain (the share's denominator).
    pub n: Option<u64>,
    /// Children who feel safe in the domain (the share's numerator).
    pub safe: Option<u64>,
    pub share_safe: Option<f64>,
    pub share_safe_low: Option<f64>,
    pub share_safe_high: Option<f64>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlatItem {
    pub item: String,
    pub comparability_key: String,
    /// Children who answered on the scale: the denominator of the share and the mean.
    pub share_safe_n: Option<u64>,
    /// Children with a safe answer (the share's numerator).
    pub safe: Option<u64>,
    pub share_safe: Option<f64>,
    pub share_safe_low: Option<f64>,
    pub share_safe_high: Option<f64>,
    pub mean: Option<f64>,
    pub mean_low: Option<f64>,
    pub mean_high: Option<f64>,
    /// Children per answer on the scale; the answers are listed also when hidden.
    pub distribution: Vec<FlatAnswer>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FlatAnswer {
    pub answer: i16,
    pub n: Option<u64>,
}

/// Rounded to four decimals: enough for a share, and stable in every format.
pub fn round(v: f64) -> f64 {
    (v * 10_000.0).round() / 10_000.0
}

/// (value, low, high) of an estimate, rounded; all `None` when hidden.
pub fn parts(e: Option<Estimate>) -> (Option<f64>, Option<f64>, Option<f64>) {
    match e {
        Some(e) => (
            Some(round(e.value)),
            Some(round(e.low)),
            Some(round(e.high)),
        ),
        None => (None, None, None),
    }
}

pub fn flat_rows(instrument: &Instrument, table: &ResultTable) -> Vec<FlatRow> {
    std::iter::once(&table.total)
        .chain(table.rows.iter())
        .map(|r| flat_row(instrument, table, r))
        .collect()
}

fn flat_row(instrument: &Instrument, table: &ResultTable, r: &GroupResult) -> FlatRow {
    let (share_safe, share_safe_low, share_safe_high) = parts(r.share_safe);
    FlatRow {
        breakdown: table.dimension.as_str(),
        value: r.value.clone(),
        label: r.label.clone(),
        n: r.n,
        share_safe_n: r.share_safe_n,
        share_safe,
        share_safe_low,
        share_safe_high,
        domains: r
            .domains
            .iter()
            .map(|d| {
                let (share_safe, share_safe_low, share_safe_high) = parts(d.share_safe);
                FlatDomain {
                    domain: d.key.clone(),
                    n: d.n,
                    safe: d.safe,
                    share_safe,
                    share_safe_low,
                    share_safe_high,
                }
            })
            .collect(),
        items: r
            .items
            .iter()
            .map(|i| {
                let (share_safe, share_safe_low, share_safe_high) = parts(i.share_safe);
                let (mean, mean_low, mean_high) = parts(i.mean);
                let item = instrument.item(&i.key);
                let points: Vec<i16> = item
                    .and_then(|it| instrument.scale_of(it))
                    .map(|s| s.points.iter().map(|p| p.value).collect())
                    .unwrap_or_default();
                FlatItem {
                    item: i.key.clone(),
                    comparability_key: item
                        .map(|it| it.comparability_key.clone())
                        .unwrap_or_default(),
                    share_safe_n: i.share_safe_n,
                    safe: i.safe,
                    share_safe,
                    share_safe_low,
                    share_safe_high,
                    mean,
                    mean_low,
                    mean_high,
                    distribution: points
                        .into_iter()
                        .map(|answer| FlatAnswer {
                            answer,
                            n: i.distribution
                                .iter()
                                .find(|(v, _)| *v == answer)
                                .and_then(|(_, n)| *n),
                        })
                        .collect(),
                }
            })
            .collect(),
    }
}
