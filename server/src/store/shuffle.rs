//! The shuffle when a wave closes: every row of the wave that a child's survey made or touched
//! (`response`, `answer`, `open_answer` with its theme tags, `access_code`) is written once
//! more, in one transaction, in an order that has nothing to do with arrival. While the wave was
//! open, responses moved in batches (`store::mixing`), and a dump showed those batches:
//! PostgreSQL's heap order and `ctid`, the batches' shared transaction ids (`xmin`), SQLite's
//! page positions, all following the order of arrival batch by batch. After the shuffle no order a
//! dump shows follows arrival: the rows share one transaction id and sit in the order of their
//! keys, which are random draws (UUID v4 ids, keyed code hashes) made without regard to when a
//! child sent. The old row versions are then removed (`VACUUM`): on SQLite the file is rebuilt
//! (its pages in key order) and the write-ahead log emptied; on PostgreSQL the dead versions
//! are vacuumed away (what WAL archives keep is in `docs/operations.md`).
//!
//! The wave's `rewritten` flag is set in the rewrite's own transaction: it is true exactly when
//! the rewrite committed. Closing through the staff pages rewrites beside the request (a
//! national wave takes minutes, longer than a request may last); publishing rewrites first when
//! that has not happened, and a server rewrites at start whatever closed wave was left without
//! (a server that stopped while rewriting) — [`rewrite_waiting`]. Rewriting twice is harmless,
//! and a second rewrite that waited for the first finds the flag and does nothing.
//!
//! Key order rather than `ORDER BY RANDOM()`: it hides arrival just as well (the keys are
//! random), and each index takes its entries in order instead of all over the tree. On
//! PostgreSQL `answer`, thirty rows per response, also has its primary key dropped for the move
//! and built again afterwards, in the same transaction: at 100,000 responses per wave the move
//! took 43 s at random, 21 s in key order and 12 s with the key built afterwards
//! (docs/benchmarks.md).

use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// A table of the shuffle: its name, which of its rows belong to the wave (`{wave}`), and its
/// key, whose order is the new row order.
struct Shuffled {
    table: &'static str,
    rows: &'static str,
    key: &'static str,
}

/// In the order rows go back in (a row after the row it refers to); they come out in the reverse
/// order. The researchers' theme tags of the open answers go out and back in with them (their
/// foreign key would otherwise delete them with the open answers).
const TABLES: [Shuffled; 5] = [
    Shuffled {
        table: "response",
        rows: "wave_id = {wave}",
        key: "id",
    },
    Shuffled {
        table: "answer",
        rows: "response_id IN (SELECT id FROM response WHERE wave_id = {wave})",
        key: "response_id, item_key",
    },
    Shuffled {
        table: "open_answer",
        rows: "wave_id = {wave}",
        key: "id",
    },
    Shuffled {
        table: "open_answer_tag",
        rows: "open_answer_id IN (SELECT id FROM open_answer WHERE wave_id = {wave})",
        key: "open_answer_id, theme",
    },
    Shuffled {
        table: "access_code",
        rows: "wave_id = {wave}",
        key: "code_hash",
    },
];

