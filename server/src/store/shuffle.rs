//! The shuffle when a wave closes: every row of the wave that a child's survey made or touched
//! (`response`, `answer`, `open_answer`, `access_code`) is written once more, in random order,
//! in one transaction. While the wave was open, responses moved in batches (`store::mixing`),
//! and a dump showed those batches: PostgreSQL's heap order and `ctid`, the batches' shared
//! transaction ids (`xmin`), SQLite's page positions, all following the order of arrival batch
//! by batch. After the shuffle no order a dump shows follows arrival: the rows sit in random
//! order and share one transaction id. The old row versions are then removed (`VACUUM`): on
//! SQLite the file is rebuilt (its pages in key order, random ids) and the write-ahead log
//! emptied; on PostgreSQL the dead versions are vacuumed away (what WAL archives keep is in
//! `docs/operations.md`).

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr};

/// Each table of the shuffle, and which of its rows belong to the wave (`{wave}`).
const TABLES: [(&str, &str); 4] = [
    ("response", "wave_id = {wave}"),
    (
        "answer",
        "response_id IN (SELECT id FROM response WHERE wave_id = {wave})",
    ),
    ("open_answer", "wave_id = {wave}"),
    ("access_code", "wave_id = {wave}"),
];

/// Rewrites the wave's rows in random order (see the module's comment).
pub async fn shuffle_wave(db: &DatabaseConnection, wave_id: i32) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    let txn = super::begin_write(db).await?;
    // The wave's id is written into the statements (a number: nothing to escape), because
    // PostgreSQL takes no parameters in `CREATE TABLE … AS`.
    let rows_of = |rows: &str| rows.replace("{wave}", &wave_id.to_string());
    // Copies first (answers are found through their responses), then out and back in, in
    // random order: answers after the responses they belong to (SQLite keeps the foreign key).
    for (table, rows) in TABLES {
        txn.execute_unprepared(&format!(
            "CREATE TEMPORARY TABLE shuffle_{table} AS SELECT * FROM {table} WHERE {}",
            rows_of(rows)
        ))
        .await?;
    }
    for (table, rows) in [TABLES[1], TABLES[0], TABLES[2], TABLES[3]] {
        txn.execute_unprepared(&format!("DELETE FROM {table} WHERE {}", rows_of(rows)))
            .await?;
    }
    for (table, _) in TABLES {
        txn.execute_unprepared(&format!(
            "INSERT INTO {table} SELECT * FROM shuffle_{table} ORDER BY RANDOM()"
        ))
        .await?;
        txn.execute_unprepared(&format!("DROP TABLE shuffle_{table}"))
            .await?;
    }
    txn.commit().await?;
    // Outside the transaction: neither database vacuums inside one.
    match backend {
        DatabaseBackend::Sqlite => {
            db.execute_unprepared("VACUUM").await?;
            db.execute_unprepared("PRAGMA wal_checkpoint(TRUNCATE)")
                .await?;
        }
        _ => {
            db.execute_unprepared("VACUUM response, answer, open_answer, access_code")
                .await?;
        }
    }
    Ok(())
}
