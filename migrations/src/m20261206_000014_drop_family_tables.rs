use sea_orm_migration::prelude::*;

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // A published wave is now one publication (every table at one k, made together), kept
        // in `published_table` under the name `publication`. The tables the earlier engine made
        // per family of tables go: a wave published before gets its publication on first read.
        manager
            .get_connection()
            .execute_unprepared("DELETE FROM published_table WHERE family <> 'publication'")
            .await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        // The family tables were derived data; the earlier engine remade them on first read.
        Ok(())
    }
}
