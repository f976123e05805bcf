//! The register: regions, the organisations in them and their locations. Names are matched
//! ignoring case, as the import does, so "De Linde" and "de linde" are never two organisations.
//! Lists are sorted here rather than in SQL, so SQLite and PostgreSQL (whose collations differ)
//! give the same order.

use super::entity::{location, organisation, region};
use super::scope::by_organisation;
use crate::domain::organisation_import::{ChildrenPlaced, ImportRow, RegisterName};
use crate::domain::staff::Scope;
use crate::domain::SettingType;
use sea_orm::{
    ActiveModelTrait, ColumnTrait, ConnectionTrait, DbErr, EntityTrait, QueryFilter, QueryOrder,
    Set, TransactionSession, TransactionTrait,
};
use std::collections::HashMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationRow {
    pub id: i32,
    pub name: String,
    pub region: String,
    /// Made by `veilig demo`, not a real care provider.
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

/// What an import changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportSummary {
    pub regions_created: usize,
    pub organisations_created: usize,
    /// Organisations the file placed in another region than the register had.
    pub organisations_moved: usize,
    pub locations_created: usize,
    /// Locations whose setting type or number of children placed changed.
    pub locations_updated: usize,
}

/// Why a single organisation or location cannot be added.
#[derive(Debug, thiserror::Error)]
pub enum CreateError {
    /// 409 Conflict: the name is taken (ignoring case).
    #[error("{0}")]
    Duplicate(String),
    /// 422 Unprocessable Entity: the location's organisation does not exist.
    #[error("there is no organisation with id {0}")]
    UnknownOrganisation(i32),
    /// 500: logged; the user sees a generic message.
    #[error(transparent)]
    Db(#[from] DbErr),
}

/// Case first ignored, then respected, so the order is total and the same on every database.
fn by_name(name: &str) -> (String, &str) {
    (name.to_lowercase(), name)
}

fn location_row(l: location::Model, organisation: String) -> Result<LocationRow, DbErr> {
    Ok(LocationRow {
        setting_type: l.setting_type.parse().map_err(
            |e: crate::domain::setting_type::UnknownSettingType| {
                DbErr::Custom(format!("location {}: {e}", l.id))
            },
        )?,
        id: l.id,
        organisation_id: l.organisation_id,
        organisation,
        name: l.name,
        children_placed: l.children_placed,
    })
}

async fn region_names<C: ConnectionTrait>(db: &C) -> Result<HashMap<i32, String>, DbErr> {
    Ok(region::Entity::find()
        .all(db)
        .await?
        .into_iter()
        .map(|r| (r.id, r.name))
        .collect())
}

/// The scope's organisations with their region, by name.
pub async fn list_organisations<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
) -> Result<Vec<OrganisationRow>, DbErr> {
    let regions = region_names(db).await?;
    let mut rows: Vec<OrganisationRow> = organisation::Entity::find()
        .filter(by_organisation(organisation::Column::Id, scope))
        .all(db)
        .await?
        .into_iter()
        .map(|o| OrganisationRow {
            id: o.id,
            region: regions.get(&o.region_id).cloned().unwrap_or_default(),
            name: o.name,
            synthetic: o.synthetic,
        })
        .collect();
    rows.sort_by(|a, b| by_name(&a.name).cmp(&by_name(&b.name)));
    Ok(rows)
}

/// One organisation, if the scope may see it (another organisation is answered like an unknown one).
pub async fn find_organisation<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    id: i32,
) -> Result<Option<OrganisationRow>, DbErr> {
    let Some(o) = organisation::Entity::find_by_id(id)
        .filter(by_organisation(organisation::Column::Id, scope))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let region = region::Entity::find_by_id(o.region_id)
        .one(db)
        .await?
        .map(|r| r.name)
        .unwrap_or_default();
    Ok(Some(OrganisationRow {
        id: o.id,
        name: o.name,
        region,
        synthetic: o.synthetic,
    }))
}

/// The scope's locations, ordered by organisation and name.
pub async fn list_locations<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
) -> Result<Vec<LocationRow>, DbErr> {
    let names: HashMap<i32, String> = organisation::Entity::find()
        .filter(by_organisation(organisation::Column::Id, scope))
        .all(db)
        .await?
        .into_iter()
        .map(|o| (o.id, o.name))
        .collect();
    let mut rows = location::Entity::find()
        .filter(by_organisation(location::Column::OrganisationId, scope))
        .all(db)
        .await?
        .into_iter()
        .map(|l| {
            let organisation = names.get(&l.organisation_id).cloned().unwrap_or_default();
            location_row(l, organisation)
        })
        .collect::<Result<Vec<_>, _>>()?;
    rows.sort_by(|a, b| {
        (by_name(&a.organisation), by_name(&a.name), a.id).cmp(&(
            by_name(&b.organisation),
            by_name(&b.name),
            b.id,
        ))
    });
    Ok(rows)
}

