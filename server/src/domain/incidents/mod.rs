//! Incident counts: how many violence incidents an organisation recorded and reported in one
//! quarter, for the children it placed in one setting type, by kind and by who did it. The
//! quantitative half of the measurement, shown beside how safe children feel.
//!
//! The rules, checked here when a form is read: every count is a whole number, never negative,
//! and no more incidents reported than recorded; at least one child placed; the quarter lies in
//! a wave's period and has begun; the setting type is one the organisation has locations of.
//! Registering a quarter again is a correction: it replaces the quarter's figures.

mod quarter;
mod totals;

pub use quarter::Quarter;
pub use totals::IncidentTotals;

use super::SettingType;
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Kind {
    Physical,
    Sexual,
    Psychological,
}

impl Kind {
    pub const ALL: [Kind; 3] = [Kind::Physical, Kind::Sexual, Kind::Psychological];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Physical => "physical",
            Kind::Sexual => "sexual",
            Kind::Psychological => "psychological",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Who used the violence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Perpetrator {
    /// Another child or young person.
    Peer,
    /// A member of staff or a foster parent.
    Staff,
    /// Anyone else (a visitor, a family member, a stranger).
    Other,
}

impl Perpetrator {
    pub const ALL: [Perpetrator; 3] = [Perpetrator::Peer, Perpetrator::Staff, Perpetrator::Other];

    pub fn as_str(self) -> &'static str {
        match self {
            Perpetrator::Peer => "peer",
            Perpetrator::Staff => "staff",
            Perpetrator::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<Perpetrator> {
        Perpetrator::ALL.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Perpetrator::Peer => "by a peer",
            Perpetrator::Staff => "by staff or a foster parent",
            Perpetrator::Other => "by someone else",
        }
    }

    fn index(self) -> usize {
        self as usize
    }
}

/// Recorded incidents, and how many of them were reported (to the inspectorate, the police
/// or Veilig Thuis).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Tally {
    pub recorded: u32,
    pub reported: u32,
}

/// A count larger than this in one quarter is a typing error.
pub const MAX_COUNT: u32 = 100_000;
/// More children than the largest foster-care provider places.
pub const MAX_CHILDREN_PLACED: u32 = 100_000;

/// One organisation's figures for one setting type in one quarter.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QuarterReport {
    pub setting_type: SettingType,
    pub quarter: Quarter,
    pub children_placed: u32,
    /// `[kind][perpetrator]`, in the order of `Kind::ALL` and `Perpetrator::ALL`.
    cells: [[Tally; 3]; 3],
}

/// The form field for one count, e.g. `physical_peer_recorded`.
pub fn field_name(kind: Kind, perpetrator: Perpetrator, reported: bool) -> String {
    let which = if reported { "reported" } else { "recorded" };
    format!("{}_{}_{which}", kind.as_str(), perpetrator.as_str())
}

impl QuarterReport {
    /// A report with every count zero (the form starts from it).
    pub fn empty(setting_type: SettingType, quarter: Quarter, children_placed: u32) -> Self {
        QuarterReport {
            setting_type,
            quarter,
            children_placed,
            cells: Default::default(),
        }
    }

    pub fn cell(&self, kind: Kind, perpetrator: Perpetrator) -> Tally {
        self.cells[kind.index()][perpetrator.index()]
    }

    /// Sets one cell; refused when it breaks a rule (a stored row is checked like a form).
    pub fn set(
        &mut self,
        kind: Kind,
        perpetrator: Perpetrator,
        tally: Tally,
    ) -> Result<(), String> {
        check_tally(tally)?;
        self.cells[kind.index()][perpetrator.index()] = tally;
        Ok(())
    }

