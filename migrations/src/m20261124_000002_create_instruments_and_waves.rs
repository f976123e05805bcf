use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A wave keeps the exact instrument it was opened with: the definition is stored whole,
        // with its hash, so a later edit of the file cannot change an open wave.
        manager
            .create_table(
                Table::create()
                    .table(Instrument::Table)
                    .col(pk_auto(Instrument::Id))
                    .col(string_len(Instrument::Version, 100))
                    .col(string_len(Instrument::Sha256, 64))
                    .col(text(Instrument::Definition))
                    .to_owned(),
            )
            .await?;
        manager
            .create_index(
                Index::create()
                    .name("ux_instrument_version_sha256")
                    .table(Instrument::Table)
                    .col(Instrument::Version)
                    .col(Instrument::Sha256)
                    .unique()
                    .to_owned(),
            )
            .await?;
        manager
            .create_table(
                Table::create()
                    .table(Wave::Table)
                    .col(pk_auto(Wave::Id))
                    .col(string_len_uniq(Wave::Label, 50))
                    .col(date(Wave::OpensOn))
                    .col(date(Wave::ClosesOn))
                    .col(integer(Wave::InstrumentId))
                    .col(string_len(Wave::State, 16).default("draft"))
                    .col(boolean(Wave::Synthetic).default(false))
                    .foreign_key(
                        ForeignKey::create()
                            .from(Wave::Table, Wave::InstrumentId)
                            .to(Instrument::Table, Instrument::Id),
                    )
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(Wave::Table).to_owned())
            .await?;
        manager
            .drop_table(Table::drop().table(Instrument::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum Instrument {
    Table,
    Id,
    Version,
    Sha256,
    Definition,
}

#[derive(DeriveIden)]
pub enum Wave {
    Table,
    Id,
    Label,
    OpensOn,
    ClosesOn,
    InstrumentId,
    State,
    Synthetic,
}
