//! Scoping in SQL: every store function an institution role reaches takes a `Scope` and adds
//! these conditions, so a handler that forgets a check still cannot read another organisation.

use super::entity::location;
use crate::domain::staff::Scope;
use sea_orm::sea_query::{Condition, Query, SelectStatement};
use sea_orm::ColumnTrait;

/// `SELECT id FROM location WHERE organisation_id = ?`
fn locations_of(organisation_id: i32) -> SelectStatement {
    Query::select()
        .column(location::Column::Id)
        .from(location::Entity)
        .and_where(location::Column::OrganisationId.eq(organisation_id))
        .to_owned()
}

/// Rows whose `column` is a location id: only the scope's locations.
pub fn by_location(column: impl ColumnTrait, scope: Scope) -> Condition {
    match scope {
        Scope::National => Condition::all(),
        Scope::Organisation(id) => Condition::all().add(column.in_subquery(locations_of(id))),
    }
}

/// Rows whose `column` is an organisation id: only the scope's organisation.
pub fn by_organisation(column: impl ColumnTrait, scope: Scope) -> Condition {
    match scope {
        Scope::National => Condition::all(),
        Scope::Organisation(id) => Condition::all().add(column.eq(id)),
    }
}
