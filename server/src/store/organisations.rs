//! Organisations, their regions and locations.

use super::entity::{location, organisation, region};
use crate::domain::SettingType;
use sea_orm::{ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: i32,
    pub name: String,
    pub region: String,
    pub synthetic: bool,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LocationRow {
    pub id: i32,
    pub organisation_id: i32,
    pub organisation: String,
    pub name: String,
    pub setting_type: SettingType,
    pub children_placed: i32,
}

async fn region_names<C: ConnectionTrait>(db: &C) -> Result<HashMap<i32, String>, DbErr> {
    Ok(region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

pub async fn list_organisations<C: ConnectionTrait>(db: &C) -> Result<Vec<OrganisationRow>, DbErr> {
    let regions = region_names(db).await?;
    Ok(organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| OrganisationRow {
            id: o.id,
            region: regions.get(&o.region_id).cloned().unwrap_or_default(),
            name: o.name,
            synthetic: o.synthetic,
        })
        .collect())
}

pub async fn find_organisation<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<OrganisationRow>, DbErr> {
    Ok(list_organisations(db)
        .await?
        .into_iter()
        .find(|o| o.id == id))
}

fn location_row(l: location::Model, organisation: String) -> Result<LocationRow, DbErr> {
    Ok(LocationRow {
        setting_type: l.setting_type.parse().map_err(
            |e: crate::domain::setting_type::UnknownSettingType| DbErr::Custom(e.to_string()),
        )?,
        id: l.id,
        organisation_id: l.organisation_id,
        organisation,
        name: l.name,
        children_placed: l.children_placed,
    })
}

/// Locations ordered by organisation and name; only one organisation's when `organisation`
/// is given (the scope of an institution role).
pub async fn list_locations<C: ConnectionTrait>(
    db: &C,
    organisation: Option<i32>,
) -> Result<Vec<LocationRow>, DbErr> {
    let names: HashMap<i32, String> = organisation::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut query = location::Entity::find();
    if let Some(id) = organisation {
        query = query.filter(location::Column::OrganisationId.eq(id));
    }
    let mut rows = query
        .all(db)
        .await?
        .into_iter()
        .map(|l| {
            let org = names.get(&l.organisation_id).cloned().unwrap_or_default();
            location_row(l, org)
        })
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by(|a, b| (&a.organisation, &a.name).cmp(&(&b.organisation, &b.name)));
    Ok(rows)
}

pub async fn find_location<C: ConnectionTrait>(
    db: &C,
    id: i32,
) -> Result<Option<LocationRow>, DbErr> {
    let Some(l) = location::Entity::find_by_id(id).one(db).await? else {
        return Ok(None);
    };
    let org = organisation::Entity::find_by_id(l.organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    location_row(l, org).map(Some)
}

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub regions_created: usize,
    pub organisations_created: usize,
    pub locations_created: usize,
    pub locations_updated: usize,
}

/// Imports parsed rows in one transaction: regions and organisations are found by name or
/// made; locations are found by organisation and name and updated, or made. All or nothing.
pub async fn import(
    db: &sea_orm::DatabaseConnection,
    rows: &[crate::domain::organisation_import::ImportRow],
) -> Result<ImportSummary, DbErr> {
    use sea_orm::{ActiveModelTrait, Set, TransactionTrait};
    let txn = db.begin().await?;
    let mut summary = ImportSummary::default();
    let mut regions: HashMap<String, i32> = region::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|r| (r.name, r.id))
        .collect();
    let mut organisations: HashMap<String, i32> = organisation::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|o| (o.name, o.id))
        .collect();
    let mut locations: HashMap<(i32, String), location::Model> = location::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .map(|l| ((l.organisation_id, l.name.clone()), l))
        .collect();
    for row in rows {
        let region_id = match regions.get(&row.region) {
            Some(id) => *id,
            None => {
                let made = region::ActiveModel {
                    name: Set(row.region.clone()),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                summary.regions_created += 1;
                regions.insert(row.region.clone(), made.id);
                made.id
            }
        };
        let organisation_id = match organisations.get(&row.organisation) {
            Some(id) => *id,
            None => {
                let made = organisation::ActiveModel {
                    name: Set(row.organisation.clone()),
                    region_id: Set(region_id),
                    synthetic: Set(false),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                summary.organisations_created += 1;
                organisations.insert(row.organisation.clone(), made.id);
                made.id
            }
        };
        match locations.get(&(organisation_id, row.location.clone())) {
            Some(existing) => {
                if existing.setting_type != row.setting_type.as_str()
                    || existing.children_placed != row.children_placed
                {
                    let mut update: location::ActiveModel = existing.clone().into();
                    update.setting_type = Set(row.setting_type.as_str().to_string());
                    update.children_placed = Set(row.children_placed);
                    update.update(&txn).await?;
                    summary.locations_updated += 1;
                }
            }
            None => {
                let made = location::ActiveModel {
                    organisation_id: Set(organisation_id),
                    name: Set(row.location.clone()),
                    setting_type: Set(row.setting_type.as_str().to_string()),
                    children_placed: Set(row.children_placed),
                    ..Default::default()
                }
                .insert(&txn)
                .await?;
                summary.locations_created += 1;
                locations.insert((organisation_id, made.name.clone()), made);
            }
        }
    }
    txn.commit().await?;
    Ok(summary)
}

/// (id, name) of every region, by name.
pub async fn list_regions<C: ConnectionTrait>(db: &C) -> Result<Vec<(i32, String)>, DbErr> {
    Ok(region::Entity::find()
        .order_by_asc(region::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// (id, name, region id) of every organisation, by name.
pub async fn list_organisations_with_region<C: ConnectionTrait>(
    db: &C,
) -> Result<Vec<(i32, String, i32)>, DbErr> {
    Ok(organisation::Entity::find()
        .order_by_asc(organisation::Column::Name)
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name, o.region_id))
        .collect())
}
