//! A wave is one round of measurement, with a lifecycle that only moves forward.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum WaveState {
    Draft,
    Open,
    Closed,
    Published,
}

impl WaveState {
    pub fn as_str(self) -> &'static str {
        match self {
            WaveState::Draft => "draft",
            WaveState::Open => "open",
            WaveState::Closed => "closed",
            WaveState::Published => "published",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "draft" => Ok(WaveState::Draft),
            "open" => Ok(WaveState::Open),
            "closed" => Ok(WaveState::Closed),
            "published" => Ok(WaveState::Published),
            other => Err(format!("{other:?} is not a wave state")),
        }
    }

    /// The only allowed transition from this state, if any: draft → open → closed → published.
    pub fn next(self) -> Option<WaveState> {
        match self {
            WaveState::Draft => Some(WaveState::Open),
            WaveState::Open => Some(WaveState::Closed),
            WaveState::Closed => Some(WaveState::Published),
            WaveState::Published => None,
        }
    }

    /// Codes are handed out before and during the wave, never after it closed.
    pub fn issues_codes(self) -> bool {
        matches!(self, WaveState::Draft | WaveState::Open)
    }

    /// Children may answer only while the wave is open.
    pub fn accepts_responses(self) -> bool {
        self == WaveState::Open
    }
}

/// A wave label appears in addresses (QR links, survey documents) and kiosk passes: 1 to 50
/// letters, digits, `-` and `_`.
pub fn is_label(label: &str) -> bool {
    (1..=50).contains(&label.chars().count())
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_fits_in_an_address() {
        assert!(is_label("2023") && is_label("2023-najaar_b"));
        for bad in ["", "20.23", "2023 ", "twee/drie", &"x".repeat(51)] {
            assert!(!is_label(bad), "{bad:?}");
        }
    }

    #[test]
    fn the_lifecycle_only_moves_forward() {
        assert_eq!(WaveState::Draft.next(), Some(WaveState::Open));
        assert_eq!(WaveState::Open.next(), Some(WaveState::Closed));
        assert_eq!(WaveState::Closed.next(), Some(WaveState::Published));
        assert_eq!(WaveState::Published.next(), None);
    }

    #[test]
    fn only_an_open_wave_accepts_responses() {
        for s in [WaveState::Draft, WaveState::Closed, WaveState::Published] {
            assert!(!s.accepts_responses());
        }
        assert!(WaveState::Open.accepts_responses());
    }
}
