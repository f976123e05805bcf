use sea_orm::entity::prelude::*;

#[derive(Clone, Debug, PartialEq, Eq, DeriveEntityModel)]
#[sea_orm(table_name = "staff_user")]
pub struct Model {
    #[sea_orm(primary_key)]
    pub id: i32,
    pub email: String,
    pub password_hash: String,
    pub role: String,
    pub organisation_id: Option<i32>,
    pub active: bool,
    pub must_change_password: bool,
    pub created_at: ChronoDateTimeUtc,
    /// The authenticator secret, sealed (`domain::two_factor`); `None` until enrolment starts.
    pub totp_sealed: Option<String>,
    pub totp_confirmed: bool,
    /// The last time step a code was accepted for.
    pub totp_step: Option<i64>,
}

#[derive(Copy, Clone, Debug, EnumIter, DeriveRelation)]
pub enum Relation {}

impl ActiveModelBehavior for ActiveModel {}
