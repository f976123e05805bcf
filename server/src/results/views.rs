//! A national breakdown as an export: a sheet of groups (children, the headline share and
//! every domain, each with its denominator), a sheet of questions per group (share, mean,
//! "don't know"), and per answer scale a sheet of answer counts; with the codebook.

use super::flat::{flat_rows, FlatRow};
use crate::domain::instrument::{Instrument, Texts};
use crate::domain::results::ResultTable;
use crate::export::{column, Cell, CodebookItem, Column, Export, Sheet, ValueKey};

pub fn text(texts: &Texts, language: &str) -> String {
    texts
        .get(language)
        .or_else(|| texts.values().next())
        .cloned()
        .unwrap_or_default()
}

/// "Dutch / English", as labels in exports show a question or an answer.
pub fn both(texts: &Texts) -> String {
    let (nl, en) = (text(texts, "nl"), text(texts, "en"));
    if nl == en {
        nl
    } else {
        format!("{nl} / {en}")
    }
}

/// A domain's title in English, or its key.
pub fn domain_title(instrument: &Instrument, key: &str) -> String {
    instrument
        .def()
        .domains
        .iter()
        .find(|d| d.key == key)
        .map(|d| text(&d.title, "en"))
        .unwrap_or_else(|| key.to_string())
}

pub fn codebook(instrument: &Instrument) -> Vec<CodebookItem> {
    instrument
        .def()
        .items
        .iter()
        .map(|item| CodebookItem {
            item: item.key.clone(),
            comparability_key: item.comparability_key.clone(),
            domain: item.domain.clone(),
            text_nl: text(&item.text, "nl"),
            text_en: text(&item.text, "en"),
            scale: item.scale.clone(),
            answers: instrument
                .scale_of(item)
                .map(|s| {
                    s.points
                        .iter()
                        .map(|p| (p.value, text(&p.label, "nl"), text(&p.label, "en")))
                        .collect()
                })
                .unwrap_or_default(),
            safe_values: instrument.safe_values(item),
        })
        .collect()
}

/// The columns that name a row's group.
pub fn group_columns(breakdown_title: &str) -> Vec<Column> {
    vec![
        column("breakdown", "Breakdown"),
        column("value", format!("{breakdown_title} (code)")),
        column("label", breakdown_title),
    ]
}

fn group_cells(r: &FlatRow) -> Vec<Cell> {
    vec![
        Cell::Text(r.breakdown.to_string()),
        Cell::Text(r.value.clone()),
        Cell::Text(r.label.clone()),
    ]
}

/// VALUE LABELS for the `value` column: each group's label.
fn value_labels(rows: &[FlatRow]) -> (String, Vec<(ValueKey, String)>) {
    (
        "value".into(),
        rows.iter()
            .map(|r| (ValueKey::Text(r.value.clone()), r.label.clone()))
            .collect(),
    )
}

fn item_labels(instrument: &Instrument) -> (String, Vec<(ValueKey, String)>) {
    (
        "item".into(),
        instrument
            .def()
            .items
            .iter()
            .map(|i| (ValueKey::Text(i.key.clone()), both(&i.text)))
            .collect(),
    )
}

