//! Failed attempts counted in the database (`rate_limit`), so that every app server on one
//! PostgreSQL database counts them together and a restart forgets none. A row holds a scope
//! (what is counted: wrong codes per source, sign-ins per account, …), a keyed hash of the key
//! (never the address or e-mail itself), the failures in the key's window and when that window
//! ends, in milliseconds since 1970. Rows whose window has ended are deleted.

use sea_orm::{ConnectionTrait, DbErr, Statement};

/// A key's failures in its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count {
    pub failures: u32,
    /// When the window ends, in milliseconds since 1970.
    pub window_ends: i64,
}

/// A counted key and its count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Counted {
    pub scope: String,
    pub key_hash: String,
    pub count: Count,
}

fn count_of(row: &sea_orm::QueryResult) -> Result<Count, DbErr> {
    let failures: i32 = row.try_get("", "failures")?;
    Ok(Count {
        failures: u32::try_from(failures).unwrap_or(0),
        window_ends: row.try_get("", "window_ends")?,
    })
}

/// Counts one failure of `key_hash` at `now`: the first of a new window of `window_ms` when
/// the key has none or its window has ended. One statement, so two servers counting the same
/// key at once both count.
pub async fn record_failure<C: ConnectionTrait>(
    db: &C,
    scope: &str,
    key_hash: &str,
    now: i64,
    window_ms: i64,
) -> Result<Count, DbErr> {
    let sql = "INSERT INTO rate_limit (scope, key_hash, failures, window_ends) \
               VALUES ($1, $2, 1, $3) \
               ON CONFLICT (scope, key_hash) DO UPDATE SET \
               failures = CASE WHEN rate_limit.window_ends <= $4 THEN 1 \
                          ELSE rate_limit.failures + 1 END, \
               window_ends = CASE WHEN rate_limit.window_ends <= $4 THEN $3 \
                             ELSE rate_limit.window_ends END \
               RETURNING failures, window_ends";
    let row = db
        .query_one_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            sql,
            [
                scope.into(),
                key_hash.into(),
                (now + window_ms).into(),
                now.into(),
            ],
        ))
        .await?
        .ok_or_else(|| DbErr::Custom("counting a failure returned nothing".into()))?;
    count_of(&row)
}

/// Every key of `scope` whose window has not ended at `now`, with at least `failures`.
pub async fn counted<C: ConnectionTrait>(
    db: &C,
    scope: &str,
    at_least: u32,
    now: i64,
) -> Result<Vec<Counted>, DbErr> {
    let sql = "SELECT scope, key_hash, failures, window_ends FROM rate_limit \
               WHERE scope = $1 AND failures >= $2 AND window_ends > $3";
    db.query_all_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        sql,
        [
            scope.into(),
            i32::try_from(at_least).unwrap_or(i32::MAX).into(),
            now.into(),
        ],
    ))
    .await?
    .iter()
    .map(|row| {
        Ok(Counted {
            scope: row.try_get("", "scope")?,
            key_hash: row.try_get("", "key_hash")?,
            count: count_of(row)?,
        })
    })
    .collect()
}

/// Forgets a key's failures (after a success).
pub async fn forget<C: ConnectionTrait>(db: &C, scope: &str, key_hash: &str) -> Result<(), DbErr> {
    db.execute_raw(Statement::from_sql_and_values(
        db.get_database_backend(),
        "DELETE FROM rate_limit WHERE scope = $1 AND key_hash = $2",
        [scope.into(), key_hash.into()],
    ))
    .await?;
    Ok(())
}

/// Deletes the rows whose window ended before `now`; returns how many.
pub async fn prune<C: ConnectionTrait>(db: &C, now: i64) -> Result<u64, DbErr> {
    Ok(db
        .execute_raw(Statement::from_sql_and_values(
            db.get_database_backend(),
            "DELETE FROM rate_limit WHERE window_ends <= $1",
            [now.into()],
        ))
        .await?
        .rows_affected())
}
