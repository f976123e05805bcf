//! The children of a wave as the publication groups them, and every row of every breakdown.
//!
//! Three layers of cells carry every count: *place* cells (one organisation, in one region,
//! in one setting type: the response page's grain), *setting × age* cells and *gender* cells.
//! Breakdowns by region, organisation and setting type add up place cells; by age band and
//! setting × age band, setting × age cells; by gender, gender cells. The layers meet in what
//! anyone can check: a setting type counted over organisations equals it counted over age
//! bands, and every layer adds up to the same total. No table crosses organisation with age
//! or gender, so nothing finer is needed to write down every sum that holds between tables
//! (a joint table of place × age would follow from these; see `blocks`).

use super::dimension::Dimension;
use super::register::Register;
use crate::domain::demographics::{AgeBand, Gender};
use crate::domain::SettingType;
use std::collections::BTreeMap;

/// The value "not said" takes in counts and rows (age band, gender).
pub const NOT_SAID_VALUE: &str = "";
pub const NOT_SAID: &str = "not said";
pub const TOTAL: &str = "total";

/// How a setting type is called in tables and exports.
pub fn setting_label(s: SettingType) -> &'static str {
    s.label()
}

/// (value, label) of every setting type.
pub fn setting_groups() -> Vec<(String, String)> {
    SettingType::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), setting_label(*s).to_string()))
        .collect()
}

/// (value, label) of every age band, then "not said".
pub fn age_groups() -> Vec<(String, String)> {
    AgeBand::ALL
        .iter()
        .map(|a| (a.as_str().to_string(), a.as_str().to_string()))
        .chain(std::iter::once((NOT_SAID_VALUE.into(), NOT_SAID.into())))
        .collect()
}

/// (value, label) of every gender, then "not said".
pub fn gender_groups() -> Vec<(String, String)> {
    Gender::ALL
        .iter()
        .map(|g| (g.as_str().to_string(), g.as_str().to_string()))
        .chain(std::iter::once((NOT_SAID_VALUE.into(), NOT_SAID.into())))
        .collect()
}

/// One organisation in one region in one setting type.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Place {
    pub organisation: i32,
    pub region: i32,
    pub setting: SettingType,
}

/// Which cells a row adds up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Members {
    /// Every place cell (the total).
    Total,
    /// Place cells (a region, an organisation).
    Places(Vec<usize>),
    /// A setting type: its place cells, which equal its setting × age cells.
    Setting(usize),
    /// An age band: its setting × age cells.
    Age(usize),
    /// One setting × age cell.
    SettingAge(usize),
    Gender(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    pub dimension: Dimension,
    pub value: String,
    pub label: String,
    pub members: Members,
}

/// A count as the server keeps it: one response's group (place, age band, gender), one
/// measure and value.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JointCount {
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting_type: String,
    pub age_band: String,
    pub gender: String,
    pub measure: String,
    pub value: i16,
    pub n: u64,
}

/// Joint counts added up one child (or linked pair) at a time.
#[derive(Debug, Default)]
pub struct Tally(BTreeMap<TallyKey, u64>);

/// Organisation, region, setting type, age band, gender, measure, value.
type TallyKey = (i32, i32, String, String, String, String, i16);

/// Where a tallied child belongs: organisation, region, setting type, age band, gender.
pub struct TallyGroup<'a> {
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting_type: &'a str,
    pub age_band: &'a str,
    pub gender: &'a str,
}

impl Tally {
    /// Counts one more of `measure` = `value` in `group`.
    pub fn add(&mut self, group: &TallyGroup, measure: String, value: i16) {
        *self
            .0
            .entry((
                group.organisation_id,
                group.region_id,
                group.setting_type.to_string(),
                group.age_band.to_string(),
                group.gender.to_string(),
                measure,
                value,
            ))
            .or_default() += 1;
    }

    pub fn into_counts(self) -> Vec<JointCount> {
        self.0
            .into_iter()
            .map(
                |(
                    (organisation_id, region_id, setting_type, age_band, gender, measure, value),
                    n,
                )| {
                    JointCount {
                        organisation_id,
                        region_id,
                        setting_type,
                        age_band,
                        gender,
                        measure,
                        value,
                        n,
                    }
                },
            )
            .collect()
    }
}

