//! Client numbers: an institution's own number for a child, used once to derive a pseudonym
//! and then forgotten. Never stored, never logged.

use std::collections::HashSet;
use std::fmt;

pub const MAX_CLIENT_NUMBER_CHARS: usize = 64;
/// One upload makes at most this many codes.
pub const MAX_CLIENT_NUMBERS: usize = 5_000;

#[derive(Clone, PartialEq, Eq)]
pub struct ClientNumber(String);

impl ClientNumber {
    pub fn parse(raw: &str) -> Result<ClientNumber, String> {
        let trimmed = raw.trim();
        if trimmed.is_empty() {
            return Err("is empty".to_string());
        }
        if trimmed.chars().count() > MAX_CLIENT_NUMBER_CHARS {
            return Err(format!(
                "is longer than {MAX_CLIENT_NUMBER_CHARS} characters"
            ));
        }
        if trimmed.chars().any(char::is_control) {
            return Err("holds a control character".to_string());
        }
        Ok(ClientNumber(trimmed.to_string()))
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for ClientNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ClientNumber([redacted])")
    }
}

/// A list pasted or uploaded by an institution: one client number per line (a one-column CSV
/// works too; a header line `client_number` is skipped). Every problem is reported with its
/// line number; the messages never repeat the client number itself.
pub fn parse_list(text: &str) -> Result<Vec<ClientNumber>, Vec<String>> {
    let mut numbers = Vec::new();
    let mut errors = Vec::new();
    let mut seen = HashSet::new();
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let value = line.trim().trim_end_matches([',', ';']).trim_matches('"');
        if value.is_empty() || (line_no == 1 && value.eq_ignore_ascii_case("client_number")) {
            continue;
        }
        match ClientNumber::parse(value) {
            Ok(n) if !seen.insert(n.0.clone()) => errors.push(format!(
                "line {line_no}: this client number is already in the list"
            )),
            Ok(n) => numbers.push(n),
            Err(e) => errors.push(format!("line {line_no}: the client number {e}")),
        }
    }
    if numbers.is_empty() && errors.is_empty() {
        errors.push("the list holds no client numbers".to_string());
    }
    if numbers.len() > MAX_CLIENT_NUMBERS {
        errors.push(format!(
            "one list holds at most {MAX_CLIENT_NUMBERS} client numbers; split it"
        ));
    }
    if errors.is_empty() {
        Ok(numbers)
    } else {
        Err(errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_is_read_line_by_line_with_a_header_and_blank_lines() {
        let list = parse_list("client_number\n 1001 \n\n\"1002\";\nA-17\n").unwrap();
        let got: Vec<&str> = list.iter().map(|n| n.expose()).collect();
        assert_eq!(got, ["1001", "1002", "A-17"]);
    }

    #[test]
    fn every_problem_is_named_by_its_line_without_the_number() {
        let long = "9".repeat(65);
        let errors = parse_list(&format!("1001\n1001\n{long}\nok\u{7}x")).unwrap_err();
        assert_eq!(
            errors,
            [
                "line 2: this client number is already in the list",
                "line 3: the client number is longer than 64 characters",
                "line 4: the client number holds a control character",
            ]
        );
        assert!(errors.iter().all(|e| !e.contains("1001")));
        assert_eq!(
            parse_list("\n\n").unwrap_err(),
            ["the list holds no client numbers"]
        );
    }

    #[test]
    fn client_numbers_never_print() {
        let n = ClientNumber::parse("1001").unwrap();
        assert_eq!(format!("{n:?}"), "ClientNumber([redacted])");
    }
}
