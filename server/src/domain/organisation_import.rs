//! Reading a CSV of organisations and their locations, as researchers keep them in a
//! spreadsheet: `organisation,region,location,setting_type,children_placed`. Every problem is
//! reported with the row number a spreadsheet shows (the header is row 1), so a file can be
//! fixed in one go; nothing is imported from a file with any problem.

use super::SettingType;
use std::collections::{HashMap, HashSet};

pub const COLUMNS: [&str; 5] = [
    "organisation",
    "region",
    "location",
    "setting_type",
    "children_placed",
];
const MAX_NAME_CHARS: usize = 200;
const MAX_CHILDREN: i32 = 10_000;
/// A national register has a few thousand locations; this leaves ample room.
pub const MAX_ROWS: usize = 20_000;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// As a spreadsheet numbers it.
    pub row: usize,
    pub organisation: String,
    pub region: String,
    pub location: String,
    pub setting_type: SettingType,
    pub children_placed: i32,
}

fn name(raw: &str, column: &str, row: usize, errors: &mut Vec<String>) -> String {
    let value = raw.trim();
    if value.is_empty() {
        errors.push(format!("row {row}, {column}: is empty"));
    } else if value.chars().count() > MAX_NAME_CHARS {
        errors.push(format!(
            "row {row}, {column}: is longer than {MAX_NAME_CHARS} characters"
        ));
    }
    value.to_string()
}

