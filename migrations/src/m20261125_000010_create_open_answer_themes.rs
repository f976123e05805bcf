use sea_orm_migration::{prelude::*, schema::*};

#[derive(DeriveMigrationName)]
pub struct Migration;

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        // The themes researchers tag open answers with: a list they add to, so a theme exists
        // before (and after) any answer carries it. Tags (`open_answer_tag.theme`) name a theme.
        manager
            .create_table(
                Table::create()
                    .table(OpenAnswerTheme::Table)
                    .col(string_len(OpenAnswerTheme::Theme, 64).primary_key())
                    .to_owned(),
            )
            .await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        manager
            .drop_table(Table::drop().table(OpenAnswerTheme::Table).to_owned())
            .await
    }
}

#[derive(DeriveIden)]
pub enum OpenAnswerTheme {
    Table,
    Theme,
}
