//! Wave comparison: two published waves on the same breakdown, only on what is comparable —
//! the headline and each question when both instruments give it the same comparability key,
//! a domain when its questions have the same keys in both — and only where both waves show
//! the group. The difference `to − from` comes with Newcombe's 95% interval.

use super::flat::{parts, round};
use super::views::group_columns;
use super::{table, ResultsError, Source};
use crate::domain::instrument::Instrument;
use crate::domain::results::intervals::newcombe;
use crate::domain::results::{Dimension, Estimate, GroupResult};
use crate::export::{column, Cell, Export, Sheet};
use crate::store::waves::Wave;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// One comparable figure in one group: both waves with their denominators and intervals, and
/// the difference where both are shown.
#[derive(Debug, Clone, Serialize)]
pub struct CompareFigure {
    /// The comparability key of a question, the domain key, or "headline".
    #[serde(rename = "measure")]
    pub key: String,
    pub from_n: Option<u64>,
    pub from_share_safe: Option<f64>,
    pub from_share_safe_low: Option<f64>,
    pub from_share_safe_high: Option<f64>,
    pub to_n: Option<u64>,
    pub to_share_safe: Option<f64>,
    pub to_share_safe_low: Option<f64>,
    pub to_share_safe_high: Option<f64>,
    pub difference: Option<f64>,
    pub difference_low: Option<f64>,
    pub difference_high: Option<f64>,
    pub significant: Option<bool>,
}

#[derive(Debug, Clone, Serialize)]
pub struct CompareRow {
    pub breakdown: &'static str,
    pub value: String,
    pub label: String,
    /// Children behind the group in each wave.
    pub from_children: Option<u64>,
    pub to_children: Option<u64>,
    /// The headline (flattened, as the API has always given it); `None` figures when the
    /// headline questions are not comparable.
    #[serde(flatten)]
    pub headline: CompareFigure,
    pub domains: Vec<CompareFigure>,
    pub items: Vec<CompareFigure>,
}

/// One figure of both waves with the difference, where both are shown.
pub fn figure(
    key: &str,
    from: (Option<Estimate>, Option<u64>),
    to: (Option<Estimate>, Option<u64>),
) -> CompareFigure {
    let successes = |(e, n): (Option<Estimate>, Option<u64>)| -> Option<(u64, u64)> {
        let (e, n) = (e?, n?);
        Some(((e.value * n as f64).round() as u64, n))
    };
    let d = match (successes(from), successes(to)) {
        (Some(f), Some(t)) => newcombe(f, t),
        _ => None,
    };
    let (from_share_safe, from_share_safe_low, from_share_safe_high) = parts(from.0);
    let (to_share_safe, to_share_safe_low, to_share_safe_high) = parts(to.0);
    CompareFigure {
        key: key.to_string(),
        from_n: from.0.and(from.1),
        from_share_safe,
        from_share_safe_low,
        from_share_safe_high,
        to_n: to.0.and(to.1),
        to_share_safe,
        to_share_safe_low,
        to_share_safe_high,
        difference: d.map(|d| round(d.value)),
        difference_low: d.map(|d| round(d.low)),
        difference_high: d.map(|d| round(d.high)),
        significant: d.map(|d| d.excludes_zero()),
    }
}

/// What two instruments share: (from item key, to item key, comparability key) for each
/// comparable question, the comparable domains, and whether the headlines are comparable.
pub struct Comparable {
    pub items: Vec<(String, String, String)>,
    pub domains: Vec<String>,
    pub headline: bool,
}