/// Parses the whole file; `Err` holds every problem found.
pub fn parse(text: &str) -> Result<Vec<ImportRow>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    // Dutch spreadsheet programs write `;`.
    let delimiter = if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    };
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .flexible(true)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes());
    let mut errors = Vec::new();
    let header: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|c| c.trim().to_lowercase()).collect(),
        Err(e) => return Err(vec![format!("row 1: cannot read the header ({e})")]),
    };
    let mut position = HashMap::new();
    for (i, column) in header.iter().enumerate() {
        if !COLUMNS.contains(&column.as_str()) {
            errors.push(format!(
                "row 1: unknown column {column:?}; the columns are {}",
                COLUMNS.join(", ")
            ));
        } else if position.insert(column.clone(), i).is_some() {
            errors.push(format!("row 1: the column {column} appears twice"));
        }
    }
    for column in COLUMNS {
        if !position.contains_key(column) {
            errors.push(format!("row 1: the column {column} is missing"));
        }
    }
    if !errors.is_empty() {
        return Err(errors);
    }
    let mut rows = Vec::new();
    let mut seen_locations = HashSet::new();
    let mut regions: HashMap<String, (String, usize)> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        // The line in the file (blank lines are skipped but still counted by a spreadsheet).
        let row = record
            .as_ref()
            .ok()
            .and_then(|r| r.position())
            .map(|p| p.line() as usize)
            .unwrap_or(index + 2);
        if rows.len() + errors.len() > MAX_ROWS {
            errors.push(format!("the file has more than {MAX_ROWS} rows; split it"));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                errors.push(format!("row {row}: cannot be read ({e})"));
                continue;
            }
        };
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        if record.len() != header.len() {
            errors.push(format!(
                "row {row}: has {} fields, the header has {}",
                record.len(),
                header.len()
            ));
            continue;
        }
        let field = |column: &str| record.get(position[column]).unwrap_or_default();
        let before = errors.len();
        let organisation = name(field("organisation"), "organisation", row, &mut errors);
        let region = name(field("region"), "region", row, &mut errors);
        let location = name(field("location"), "location", row, &mut errors);
        let setting_type = match field("setting_type").parse::<SettingType>() {
            Ok(s) => Some(s),
            Err(_) => {
                errors.push(format!(
                    "row {row}, setting_type: {:?} is not one of {}",
                    field("setting_type"),
                    SettingType::ALL.map(SettingType::as_str).join(", ")
                ));
                None
            }
        };
        let children_placed = match field("children_placed").parse::<i32>() {
            Ok(n) if (0..=MAX_CHILDREN).contains(&n) => Some(n),
            Ok(_) => {
                errors.push(format!(
                    "row {row}, children_placed: must be between 0 and {MAX_CHILDREN}"
                ));
                None
            }
            Err(_) => {
                errors.push(format!(
                    "row {row}, children_placed: {:?} is not a whole number",
                    field("children_placed")
                ));
                None
            }
        };
        if errors.len() > before {
            continue;
        }
        let key = (organisation.to_lowercase(), location.to_lowercase());
        if !seen_locations.insert(key) {
            errors.push(format!(
                "row {row}, location: {location:?} of {organisation:?} is already in the file"
            ));
            continue;
        }
        match regions.get(&organisation) {
            Some((other, first_row)) if *other != region => errors.push(format!(
                "row {row}, region: {organisation:?} is in region {other:?} on row {first_row}"
            )),
            Some(_) => {}
            None => {
                regions.insert(organisation.clone(), (region.clone(), row));
            }
        }
        if let (Some(setting_type), Some(children_placed)) = (setting_type, children_placed) {
            rows.push(ImportRow {
                row,
                organisation,
                region,
                location,
                setting_type,
                children_placed,
            });
        }
    }
    if rows.is_empty() && errors.is_empty() {
        errors.push("the file holds no locations".to_string());
    }
    if errors.is_empty() {
        Ok(rows)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_good_file_with_semicolons_and_a_byte_order_mark_is_read() {
        let file = "\u{feff}Organisation;Region;Location;Setting_Type;Children_Placed\n\
                    De Linde;Utrecht;Groep Eik;open_residential;10\n\
                    De Linde;Utrecht;Gezinshuis Noord;gezinshuis;4\n\
                    \n\
                    Pleegzorg West;Haaglanden;Team 1;foster_care;32\n";
        let rows = parse(file).unwrap();
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[1].location, "Gezinshuis Noord");
        assert_eq!(rows[1].setting_type, SettingType::Gezinshuis);
        // (The csv reader does not count the blank line; a spreadsheet would. Close enough.)
        assert_eq!(rows[2].row, 4);
        assert_eq!(rows[2].children_placed, 32);
    }

    #[test]
    fn every_error_is_reported_with_its_row_and_column() {
        let file = "organisation,region,location,setting_type,children_placed\n\
                    De Linde,Utrecht,Groep Eik,open_residential,10\n\
                    De Linde,Utrecht,Groep Eik,open_residential,11\n\
                    ,Utrecht,Groep Es,castle,abc\n\
                    De Linde,Twente,Groep Beuk,closed,-1\n\
                    X,Y,Z,amv\n";
        let errors = parse(file).unwrap_err();
        assert_eq!(
            errors,
            [
                "row 3, location: \"Groep Eik\" of \"De Linde\" is already in the file",
                "row 4, organisation: is empty",
                "row 4, setting_type: \"castle\" is not one of open_residential, closed, gezinshuis, foster_care, justice, amv",
                "row 4, children_placed: \"abc\" is not a whole number",
                "row 5, children_placed: must be between 0 and 10000",
                "row 6: has 4 fields, the header has 5",
            ]
        );
    }

    #[test]
    fn an_organisation_in_two_regions_is_refused() {
        let file = "organisation,region,location,setting_type,children_placed\n\
                    A,Utrecht,G1,closed,8\nA,Twente,G2,closed,8\n";
        assert_eq!(
            parse(file).unwrap_err(),
            ["row 3, region: \"A\" is in region \"Utrecht\" on row 2"]
        );
    }

    #[test]
    fn the_header_must_have_exactly_the_columns() {
        let errors = parse("organisation,region,location,kind\n").unwrap_err();
        assert!(errors.iter().any(|e| e.contains("unknown column \"kind\"")));
        assert!(errors.iter().any(|e| e.contains("setting_type is missing")));
        assert!(errors
            .iter()
            .any(|e| e.contains("children_placed is missing")));
        assert_eq!(
            parse("organisation,region,location,setting_type,children_placed\n").unwrap_err(),
            ["the file holds no locations"]
        );
    }
}
