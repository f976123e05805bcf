//! SQLite's write-ahead log: what it still holds after a delete or a rewrite, until it is
//! copied into the database file and emptied.

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// Copies SQLite's write-ahead log into the database file and empties it, trying up to `tries`
/// times, 50 ms apart, while a reader keeps it from finishing; whether it finished.
pub async fn empty(db: &DatabaseConnection, tries: u32) -> Result<bool, DbErr> {
    for attempt in 1..=tries.max(1) {
        // One row: busy (1 when a reader kept it from finishing), log frames, frames copied.
        let busy = db
            .query_one_raw(Statement::from_string(
                DatabaseBackend::Sqlite,
                "PRAGMA wal_checkpoint(TRUNCATE)",
            ))
            .await?
            .map(|row| row.try_get_by_index::<i32>(0))
            .transpose()?
            .unwrap_or(0);
        if busy == 0 {
            return Ok(true);
        }
        if attempt < tries {
            tokio::time::sleep(std::time::Duration::from_millis(50)).await;
        }
    }
    Ok(false)
}
