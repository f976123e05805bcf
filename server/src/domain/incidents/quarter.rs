//! A calendar quarter ("2021 Q2"): the period incident counts are registered for.

use chrono::{Datelike, NaiveDate};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Quarter {
    year: i32,
    number: u8,
}

/// Incident counts go back no further than this (the first national measurement was 2021).
pub const FIRST_YEAR: i32 = 2000;
pub const LAST_YEAR: i32 = 2100;

impl Quarter {
    pub fn new(year: i32, number: u8) -> Result<Quarter, String> {
        if !(FIRST_YEAR..=LAST_YEAR).contains(&year) {
            return Err(format!(
                "the year {year} is not between {FIRST_YEAR} and {LAST_YEAR}"
            ));
        }
        if !(1..=4).contains(&number) {
            return Err(format!("a year has quarters 1 to 4, not {number}"));
        }
        Ok(Quarter { year, number })
    }

    /// "2021-Q2" (as in forms and addresses); also "2021 Q2" and lower case.
    pub fn parse(raw: &str) -> Result<Quarter, String> {
        let text = raw.trim().to_uppercase();
        let bad = || format!("{:?} is not a quarter like 2021-Q2", raw.trim());
        let (year, number) = text
            .split_once("-Q")
            .or_else(|| text.split_once(" Q"))
            .ok_or_else(bad)?;
        let year: i32 = year.trim().parse().map_err(|_| bad())?;
        let number: u8 = number.trim().parse().map_err(|_| bad())?;
        Quarter::new(year, number)
    }

    /// The quarter a day falls in.
    pub fn containing(day: NaiveDate) -> Quarter {
        Quarter {
            year: day.year(),
            number: (day.month0() / 3 + 1) as u8,
        }
    }

    pub fn year(self) -> i32 {
        self.year
    }

    pub fn number(self) -> u8 {
        self.number
    }

    pub fn first_day(self) -> NaiveDate {
        let month = u32::from(self.number - 1) * 3 + 1;
        NaiveDate::from_ymd_opt(self.year, month, 1).unwrap_or(NaiveDate::MIN)
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day().pred_opt().unwrap_or(NaiveDate::MAX)
    }

    pub fn next(self) -> Quarter {
        if self.number == 4 {
            Quarter {
                year: self.year + 1,
                number: 1,
            }
        } else {
            Quarter {
                year: self.year,
                number: self.number + 1,
            }
        }
    }

    /// Whether any day of this quarter lies in `from..=to`.
    pub fn overlaps(self, from: NaiveDate, to: NaiveDate) -> bool {
        self.first_day() <= to && from <= self.last_day()
    }

    /// Every quarter with a day in `from..=to`, oldest first.
    pub fn covering(from: NaiveDate, to: NaiveDate) -> Vec<Quarter> {
        let mut out = Vec::new();
        if to < from {
            return out;
        }
        let mut q = Quarter::containing(from);
        let last = Quarter::containing(to);
        while q <= last {
            out.push(q);
            q = q.next();
        }
        out
    }

    /// "2021-Q2", for a form value or an address.
    pub fn param(self) -> String {
        format!("{}-Q{}", self.year, self.number)
    }
}

impl fmt::Display for Quarter {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} Q{}", self.year, self.number)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn a_quarter_is_parsed_in_the_usual_spellings_and_refused_otherwise() {
        let q = Quarter::new(2021, 2).unwrap();
        for s in ["2021-Q2", "2021 Q2", " 2021-q2 "] {
            assert_eq!(Quarter::parse(s), Ok(q), "{s}");
        }
        for s in [
            "", "2021", "2021-Q5", "2021-Q0", "Q2-2021", "1999-Q1", "abcd-Q1",
        ] {
            assert!(Quarter::parse(s).is_err(), "{s} was accepted");
        }
        assert_eq!(q.param(), "2021-Q2");
        assert_eq!(q.to_string(), "2021 Q2");
    }

    #[test]
    fn a_quarter_knows_its_days() {
        let q = Quarter::new(2024, 1).unwrap();
        assert_eq!(q.first_day(), day("2024-01-01"));
        assert_eq!(q.last_day(), day("2024-03-31"));
        let q4 = Quarter::new(2023, 4).unwrap();
        assert_eq!(q4.last_day(), day("2023-12-31"));
        assert_eq!(q4.next(), q);
        assert_eq!(Quarter::containing(day("2023-10-02")), q4);
        assert_eq!(Quarter::containing(day("2023-09-30")).number(), 3);
    }

    #[test]
    fn the_quarters_of_a_wave_are_those_with_a_day_in_its_period() {
        let wave = (day("2021-03-01"), day("2021-06-30"));
        let quarters = Quarter::covering(wave.0, wave.1);
        assert_eq!(
            quarters,
            vec![
                Quarter::new(2021, 1).unwrap(),
                Quarter::new(2021, 2).unwrap()
            ]
        );
        assert!(quarters.iter().all(|q| q.overlaps(wave.0, wave.1)));
        assert!(!Quarter::new(2021, 3).unwrap().overlaps(wave.0, wave.1));
        assert!(!Quarter::new(2020, 4).unwrap().overlaps(wave.0, wave.1));
        assert!(Quarter::covering(wave.1, wave.0).is_empty());
    }
}
