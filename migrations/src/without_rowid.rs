//! SQLite gives every ordinary table a hidden, increasing `rowid`, which would record the order
//! in which children's responses arrived. Tables holding what a child produced are created
//! `WITHOUT ROWID` on SQLite so that no such order exists.

use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// Creates `table`, on SQLite without the hidden arrival-ordered rowid.
pub async fn create_child_table(
    manager: &SchemaManager<'_>,
    mut table: TableCreateStatement,
) -> Result<(), DbErr> {
    if manager.get_database_backend() == DatabaseBackend::Sqlite {
        table.extra("WITHOUT ROWID");
    }
    manager.create_table(table).await
}
