//! The families of tables, built from the register: every value of every breakdown is listed
//! (also when no child has it), and every cell the counts name is in the family, so the
//! total is the real total.

use super::NOT_SAID;
use crate::domain::demographics::{AgeBand, Gender};
use crate::domain::results::family::{Family, FamilyKind, Group, TableSpec};
use crate::domain::results::{Count, Dimension};
use crate::domain::SettingType;
use crate::store::organisations;
use sea_orm::{ConnectionTrait, DbErr};
use std::collections::{BTreeMap, BTreeSet};

/// (value, label) of each answer a child can give about themselves, then "not said" ('').
fn said_or_not(values: impl Iterator<Item = &'static str>) -> Vec<(String, String)> {
    values
        .map(|v| (v.to_string(), v.to_string()))
        .chain(std::iter::once((String::new(), NOT_SAID.to_string())))
        .collect()
}

/// (value, label) of every age band, then "not said" (stored as '').
pub fn age_groups() -> Vec<(String, String)> {
    said_or_not(AgeBand::ALL.iter().map(|a| a.as_str()))
}

/// (value, label) of every gender, then "not said".
pub fn gender_groups() -> Vec<(String, String)> {
    said_or_not(Gender::ALL.iter().map(|g| g.as_str()))
}

/// How a setting type is called in tables and exports.
pub fn setting_label(s: SettingType) -> &'static str {
    match s {
        SettingType::OpenResidential => "Open residential care",
        SettingType::Closed => "Closed youth care (JeugdzorgPlus)",
        SettingType::Gezinshuis => "Gezinshuis (family-style home)",
        SettingType::FosterCare => "Foster care",
        SettingType::Justice => "Youth justice (JJI)",
        SettingType::Amv => "Unaccompanied minors (AMV)",
    }
}

/// (value, label) of every setting type.
pub fn setting_groups() -> Vec<(String, String)> {
    SettingType::ALL
        .iter()
        .map(|s| (s.as_str().to_string(), setting_label(*s).to_string()))
        .collect()
}

pub async fn family<C: ConnectionTrait>(
    db: &C,
    kind: FamilyKind,
    counts: &[Count],
) -> Result<Family, DbErr> {
    let keys = counts.iter().map(|c| c.group.as_str());
    Ok(match kind {
        FamilyKind::Whole => Family::one_way(
            Dimension::Overall,
            vec![("all".into(), "All children".into())],
        )
        .with_cells_for(keys),
        FamilyKind::Gender => {
            Family::one_way(Dimension::Gender, gender_groups()).with_cells_for(keys)
        }
        FamilyKind::Place => place(db, keys).await?,
        FamilyKind::Setting => setting(keys),
    })
}

/// Adds a cell for every key the counts name that the register does not (a group that left
/// it): those children still count toward the total.
fn with_counted<'a>(cells: &mut Vec<String>, keys: impl Iterator<Item = &'a str>) {
    let known: BTreeSet<String> = cells.iter().cloned().collect();
    let extra: BTreeSet<String> = keys
        .filter(|k| !known.contains(*k))
        .map(str::to_string)
        .collect();
    cells.extend(extra);
}

/// Tables whose rows are the cells for which `belongs(row value, cell key)` holds.
fn table_of(
    dimension: Dimension,
    rows: Vec<(String, String)>,
    cells: &[String],
    belongs: impl Fn(&str, &str) -> bool,
) -> TableSpec {
    TableSpec {
        dimension,
        groups: rows
            .into_iter()
            .map(|(value, label)| Group {
                cells: (0..cells.len())
                    .filter(|&c| belongs(&value, &cells[c]))
                    .collect(),
                value,
                label,
            })
            .collect(),
    }
}

/// Regions and organisations. A cell is one organisation in one region (`organisation|region`,
/// as responses were counted), so an organisation that moved region is still summed right.
async fn place<'a, C: ConnectionTrait>(
    db: &C,
    keys: impl Iterator<Item = &'a str>,
) -> Result<Family, DbErr> {
    let regions = organisations::list_regions(db).await?;
    let orgs = organisations::list_organisations_with_region(db).await?;
    // The setting types of each organisation's locations: a question asked only in closed
    // settings is known to be 0 at an organisation without closed locations.
    let mut settings_of: BTreeMap<String, BTreeSet<SettingType>> = BTreeMap::new();
    for l in organisations::list_locations(db, crate::domain::staff::Scope::National).await? {
        settings_of
            .entry(l.organisation_id.to_string())
            .or_default()
            .insert(l.setting_type);
    }
    let mut cells: Vec<String> = orgs
        .iter()
        .map(|(id, _, region)| format!("{id}|{region}"))
        .collect();
    with_counted(&mut cells, keys);
    let part = |key: &str, i: usize| key.split('|').nth(i).map(str::to_string);
    let region_rows = regions
        .iter()
        .map(|(id, name)| (id.to_string(), name.clone()))
        .collect();
    let org_rows = orgs
        .iter()
        .map(|(id, name, _)| (id.to_string(), name.clone()))
        .collect();
    let cell_settings = cells
        .iter()
        .map(|key| {
            let org = part(key, 0)?;
            settings_of.get(&org).map(|s| s.iter().copied().collect())
        })
        .collect();
    Ok(Family {
        cell_settings,
        tables: vec![
            table_of(Dimension::Region, region_rows, &cells, |v, key| {
                part(key, 1).as_deref() == Some(v)
            }),
            table_of(Dimension::Organisation, org_rows, &cells, |v, key| {
                part(key, 0).as_deref() == Some(v)
            }),
        ],
        cells,
    })
}

/// Setting types by age bands: a cell is `setting type|age band` ('' when not said).
fn setting<'a>(keys: impl Iterator<Item = &'a str>) -> Family {
    let settings = setting_groups();
    let ages = age_groups();
    let two_way: Vec<(String, String)> = settings
        .iter()
        .flat_map(|(s, s_label)| {
            ages.iter()
                .map(move |(a, a_label)| (format!("{s}|{a}"), format!("{s_label}, {a_label}")))
        })
        .collect();
    let mut cells: Vec<String> = two_way.iter().map(|(v, _)| v.clone()).collect();
    with_counted(&mut cells, keys);
    let split = |key: &str| {
        key.split_once('|')
            .map(|(s, a)| (s.to_string(), a.to_string()))
    };
    let cell_settings = cells
        .iter()
        .map(|key| {
            let (s, _) = split(key)?;
            s.parse::<SettingType>().ok().map(|s| vec![s])
        })
        .collect();
    Family {
        cell_settings,
        tables: vec![
            table_of(Dimension::SettingType, settings, &cells, |v, key| {
                split(key).is_some_and(|(s, _)| s == v)
            }),
            table_of(Dimension::AgeBand, ages, &cells, |v, key| {
                split(key).is_some_and(|(_, a)| a == v)
            }),
            table_of(
                Dimension::SettingTypeByAgeBand,
                two_way,
                &cells,
                |v, key| v == key,
            ),
        ],
        cells,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_setting_family_has_every_setting_type_by_every_age_band() {
        let f = setting(["closed|12-14", "closed|unknown"].into_iter());
        assert_eq!(f.tables.len(), 3);
        assert_eq!(f.tables[2].groups.len(), 6 * 5);
        let closed = &f.tables[0].groups[1];
        assert_eq!(closed.value, "closed");
        assert_eq!(closed.cells.len(), 6, "five age groups and the unknown one");
        let not_said = f.tables[1].groups.last().unwrap();
        assert_eq!(not_said.label, NOT_SAID);
        assert_eq!(not_said.cells.len(), 6);
    }
}