/// The cells of the three layers and every row of every breakdown.
#[derive(Debug, Clone)]
pub struct Population {
    pub places: Vec<Place>,
    pub settings: Vec<SettingType>,
    /// Age band values, "not said" last.
    pub ages: Vec<String>,
    pub genders: Vec<String>,
    /// Rows per breakdown, each table's total first.
    pub tables: Vec<(Dimension, Vec<Group>)>,
}

/// Counts of one measure and value per cell of each layer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Layers {
    pub place: Vec<u64>,
    /// Index `setting × ages.len() + age`.
    pub setting_age: Vec<u64>,
    pub gender: Vec<u64>,
}

impl Population {
    /// The place cells are the register's (organisation, region, setting type) of every
    /// location, and any the counts name besides (children of a group that left the
    /// register still count in the totals).
    pub fn new(register: &Register, counts: &[JointCount]) -> Population {
        let mut places: Vec<Place> = register
            .locations
            .iter()
            .filter_map(|l| {
                Some(Place {
                    organisation: l.organisation,
                    region: register.region_of(l.organisation)?,
                    setting: l.setting_type,
                })
            })
            .collect();
        for c in counts {
            if let Ok(setting) = c.setting_type.parse() {
                places.push(Place {
                    organisation: c.organisation_id,
                    region: c.region_id,
                    setting,
                });
            }
        }
        places.sort();
        places.dedup();
        let settings = SettingType::ALL.to_vec();
        let ages: Vec<String> = age_groups().into_iter().map(|(v, _)| v).collect();
        let genders: Vec<String> = gender_groups().into_iter().map(|(v, _)| v).collect();
        let mut p = Population {
            places,
            settings,
            ages,
            genders,
            tables: Vec::new(),
        };
        p.tables = p.groups(register);
        p
    }

