//! Checks an instrument file and reports every problem at once, each with where it is.

use super::definition::{InstrumentDef, Item, Scale, ScaleKind, Texts};
use std::collections::{BTreeSet, HashMap};
use std::fmt;

/// One problem in an instrument file: `location` names the item (by index and key) and field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentError {
    pub source: String,
    pub location: String,
    pub message: String,
}

impl fmt::Display for InstrumentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.location.is_empty() {
            write!(f, "{}: {}", self.source, self.message)
        } else {
            write!(f, "{}: {}: {}", self.source, self.location, self.message)
        }
    }
}

/// Every problem found in one file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InstrumentErrors(pub Vec<InstrumentError>);

impl InstrumentErrors {
    pub fn single(source: &str, location: &str, message: String) -> Self {
        InstrumentErrors(vec![InstrumentError {
            source: source.to_string(),
            location: location.to_string(),
            message,
        }])
    }
}

impl fmt::Display for InstrumentErrors {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "the instrument has {} problem(s):", self.0.len())?;
        for e in &self.0 {
            writeln!(f, "  - {e}")?;
        }
        Ok(())
    }
}

impl std::error::Error for InstrumentErrors {}

const MAX_TEXT_CHARS: usize = 400;
const MAX_OPEN_ANSWER_CHARS: usize = 5000;

struct Checker<'a> {
    source: &'a str,
    languages: &'a [String],
    errors: Vec<InstrumentError>,
}

impl Checker<'_> {
    fn fail(&mut self, location: impl Into<String>, message: impl Into<String>) {
        self.errors.push(InstrumentError {
            source: self.source.to_string(),
            location: location.into(),
            message: message.into(),
        });
    }

    fn texts(&mut self, location: &str, texts: &Texts) {
        for lang in self.languages {
            match texts.get(lang) {
                None => self.fail(
                    location,
                    format!("the text in language {lang:?} is missing"),
                ),
                Some(t) if t.trim().is_empty() => {
                    self.fail(location, format!("the text in language {lang:?} is empty"))
                }
                Some(t) if t.chars().count() > MAX_TEXT_CHARS => self.fail(
                    location,
                    format!(
                        "the text in language {lang:?} is longer than {MAX_TEXT_CHARS} characters"
                    ),
                ),
                Some(_) => {}
            }
        }
        for lang in texts.keys() {
            if !self.languages.contains(lang) {
                self.fail(location, format!("language {lang:?} is not in `languages`"));
            }
        }
    }

    fn key(&mut self, location: &str, key: &str, dots_allowed: bool) {
        let ok = key.len() <= 64
            && key.starts_with(|c: char| c.is_ascii_lowercase())
            && key.chars().all(|c| {
                c.is_ascii_lowercase()
                    || c.is_ascii_digit()
                    || c == '_'
                    || (dots_allowed && c == '.')
            });
        if !ok {
            self.fail(
                location,
                format!(
                    "{key:?} must start with a-z and hold only a-z, 0-9, _{} (64 at most)",
                    if dots_allowed { " and ." } else { "" }
                ),
            );
        }
    }

    fn values_in_scale(&mut self, location: &str, values: &[i16], scale: &Scale) {
        if values.is_empty() {
            self.fail(location, "the list of values is empty");
        }
        for v in values {
            if !scale.points.iter().any(|p| p.value == *v) {
                self.fail(
                    location,
                    format!("{v} is not a value of scale {:?}", scale.key),
                );
            }
        }
    }
}