/// Rewrites the wave's rows (see the module's comment), unless that was done: `true` when this
/// call rewrote them.
pub async fn shuffle_wave(db: &DatabaseConnection, wave_id: i32) -> Result<bool, DbErr> {
    let backend = db.get_database_backend();
    let txn = super::begin_write(db).await?;
    // One rewrite at a time, and no mixing meanwhile (PostgreSQL: the mixer's lock). Two
    // rewrites that both read `answer` before each asked for it alone would deadlock.
    if backend == DatabaseBackend::Postgres {
        txn.execute_unprepared(&format!(
            "SELECT pg_advisory_xact_lock({})",
            super::mixing::MIXER_LOCK
        ))
        .await?;
    }
    // The wave's row locked (PostgreSQL; SQLite's write lock is taken already): a rewrite that
    // waited here for another one sees that one's flag.
    let lock = match backend {
        DatabaseBackend::Postgres => " FOR UPDATE",
        _ => "",
    };
    let rewritten = txn
        .query_one_raw(Statement::from_string(
            backend,
            format!("SELECT rewritten FROM wave WHERE id = {wave_id}{lock}"),
        ))
        .await?
        .map(|row| row.try_get::<bool>("", "rewritten"))
        .transpose()?;
    if rewritten != Some(false) {
        // Rewritten already, or no such wave.
        txn.rollback().await?;
        return Ok(false);
    }
    // The wave's id is written into the statements (a number: nothing to escape), because
    // PostgreSQL takes no parameters in `CREATE TABLE … AS`.
    let rows_of = |t: &Shuffled| t.rows.replace("{wave}", &wave_id.to_string());
    // Copies first (answers and tags are found through the rows they belong to), then out and
    // back in (see `TABLES`).
    for t in &TABLES {
        txn.execute_unprepared(&format!(
            "CREATE TEMPORARY TABLE shuffle_{} AS SELECT * FROM {} WHERE {}",
            t.table,
            t.table,
            rows_of(t)
        ))
        .await?;
    }
    for t in TABLES.iter().rev() {
        txn.execute_unprepared(&format!("DELETE FROM {} WHERE {}", t.table, rows_of(t)))
            .await?;
    }
    let answer_key = match backend {
        DatabaseBackend::Postgres => Some(drop_primary_key(&txn, "answer").await?),
        _ => None,
    };
    for t in &TABLES {
        txn.execute_unprepared(&format!(
            "INSERT INTO {table} SELECT * FROM shuffle_{table} ORDER BY {key}",
            table = t.table,
            key = t.key
        ))
        .await?;
        txn.execute_unprepared(&format!("DROP TABLE shuffle_{}", t.table))
            .await?;
    }
    if let Some((name, definition)) = answer_key {
        txn.execute_unprepared(&format!(
            "ALTER TABLE answer ADD CONSTRAINT \"{name}\" {definition}"
        ))
        .await?;
    }
    txn.execute_unprepared(&format!(
        "UPDATE wave SET rewritten = TRUE WHERE id = {wave_id}"
    ))
    .await?;
    txn.commit().await?;
    // Outside the transaction: neither database vacuums inside one. The rewrite is committed
    // whatever happens here; should the vacuum fail, the log says so, and the database's own
    // vacuuming removes the old versions later (docs/operations.md).
    if let Err(e) = vacuum(db).await {
        tracing::error!(wave = wave_id, error = %e, "vacuum after rewriting a closed wave failed");
    }
    Ok(true)
}

/// Removes the old versions of the rewritten rows (and, on SQLite, empties the write-ahead log).
async fn vacuum(db: &DatabaseConnection) -> Result<(), DbErr> {
    match db.get_database_backend() {
        DatabaseBackend::Sqlite => {
            db.execute_unprepared("VACUUM").await?;
            // Until the log is copied into the file and emptied, the file still holds the pages
            // from before the rewrite: a reader busy at this moment (the mixer of another wave,
            // a dashboard) only delays it.
            if !super::wal::empty(db, 100).await? {
                tracing::warn!(
                    "the write-ahead log could not be emptied after rewriting a closed wave; \
                     the next checkpoint does it"
                );
            }
        }
        _ => {
            db.execute_unprepared(
                "VACUUM response, answer, open_answer, open_answer_tag, access_code",
            )
            .await?;
        }
    }
    Ok(())
}

/// Rewrites every closed or published wave whose rows were not rewritten (see the module's
/// comment); returns how many it rewrote.
pub async fn rewrite_waiting(db: &DatabaseConnection) -> Result<usize, DbErr> {
    let backend = db.get_database_backend();
    let waiting = db
        .query_all_raw(Statement::from_string(
            backend,
            "SELECT id FROM wave WHERE rewritten = FALSE AND state IN ('closed', 'published') \
             ORDER BY id",
        ))
        .await?;
    let mut rewritten = 0;
    for row in waiting {
        if shuffle_wave(db, row.try_get("", "id")?).await? {
            rewritten += 1;
        }
    }
    Ok(rewritten)
}

/// Drops a PostgreSQL table's primary key, returning its name and definition to add it back
/// with (`PRIMARY KEY (…)`, as PostgreSQL writes it).
async fn drop_primary_key<C: ConnectionTrait>(
    txn: &C,
    table: &str,
) -> Result<(String, String), DbErr> {
    let row = txn
        .query_one_raw(Statement::from_sql_and_values(
            DatabaseBackend::Postgres,
            "SELECT conname::text AS name, pg_get_constraintdef(oid) AS definition \
             FROM pg_constraint WHERE conrelid = $1::regclass AND contype = 'p'",
            [table.into()],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom(format!("{table} has no primary key")))?;
    let name: String = row.try_get("", "name")?;
    let definition: String = row.try_get("", "definition")?;
    txn.execute_unprepared(&format!("ALTER TABLE {table} DROP CONSTRAINT \"{name}\""))
        .await?;
    Ok((name, definition))
}
