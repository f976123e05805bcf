use sea_orm_migration::prelude::*;
use sea_orm_migration::sea_orm::DatabaseBackend;

#[derive(DeriveMigrationName)]
pub struct Migration;

/// Storage settings that only PostgreSQL has, for the tables the mixer writes most (measured in
/// docs/benchmarks.md). On SQLite this migration does nothing.
///
/// - `answer` loses its foreign key to `response`. PostgreSQL checks such a key with a trigger
///   per row, and it made storing answers two and a half times as costly. Answers are written
///   only together with their response, in one transaction (`store::responses`), and deleted
///   before it (`store::retention`); nothing relied on the key's cascade.
/// - `result_count` keeps half of each page free (`fillfactor`), so that adding to a count
///   rewrites the row in its page without a new index entry (a HOT update).
/// - `pending_response.payload` is stored uncompressed: a held response lives seconds, and
///   compressing it cost more than it saved.
const UP: &[&str] = &[
    "DO $$ DECLARE c text; BEGIN \
       FOR c IN SELECT conname FROM pg_constraint \
                WHERE conrelid = 'answer'::regclass AND contype = 'f' LOOP \
         EXECUTE format('ALTER TABLE answer DROP CONSTRAINT %I', c); \
       END LOOP; \
     END $$",
    "ALTER TABLE result_count SET (fillfactor = 50)",
    "ALTER TABLE pending_response ALTER COLUMN payload SET STORAGE EXTERNAL",
];

const DOWN: &[&str] = &[
    "ALTER TABLE answer ADD CONSTRAINT answer_response_id_fkey FOREIGN KEY (response_id) \
     REFERENCES response (id) ON DELETE CASCADE",
    "ALTER TABLE result_count RESET (fillfactor)",
    "ALTER TABLE pending_response ALTER COLUMN payload SET STORAGE EXTENDED",
];

async fn run(manager: &SchemaManager<'_>, statements: &[&str]) -> Result<(), DbErr> {
    if manager.get_database_backend() != DatabaseBackend::Postgres {
        return Ok(());
    }
    for sql in statements {
        manager.get_connection().execute_unprepared(sql).await?;
    }
    Ok(())
}

#[async_trait::async_trait]
impl MigrationTrait for Migration {
    async fn up(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, UP).await
    }

    async fn down(&self, manager: &SchemaManager) -> Result<(), DbErr> {
        run(manager, DOWN).await
    }
}