/// One location, if it is in the scope (another organisation's is answered like an unknown one).
pub async fn find_location<C: ConnectionTrait>(
    db: &C,
    scope: Scope,
    id: i32,
) -> Result<Option<LocationRow>, DbErr> {
    let Some(l) = location::Entity::find_by_id(id)
        .filter(by_organisation(location::Column::OrganisationId, scope))
        .one(db)
        .await?
    else {
        return Ok(None);
    };
    let organisation = organisation::Entity::find_by_id(l.organisation_id)
        .one(db)
        .await?
        .map(|o| o.name)
        .unwrap_or_default();
    location_row(l, organisation).map(Some)
}

/// (id, name) of every region, by name.
pub async fn list_regions<C: ConnectionTrait>(db: &C) -> Result<Vec<(i32, String)>, DbErr> {
    let mut regions: Vec<(i32, String)> = region_names(db).await?.into_iter().collect();
    regions.sort_by(|a, b| by_name(&a.1).cmp(&by_name(&b.1)));
    Ok(regions)
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

/// The regions, organisations and locations already stored, by name key, to match rows against.
struct Known {
    regions: HashMap<String, i32>,
    /// Key → (id, region id).
    organisations: HashMap<String, (i32, i32)>,
    locations: HashMap<(i32, String), location::Model>,
}

impl Known {
    async fn read<C: ConnectionTrait>(db: &C) -> Result<Known, DbErr> {
        let key = |name: &str| name.to_lowercase();
        Ok(Known {
            regions: region::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|r| (key(&r.name), r.id))
                .collect(),
            organisations: organisation::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|o| (key(&o.name), (o.id, o.region_id)))
                .collect(),
            locations: location::Entity::find()
                .all(db)
                .await?
                .into_iter()
                .map(|l| ((l.organisation_id, key(&l.name)), l))
                .collect(),
        })
    }
}

async fn insert_region<C: ConnectionTrait>(db: &C, name: &RegisterName) -> Result<i32, DbErr> {
    Ok(region::ActiveModel {
        name: Set(name.to_string()),
        ..Default::default()
    }
    .insert(db)
    .await?
    .id)
}

async fn insert_organisation<C: ConnectionTrait>(
    db: &C,
    name: &RegisterName,
    region_id: i32,
) -> Result<organisation::Model, DbErr> {
    organisation::ActiveModel {
        name: Set(name.to_string()),
        region_id: Set(region_id),
        synthetic: Set(false),
        ..Default::default()
    }
    .insert(db)
    .await
}

async fn insert_location<C: ConnectionTrait>(
    db: &C,
    organisation_id: i32,
    name: &RegisterName,
    setting_type: SettingType,
    children_placed: ChildrenPlaced,
) -> Result<location::Model, DbErr> {
    location::ActiveModel {
        organisation_id: Set(organisation_id),
        name: Set(name.to_string()),
        setting_type: Set(setting_type.as_str().to_string()),
        children_placed: Set(children_placed.get()),
        ..Default::default()
    }
    .insert(db)
    .await
}

