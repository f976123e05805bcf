use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000002_create_instruments_and_waves::Wave;
use crate::without_rowid::create_child_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A response that has arrived but is not yet mixed into `response`. The transaction that
        // marks a code used writes here, never into `response`: on PostgreSQL every row a
        // transaction writes carries its transaction id (`xmin`), so writing both in one
        // transaction would join the code to its answers. The mixer moves pending responses
        // in batches, in random order, in a transaction of its own that also rewrites the
        // batch's codes. `code_hash` is kept only until then. `payload` is the whole checked
        // response (JSON), so it is stored whole or not at all. No time, no IP, random id.
        create_child_table(
            manager,
            Table::create()
                .table(PendingResponse::Table)
                .col(string_len(PendingResponse::Id, 36).primary_key())
                .col(integer(PendingResponse::WaveId))
                .col(string_len(PendingResponse::CodeHash, 64))
                .col(string_len_uniq(PendingResponse::SubmissionHash, 64))
                .col(text(PendingResponse::Payload))
                .foreign_key(
                    ForeignKey::create()
                        .from(PendingResponse::Table, PendingResponse::WaveId)
                        .to(Wave::Table, Wave::Id),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PendingResponse::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum PendingResponse {
    Table,
    Id,
    WaveId,
    CodeHash,
    SubmissionHash,
    Payload,
}