    fn groups(&self, register: &Register) -> Vec<(Dimension, Vec<Group>)> {
        let total = || Group {
            dimension: Dimension::Overall,
            value: TOTAL.into(),
            label: "All children".into(),
            members: Members::Total,
        };
        let places_where = |f: &dyn Fn(&Place) -> bool| -> Vec<usize> {
            (0..self.places.len())
                .filter(|&i| f(&self.places[i]))
                .collect()
        };
        let with = |dimension: Dimension, rows: Vec<Group>| {
            let mut all = vec![Group {
                dimension,
                ..total()
            }];
            all.extend(rows);
            (dimension, all)
        };
        let settings: Vec<Group> = self
            .settings
            .iter()
            .enumerate()
            .map(|(i, s)| Group {
                dimension: Dimension::SettingType,
                value: s.as_str().into(),
                label: setting_label(*s).into(),
                members: Members::Setting(i),
            })
            .collect();
        let regions: Vec<Group> = register
            .regions
            .iter()
            .map(|r| Group {
                dimension: Dimension::Region,
                value: r.id.to_string(),
                label: r.name.clone(),
                members: Members::Places(places_where(&|p| p.region == r.id)),
            })
            .collect();
        let ages: Vec<Group> = age_groups()
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Group {
                dimension: Dimension::AgeBand,
                value,
                label,
                members: Members::Age(i),
            })
            .collect();
        let genders: Vec<Group> = gender_groups()
            .into_iter()
            .enumerate()
            .map(|(i, (value, label))| Group {
                dimension: Dimension::Gender,
                value,
                label,
                members: Members::Gender(i),
            })
            .collect();
        let organisations: Vec<Group> = register
            .organisations
            .iter()
            .map(|o| Group {
                dimension: Dimension::Organisation,
                value: o.id.to_string(),
                label: o.name.clone(),
                members: Members::Places(places_where(&|p| p.organisation == o.id)),
            })
            .collect();
        let age_labels = age_groups();
        let mut two_way = Vec::new();
        for (s, setting) in self.settings.iter().enumerate() {
            for (a, (value, label)) in age_labels.iter().enumerate() {
                two_way.push(Group {
                    dimension: Dimension::SettingTypeByAgeBand,
                    value: format!("{}|{value}", setting.as_str()),
                    label: format!("{}, {label}", setting_label(*setting)),
                    members: Members::SettingAge(s * age_labels.len() + a),
                });
            }
        }
        vec![
            with(Dimension::Overall, Vec::new()),
            with(Dimension::SettingType, settings),
            with(Dimension::Region, regions),
            with(Dimension::AgeBand, ages),
            with(Dimension::Gender, genders),
            with(Dimension::Organisation, organisations),
            with(Dimension::SettingTypeByAgeBand, two_way),
        ]
    }

    pub fn setting_ages(&self) -> usize {
        self.settings.len() * self.ages.len()
    }

    /// The counts of one measure per cell of each layer, value by value.
    pub fn layers(&self, counts: &[JointCount], measure: &str) -> BTreeMap<i16, Layers> {
        let place_index: BTreeMap<&Place, usize> = self
            .places
            .iter()
            .enumerate()
            .map(|(i, p)| (p, i))
            .collect();
        let mut out: BTreeMap<i16, Layers> = BTreeMap::new();
        for c in counts.iter().filter(|c| c.measure == measure) {
            let Ok(setting) = c.setting_type.parse::<SettingType>() else {
                continue;
            };
            let layers = out.entry(c.value).or_insert_with(|| Layers {
                place: vec![0; self.places.len()],
                setting_age: vec![0; self.setting_ages()],
                gender: vec![0; self.genders.len()],
            });
            let place = Place {
                organisation: c.organisation_id,
                region: c.region_id,
                setting,
            };
            if let Some(&i) = place_index.get(&place) {
                layers.place[i] += c.n;
            }
            let s = self
                .settings
                .iter()
                .position(|x| *x == setting)
                .unwrap_or(0);
            // A value this publication does not list counts as "not said".
            let a = self
                .ages
                .iter()
                .position(|x| *x == c.age_band)
                .unwrap_or(self.ages.len() - 1);
            layers.setting_age[s * self.ages.len() + a] += c.n;
            let g = self
                .genders
                .iter()
                .position(|x| *x == c.gender)
                .unwrap_or(self.genders.len() - 1);
            layers.gender[g] += c.n;
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::results::register::{LocationEntry, OrganisationEntry, RegionEntry};

    fn count(org: i32, setting: &str, age: &str, n: u64) -> JointCount {
        JointCount {
            organisation_id: org,
            region_id: 1,
            setting_type: setting.into(),
            age_band: age.into(),
            gender: "girl".into(),
            measure: "_respondents".into(),
            value: 0,
            n,
        }
    }

    #[test]
    fn every_breakdown_lists_every_value_and_layers_add_up() {
        let register = Register {
            regions: vec![RegionEntry {
                id: 1,
                name: "Twente".into(),
            }],
            organisations: vec![OrganisationEntry {
                id: 7,
                name: "De Linde".into(),
                region: 1,
            }],
            locations: vec![LocationEntry {
                id: 1,
                organisation: 7,
                name: "Eik".into(),
                setting_type: SettingType::Closed,
                children_placed: 10,
            }],
            responded: Vec::new(),
        };
        let counts = [count(7, "closed", "12-14", 3), count(7, "amv", "weird", 2)];
        let p = Population::new(&register, &counts);
        assert_eq!(
            p.places.len(),
            2,
            "the register's place and the counted one"
        );
        let two_way = &p.tables[6].1;
        assert_eq!(two_way.len(), 1 + 6 * 5);
        assert_eq!(two_way[0].value, TOTAL);
        let layers = p.layers(&counts, "_respondents");
        let l = &layers[&0];
        assert_eq!(l.place.iter().sum::<u64>(), 5);
        assert_eq!(l.setting_age.iter().sum::<u64>(), 5);
        assert_eq!(l.gender, vec![5, 0, 0, 0]);
        let amv = p
            .settings
            .iter()
            .position(|s| *s == SettingType::Amv)
            .unwrap();
        assert_eq!(
            l.setting_age[amv * 5 + 4],
            2,
            "an unknown age band is not said"
        );
    }
}