/// Imports parsed rows in one transaction: regions and organisations are found by name or
/// made; locations are found by organisation and name and updated, or made. All or nothing:
/// on any error the transaction is dropped, which rolls it back.
pub async fn import<C: TransactionTrait>(
    db: &C,
    rows: &[ImportRow],
) -> Result<ImportSummary, DbErr> {
    let txn = super::begin_write(db).await?;
    let mut known = Known::read(&txn).await?;
    let mut summary = ImportSummary::default();
    for row in rows {
        let region_id = match known.regions.get(&row.region.key()) {
            Some(id) => *id,
            None => {
                let id = insert_region(&txn, &row.region).await?;
                known.regions.insert(row.region.key(), id);
                summary.regions_created += 1;
                id
            }
        };
        let organisation_id = match known.organisations.get(&row.organisation.key()).copied() {
            Some((id, current)) if current == region_id => id,
            Some((id, _)) => {
                // The register is the researchers' source of truth: an organisation moves.
                // Responses keep the region they were given in, so earlier waves do not change.
                organisation::Entity::update_many()
                    .col_expr(
                        organisation::Column::RegionId,
                        sea_orm::sea_query::Expr::value(region_id),
                    )
                    .filter(organisation::Column::Id.eq(id))
                    .exec(&txn)
                    .await?;
                known
                    .organisations
                    .insert(row.organisation.key(), (id, region_id));
                summary.organisations_moved += 1;
                id
            }
            None => {
                let made = insert_organisation(&txn, &row.organisation, region_id).await?;
                known
                    .organisations
                    .insert(row.organisation.key(), (made.id, region_id));
                summary.organisations_created += 1;
                made.id
            }
        };
        let location_key = (organisation_id, row.location.key());
        match known.locations.get(&location_key) {
            Some(existing) => {
                if existing.setting_type != row.setting_type.as_str()
                    || existing.children_placed != row.children_placed.get()
                {
                    let mut update: location::ActiveModel = existing.clone().into();
                    update.setting_type = Set(row.setting_type.as_str().to_string());
                    update.children_placed = Set(row.children_placed.get());
                    let updated = update.update(&txn).await?;
                    known.locations.insert(location_key, updated);
                    summary.locations_updated += 1;
                }
            }
            None => {
                let made = insert_location(
                    &txn,
                    organisation_id,
                    &row.location,
                    row.setting_type,
                    row.children_placed,
                )
                .await?;
                known.locations.insert(location_key, made);
                summary.locations_created += 1;
            }
        }
    }
    txn.commit().await?;
    Ok(summary)
}

/// A new organisation, in `region` (made when it is new). A name already taken, ignoring
/// case, is `CreateError::Duplicate`.
pub async fn create_organisation<C: TransactionTrait>(
    db: &C,
    name: &RegisterName,
    region: &RegisterName,
) -> Result<OrganisationRow, CreateError> {
    let txn = super::begin_write(db).await?;
    let duplicate = || {
        CreateError::Duplicate(format!(
            "an organisation named {:?} exists already",
            name.as_str()
        ))
    };
    let taken = organisation::Entity::find()
        .all(&txn)
        .await?
        .iter()
        .any(|o| o.name.to_lowercase() == name.key());
    if taken {
        return Err(duplicate());
    }
    let existing_region = region::Entity::find()
        .all(&txn)
        .await?
        .into_iter()
        .find(|r| r.name.to_lowercase() == region.key());
    let (region_id, region_name) = match existing_region {
        Some(r) => (r.id, r.name),
        None => (insert_region(&txn, region).await?, region.to_string()),
    };
    let made = insert_organisation(&txn, name, region_id)
        .await
        // Two people adding the same name at once meet the unique index here.
        .map_err(|e| {
            if super::unique_violated(&e) == Some(super::Unique::OrganisationName) {
                duplicate()
            } else {
                CreateError::Db(e)
            }
        })?;
    txn.commit().await?;
    Ok(OrganisationRow {
        id: made.id,
        name: made.name,
        region: region_name,
        synthetic: made.synthetic,
    })
}

/// A new location of an existing organisation. A name the organisation already uses,
/// ignoring case, is `CreateError::Duplicate`.
pub async fn create_location<C: ConnectionTrait>(
    db: &C,
    organisation_id: i32,
    name: &RegisterName,
    setting_type: SettingType,
    children_placed: ChildrenPlaced,
) -> Result<LocationRow, CreateError> {
    let Some(organisation) = organisation::Entity::find_by_id(organisation_id)
        .one(db)
        .await?
    else {
        return Err(CreateError::UnknownOrganisation(organisation_id));
    };
    let duplicate = || {
        CreateError::Duplicate(format!(
            "{:?} already has a location named {:?}",
            organisation.name,
            name.as_str()
        ))
    };
    let taken = location::Entity::find()
        .filter(location::Column::OrganisationId.eq(organisation_id))
        .all(db)
        .await?
        .iter()
        .any(|l| l.name.to_lowercase() == name.key());
    if taken {
        return Err(duplicate());
    }
    let made = insert_location(db, organisation_id, name, setting_type, children_placed)
        .await
        // Two people adding the same name at once meet the unique index here.
        .map_err(|e| {
            if super::unique_violated(&e) == Some(super::Unique::LocationName) {
                duplicate()
            } else {
                CreateError::Db(e)
            }
        })?;
    Ok(location_row(made, organisation.name.clone())?)
}
