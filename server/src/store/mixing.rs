//! Mixing: a response is not written into `response` by the transaction that marks its code
//! used. On PostgreSQL every row carries the id of the transaction that wrote it (`xmin`), and
//! transaction ids rise with time: written together, a code and its answers would share one id,
//! and the ids of responses would record the order in which they arrived. So the submission
//! transaction holds the whole response in `pending_response`, and the mixer moves held
//! responses in batches, in random order, in a transaction of its own that also rewrites the
//! batch's codes. A code and a response then share a transaction id only with at least a
//! batch of others. When fewer than a batch are moved at once (a wave closes, or responses
//! waited too long), the transaction also rewrites whole earlier batches of the same wave as
//! decoys. SQLite has no such ids; the same path runs there too, without decoys.

use super::responses::{insert_responses, NewResponse};
use crate::domain::seal::SealKey;
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Query, Value};
use sea_orm::{ConnectionTrait, DatabaseBackend, DatabaseConnection, DbErr, Statement};

/// The smallest batch the mixer moves on its own, unless forced.
pub const DEFAULT_BATCH: usize = 20;
/// The most responses one mixing transaction moves.
const MAX_PER_FLUSH: u64 = 500;
/// Any number: mixers of several app servers on one PostgreSQL take turns on this lock.
pub(super) const MIXER_LOCK: i64 = 0x7665_696c_6967;

/// What one round of mixing did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct Flushed {
    /// Responses moved into `response`.
    pub moved: usize,
    /// Responses still held afterwards (at least this many).
    pub left: usize,
    /// More were held than one round takes: run again at once.
    pub more: bool,
}

/// Which held responses to move.
#[derive(Debug, Clone, Copy)]
pub enum Select {
    /// All held responses once at least `batch` wait (those of waves that are no longer open
    /// always move); with `force`, whatever waits.
    Waiting { batch: usize, force: bool },
    /// Everything held for one wave (it closes or is published), with decoys up to `batch`.
    Wave { wave_id: i32, batch: usize },
}

/// Holds a checked response, sealed (see `domain::seal`): nothing readable waits beside its
/// code. Runs in the transaction that marks the code used.
pub async fn hold<C: ConnectionTrait>(
    db: &C,
    key: &SealKey,
    code_hash: &str,
    new: &NewResponse,
) -> Result<(), DbErr> {
    hold_many(db, key, &[(code_hash, new)]).await
}

/// Holds several checked responses, each with its code. Runs in the transaction that marks
/// their codes used.
pub async fn hold_many<C: ConnectionTrait>(
    db: &C,
    key: &SealKey,
    held: &[(&str, &NewResponse)],
) -> Result<(), DbErr> {
    let mut rows = Vec::with_capacity(held.len());
    for (code_hash, new) in held {
        let id = uuid::Uuid::new_v4().to_string();
        let plain = serde_json::to_string(new).map_err(|e| DbErr::Custom(e.to_string()))?;
        let payload = key
            .seal(&id, &plain)
            .map_err(|e| DbErr::Custom(format!("a held response: {e}")))?;
        rows.push(vec![
            id.into(),
            new.wave_id.into(),
            (*code_hash).into(),
            new.submission_hash.clone().into(),
            payload.into(),
        ]);
    }
    super::bulk::insert_rows(
        db,
        "pending_response",
        &["id", "wave_id", "code_hash", "submission_hash", "payload"],
        rows,
    )
    .await
}

/// How many responses are held, not yet mixed.
pub async fn pending<C: ConnectionTrait>(db: &C) -> Result<u64, DbErr> {
    let row = db
        .query_one_raw(Statement::from_string(
            db.get_database_backend(),
            "SELECT CAST(COUNT(*) AS BIGINT) AS n FROM pending_response",
        ))
        .await?;
    let n: i64 = row
        .map(|r| r.try_get::<i64>("", "n"))
        .transpose()?
        .unwrap_or(0);
    Ok(u64::try_from(n).unwrap_or(0))
}

