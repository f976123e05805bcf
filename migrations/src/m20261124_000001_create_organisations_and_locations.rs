use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(Region::Table)
                    .col(pk_auto(Region::Id))
                    .col(string_len_uniq(Region::Name, 200))
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Organisation::Table)
                    .col(pk_auto(Organisation::Id))
                    .col(string_len_uniq(Organisation::Name, 200))
                    .col(integer(Organisation::RegionId))
                    .col(boolean(Organisation::Synthetic).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Organisation::Table, Organisation::RegionId)
                            .to(Region::Table, Region::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Location::Table)
                    .col(pk_auto(Location::Id))
                    .col(integer(Location::OrganisationId))
                    .col(string_len(Location::Name, 200))
                    .col(string_len(Location::SettingType, 32))
                    .col(
                        integer(Location::ChildrenPlaced)
                            .check(Expr::col(Location::ChildrenPlaced).gte(0)),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(Location::Table, Location::OrganisationId)
                            .to(Organisation::Table, Organisation::Id),
                    )
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_location_organisation_name")
                    .table(Location::Table)
                    .col(Location::OrganisationId)
                    .col(Location::Name)
                    .unique()
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Location::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Organisation::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Region::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Region {
    Table,
    Id,
    Name,
}

#[derive(DeriveIden)]
pub enum Organisation {
    Table,
    Id,
    Name,
    RegionId,
    Synthetic,
}

#[derive(DeriveIden)]
pub enum Location {
    Table,
    Id,
    OrganisationId,
    Name,
    SettingType,
    ChildrenPlaced,
}