pub(super) fn validate(source: &str, def: &InstrumentDef) -> Result<(), InstrumentErrors> {
    let mut c = Checker {
        source,
        languages: &def.languages,
        errors: Vec::new(),
    };

    if def.version.is_empty()
        || !def
            .version
            .chars()
            .all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-')
    {
        c.fail(
            "version",
            format!(
                "{:?} must be non-empty and hold only a-z, 0-9 and -",
                def.version
            ),
        );
    }
    if def.languages.is_empty() {
        c.fail("languages", "at least one language is needed");
    }
    let mut seen_lang = BTreeSet::new();
    for lang in &def.languages {
        if !seen_lang.insert(lang) {
            c.fail("languages", format!("{lang:?} is listed twice"));
        }
    }
    c.texts("title", &def.title);

    let mut scales: HashMap<&str, &Scale> = HashMap::new();
    for (i, scale) in def.scales.iter().enumerate() {
        let at = format!("scales[{i}] ({})", scale.key);
        c.key(&format!("{at}.key"), &scale.key, false);
        if scales.insert(&scale.key, scale).is_some() {
            c.fail(
                format!("{at}.key"),
                format!("scale {:?} is defined twice", scale.key),
            );
        }
        let values: Vec<i16> = scale.points.iter().map(|p| p.value).collect();
        let distinct: BTreeSet<i16> = values.iter().copied().collect();
        if distinct.len() != values.len() {
            c.fail(format!("{at}.points"), "two points have the same value");
        }
        let expected: Option<Vec<i16>> = match scale.kind {
            ScaleKind::Smiley => Some((1..=5).collect()),
            ScaleKind::Mark => Some((1..=10).collect()),
            ScaleKind::Choice => None,
        };
        match expected {
            Some(e) if values != e => c.fail(
                format!("{at}.points"),
                format!(
                    "a {:?} scale has the values {}..={} in order",
                    scale.kind,
                    e[0],
                    e[e.len() - 1]
                ),
            ),
            None if !(2..=7).contains(&values.len()) => {
                c.fail(format!("{at}.points"), "a choice scale has 2 to 7 points")
            }
            _ => {}
        }
        for (j, point) in scale.points.iter().enumerate() {
            c.texts(&format!("{at}.points[{j}].label"), &point.label);
        }
        c.values_in_scale(&format!("{at}.safe_values"), &scale.safe_values, scale);
    }

    let mut domains = BTreeSet::new();
    for (i, domain) in def.domains.iter().enumerate() {
        let at = format!("domains[{i}] ({})", domain.key);
        c.key(&format!("{at}.key"), &domain.key, false);
        if !domains.insert(domain.key.as_str()) {
            c.fail(
                format!("{at}.key"),
                format!("domain {:?} is defined twice", domain.key),
            );
        }
        c.texts(&format!("{at}.title"), &domain.title);
    }

    if def.items.is_empty() {
        c.fail("items", "an instrument needs at least one item");
    }
    let mut earlier: HashMap<&str, &Item> = HashMap::new();
    let mut comparability = BTreeSet::new();
    for (i, item) in def.items.iter().enumerate() {
        let at = format!("items[{i}] ({})", item.key);
        c.key(&format!("{at}.key"), &item.key, false);
        c.key(
            &format!("{at}.comparability_key"),
            &item.comparability_key,
            true,
        );
        if earlier.contains_key(item.key.as_str()) {
            c.fail(
                format!("{at}.key"),
                format!("item {:?} is defined twice", item.key),
            );
        }
        if !comparability.insert(item.comparability_key.as_str()) {
            c.fail(
                format!("{at}.comparability_key"),
                format!(
                    "comparability key {:?} is used twice",
                    item.comparability_key
                ),
            );
        }
        if !domains.contains(item.domain.as_str()) {
            c.fail(
                format!("{at}.domain"),
                format!("unknown domain {:?}", item.domain),
            );
        }
        c.texts(&format!("{at}.text"), &item.text);
        let scale = scales.get(item.scale.as_str()).copied();
        match scale {
            None => c.fail(
                format!("{at}.scale"),
                format!("unknown scale {:?}", item.scale),
            ),
            Some(scale) => {
                if let Some(values) = &item.safe_values {
                    c.values_in_scale(&format!("{at}.safe_values"), values, scale);
                }
                if !item.help_if.is_empty() {
                    c.values_in_scale(&format!("{at}.help_if"), &item.help_if, scale);
                }
            }
        }
        if let Some(cond) = &item.show_if {
            let loc = format!("{at}.show_if");
            if cond.setting_types.is_none() && cond.item.is_none() {
                c.fail(&loc, "a condition needs setting_types, or item with values");
            }
            if matches!(&cond.setting_types, Some(t) if t.is_empty()) {
                c.fail(&loc, "setting_types is empty");
            }
            match (&cond.item, &cond.values) {
                (Some(key), Some(values)) => match earlier.get(key.as_str()) {
                    None => c.fail(&loc, format!("item {key:?} must be an earlier item")),
                    Some(target) => {
                        if let Some(target_scale) = scales.get(target.scale.as_str()) {
                            c.values_in_scale(&format!("{loc}.values"), values, target_scale);
                        }
                    }
                },
                (Some(_), None) => c.fail(&loc, "item needs values"),
                (None, Some(_)) => c.fail(&loc, "values needs item"),
                (None, None) => {}
            }
        }
        earlier.insert(&item.key, item);
    }

    let open = &def.open_question;
    c.key("open_question.key", &open.key, false);
    c.key(
        "open_question.comparability_key",
        &open.comparability_key,
        true,
    );
    if earlier.contains_key(open.key.as_str()) {
        c.fail(
            "open_question.key",
            format!("{:?} is also an item key", open.key),
        );
    }
    c.texts("open_question.text", &open.text);
    if !(1..=MAX_OPEN_ANSWER_CHARS).contains(&open.max_length) {
        c.fail(
            "open_question.max_length",
            format!("must be between 1 and {MAX_OPEN_ANSWER_CHARS}"),
        );
    }

    if let Some(headline) = &def.headline {
        if !earlier.contains_key(headline.as_str()) {
            c.fail("headline", format!("{headline:?} is not an item key"));
        }
    }

    if c.errors.is_empty() {
        Ok(())
    } else {
        Err(InstrumentErrors(c.errors))
    }
}