struct Held {
    id: String,
    code_hash: String,
    submission_hash: String,
    payload: String,
    wave_open: bool,
}

/// Moves held responses into `response`, as `select` says.
pub async fn flush(
    db: &DatabaseConnection,
    key: &SealKey,
    select: Select,
) -> Result<Flushed, DbErr> {
    let backend = db.get_database_backend();
    let txn = super::begin_write(db).await?;
    if backend == DatabaseBackend::Postgres {
        // A wave that closes, or a forced round, waits for its turn; an ordinary round of the
        // periodic mixer is skipped instead.
        let sql = match select {
            Select::Wave { .. } | Select::Waiting { force: true, .. } => {
                "SELECT true AS got FROM (SELECT pg_advisory_xact_lock($1)) AS l"
            }
            Select::Waiting { force: false, .. } => "SELECT pg_try_advisory_xact_lock($1) AS got",
        };
        let got = txn
            .query_one_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [MIXER_LOCK.into()],
            ))
            .await?
            .map(|r| r.try_get::<bool>("", "got"))
            .transpose()?
            .unwrap_or(false);
        if !got {
            // Another server is mixing right now.
            txn.rollback().await?;
            return Ok(Flushed::default());
        }
    }
    let (filter, values): (&str, Vec<Value>) = match select {
        Select::Waiting { .. } => ("", vec![]),
        Select::Wave { wave_id, .. } => ("WHERE wave_id = $1", vec![wave_id.into()]),
    };
    // `id` is random, so this order is random too. The ids are chosen on the key alone: sorting
    // whole rows, payloads and all, would cost as much as every held response together.
    let sql = format!(
        "SELECT p.id, p.code_hash, p.submission_hash, p.payload, \
         CASE WHEN w.state = 'open' THEN 1 ELSE 0 END AS wave_open \
         FROM pending_response p JOIN wave w ON w.id = p.wave_id \
         WHERE p.id IN (SELECT id FROM pending_response {filter} ORDER BY id LIMIT {})",
        MAX_PER_FLUSH + 1
    );
    let rows = txn
        .query_all_raw(Statement::from_sql_and_values(backend, sql, values))
        .await?;
    let mut held = Vec::with_capacity(rows.len());
    for row in rows {
        held.push(Held {
            id: row.try_get("", "id")?,
            code_hash: row.try_get("", "code_hash")?,
            submission_hash: row.try_get("", "submission_hash")?,
            payload: row.try_get("", "payload")?,
            wave_open: row.try_get::<i32>("", "wave_open")? == 1,
        });
    }
    let more = held.len() as u64 > MAX_PER_FLUSH;
    held.truncate(MAX_PER_FLUSH as usize);
    let total = held.len();
    let (batch, force) = match select {
        Select::Waiting { batch, force } => (batch, force),
        Select::Wave { batch, .. } => (batch, true),
    };
    if held.len() < batch && !force {
        held.retain(|h| !h.wave_open);
    }
    if held.is_empty() {
        txn.rollback().await?;
        return Ok(Flushed {
            moved: 0,
            left: total,
            more,
        });
    }
    let mixed_before =
        super::responses::mixed_submissions(&txn, held.iter().map(|h| h.submission_hash.as_str()))
            .await?;
    let mut batch_rows = Vec::with_capacity(held.len());
    let mut taken = Vec::with_capacity(held.len());
    for h in &held {
        match open(key, h).and_then(|plain| {
            serde_json::from_str::<NewResponse>(&plain).map_err(|e| e.to_string())
        }) {
            Ok(new) => {
                taken.push(h);
                if !mixed_before.contains(&h.submission_hash) {
                    batch_rows.push(new);
                }
            }
            // Left where it is for an operator to look at; it must not stop the others.
            Err(e) => tracing::error!(error = %e, "a held response cannot be read"),
        }
    }
    {
        use rand::seq::SliceRandom;
        batch_rows.shuffle(&mut rand::rng());
    }
    insert_responses(&txn, &batch_rows).await?;
    let ids: Vec<Value> = taken.iter().map(|h| h.id.clone().into()).collect();
    let codes: Vec<Value> = taken.iter().map(|h| h.code_hash.clone().into()).collect();
    let delete = Query::delete()
        .from_table(Alias::new("pending_response"))
        .and_where(Expr::col(Alias::new("id")).is_in(ids))
        .to_owned();
    txn.execute(&delete).await?;
    // Rewritten here, the codes carry this transaction's id, shared with the whole batch.
    let touch = Query::update()
        .table(Alias::new("access_code"))
        .value(Alias::new("state"), Expr::col(Alias::new("state")))
        .and_where(Expr::col(Alias::new("code_hash")).is_in(codes))
        .to_owned();
    txn.execute(&touch).await?;
    if taken.len() < batch {
        let waves: std::collections::BTreeSet<i32> = batch_rows.iter().map(|r| r.wave_id).collect();
        for wave_id in waves {
            add_decoys(&txn, wave_id, batch - taken.len()).await?;
        }
    }
    txn.commit().await?;
    if backend == DatabaseBackend::Sqlite {
        forget_deleted_pages(db).await;
    }
    let moved = taken.len();
    Ok(Flushed {
        moved,
        left: total - moved + usize::from(more),
        more,
    })
}