pub fn results_export(
    instrument: &Instrument,
    table: &ResultTable,
    wave: &str,
    methods: Vec<(String, String)>,
) -> Export {
    let rows = flat_rows(instrument, table);
    let title = table.dimension.title();
    let domain_title = |key: &str| domain_title(instrument, key);

    let mut columns = group_columns(title);
    columns.extend([
        column("n", "Children"),
        column(
            "share_safe_n",
            "Children who answered the headline question on its scale",
        ),
        column("share_safe", "Share who feel safe (headline question)"),
        column("share_safe_low", "Share who feel safe: 95% interval, low"),
        column("share_safe_high", "Share who feel safe: 95% interval, high"),
    ]);
    for d in &instrument.def().domains {
        let t = domain_title(&d.key);
        columns.extend([
            column(
                format!("{}_n", d.key),
                format!("{t}: children with a score"),
            ),
            column(
                format!("{}_safe", d.key),
                format!("{t}: children who feel safe"),
            ),
            column(
                format!("{}_share_safe", d.key),
                format!("{t}: share who feel safe"),
            ),
            column(
                format!("{}_share_safe_low", d.key),
                format!("{t}: 95% interval, low"),
            ),
            column(
                format!("{}_share_safe_high", d.key),
                format!("{t}: 95% interval, high"),
            ),
        ]);
    }
    let mut groups = Sheet::new("groups", &format!("By {}", title.to_lowercase()), columns);
    for r in &rows {
        let mut cells = group_cells(r);
        cells.extend([
            Cell::Count(r.n),
            Cell::Count(r.share_safe_n),
            Cell::Decimal(r.share_safe),
            Cell::Decimal(r.share_safe_low),
            Cell::Decimal(r.share_safe_high),
        ]);
        for d in &r.domains {
            cells.extend([
                Cell::Count(d.n),
                Cell::Count(d.safe),
                Cell::Decimal(d.share_safe),
                Cell::Decimal(d.share_safe_low),
                Cell::Decimal(d.share_safe_high),
            ]);
        }
        groups.rows.push(cells);
    }
    groups.value_labels.push(value_labels(&rows));

    let mut columns = group_columns(title);
    columns.extend([
        column("item", "Question"),
        column("comparability_key", "Comparability key"),
        column("share_safe_n", "Children who answered on the scale"),
        column("safe", "Children with a safe answer"),
        column("share_safe", "Share with a safe answer"),
        column(
            "share_safe_low",
            "Share with a safe answer: 95% interval, low",
        ),
        column(
            "share_safe_high",
            "Share with a safe answer: 95% interval, high",
        ),
        column("mean", "Mean answer"),
        column("mean_low", "Mean answer: 95% interval, low"),
        column("mean_high", "Mean answer: 95% interval, high"),
    ]);
    let mut items = Sheet::new("items", "Questions", columns);
    for r in &rows {
        for i in &r.items {
            let mut cells = group_cells(r);
            cells.extend([
                Cell::Text(i.item.clone()),
                Cell::Text(i.comparability_key.clone()),
                Cell::Count(i.share_safe_n),
                Cell::Count(i.safe),
                Cell::Decimal(i.share_safe),
                Cell::Decimal(i.share_safe_low),
                Cell::Decimal(i.share_safe_high),
                Cell::Decimal(i.mean),
                Cell::Decimal(i.mean_low),
                Cell::Decimal(i.mean_high),
            ]);
            items.rows.push(cells);
        }
    }
    items.value_labels.push(value_labels(&rows));
    items.value_labels.push(item_labels(instrument));

    let mut sheets = vec![groups, items];
    for scale in &instrument.def().scales {
        let keys: Vec<&str> = instrument
            .def()
            .items
            .iter()
            .filter(|i| i.scale == scale.key)
            .map(|i| i.key.as_str())
            .collect();
        if keys.is_empty() {
            continue;
        }
        let mut columns = group_columns(title);
        columns.extend([
            column("item", "Question"),
            column("answer", "Answer"),
            column("children", "Children who gave this answer"),
        ]);
        let mut sheet = Sheet::new(
            &format!("answers_{}", scale.key),
            &format!("Answers ({})", scale.key),
            columns,
        );
        for r in &rows {
            for i in r.items.iter().filter(|i| keys.contains(&i.item.as_str())) {
                for a in &i.distribution {
                    let mut cells = group_cells(r);
                    cells.extend([
                        Cell::Text(i.item.clone()),
                        Cell::Code(i64::from(a.answer)),
                        Cell::Count(a.n),
                    ]);
                    sheet.rows.push(cells);
                }
            }
        }
        let answers: Vec<(ValueKey, String)> = scale
            .points
            .iter()
            .map(|p| (ValueKey::Number(i64::from(p.value)), both(&p.label)))
            .collect();
        sheet.value_labels.push(value_labels(&rows));
        sheet.value_labels.push(item_labels(instrument));
        sheet.value_labels.push(("answer".into(), answers));
        sheets.push(sheet);
    }
    Export {
        name: format!("veilig-{wave}-{}", table.dimension.as_str()),
        title: format!("Veilig: wave {wave}, by {}", title.to_lowercase()),
        methods,
        sheets,
        codebook: codebook(instrument),
    }
}
