//! XLSX: a "Methods" sheet first, one sheet per table (bold header, frozen first row, numbers
//! as numbers), and a "Codebook" sheet. A hidden figure is an empty cell; text is always
//! written as text, never as a formula.

use super::{Cell, Export, SUPPRESSED};
use rust_xlsxwriter::{Format, Workbook, XlsxError};

/// Excel allows 31 characters in a sheet name, and not `[]:*?/\`.
fn sheet_name(title: &str) -> String {
    title
        .chars()
        .filter(|c| !"[]:*?/\\".contains(*c))
        .take(31)
        .collect()
}

pub fn to_xlsx(export: &Export) -> Result<Vec<u8>, XlsxError> {
    let mut workbook = Workbook::new();
    let bold = Format::new().set_bold();

    let methods = workbook.add_worksheet();
    methods.set_name("Methods")?;
    methods.write_string_with_format(0, 0, &export.title, &bold)?;
    let mut row = 2;
    for (what, value) in &export.methods {
        methods.write_string(row, 0, what)?;
        methods.write_string(row, 1, value)?;
        row += 1;
    }
    methods.write_string(
        row + 1,
        0,
        format!("An empty cell is a hidden figure (shown as {SUPPRESSED} on screen)."),
    )?;
    methods.set_column_width(0, 28)?;
    methods.set_column_width(1, 90)?;

    for sheet in &export.sheets {
        let ws = workbook.add_worksheet();
        ws.set_name(sheet_name(&sheet.title))?;
        for (c, column) in sheet.columns.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, &column.key, &bold)?;
            ws.set_column_width(c as u16, (column.key.len().max(8) + 2) as f64)?;
        }
        for (r, cells) in sheet.rows.iter().enumerate() {
            let r = r as u32 + 1;
            for (c, cell) in cells.iter().enumerate() {
                let c = c as u16;
                match cell {
                    Cell::Text(t) => {
                        ws.write_string(r, c, t)?;
                    }
                    Cell::Count(Some(n)) => {
                        ws.write_number(r, c, *n as f64)?;
                    }
                    Cell::Decimal(Some(v)) => {
                        ws.write_number(r, c, *v)?;
                    }
                    Cell::Flag(Some(f)) => {
                        ws.write_string(r, c, if *f { "yes" } else { "no" })?;
                    }
                    Cell::Code(code) => {
                        ws.write_number(r, c, *code as f64)?;
                    }
                    Cell::Count(None) | Cell::Decimal(None) | Cell::Flag(None) => {}
                }
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }

    if !export.codebook.is_empty() {
        let ws = workbook.add_worksheet();
        ws.set_name("Codebook")?;
        let header = [
            "item",
            "comparability_key",
            "domain",
            "text_nl",
            "text_en",
            "scale",
            "answers",
            "safe_values",
        ];
        for (c, h) in header.iter().enumerate() {
            ws.write_string_with_format(0, c as u16, *h, &bold)?;
        }
        for (r, item) in export.codebook.iter().enumerate() {
            let r = r as u32 + 1;
            let answers = item
                .answers
                .iter()
                .map(|(v, nl, en)| format!("{v} = {nl} / {en}"))
                .chain(std::iter::once(format!(
                    "{} = weet ik niet, wil ik niet zeggen / I don't know, I'd rather not say (missing)",
                    super::DONT_KNOW_CODE
                )))
                .collect::<Vec<_>>()
                .join("; ");
            let safe = item
                .safe_values
                .iter()
                .map(i16::to_string)
                .collect::<Vec<_>>()
                .join(", ");
            let fields = [
                &item.item,
                &item.comparability_key,
                &item.domain,
                &item.text_nl,
                &item.text_en,
                &item.scale,
                &answers,
                &safe,
            ];
            for (c, f) in fields.iter().enumerate() {
                ws.write_string(r, c as u16, *f)?;
            }
        }
        ws.set_freeze_panes(1, 0)?;
    }
    workbook.save_to_buffer()
}