pub fn comparable(a: &Instrument, b: &Instrument) -> Comparable {
    let keys_b: HashMap<&str, &str> = b
        .def()
        .items
        .iter()
        .map(|i| (i.comparability_key.as_str(), i.key.as_str()))
        .collect();
    let items = a
        .def()
        .items
        .iter()
        .filter_map(|i| {
            keys_b
                .get(i.comparability_key.as_str())
                .map(|kb| (i.key.clone(), kb.to_string(), i.comparability_key.clone()))
        })
        .collect();
    let domain_keys = |inst: &Instrument, domain: &str| -> BTreeSet<String> {
        inst.def()
            .items
            .iter()
            .filter(|i| i.domain == domain)
            .map(|i| i.comparability_key.clone())
            .collect()
    };
    let domains = a
        .def()
        .domains
        .iter()
        .filter(|d| b.def().domains.iter().any(|e| e.key == d.key))
        .filter(|d| domain_keys(a, &d.key) == domain_keys(b, &d.key))
        .map(|d| d.key.clone())
        .collect();
    let headline = match (a.headline_item(), b.headline_item()) {
        (Some(x), Some(y)) => x.comparability_key == y.comparability_key,
        _ => false,
    };
    Comparable {
        items,
        domains,
        headline,
    }
}

pub struct Comparison {
    pub comparable: Comparable,
    pub rows: Vec<CompareRow>,
}

fn compare_rows(
    c: &Comparable,
    dimension: Dimension,
    a: &[&GroupResult],
    b: &HashMap<&str, &GroupResult>,
) -> Vec<CompareRow> {
    a.iter()
        .map(|ra| {
            let rb = b.get(ra.value.as_str()).copied();
            let headline = if c.headline {
                figure(
                    "headline",
                    (ra.share_safe, ra.share_safe_n),
                    (
                        rb.and_then(|r| r.share_safe),
                        rb.and_then(|r| r.share_safe_n),
                    ),
                )
            } else {
                figure("headline", (None, None), (None, None))
            };
            let domains = c
                .domains
                .iter()
                .map(|key| {
                    let da = ra.domain(key);
                    let db = rb.and_then(|r| r.domain(key));
                    figure(
                        key,
                        (da.and_then(|d| d.share_safe), da.and_then(|d| d.n)),
                        (db.and_then(|d| d.share_safe), db.and_then(|d| d.n)),
                    )
                })
                .collect();
            let items = c
                .items
                .iter()
                .map(|(ka, kb, key)| {
                    let ia = ra.item(ka);
                    let ib = rb.and_then(|r| r.item(kb));
                    figure(
                        key,
                        (
                            ia.and_then(|i| i.share_safe),
                            ia.and_then(|i| i.share_safe_n),
                        ),
                        (
                            ib.and_then(|i| i.share_safe),
                            ib.and_then(|i| i.share_safe_n),
                        ),
                    )
                })
                .collect();
            CompareRow {
                breakdown: dimension.as_str(),
                value: ra.value.clone(),
                label: ra.label.clone(),
                from_children: ra.n,
                to_children: rb.and_then(|r| r.n),
                headline,
                domains,
                items,
            }
        })
        .collect()
}

/// Compares two published waves on a breakdown.
pub async fn compare(
    state: &Source<'_>,
    from: &Wave,
    to: &Wave,
    dimension: Dimension,
) -> Result<Comparison, ResultsError> {
    let a = table(state, from, dimension).await?;
    let b = table(state, to, dimension).await?;
    let ia = crate::store::instruments::load_instrument(state.db, state.instruments, from).await?;
    let ib = crate::store::instruments::load_instrument(state.db, state.instruments, to).await?;
    let c = comparable(&ia, &ib);
    let rows_b: HashMap<&str, &GroupResult> = std::iter::once(&b.total)
        .chain(b.rows.iter())
        .map(|r| (r.value.as_str(), r))
        .collect();
    let rows_a: Vec<&GroupResult> = std::iter::once(&a.total).chain(a.rows.iter()).collect();
    let rows = compare_rows(&c, dimension, &rows_a, &rows_b);
    Ok(Comparison {
        comparable: c,
        rows,
    })
}

