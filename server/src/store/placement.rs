//! A location's placement, as checking a code and mixing responses read it (one query for many).

use crate::domain::SettingType;
use sea_orm::{ConnectionTrait, DbErr, QueryResult, Statement};
use std::collections::{BTreeSet, HashMap};

/// Where a location's responses are counted: its organisation, region and setting type.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Placement {
    pub organisation_id: i32,
    pub region_id: i32,
    pub setting: SettingType,
}

/// The columns a query selects for [`Placement::from_row`], over `location l` joined to
/// `organisation o`.
pub(super) const PLACEMENT_COLUMNS: &str =
    "l.organisation_id AS organisation_id, o.region_id AS region_id, l.setting_type AS setting_type";

impl Placement {
    pub(super) fn from_row(row: &QueryResult) -> Result<Placement, DbErr> {
        let setting: String = row.try_get("", "setting_type")?;
        Ok(Placement {
            organisation_id: row.try_get("", "organisation_id")?,
            region_id: row.try_get("", "region_id")?,
            setting: setting
                .parse::<SettingType>()
                .map_err(|e| DbErr::Custom(e.to_string()))?,
        })
    }
}

/// The placements of some locations, in one query.
pub(super) async fn placements<C: ConnectionTrait>(
    db: &C,
    location_ids: &BTreeSet<i32>,
) -> Result<HashMap<i32, Placement>, DbErr> {
    if location_ids.is_empty() {
        return Ok(HashMap::new());
    }
    // Only integers go into the text.
    let ids = location_ids
        .iter()
        .map(i32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let rows = db
        .query_all_raw(Statement::from_string(
            db.get_database_backend(),
            format!(
                "SELECT l.id AS location_id, {PLACEMENT_COLUMNS} FROM location l \
                 JOIN organisation o ON o.id = l.organisation_id WHERE l.id IN ({ids})"
            ),
        ))
        .await?;
    rows.iter()
        .map(|row| Ok((row.try_get("", "location_id")?, Placement::from_row(row)?)))
        .collect()
}
