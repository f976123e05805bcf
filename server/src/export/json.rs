//! JSON: the methods note, each sheet as an array of objects keyed by column, and the
//! codebook. A hidden figure is `null`.

use super::Export;
use serde_json::{json, Map, Value};

pub fn to_json(export: &Export) -> String {
    let methods: Map<String, Value> = export
        .methods
        .iter()
        .map(|(k, v)| (k.clone(), Value::String(v.clone())))
        .collect();
    let sheets: Map<String, Value> = export
        .sheets
        .iter()
        .map(|sheet| {
            let rows: Vec<Value> = sheet
                .rows
                .iter()
                .map(|row| {
                    let object: Map<String, Value> = sheet
                        .columns
                        .iter()
                        .zip(row)
                        .map(|(c, cell)| (c.key.clone(), json!(cell)))
                        .collect();
                    Value::Object(object)
                })
                .collect();
            (sheet.name.clone(), Value::Array(rows))
        })
        .collect();
    let document = json!({
        "title": export.title,
        "methods": methods,
        "tables": sheets,
        "codebook": export.codebook,
    });
    serde_json::to_string_pretty(&document).unwrap_or_default()
}
