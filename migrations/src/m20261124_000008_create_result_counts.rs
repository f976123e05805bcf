use sea_orm_migration::{prelude::*, schema::*};

use crate::without_rowid::create_child_table;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // Counts kept up to date as responses arrive (in the same transaction), so results cost
        // O(cells), not O(responses). One row per group (wave, organisation, region, setting
        // type, age band, gender; '' when the child did not say) and measure: an item's value
        // (-1 for "don't know"), `_respondents`, or `_domain:<key>` (1 feels safe, 0 not).
        create_child_table(
            manager,
            Table::create()
                .table(ResultCount::Table)
                .col(integer(ResultCount::WaveId))
                .col(integer(ResultCount::OrganisationId))
                .col(integer(ResultCount::RegionId))
                .col(string_len(ResultCount::SettingType, 32))
                .col(string_len(ResultCount::AgeBand, 16))
                .col(string_len(ResultCount::Gender, 16))
                .col(string_len(ResultCount::Measure, 80))
                .col(small_integer(ResultCount::Value))
                .col(big_integer(ResultCount::N))
                .primary_key(
                    Index::create()
                        .col(ResultCount::WaveId)
                        .col(ResultCount::OrganisationId)
                        .col(ResultCount::RegionId)
                        .col(ResultCount::SettingType)
                        .col(ResultCount::AgeBand)
                        .col(ResultCount::Gender)
                        .col(ResultCount::Measure)
                        .col(ResultCount::Value),
                )
                .to_owned(),
        )
        .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(ResultCount::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum ResultCount {
    Table,
    WaveId,
    OrganisationId,
    RegionId,
    SettingType,
    AgeBand,
    Gender,
    Measure,
    Value,
    N,
}