    /// Every cell with its kind and perpetrator.
    pub fn cells(&self) -> impl Iterator<Item = (Kind, Perpetrator, Tally)> + '_ {
        Kind::ALL.into_iter().flat_map(move |k| {
            Perpetrator::ALL
                .into_iter()
                .map(move |p| (k, p, self.cell(k, p)))
        })
    }

    pub fn recorded(&self) -> u64 {
        self.cells().map(|(_, _, t)| u64::from(t.recorded)).sum()
    }

    pub fn reported(&self) -> u64 {
        self.cells().map(|(_, _, t)| u64::from(t.reported)).sum()
    }

    /// Reads the form. `registrable` are the quarters that may be registered now (see
    /// `registrable_quarters`), `own_settings` the organisation's setting types. Every problem
    /// is returned, each starting with the field it is about.
    pub fn parse<'a>(
        field: impl Fn(&str) -> Option<&'a str>,
        registrable: &[Quarter],
        own_settings: &[SettingType],
    ) -> Result<QuarterReport, Vec<String>> {
        let mut problems = Vec::new();
        let quarter = match Quarter::parse(field("quarter").unwrap_or_default()) {
            Ok(q) if registrable.contains(&q) => Some(q),
            Ok(q) => {
                problems.push(format!(
                    "quarter: {q} cannot be registered: only quarters that have begun and lie in a wave's period can"
                ));
                None
            }
            Err(e) => {
                problems.push(format!("quarter: {e}"));
                None
            }
        };
        let setting_type = match field("setting_type")
            .unwrap_or_default()
            .parse::<SettingType>()
        {
            Ok(s) if own_settings.contains(&s) => Some(s),
            Ok(s) => {
                problems.push(format!(
                    "setting type: your organisation has no locations of the type {s}"
                ));
                None
            }
            Err(e) => {
                problems.push(format!("setting type: {e}"));
                None
            }
        };
        let children_placed = match whole_number(field("children_placed").unwrap_or_default()) {
            Ok(0) => {
                problems.push("children placed: at least 1 (the children placed in this setting type during the quarter)".to_string());
                None
            }
            Ok(n) if n > MAX_CHILDREN_PLACED => {
                problems.push(format!("children placed: at most {MAX_CHILDREN_PLACED}"));
                None
            }
            Ok(n) => Some(n),
            Err(e) => {
                problems.push(format!("children placed: {e}"));
                None
            }
        };
        let mut cells: [[Tally; 3]; 3] = Default::default();
        for kind in Kind::ALL {
            for perpetrator in Perpetrator::ALL {
                let label = format!("{} {}", kind.as_str(), perpetrator.label());
                let mut read = |reported: bool| {
                    let which = if reported { "reported" } else { "recorded" };
                    let raw = field(&field_name(kind, perpetrator, reported)).unwrap_or_default();
                    match whole_number(raw) {
                        Ok(n) if n > MAX_COUNT => {
                            problems.push(format!("{label}, {which}: at most {MAX_COUNT}"));
                            None
                        }
                        Ok(n) => Some(n),
                        Err(e) => {
                            problems.push(format!("{label}, {which}: {e}"));
                            None
                        }
                    }
                };
                let (recorded, reported) = (read(false), read(true));
                let tally = Tally {
                    recorded: recorded.unwrap_or(0),
                    reported: reported.unwrap_or(0),
                };
                // Compared only when both are numbers: one problem per mistake.
                if recorded.is_some() && reported.is_some() {
                    if let Err(e) = check_tally(tally) {
                        problems.push(format!("{label}: {e}"));
                    }
                }
                cells[kind.index()][perpetrator.index()] = tally;
            }
        }
        match (setting_type, quarter, children_placed) {
            (Some(setting_type), Some(quarter), Some(children_placed)) if problems.is_empty() => {
                Ok(QuarterReport {
                    setting_type,
                    quarter,
                    children_placed,
                    cells,
                })
            }
            _ => Err(problems),
        }
    }

    /// What a correction changed, for the audit log: "children placed 10 → 12; physical by a
    /// peer recorded 3 → 4". A first registration lists its totals.
    pub fn changes_from(&self, old: Option<&QuarterReport>) -> String {
        let Some(old) = old else {
            return format!(
                "new: children placed {}, recorded {}, reported {}",
                self.children_placed,
                self.recorded(),
                self.reported()
            );
        };
        let mut changes = Vec::new();
        if old.children_placed != self.children_placed {
            changes.push(format!(
                "children placed {} → {}",
                old.children_placed, self.children_placed
            ));
        }
        for (kind, perpetrator, new) in self.cells() {
            let before = old.cell(kind, perpetrator);
            let label = format!("{} {}", kind.as_str(), perpetrator.label());
            if before.recorded != new.recorded {
                changes.push(format!(
                    "{label} recorded {} → {}",
                    before.recorded, new.recorded
                ));
            }
            if before.reported != new.reported {
                changes.push(format!(
                    "{label} reported {} → {}",
                    before.reported, new.reported
                ));
            }
        }
        if changes.is_empty() {
            "correction: nothing changed".to_string()
        } else {
            format!("correction: {}", changes.join("; "))
        }
    }
}

fn check_tally(t: Tally) -> Result<(), String> {
    if t.reported > t.recorded {
        Err(format!(
            "more reported ({}) than recorded ({}); every reported incident is also a recorded one",
            t.reported, t.recorded
        ))
    } else if t.recorded > MAX_COUNT {
        Err(format!("at most {MAX_COUNT}"))
    } else {
        Ok(())
    }
}

fn whole_number(raw: &str) -> Result<u32, String> {
    let value = raw.trim();
    if value.is_empty() {
        return Err("is empty: type 0 when there were none".to_string());
    }
    match value.parse::<i64>() {
        Ok(n) if n < 0 => Err(format!("{n} is negative; counts start at 0")),
        Ok(n) => u32::try_from(n).map_err(|_| format!("{n} is far too large")),
        Err(_) => Err(format!("{value:?} is not a whole number")),
    }
}

/// The quarters that may be registered on `today`: those with a day in the period of a wave
/// (`periods` are the waves' opening and closing days), and begun already.
pub fn registrable_quarters(
    periods: &[(chrono::NaiveDate, chrono::NaiveDate)],
    today: chrono::NaiveDate,
) -> Vec<Quarter> {
    let mut quarters: Vec<Quarter> = periods
        .iter()
        .flat_map(|(from, to)| Quarter::covering(*from, *to))
        .filter(|q| q.first_day() <= today)
        .collect();
    quarters.sort();
    quarters.dedup();
    quarters
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests;