fn figure_columns(prefix: &str, what: &str) -> Vec<crate::export::Column> {
    let p = |s: &str| {
        if prefix.is_empty() {
            s.to_string()
        } else {
            format!("{prefix}_{s}")
        }
    };
    vec![
        column(p("from_n"), format!("{what}: denominator, first wave")),
        column(p("from_share_safe"), format!("{what}: share, first wave")),
        column(
            p("from_share_safe_low"),
            format!("{what}: 95% interval low, first wave"),
        ),
        column(
            p("from_share_safe_high"),
            format!("{what}: 95% interval high, first wave"),
        ),
        column(p("to_n"), format!("{what}: denominator, second wave")),
        column(p("to_share_safe"), format!("{what}: share, second wave")),
        column(
            p("to_share_safe_low"),
            format!("{what}: 95% interval low, second wave"),
        ),
        column(
            p("to_share_safe_high"),
            format!("{what}: 95% interval high, second wave"),
        ),
        column(
            p("difference"),
            format!("{what}: difference (second − first)"),
        ),
        column(
            p("difference_low"),
            format!("{what}: difference, 95% interval low"),
        ),
        column(
            p("difference_high"),
            format!("{what}: difference, 95% interval high"),
        ),
        column(p("significant"), format!("{what}: significant at 5%")),
    ]
}

fn figure_cells(f: &CompareFigure) -> Vec<Cell> {
    vec![
        Cell::Count(f.from_n),
        Cell::Decimal(f.from_share_safe),
        Cell::Decimal(f.from_share_safe_low),
        Cell::Decimal(f.from_share_safe_high),
        Cell::Count(f.to_n),
        Cell::Decimal(f.to_share_safe),
        Cell::Decimal(f.to_share_safe_low),
        Cell::Decimal(f.to_share_safe_high),
        Cell::Decimal(f.difference),
        Cell::Decimal(f.difference_low),
        Cell::Decimal(f.difference_high),
        Cell::Flag(f.significant),
    ]
}

pub fn compare_export(
    comparison: &Comparison,
    dimension: Dimension,
    from: &str,
    to: &str,
    methods: Vec<(String, String)>,
) -> Export {
    let title = dimension.title();
    let mut columns = group_columns(title);
    columns.extend([
        column("from_children", "Children, first wave"),
        column("to_children", "Children, second wave"),
    ]);
    columns.extend(figure_columns("", "Headline"));
    for d in &comparison.comparable.domains {
        columns.extend(figure_columns(d, d));
    }
    let mut groups = Sheet::new(
        "groups",
        &format!("Change by {}", title.to_lowercase()),
        columns,
    );
    for r in &comparison.rows {
        let mut cells = vec![
            Cell::Text(r.breakdown.into()),
            Cell::Text(r.value.clone()),
            Cell::Text(r.label.clone()),
            Cell::Count(r.from_children),
            Cell::Count(r.to_children),
        ];
        cells.extend(figure_cells(&r.headline));
        for d in &r.domains {
            cells.extend(figure_cells(d));
        }
        groups.rows.push(cells);
    }
    let mut columns = group_columns(title);
    columns.push(column("comparability_key", "Question (comparability key)"));
    columns.extend(figure_columns("", "Question"));
    let mut items = Sheet::new("items", "Change per question", columns);
    for r in &comparison.rows {
        for i in &r.items {
            let mut cells = vec![
                Cell::Text(r.breakdown.into()),
                Cell::Text(r.value.clone()),
                Cell::Text(r.label.clone()),
                Cell::Text(i.key.clone()),
            ];
            cells.extend(figure_cells(i));
            items.rows.push(cells);
        }
    }
    Export {
        name: format!("veilig-{from}-{to}-{}", dimension.as_str()),
        title: format!(
            "Veilig: wave {from} compared with {to}, by {}",
            title.to_lowercase()
        ),
        methods,
        sheets: vec![groups, items],
        codebook: Vec::new(),
    }
}
