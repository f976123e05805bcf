use sea_orm_migration::{prelude::*, schema::*};

use crate::without_rowid::create_child_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A survey under way without JavaScript: its answers so far, kept for that code only
        // and deleted in the transaction that stores the response. `token_hash` is the hash of
        // the child's survey cookie; `started_on` is a day (never a time), so forgotten drafts
        // can be purged.
        create_child_table(
            manager,
            Table::create()
                .table(SurveyDraft::Table)
                .col(string_len(SurveyDraft::CodeHash, 64).primary_key())
                .col(string_len_uniq(SurveyDraft::TokenHash, 64))
                .col(text(SurveyDraft::State))
                .col(date(SurveyDraft::StartedOn))
                .to_owned(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(SurveyDraft::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum SurveyDraft {
    Table,
    CodeHash,
    TokenHash,
    State,
    StartedOn,
}
