use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_organisations_and_locations::Location;
use crate::m20261124_000002_create_instruments_and_waves::Wave;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Only the SHA-256 of a code is kept. There is deliberately no time of use and no
        // reference to a response: using a code must never link it to the answers.
        crate::without_rowid::create_child_table(
            manager,
            Table::create()
                .table(AccessCode::Table)
                .col(string_len(AccessCode::CodeHash, 64).primary_key())
                .col(integer(AccessCode::WaveId))
                .col(integer(AccessCode::LocationId))
                .col(string_len(AccessCode::State, 8).default("unused"))
                .col(string_len_null(AccessCode::Pseudonym, 64))
                .foreign_key(
                    ForeignKey::create()
                        .from(AccessCode::Table, AccessCode::WaveId)
                        .to(Wave::Table, Wave::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(AccessCode::Table, AccessCode::LocationId)
                        .to(Location::Table, Location::Id),
                )
                .to_owned(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_access_code_wave_location_state")
                    .table(AccessCode::Table)
                    .col(AccessCode::WaveId)
                    .col(AccessCode::LocationId)
                    .col(AccessCode::State)
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(AccessCode::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum AccessCode {
    Table,
    CodeHash,
    WaveId,
    LocationId,
    State,
    Pseudonym,
}
