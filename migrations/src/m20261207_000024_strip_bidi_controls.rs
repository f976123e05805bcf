use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

/// Open answers taken in before intake dropped the bidirectional embeddings, overrides and
/// isolates (U+202A–U+202E, U+2066–U+2069) lose them now: in a child's text they would make it
/// show reordered to the researcher who reads it (`domain::scrub`). Nothing to undo.
#[derive(DeriveMigrationName)]
pub struct Migration;

const CONTROLS: [u32; 9] = [
    0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069,
];

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        let char_fn = match manager.get_database_backend() {
            DatabaseBackend::Postgres => "chr",
            _ => "char",
        };
        let mut text = "text".to_string();
        for c in CONTROLS {
            text = format!("replace({text}, {char_fn}({c}), '')");
        }
        let sql = format!("UPDATE open_answer SET text = {text} WHERE text <> {text}");
        manager.get_connection().execute_unprepared(&sql).await?;
        Ok(())
    }

    async fn down(&self, _manager: &SchemaManager) -> Result<(), DbErr> {
        Ok(())
    }
}