/// The held response's payload: sealed, or (held by a version before sealing) plain JSON.
fn open(key: &SealKey, held: &Held) -> Result<String, String> {
    if SealKey::is_sealed(&held.payload) {
        key.open(&held.id, &held.payload).map_err(|e| e.to_string())
    } else {
        Ok(held.payload.clone())
    }
}

/// On SQLite, deleted held rows are overwritten (`secure_delete`, set on every connection in
/// `db::connect`) and the write-ahead log is copied into the database and emptied, so neither
/// file keeps an old page with a held row. A checkpoint that cannot finish now (a reader is
/// busy) finishes at a later round; it is not an error.
async fn forget_deleted_pages(db: &DatabaseConnection) {
    if let Err(e) = super::wal::empty(db, 1).await {
        tracing::warn!(error = %e, "the write-ahead log could not be emptied after mixing");
    }
}

/// Rewrites whole earlier batches of a wave (their responses, open answers and codes, known by their
/// shared transaction id), chosen at random, until this transaction holds at least `n` of each.
/// Whole batches, so that no earlier batch is left smaller. Only PostgreSQL has transaction
/// ids on rows; on SQLite there is nothing to hide this way.
async fn add_decoys<C: ConnectionTrait>(db: &C, wave_id: i32, n: usize) -> Result<(), DbErr> {
    let backend = db.get_database_backend();
    if backend != DatabaseBackend::Postgres {
        return Ok(());
    }
    let groups = db
        .query_all_raw(Statement::from_sql_and_values(
            backend,
            "SELECT xmin::text AS x, COUNT(*) AS n FROM response WHERE wave_id = $1 \
             AND xmin::text <> (txid_current() % 4294967296)::text GROUP BY xmin::text ORDER BY RANDOM()",
            [wave_id.into()],
        ))
        .await?;
    let mut added = 0;
    for group in groups {
        if added >= n {
            break;
        }
        let xmin: String = group.try_get("", "x")?;
        let size: i64 = group.try_get("", "n")?;
        for sql in [
            "UPDATE response SET wave_id = wave_id WHERE wave_id = $1 AND xmin::text = $2",
            "UPDATE open_answer SET wave_id = wave_id WHERE wave_id = $1 AND xmin::text = $2",
            "UPDATE access_code SET state = state WHERE wave_id = $1 AND state = 'used' \
             AND xmin::text = $2",
        ] {
            db.execute_raw(Statement::from_sql_and_values(
                backend,
                sql,
                [wave_id.into(), xmin.clone().into()],
            ))
            .await?;
        }
        added += usize::try_from(size).unwrap_or(0);
    }
    Ok(())
}
