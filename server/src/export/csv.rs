//! CSV: UTF-8, `,` with decimal points, or `;` with decimal commas for Dutch Excel. The
//! methods note comes first as `#` lines (read with `comment = "#"`). A hidden figure is an
//! empty field. Text that a spreadsheet would run as a formula is defused.

use super::{Cell, Sheet};

/// A text starting with `=`, `+`, `-`, `@` (or a tab or carriage return) is run as a formula
/// by spreadsheets; a leading `'` makes it plain text (OWASP's advice for CSV injection).
pub fn guard_formula(text: &str) -> String {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{text}")
    } else {
        text.to_string()
    }
}

pub fn number(v: f64, semicolon: bool) -> String {
    let s = v.to_string();
    if semicolon {
        s.replace('.', ",")
    } else {
        s
    }
}

pub fn field(cell: &Cell, semicolon: bool) -> String {
    match cell {
        Cell::Text(t) => guard_formula(t),
        Cell::Count(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        Cell::Decimal(v) => v.map(|v| number(v, semicolon)).unwrap_or_default(),
        Cell::Flag(f) => f.map(|f| f.to_string()).unwrap_or_default(),
        Cell::Code(c) => c.to_string(),
    }
}

/// One CSV of sheets that share their columns (the first sheet's header is used), with the
/// methods note first when given.
pub fn to_csv(sheets: &[&Sheet], semicolon: bool, methods: Option<&[(String, String)]>) -> String {
    let separator = if semicolon { b';' } else { b',' };
    let mut writer = ::csv::WriterBuilder::new()
        .delimiter(separator)
        .flexible(true)
        .from_writer(Vec::new());
    let mut out = String::new();
    for (what, value) in methods.unwrap_or_default() {
        // One line each; the note never holds a line break.
        let line = format!("# {what}: {value}").replace(['\n', '\r'], " ");
        out.push_str(&line);
        out.push('\n');
    }
    let Some(first) = sheets.first() else {
        return out;
    };
    // Writing to a Vec cannot fail; a failure would only drop a row, never panic.
    let _ = writer.write_record(first.columns.iter().map(|c| c.key.as_str()));
    for sheet in sheets {
        for row in &sheet.rows {
            let _ = writer.write_record(row.iter().map(|c| field(c, semicolon)));
        }
    }
    let bytes = writer.into_inner().unwrap_or_default();
    out.push_str(&String::from_utf8_lossy(&bytes));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::export::column;

    #[test]
    fn labels_that_look_like_formulas_are_defused() {
        for bad in ["=1+1", "+31 6", "-2", "@SUM(A1)", "\tx"] {
            assert!(guard_formula(bad).starts_with('\''), "{bad}");
        }
        assert_eq!(guard_formula("De Linde"), "De Linde");
        assert_eq!(guard_formula(""), "");
    }

    #[test]
    fn hidden_figures_are_empty_and_dutch_csv_has_decimal_commas() {
        let mut sheet = Sheet::new(
            "groups",
            "Groups",
            vec![
                column("label", "Group"),
                column("n", "Children"),
                column("share", "Share"),
            ],
        );
        sheet.rows.push(vec![
            Cell::Text("=cmd".into()),
            Cell::Count(Some(12)),
            Cell::Decimal(Some(0.8125)),
        ]);
        sheet.rows.push(vec![
            Cell::Text("Groep; \"Eik\"".into()),
            Cell::Count(None),
            Cell::Decimal(None),
        ]);
        let csv = to_csv(
            &[&sheet],
            true,
            Some(&[("k".to_string(), "10".to_string())]),
        );
        let mut lines = csv.lines();
        assert_eq!(lines.next(), Some("# k: 10"));
        assert_eq!(lines.next(), Some("label;n;share"));
        assert_eq!(lines.next(), Some("'=cmd;12;0,8125"));
        assert_eq!(lines.next(), Some("\"Groep; \"\"Eik\"\"\";;"));
    }
}
