//! The register as a publication freezes it: regions, organisations and their locations with
//! setting type and children placed. Everything published for a wave is grouped by this
//! snapshot, so a register changed later cannot regroup the same children into a second,
//! subtractable version.

use crate::domain::SettingType;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Register {
    pub regions: Vec<RegionEntry>,
    pub organisations: Vec<OrganisationEntry>,
    pub locations: Vec<LocationEntry>,
    /// Children who responded per organisation and setting type: what the live response page
    /// showed during the wave, so the engine treats it as known. Kept with the publication
    /// for the audit; never served (it holds groups under k).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub responded: Vec<Responded>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegionEntry {
    pub id: i32,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationEntry {
    pub id: i32,
    pub name: String,
    pub region: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocationEntry {
    pub id: i32,
    pub organisation: i32,
    pub name: String,
    pub setting_type: SettingType,
    pub children_placed: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Responded {
    pub organisation: i32,
    pub setting_type: SettingType,
    pub n: u64,
}

impl Register {
    /// The setting types of an organisation's locations, in the register's order.
    pub fn settings_of(&self, organisation: i32) -> Vec<SettingType> {
        let mut out: Vec<SettingType> = self
            .locations
            .iter()
            .filter(|l| l.organisation == organisation)
            .map(|l| l.setting_type)
            .collect();
        out.sort();
        out.dedup();
        out
    }

    pub fn region_of(&self, organisation: i32) -> Option<i32> {
        self.organisations
            .iter()
            .find(|o| o.id == organisation)
            .map(|o| o.region)
    }

    /// The register without what is kept only for the audit.
    pub fn as_served(&self) -> Register {
        Register {
            responded: Vec::new(),
            ..self.clone()
        }
    }
}
