use sea_orm_migration::{prelude::*, schema::*};

use crate::m20261124_000001_create_organisations_and_locations::Organisation;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // One row per organisation, quarter, kind and perpetrator: a correction replaces the row.
        manager
            .create_table(
                Table::create()
                    .table(IncidentCount::Table)
                    .col(pk_auto(IncidentCount::Id))
                    .col(integer(IncidentCount::OrganisationId))
                    .col(integer(IncidentCount::Year))
                    .col(
                        small_integer(IncidentCount::Quarter)
                            .check(Expr::col(IncidentCount::Quarter).between(1, 4)),
                    )
                    .col(string_len(IncidentCount::Kind, 16))
                    .col(string_len(IncidentCount::Perpetrator, 16))
                    .col(
                        integer(IncidentCount::Recorded)
                            .check(Expr::col(IncidentCount::Recorded).gte(0)),
                    )
                    .col(
                        integer(IncidentCount::Reported)
                            .check(Expr::col(IncidentCount::Reported).gte(0)),
                    )
                    .col(
                        integer(IncidentCount::ChildrenPlaced)
                            .check(Expr::col(IncidentCount::ChildrenPlaced).gte(0)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(IncidentCount::Table, IncidentCount::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_incident_count_cell")
                    .table(IncidentCount::Table)
                    .col(IncidentCount::OrganisationId)
                    .col(IncidentCount::Year)
                    .col(IncidentCount::Quarter)
                    .col(IncidentCount::Kind)
                    .col(IncidentCount::Perpetrator)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IncidentCount::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum IncidentCount {
    Table,
    Id,
    OrganisationId,
    Year,
    Quarter,
    Kind,
    Perpetrator,
    Recorded,
    Reported,
    ChildrenPlaced,
}
