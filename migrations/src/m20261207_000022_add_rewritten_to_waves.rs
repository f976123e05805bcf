use sea_orm_migration::{prelude::*, schema::*};

/// Whether a closed wave's rows have been rewritten out of arrival order (`store::shuffle`).
/// The flag is set in the rewrite's own transaction, so it is true exactly when the rewrite
/// committed; a wave closed while a server stopped, or whose rewrite failed, is rewritten when a
/// server starts and before it is published. Waves closed before this migration start as not
/// rewritten and are rewritten once (doing it again changes nothing).
#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Wave::Table)
                    .add_column(boolean(Wave::Rewritten).default(false))
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .alter_table(
                Table::alter()
                    .table(Wave::Table)
                    .drop_column(Wave::Rewritten)
                    .to_owned(),
            )
            .await
    }
}

#[derive(DeriveIden)]
enum Wave {
    Table,
    Rewritten,
}
