//! The fixed breakdowns of every results table.

use serde::{Deserialize, Serialize};

/// The fixed breakdowns. There are no free filters: two overlapping queries could otherwise be
/// subtracted from each other.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Dimension {
    Overall,
    SettingType,
    Region,
    AgeBand,
    Gender,
    Organisation,
    SettingTypeByAgeBand,
}

impl Dimension {
    pub const ALL: [Dimension; 7] = [
        Dimension::Overall,
        Dimension::SettingType,
        Dimension::Region,
        Dimension::AgeBand,
        Dimension::Gender,
        Dimension::Organisation,
        Dimension::SettingTypeByAgeBand,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Dimension::Overall => "overall",
            Dimension::SettingType => "setting_type",
            Dimension::Region => "region",
            Dimension::AgeBand => "age_band",
            Dimension::Gender => "gender",
            Dimension::Organisation => "organisation",
            Dimension::SettingTypeByAgeBand => "setting_type_by_age_band",
        }
    }

    /// How the breakdown is called on screen and in exports.
    pub fn title(self) -> &'static str {
        match self {
            Dimension::Overall => "All children",
            Dimension::SettingType => "Setting type",
            Dimension::Region => "Region",
            Dimension::AgeBand => "Age band",
            Dimension::Gender => "Gender",
            Dimension::Organisation => "Organisation",
            Dimension::SettingTypeByAgeBand => "Setting type by age band",
        }
    }

    pub fn parse(s: &str) -> Result<Dimension, String> {
        Dimension::ALL
            .into_iter()
            .find(|d| d.as_str() == s)
            .ok_or_else(|| {
                format!(
                    "{s:?} is not a breakdown; choose one of {}",
                    Dimension::ALL.map(Dimension::as_str).join(", ")
                )
            })
    }
}
