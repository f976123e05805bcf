use sea_orm::entity::prelude::*;

/// Only the hash of a code; no time of use and no reference to a response, by design.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "access_code")]
pub struct Model {
    #[sea_orm(primary_key, auto_increment = false)]
    pub code_hash: String,
    pub wave_id: i32,
    pub location_id: i32,
    pub state: String,
    pub pseudonym: Option<String>,
    /// How `code_hash` was made (`domain::access_code::KEYED_HASH` for every code made now).
    pub hash_version: i16,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
