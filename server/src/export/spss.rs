//! SPSS syntax (`.sps`): each sheet becomes a dataset (DATA LIST … BEGIN DATA … END DATA,
//! DATASET NAME) with VARIABLE LABELS, VALUE LABELS and MISSING VALUES; the methods note and
//! the codebook (question texts in Dutch and English, answer labels, the "don't know" code)
//! are comments at the top. A hidden figure is an empty field: system-missing.

use super::{Cell, Export, Sheet, ValueKey, DONT_KNOW_CODE};
use std::fmt::Write;

/// Variable names: a letter first, then letters, digits and `_`; at most 64 bytes.
pub fn variable_name(key: &str) -> String {
    let mut name: String = key
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .take(64)
        .collect();
    if !name.starts_with(|c: char| c.is_ascii_alphabetic()) {
        name.insert(0, 'v');
        name.truncate(64);
    }
    name
}

/// A quoted string, `"` doubled; cut (on a character boundary) to `max_bytes`.
fn quoted(text: &str, max_bytes: usize) -> String {
    let mut cut = String::new();
    for c in text.chars().filter(|c| !c.is_control()) {
        if cut.len() + c.len_utf8() > max_bytes {
            break;
        }
        cut.push(c);
    }
    format!("\"{}\"", cut.replace('"', "\"\""))
}

/// A comment line: one command, no line breaks, ending in a period.
fn comment(out: &mut String, text: &str) {
    let text: String = text.chars().filter(|c| !c.is_control()).collect();
    let _ = writeln!(out, "* {} .", text.trim_end_matches('.'));
}

fn format_of(sheet: &Sheet, column: usize) -> String {
    let mut width = 1;
    for row in &sheet.rows {
        match &row[column] {
            Cell::Text(t) => width = width.max(t.len()),
            Cell::Count(_) => return "F10.0".into(),
            Cell::Decimal(_) => return "F10.4".into(),
            Cell::Flag(_) => return "F1.0".into(),
            Cell::Code(_) => return "F6.0".into(),
        }
    }
    format!("A{}", width.min(32_767))
}

fn data_field(cell: &Cell) -> String {
    match cell {
        Cell::Text(t) => quoted(t, usize::MAX),
        Cell::Count(n) => n.map(|n| n.to_string()).unwrap_or_default(),
        Cell::Decimal(v) => v.map(|v| v.to_string()).unwrap_or_default(),
        Cell::Flag(f) => f.map(|f| u8::from(f).to_string()).unwrap_or_default(),
        Cell::Code(c) => c.to_string(),
    }
}

fn dataset(out: &mut String, sheet: &Sheet) {
    let names: Vec<String> = sheet
        .columns
        .iter()
        .map(|c| variable_name(&c.key))
        .collect();
    comment(out, &format!("Table {}: {}", sheet.name, sheet.title));
    let _ = writeln!(out, "DATA LIST LIST (\",\")");
    for (i, name) in names.iter().enumerate() {
        let _ = write!(
            out,
            "  {} {} ({})",
            if i == 0 { "/" } else { " " },
            name,
            format_of(sheet, i)
        );
        out.push('\n');
    }
    out.truncate(out.trim_end().len());
    out.push_str(".\nBEGIN DATA\n");
    for row in &sheet.rows {
        let fields: Vec<String> = row.iter().map(data_field).collect();
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out.push_str("END DATA.\n");
    let _ = writeln!(out, "DATASET NAME {}.", variable_name(&sheet.name));
    out.push_str("VARIABLE LABELS");
    for (i, (name, column)) in names.iter().zip(&sheet.columns).enumerate() {
        let _ = write!(
            out,
            "\n  {}{} {}",
            if i == 0 { "" } else { "/" },
            name,
            quoted(&column.label, 250)
        );
    }
    out.push_str(".\n");
    for (key, labels) in &sheet.value_labels {
        if labels.is_empty() {
            continue;
        }
        let _ = write!(out, "VALUE LABELS {}", variable_name(key));
        for (value, label) in labels {
            let value = match value {
                ValueKey::Text(t) => quoted(t, usize::MAX),
                ValueKey::Number(n) => n.to_string(),
            };
            let _ = write!(out, "\n  {value} {}", quoted(label, 120));
        }
        out.push_str(".\n");
    }
    for (key, codes) in &sheet.missing {
        let codes: Vec<String> = codes.iter().map(i64::to_string).collect();
        let _ = writeln!(
            out,
            "MISSING VALUES {} ({}).",
            variable_name(key),
            codes.join(", ")
        );
    }
    out.push_str("EXECUTE.\n\n");
}

pub fn to_sps(export: &Export) -> String {
    let mut out = String::new();
    comment(&mut out, "Encoding: UTF-8");
    comment(&mut out, &export.title);
    for (what, value) in &export.methods {
        comment(&mut out, &format!("{what}: {value}"));
    }
    comment(
        &mut out,
        "A hidden figure is system-missing (an empty field), whatever its true value, also 0",
    );
    if !export.codebook.is_empty() {
        comment(&mut out, "Codebook");
        for item in &export.codebook {
            comment(
                &mut out,
                &format!(
                    "{} ({}; domain {}; scale {})",
                    item.item, item.comparability_key, item.domain, item.scale
                ),
            );
            comment(&mut out, &format!("  nl: {}", item.text_nl));
            comment(&mut out, &format!("  en: {}", item.text_en));
            for (value, nl, en) in &item.answers {
                comment(&mut out, &format!("  {value} = {nl} / {en}"));
            }
            comment(
                &mut out,
                &format!("  {DONT_KNOW_CODE} = weet ik niet, wil ik niet zeggen / I don't know, I'd rather not say (missing)"),
            );
        }
    }
    out.push_str("SET DECIMAL=DOT.\n\n");
    for sheet in &export.sheets {
        dataset(&mut out, sheet);
    }
    out
}
