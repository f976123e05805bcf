//! Reading a CSV of organisations and their locations, as researchers keep them in a
//! spreadsheet: `organisation,region,location,setting_type,children_placed`. Every problem is
//! reported with the row number a spreadsheet shows (the header is row 1), so a file can be
//! fixed in one go; nothing is imported from a file with any problem.

use super::SettingType;
use std::collections::HashMap;
use std::fmt;

pub const COLUMNS: [&str; 5] = [
    "organisation",
    "region",
    "location",
    "setting_type",
    "children_placed",
];
/// A national register has a few thousand locations; this leaves ample room.
pub const MAX_ROWS: usize = 20_000;

/// The name of a region, organisation or location: trimmed, 1 to 200 characters, on one line
/// (names are printed in tab-separated lists and on code cards).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct RegisterName(String);

impl RegisterName {
    /// The column is as wide as this (see the first migration).
    pub const MAX_CHARS: usize = 200;

    pub fn parse(raw: &str) -> Result<RegisterName, String> {
        let value = raw.trim();
        if value.is_empty() {
            Err("is empty".to_string())
        } else if value.chars().count() > Self::MAX_CHARS {
            Err(format!("is longer than {} characters", Self::MAX_CHARS))
        } else if value.chars().any(char::is_control) {
            Err(format!("{value:?} contains a tab or line break"))
        } else {
            Ok(RegisterName(value.to_string()))
        }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// Names are matched ignoring case: "De Linde" and "de linde" are one organisation.
    pub fn key(&self) -> String {
        self.0.to_lowercase()
    }
}

impl fmt::Display for RegisterName {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl AsRef<str> for RegisterName {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

/// How many children live at a location: a whole number from 0 to 10 000, the denominator of
/// its response rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct ChildrenPlaced(i32);

impl ChildrenPlaced {
    /// Far above the largest location (a foster-care team's caseload): a bigger number is a typo.
    pub const MAX: i32 = 10_000;

    pub fn new(n: i64) -> Result<ChildrenPlaced, String> {
        match i32::try_from(n) {
            Ok(n) if (0..=Self::MAX).contains(&n) => Ok(ChildrenPlaced(n)),
            _ => Err(format!("{n} is not between 0 and {}", Self::MAX)),
        }
    }

    pub fn parse(raw: &str) -> Result<ChildrenPlaced, String> {
        let value = raw.trim();
        match value.parse::<i64>() {
            Ok(n) => Self::new(n),
            Err(_) => Err(format!("{value:?} is not a whole number")),
        }
    }

    pub fn get(self) -> i32 {
        self.0
    }
}

impl fmt::Display for ChildrenPlaced {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// One location of the register, read from one row of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportRow {
    /// As a spreadsheet numbers it.
    pub row: usize,
    pub organisation: RegisterName,
    pub region: RegisterName,
    pub location: RegisterName,
    pub setting_type: SettingType,
    pub children_placed: ChildrenPlaced,
}

/// Dutch spreadsheet programs write `;`, others `,`: the header line tells which.
fn delimiter(header_line: &str) -> u8 {
    if header_line.matches(';').count() > header_line.matches(',').count() {
        b';'
    } else {
        b','
    }
}

/// Where each column is in the file, or every problem with the header.
fn read_header(header: &csv::StringRecord) -> Result<HashMap<&'static str, usize>, Vec<String>> {
    let mut errors = Vec::new();
    let mut position = HashMap::new();
    for (i, raw) in header.iter().enumerate() {
        let column = raw.trim().to_lowercase();
        match COLUMNS.iter().find(|c| **c == column) {
            None if column.is_empty() => {
                errors.push(format!("row 1: column {} has no name", i + 1));
            }
            None => errors.push(format!(
                "row 1: unknown column {column:?}; the columns are {}",
                COLUMNS.join(", ")
            )),
            Some(known) => {
                if position.insert(*known, i).is_some() {
                    errors.push(format!("row 1: the column {column} appears twice"));
                }
            }
        }
    }
    for column in COLUMNS {
        if !position.contains_key(column) {
            errors.push(format!("row 1: the column {column} is missing"));
        }
    }
    if errors.is_empty() {
        Ok(position)
    } else {
        Err(errors)
    }
}

/// Turns byte offsets into the row numbers a spreadsheet shows. The csv reader's own line
/// numbers count a record after blank lines from where the blank lines start, and a line
/// break inside a quoted field makes a new line in the file but not a new row.
struct RowCounter<'a> {
    text: &'a str,
    offset: usize,
    line: usize,
    breaks_inside_fields: usize,
}

impl<'a> RowCounter<'a> {
    fn new(text: &'a str) -> Self {
        RowCounter {
            text,
            offset: 0,
            line: 1,
            breaks_inside_fields: 0,
        }
    }

