use sea_orm::entity::prelude::*;

/// One cell of a quarter report: an organisation, setting type, quarter, kind and perpetrator.
#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "incident_count")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub organisation_id: i32,
    pub setting_type: String,
    pub year: i32,
    pub quarter: i16,
    pub kind: String,
    pub perpetrator: String,
    pub recorded: i32,
    pub reported: i32,
    pub children_placed: i32,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
