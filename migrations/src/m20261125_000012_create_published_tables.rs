use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The protected tables of a published wave, one row per family of tables and k, as the
        // engine made them when the wave was published (JSON). Every later reader gets exactly
        // these figures: a register changed after publication cannot regroup the cells and
        // offer a second, subtractable version of the same wave.
        manager
            .create_table(
                Table::create()
                    .table(PublishedTable::Table)
                    .col(integer(PublishedTable::WaveId))
                    .col(string_len(PublishedTable::Family, 16))
                    .col(big_integer(PublishedTable::K))
                    .col(text(PublishedTable::Tables))
                    .primary_key(
                        Index::create()
                            .col(PublishedTable::WaveId)
                            .col(PublishedTable::Family)
                            .col(PublishedTable::K),
                    )
                    .foreign_key(
                        ForeignKey::create()
                            .from(PublishedTable::Table, PublishedTable::WaveId)
                            .to(Wave::Table, Wave::Id)
                            .on_delete(ForeignKeyAction::Cascade),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(PublishedTable::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum PublishedTable {
    Table,
    WaveId,
    Family,
    K,
    Tables,
}

#[derive(DeriveIden)]
enum Wave {
    Table,
    Id,
}