    /// The row of the record whose bytes (blank lines included) start at `start`.
    fn row_at(&mut self, start: usize, record: &csv::StringRecord) -> usize {
        let bytes = self.text.as_bytes();
        let start = start.clamp(self.offset, bytes.len());
        let first_field = bytes[start..]
            .iter()
            .position(|b| *b != b'\r' && *b != b'\n')
            .map_or(bytes.len(), |n| start + n);
        self.line += bytes[self.offset..first_field]
            .iter()
            .filter(|b| **b == b'\n')
            .count();
        self.offset = first_field;
        let row = self.line - self.breaks_inside_fields;
        self.breaks_inside_fields += record
            .iter()
            .map(|f| f.matches('\n').count())
            .sum::<usize>();
        row
    }
}

/// Parses the whole file; `Err` holds every problem found, one sentence each, in file order.
pub fn parse(text: &str) -> Result<Vec<ImportRow>, Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let header_line = text.lines().next().unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new()
        .delimiter(delimiter(header_line))
        // Rows with too few or too many fields are reported here, not by the reader.
        .flexible(true)
        .from_reader(text.as_bytes());
    let header = match reader.headers() {
        Ok(h) => h.clone(),
        Err(e) => return Err(vec![format!("row 1: cannot be read ({e})")]),
    };
    let position = read_header(&header)?;
    let mut rows = Vec::new();
    let mut errors = Vec::new();
    let mut counter = RowCounter::new(text);
    let mut seen_locations: HashMap<(String, String), usize> = HashMap::new();
    let mut regions: HashMap<String, (RegisterName, usize)> = HashMap::new();
    for (index, record) in reader.records().enumerate() {
        if index >= MAX_ROWS {
            errors.push(format!(
                "the file has more than {MAX_ROWS} rows; split it into smaller files"
            ));
            break;
        }
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                let row = e.position().map_or(index + 2, |p| p.line() as usize);
                errors.push(format!("row {row}: cannot be read ({e})"));
                continue;
            }
        };
        let start = record.position().map_or(0, |p| p.byte() as usize);
        let row = counter.row_at(start, &record);
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
        let field = |column: &str| {
            position
                .get(column)
                .and_then(|&i| record.get(i))
                .unwrap_or_default()
        };
        let mut problem = |column: &str, message: String| {
            errors.push(format!("row {row}, {column}: {message}"));
        };
        let organisation = RegisterName::parse(field("organisation"))
            .map_err(|m| problem("organisation", m))
            .ok();
        let region = RegisterName::parse(field("region"))
            .map_err(|m| problem("region", m))
            .ok();
        let location = RegisterName::parse(field("location"))
            .map_err(|m| problem("location", m))
            .ok();
        let setting_type = field("setting_type")
            .parse::<SettingType>()
            .map_err(|_| {
                problem(
                    "setting_type",
                    format!(
                        "{:?} is not one of {}",
                        field("setting_type").trim(),
                        SettingType::ALL.map(SettingType::as_str).join(", ")
                    ),
                )
            })
            .ok();
        let children_placed = ChildrenPlaced::parse(field("children_placed"))
            .map_err(|m| problem("children_placed", m))
            .ok();
        let (
            Some(organisation),
            Some(region),
            Some(location),
            Some(setting_type),
            Some(children_placed),
        ) = (
            organisation,
            region,
            location,
            setting_type,
            children_placed,
        )
        else {
            continue;
        };
        if let Some(first) = seen_locations.insert((organisation.key(), location.key()), row) {
            errors.push(format!(
                "row {row}, location: {:?} of {:?} is already on row {first}",
                location.as_str(),
                organisation.as_str(),
            ));
            continue;
        }
        match regions.get(&organisation.key()) {
            Some((other, first)) if other.key() != region.key() => {
                errors.push(format!(
                    "row {row}, region: {:?} is in region {:?} on row {first}; an organisation has one region",
                    organisation.as_str(),
                    other.as_str()
                ));
                continue;
            }
            Some(_) => {}
            None => {
                regions.insert(organisation.key(), (region.clone(), row));
            }
        }
        rows.push(ImportRow {
            row,
            organisation,
            region,
            location,
            setting_type,
            children_placed,
        });
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

    const HEADER: &str = "organisation,region,location,setting_type,children_placed\n";

    fn errors(body: &str) -> Vec<String> {
        parse(&format!("{HEADER}{body}")).expect_err("the file has problems")
    }

    #[test]
    fn a_good_file_with_semicolons_and_a_byte_order_mark_is_read() {
        let file = "\u{feff}Children_Placed;Organisation;Region;Location;Setting_Type\r\n\
                    10;De Linde;Utrecht;Groep Eik;open_residential\r\n\
                    4; De Linde ;Utrecht;Gezinshuis Noord;gezinshuis\r\n\
                    \r\n\
                    32;Pleegzorg West;Haaglanden;\"Team 1; Delft\";foster_care\r\n";
        let rows = parse(file).expect("a good file");
        assert_eq!(rows.len(), 3);
        assert_eq!(rows[0].row, 2);
        assert_eq!(
            rows[1].organisation.as_str(),
            "De Linde",
            "names are trimmed"
        );
        assert_eq!(rows[1].location.as_str(), "Gezinshuis Noord");
        assert_eq!(rows[1].setting_type, SettingType::Gezinshuis);
        assert_eq!(rows[2].row, 5, "a blank line is a row in a spreadsheet too");
        assert_eq!(rows[2].location.as_str(), "Team 1; Delft");
        assert_eq!(rows[2].region.as_str(), "Haaglanden");
        assert_eq!(rows[2].setting_type, SettingType::FosterCare);
        assert_eq!(rows[2].children_placed.get(), 32);
    }

    #[test]
    fn a_good_file_with_commas_is_read() {
        let rows = parse(&format!("{HEADER}A,R,L,amv,0\n")).expect("a good file");
        assert_eq!(rows.len(), 1);
        assert_eq!(rows[0].children_placed.get(), 0);
        assert_eq!(rows[0].setting_type, SettingType::Amv);
    }

    #[test]
    fn every_error_is_reported_with_its_row_and_column() {
        let found = errors(
            "De Linde,Utrecht,Groep Eik,open_residential,10\n\
             De Linde,Utrecht,Groep Es,open_residential,11\n\
             ,Utrecht,Groep Es,castle,abc\n\
             De Linde,Utrecht,Groep Beuk,closed,-1\n\
             X,Y,Z,amv\n\
             X,Y,Z2,amv,1,extra\n",
        );
        assert_eq!(
            found,
            [
                "row 4, organisation: is empty",
                "row 4, setting_type: \"castle\" is not one of open_residential, closed, gezinshuis, foster_care, justice, amv",
                "row 4, children_placed: \"abc\" is not a whole number",
                "row 5, children_placed: -1 is not between 0 and 10000",
                "row 6: has 4 fields, the header has 5",
                "row 7: has 6 fields, the header has 5",
            ]
        );
    }

    #[test]
    fn names_must_be_short_and_on_one_line() {
        let long = "x".repeat(201);
        let found = errors(&format!(
            "A,R,{long},closed,1\nA,\"R\nR\",L,closed,1\nA,  ,L2,closed,1\nA,R,L3,closed,1\n"
        ));
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(found[0], "row 2, location: is longer than 200 characters");
        assert!(found[1].starts_with("row 3, region:"), "{found:?}");
        assert!(found[1].contains("tab or line break"));
        // The line break inside the quoted field above does not make a new row.
        assert_eq!(found[2], "row 4, region: is empty");
        assert_eq!(
            RegisterName::parse(&"é".repeat(200)).map(|n| n.as_str().chars().count()),
            Ok(200),
            "characters are counted, not bytes"
        );
    }

    #[test]
    fn children_placed_is_a_whole_number_from_0_to_10000() {
        assert_eq!(
            ChildrenPlaced::parse(" 10000 ").map(ChildrenPlaced::get),
            Ok(10_000)
        );
        assert_eq!(
            errors(
                "A,R,L,closed,10001\nA,R,L2,closed,4.5\nA,R,L3,closed,99999999999\nA,R,L4,closed,\n"
            ),
            [
                "row 2, children_placed: 10001 is not between 0 and 10000",
                "row 3, children_placed: \"4.5\" is not a whole number",
                "row 4, children_placed: 99999999999 is not between 0 and 10000",
                "row 5, children_placed: \"\" is not a whole number",
            ]
        );
    }

    #[test]
    fn a_location_listed_twice_is_reported_ignoring_case() {
        assert_eq!(
            errors("De Linde,Utrecht,Groep Eik,closed,8\nde linde,Utrecht,groep eik,closed,9\n"),
            ["row 3, location: \"groep eik\" of \"de linde\" is already on row 2"]
        );
        // The same location name at another organisation is another location.
        assert!(parse(&format!(
            "{HEADER}A,R,Groep Eik,closed,8\nB,R,Groep Eik,closed,8\n"
        ))
        .is_ok());
    }

    #[test]
    fn an_organisation_in_two_regions_is_refused() {
        assert_eq!(
            errors("A,Utrecht,G1,closed,8\nA,Twente,G2,closed,8\nA,utrecht,G3,closed,8\n"),
            ["row 3, region: \"A\" is in region \"Utrecht\" on row 2; an organisation has one region"]
        );
    }

    #[test]
    fn the_header_must_have_exactly_the_columns() {
        let found = parse("organisation,region,location,kind,region\n").expect_err("a bad header");
        assert_eq!(
            found,
            [
                "row 1: unknown column \"kind\"; the columns are organisation, region, location, setting_type, children_placed",
                "row 1: the column region appears twice",
                "row 1: the column setting_type is missing",
                "row 1: the column children_placed is missing",
            ]
        );
        let extra = parse("organisation;region;location;setting_type;children_placed;\n")
            .expect_err("a nameless extra column");
        assert_eq!(extra, ["row 1: column 6 has no name"]);
    }

    #[test]
    fn an_empty_file_is_refused() {
        assert_eq!(
            parse(HEADER).expect_err("no rows"),
            ["the file holds no locations"]
        );
        assert!(parse("").is_err());
        assert_eq!(
            parse(&format!("{HEADER}\n\n ,,,,\n")).expect_err("only blank rows"),
            ["the file holds no locations"]
        );
    }

    #[test]
    fn a_file_too_long_is_refused() {
        let mut file = HEADER.to_string();
        for i in 0..=MAX_ROWS {
            file.push_str(&format!("A,R,L{i},closed,1\n"));
        }
        let found = parse(&file).expect_err("too many rows");
        assert_eq!(found.len(), 1);
        assert!(found[0].contains("more than 20000 rows"));
    }
}
