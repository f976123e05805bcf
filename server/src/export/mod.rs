//! Exports of any results view (a breakdown, a wave comparison, within-child change) as CSV,
//! XLSX, JSON and SPSS syntax. A view becomes an `Export`: a methods note, a few sheets of
//! rows, and a codebook; each writer only lays that out. A hidden figure is a `None` cell,
//! and every writer renders every `None` the same way (see `SUPPRESSED`).

mod csv;
mod json;
pub mod spss;
pub mod spss_check;
mod xlsx;

pub use self::csv::{guard_formula, to_csv};
pub use json::to_json;
pub use spss::to_sps;
pub use xlsx::to_xlsx;

use serde::Serialize;

/// How a hidden figure looks on screen and on paper. In data files it is an empty field
/// (CSV, XLSX), `null` (JSON) or system-missing (SPSS): no number at all, whatever the true
/// value — also 0 — so a hidden 0 and a hidden 7 can never be told apart.
pub const SUPPRESSED: &str = "–";

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(untagged)]
pub enum Cell {
    Text(String),
    /// A number of children; `None` when hidden.
    Count(Option<u64>),
    /// A share, mean, difference or interval bound; `None` when hidden or not defined.
    Decimal(Option<f64>),
    /// A yes/no flag (a significant difference); `None` when there is nothing to flag.
    Flag(Option<bool>),
    /// A code, such as an answer on a scale (-1: "don't know").
    Code(i64),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Column {
    /// A machine name: letters, digits and `_`, starting with a letter (also an SPSS name).
    pub key: String,
    /// What the column holds, for people.
    pub label: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Sheet {
    /// A machine name (file part, SPSS dataset, JSON key).
    pub name: String,
    /// What one row is, for people (the XLSX tab, the SPSS comment).
    pub title: String,
    pub columns: Vec<Column>,
    pub rows: Vec<Vec<Cell>>,
    /// Labels for the values of a column (SPSS VALUE LABELS): the breakdown values, the
    /// questions, the answers of a scale.
    pub value_labels: Vec<(String, Vec<(ValueKey, String)>)>,
    /// Codes of a column that mean "missing" (SPSS MISSING VALUES): "don't know".
    pub missing: Vec<(String, Vec<i64>)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ValueKey {
    Text(String),
    Number(i64),
}

impl Sheet {
    pub fn new(name: &str, title: &str, columns: Vec<Column>) -> Sheet {
        Sheet {
            name: name.to_string(),
            title: title.to_string(),
            columns,
            rows: Vec::new(),
            value_labels: Vec::new(),
            missing: Vec::new(),
        }
    }
}

pub fn column(key: impl Into<String>, label: impl Into<String>) -> Column {
    Column {
        key: key.into(),
        label: label.into(),
    }
}

/// One question in the codebook: its texts in Dutch and English, its scale with labels, and
/// the code for "don't know".
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodebookItem {
    pub item: String,
    pub comparability_key: String,
    pub domain: String,
    pub text_nl: String,
    pub text_en: String,
    pub scale: String,
    /// (value, label in Dutch, label in English).
    pub answers: Vec<(i16, String, String)>,
    pub safe_values: Vec<i16>,
}

/// What an export is: the methods note (line by line), its sheets, and the codebook.
#[derive(Debug, Clone, PartialEq)]
pub struct Export {
    /// A short machine name for the file: `veilig-2021-setting_type`.
    pub name: String,
    pub title: String,
    /// (what, value) pairs: waves and their dates, instrument, k, suppression rule,
    /// response rate.
    pub methods: Vec<(String, String)>,
    pub sheets: Vec<Sheet>,
    pub codebook: Vec<CodebookItem>,
}

/// The code that stands for "I don't know / I'd rather not say" in answer data.
pub const DONT_KNOW_CODE: i64 = -1;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv { semicolon: bool },
    Xlsx,
    Json,
    Sps,
}

impl Format {
    pub fn parse(format: &str, semicolon: bool) -> Result<Format, String> {
        match format {
            "csv" => Ok(Format::Csv { semicolon }),
            "xlsx" => Ok(Format::Xlsx),
            "json" => Ok(Format::Json),
            "sps" => Ok(Format::Sps),
            other => Err(format!(
                "{other:?} is not an export format; choose csv, xlsx, json or sps"
            )),
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Csv { .. } => "csv",
            Format::Xlsx => "xlsx",
            Format::Json => "json",
            Format::Sps => "sps",
        }
    }

    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv { .. } => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Json => "application/json",
            Format::Sps => "text/plain; charset=utf-8",
        }
    }
}

/// The export in a format: its bytes. A CSV holds one sheet (`part`, default the first);
/// the other formats hold them all.
pub fn render(export: &Export, format: Format, part: Option<&str>) -> Result<Vec<u8>, String> {
    match format {
        Format::Csv { semicolon } => {
            let sheets = csv_part(export, part)?;
            Ok(to_csv(&sheets, semicolon, Some(&export.methods)).into_bytes())
        }
        Format::Xlsx => to_xlsx(export).map_err(|e| format!("writing the XLSX file: {e}")),
        Format::Json => Ok(to_json(export).into_bytes()),
        Format::Sps => Ok(to_sps(export).into_bytes()),
    }
}

/// The sheets of one CSV part: sheets named `part` or `part_…` (the answers of each scale
/// are one part, as they share their columns).
pub fn csv_part<'a>(export: &'a Export, part: Option<&str>) -> Result<Vec<&'a Sheet>, String> {
    let Some(part) = part else {
        return Ok(export.sheets.first().into_iter().collect());
    };
    let sheets: Vec<&Sheet> = export
        .sheets
        .iter()
        .filter(|s| s.name == part || s.name.starts_with(&format!("{part}_")))
        .collect();
    if sheets.is_empty() {
        let mut parts: Vec<&str> = export
            .sheets
            .iter()
            .map(|s| s.name.split('_').next().unwrap_or(&s.name))
            .collect();
        parts.dedup();
        return Err(format!(
            "{part:?} is not a part of this view; choose one of {}",
            parts.join(", ")
        ));
    }
    Ok(sheets)
}
