//! The kind of place a child lives: every location has exactly one.

use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SettingType {
    /// Open residential groups.
    OpenResidential,
    /// Closed youth care (JeugdzorgPlus).
    Closed,
    /// Family-style homes.
    Gezinshuis,
    /// Foster care (pleegzorg).
    FosterCare,
    /// Youth justice institutions (JJI, KVJJ).
    Justice,
    /// Reception of unaccompanied minors.
    Amv,
}

impl SettingType {
    pub const ALL: [SettingType; 6] = [
        SettingType::OpenResidential,
        SettingType::Closed,
        SettingType::Gezinshuis,
        SettingType::FosterCare,
        SettingType::Justice,
        SettingType::Amv,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            SettingType::OpenResidential => "open_residential",
            SettingType::Closed => "closed",
            SettingType::Gezinshuis => "gezinshuis",
            SettingType::FosterCare => "foster_care",
            SettingType::Justice => "justice",
            SettingType::Amv => "amv",
        }
    }
}

impl SettingType {
    /// How the setting type is called on pages, in tables and in exports (its key, `as_str`,
    /// is for addresses, files and the register).
    pub fn label(self) -> &'static str {
        match self {
            SettingType::OpenResidential => "Open residential care",
            SettingType::Closed => "Closed youth care (JeugdzorgPlus)",
            SettingType::Gezinshuis => "Gezinshuis (family-style home)",
            SettingType::FosterCare => "Foster care",
            SettingType::Justice => "Youth justice (JJI)",
            SettingType::Amv => "Unaccompanied minors (AMV)",
        }
    }
}

impl fmt::Display for SettingType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("unknown setting type {0:?}; expected one of open_residential, closed, gezinshuis, foster_care, justice, amv")]
pub struct UnknownSettingType(pub String);

impl FromStr for SettingType {
    type Err = UnknownSettingType;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        SettingType::ALL
            .into_iter()
            .find(|t| t.as_str() == s.trim())
            .ok_or_else(|| UnknownSettingType(s.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_type_round_trips_through_its_name() {
        for t in SettingType::ALL {
            assert_eq!(t.as_str().parse::<SettingType>(), Ok(t));
        }
    }

    #[test]
    fn an_unknown_name_is_refused_with_the_list_of_valid_ones() {
        let err = "prison".parse::<SettingType>().unwrap_err();
        assert!(err.to_string().contains("gezinshuis"));
    }
}
