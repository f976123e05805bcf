use sea_orm_migration::{prelude::*, schema::*};

/// One row counting the incident registrations ever saved: a registration raises it in its own
/// transaction, so a server that remembers national incident sums knows, with one small read,
/// whether any organisation registered or corrected a quarter since (`store::incidents`).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .create_table(
                Table::create()
                    .table(IncidentRevision::Table)
                    .col(integer(IncidentRevision::Id).primary_key())
                    .col(big_integer(IncidentRevision::Revision).default(0))
                    .to_owned(),
            )
            .await?;
        manager
            .exec_stmt(
                Query::insert()
                    .into_table(IncidentRevision::Table)
                    .columns([IncidentRevision::Id, IncidentRevision::Revision])
                    .values_panic([1.into(), 0.into()])
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(IncidentRevision::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
enum IncidentRevision {
    Table,
    Id,
    Revision,
}
