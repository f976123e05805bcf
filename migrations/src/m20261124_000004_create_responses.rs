use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_organisations_and_locations::{Organisation, Region};
use crate::m20261124_000002_create_instruments_and_waves::Wave;
use crate::without_rowid::create_child_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A response knows its wave, the organisation, region and setting type of the location,
        // and what the child said about themselves. No location (groups can be tiny), no time,
        // no IP, no device. `id` is a random UUID; `link_key` is only set for linkable codes
        // and is a keyed hash of the pseudonym, so it never equals anything in `access_code`.
        create_child_table(
            manager,
            Table::create()
                .table(Response::Table)
                .col(string_len(Response::Id, 36).primary_key())
                .col(integer(Response::WaveId))
                .col(integer(Response::OrganisationId))
                .col(integer(Response::RegionId))
                .col(string_len(Response::SettingType, 32))
                .col(string_len_null(Response::AgeBand, 16))
                .col(string_len_null(Response::Gender, 16))
                .col(string_len_null(Response::TimeHere, 16))
                .col(string_len(Response::Language, 8))
                .col(string_len_null(Response::LinkKey, 64))
                .col(string_len_uniq(Response::SubmissionHash, 64))
                .foreign_key(
                    ForeignKey::create()
                        .from(Response::Table, Response::WaveId)
                        .to(Wave::Table, Wave::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Response::Table, Response::OrganisationId)
                        .to(Organisation::Table, Organisation::Id),
                )
                .foreign_key(
                    ForeignKey::create()
                        .from(Response::Table, Response::RegionId)
                        .to(Region::Table, Region::Id),
                )
                .to_owned(),
        )
        .await?;
        manager
            .create_index(
                Index::create()
                    .name("ix_response_wave_organisation")
                    .table(Response::Table)
                    .col(Response::WaveId)
                    .col(Response::OrganisationId)
                    .to_owned(),
            )
            .await?;
        // `value` NULL means "I don't know / I'd rather not say"; a skipped item has no row.
        create_child_table(
            manager,
            Table::create()
                .table(Answer::Table)
                .col(string_len(Answer::ResponseId, 36))
                .col(string_len(Answer::ItemKey, 64))
                .col(small_integer_null(Answer::Value))
                .primary_key(Index::create().col(Answer::ResponseId).col(Answer::ItemKey))
                .foreign_key(
                    ForeignKey::create()
                        .from(Answer::Table, Answer::ResponseId)
                        .to(Response::Table, Response::Id)
                        .on_delete(ForeignKeyAction::Cascade),
                )
                .to_owned(),
        )
        .await?;
        // Open answers are stored apart from responses: only the wave and the setting type,
        // so a text can never be joined back to a child's demographics.
        create_child_table(
            manager,
            Table::create()
                .table(OpenAnswer::Table)
                .col(string_len(OpenAnswer::Id, 36).primary_key())
                .col(integer(OpenAnswer::WaveId))
                .col(string_len(OpenAnswer::SettingType, 32))
                .col(text(OpenAnswer::Text))
                .foreign_key(
                    ForeignKey::create()
                        .from(OpenAnswer::Table, OpenAnswer::WaveId)
                        .to(Wave::Table, Wave::Id),
                )
                .to_owned(),
        )
        .await?;
        manager
            .create_table(
                Table::create()
                    .table(OpenAnswerTag::Table)
                    .col(string_len(OpenAnswerTag::OpenAnswerId, 36))
                    .col(string_len(OpenAnswerTag::Theme, 64))
                    .primary_key(
                        Index::create()
                            .col(OpenAnswerTag::OpenAnswerId)
                            .col(OpenAnswerTag::Theme),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(OpenAnswerTag::Table, OpenAnswerTag::OpenAnswerId)
                            .to(OpenAnswer::Table, OpenAnswer::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OpenAnswerTag::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(OpenAnswer::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Answer::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Response::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Response {
    Table,
    Id,
    WaveId,
    OrganisationId,
    RegionId,
    SettingType,
    AgeBand,
    Gender,
    TimeHere,
    Language,
    LinkKey,
    SubmissionHash,
}

#[derive(DeriveIden)]
pub enum Answer {
    Table,
    ResponseId,
    ItemKey,
    Value,
}

#[derive(DeriveIden)]
pub enum OpenAnswer {
    Table,
    Id,
    WaveId,
    SettingType,
    Text,
}

#[derive(DeriveIden)]
pub enum OpenAnswerTag {
    Table,
    OpenAnswerId,
    Theme,
}
