//! A checker for the SPSS syntax this server writes (used by the tests): every command ends
//! with a period, quotes are balanced, every data line has a field per declared variable, and
//! every labelled or missing-coded variable was declared by the DATA LIST before it.

use std::collections::BTreeSet;

/// Splits a command's text into tokens: quoted strings (kept with their quotes), `/`, `(`,
/// `)`, and words. `None` when a quote is left open.
fn tokens(text: &str) -> Option<Vec<String>> {
    let mut out = Vec::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' | '\'' => {
                let mut s = String::from(c);
                loop {
                    let next = chars.next()?;
                    s.push(next);
                    if next == c {
                        // A doubled quote is a quote inside the string.
                        if chars.peek() == Some(&c) {
                            s.push(c);
                            chars.next();
                        } else {
                            break;
                        }
                    }
                }
                out.push(s);
            }
            '/' | '(' | ')' | ',' => out.push(c.to_string()),
            c if c.is_whitespace() => {}
            _ => {
                let mut word = String::from(c);
                while let Some(&n) = chars.peek() {
                    if n.is_whitespace() || "/()\"',".contains(n) {
                        break;
                    }
                    word.push(n);
                    chars.next();
                }
                out.push(word);
            }
        }
    }
    Some(out)
}

/// The fields of a LIST data line with `,` between them.
fn data_fields(line: &str) -> Option<usize> {
    let mut fields = 1;
    let mut in_quote = false;
    let mut chars = line.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '"' if in_quote && chars.peek() == Some(&'"') => {
                chars.next();
            }
            '"' => in_quote = !in_quote,
            ',' if !in_quote => fields += 1,
            _ => {}
        }
    }
    (!in_quote).then_some(fields)
}

fn is_value(token: &str) -> bool {
    token.starts_with(['"', '\'']) || token.parse::<f64>().is_ok()
}

/// Checks syntax as written by `to_sps`; returns every problem found.
pub fn check(syntax: &str) -> Result<(), Vec<String>> {
    let mut problems = Vec::new();
    let mut declared: BTreeSet<String> = BTreeSet::new();
    let mut commands: Vec<(usize, String)> = Vec::new();
    let mut lines = syntax.lines().enumerate();
    while let Some((no, line)) = lines.next() {
        let no = no + 1;
        if line.trim().is_empty() {
            continue;
        }
        if line.starts_with(char::is_whitespace) || line.starts_with('/') {
            match commands.last_mut() {
                Some((_, text)) => {
                    text.push('\n');
                    text.push_str(line);
                }
                None => problems.push(format!("line {no}: a continuation before any command")),
            }
            continue;
        }
        commands.push((no, line.to_string()));
        if line.trim() == "BEGIN DATA" {
            // The variables of the DATA LIST just before: one `(format)` each, after `LIST (",")`.
            let previous = commands.iter().rev().nth(1).map(|(_, t)| t.as_str());
            let Some(width) = previous
                .filter(|t| t.starts_with("DATA LIST"))
                .map(|t| t.matches('(').count().saturating_sub(1))
                .filter(|w| *w > 0)
            else {
                problems.push(format!(
                    "line {no}: BEGIN DATA without a DATA LIST with variables before it"
                ));
                continue;
            };
            // Data lines, up to END DATA, are not commands.
            loop {
                let Some((data_no, data)) = lines.next() else {
                    problems.push(format!("line {no}: BEGIN DATA without END DATA"));
                    break;
                };
                if data.trim() == "END DATA." {
                    commands.push((data_no + 1, data.to_string()));
                    break;
                }
                match data_fields(data) {
                    Some(n) if n == width => {}
                    Some(n) => problems.push(format!(
                        "line {}: {n} fields, {width} variables",
                        data_no + 1
                    )),
                    None => problems.push(format!("line {}: a quote left open", data_no + 1)),
                }
            }
        }
    }
    for (no, text) in &commands {
        let text = text.trim_end();
        if text == "BEGIN DATA" {
            continue;
        }
        if !text.ends_with('.') {
            problems.push(format!("line {no}: the command does not end with a period"));
        }
        if text.starts_with('*') {
            continue;
        }
        let Some(tokens) = tokens(text.trim_end_matches('.')) else {
            problems.push(format!("line {no}: a quote is left open"));
            continue;
        };
        let words: Vec<&str> = tokens.iter().map(String::as_str).collect();
        match words.as_slice() {
            ["DATA", "LIST", ..] => {
                declared.clear();
                let mut previous = "";
                for w in &words {
                    if *w == "(" && !previous.is_empty() {
                        declared.insert(previous.to_string());
                    }
                    previous = w;
                }
            }
            ["VARIABLE", "LABELS", rest @ ..] => {
                for part in rest.split(|t| *t == "/") {
                    if let Some(name) = part.first() {
                        if !declared.contains(*name) {
                            problems
                                .push(format!("line {no}: {name} is labelled but not declared"));
                        }
                    }
                }
            }
            ["VALUE", "LABELS", rest @ ..] | ["MISSING", "VALUES", rest @ ..] => {
                for name in rest.iter().take_while(|t| !is_value(t) && **t != "(") {
                    if !declared.contains(*name) {
                        problems.push(format!("line {no}: {name} has values but is not declared"));
                    }
                }
            }
            _ => {}
        }
    }
    if problems.is_empty() {
        Ok(())
    } else {
        Err(problems)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_checker_accepts_good_syntax_and_names_each_problem() {
        let good = "* A comment with a quote ' in it .\nDATA LIST LIST (\",\")\n  / a (A3)\n    b (F8.0).\nBEGIN DATA\n\"x,y\",1\n\"z\",\nEND DATA.\nVARIABLE LABELS a \"A\"\n  /b \"B \"\"b\"\"\".\nVALUE LABELS a\n  \"x\" \"Ex\".\nMISSING VALUES b (-1).\n";
        assert_eq!(check(good), Ok(()));
        let bad = "DATA LIST LIST (\",\")\n  / a (A3).\nBEGIN DATA\n\"x\",2\nEND DATA.\nVARIABLE LABELS c \"C\"\nVALUE LABELS a \"x \"X\".\n";
        let problems = check(bad).unwrap_err();
        assert!(
            problems.iter().any(|p| p.contains("2 fields")),
            "{problems:?}"
        );
        assert!(
            problems.iter().any(|p| p.contains("c is labelled")),
            "{problems:?}"
        );
        assert!(
            problems
                .iter()
                .any(|p| p.contains("does not end with a period")),
            "{problems:?}"
        );
        assert!(problems.iter().any(|p| p.contains("quote")), "{problems:?}");
    }
}
