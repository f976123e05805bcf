use sea_orm_migration::{prelude::*, schema::*};

/// Failed attempts (wrong access codes, failed sign-ins) counted per key and window, shared by
/// every app server on one PostgreSQL database and kept across restarts (`store::rate_limits`).
/// A key is a keyed hash of what is counted (a source address, an e-mail address, a kiosk
/// pass), never the thing itself; a row is deleted once its window has ended.
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(RateLimit::Table)
                    .col(string_len(RateLimit::Scope, 16))
                    .col(string_len(RateLimit::KeyHash, 64))
                    .col(integer(RateLimit::Failures))
                    .col(big_integer(RateLimit::WindowEnds))
                    .primary_key(
                        Index::create()
                            .col(RateLimit::Scope)
                            .col(RateLimit::KeyHash),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(RateLimit::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum RateLimit {
    Table,
    Scope,
    KeyHash,
    Failures,
    WindowEnds,
}
